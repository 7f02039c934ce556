internal import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Float` computes through OpenBLAS's single-precision routines (`cblas_sgemm`, `cblas_sgemv`, ...).
extension Float: BLASScalar {
    /// `C ← α·op(A)·op(B) + β·C` by `cblas_sgemm` (row-major).
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// `y ← α·op(A)·x + β·y` by `cblas_sgemv` (row-major).
    public static func gemv(transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha,
                    a, blasint(lda), x, 1, beta, y, 1)
    }

    /// `y ← α·x + y` by `cblas_saxpy`.
    public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(blasint(count), alpha, x, 1, y, 1)
    }

    /// `Σ xᵢ·yᵢ` by `cblas_sdot`.
    public static func dot(count: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>) -> Float {
        cblas_sdot(blasint(count), x, 1, y, 1)
    }

    /// `x ← α·x` by `cblas_sscal`.
    public static func scal(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
        cblas_sscal(blasint(count), alpha, x, 1)
    }

    /// `tanhf(x)`.
    public static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }

    /// Eigen's rational approximation of tanh: x·P(x²)/Q(x²) with x clamped to ±7.90531110763549805.
    @inlinable @inline(__always)
    public static func fastHyperbolicTangent(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -7.905_311_107_635_498_05), 7.905_311_107_635_498_05)
        let square = clamped * clamped
        var numerator: Float = -2.760_768_477_423_55e-16
        numerator = square * numerator + 2.000_187_904_824_77e-13
        numerator = square * numerator - 8.604_671_522_137_35e-11
        numerator = square * numerator + 5.122_297_090_371_14e-08
        numerator = square * numerator + 1.485_722_357_179_79e-05
        numerator = square * numerator + 6.372_619_288_754_36e-04
        numerator = square * numerator + 4.893_524_558_917_86e-03
        var denominator: Float = 1.198_258_394_667_02e-06
        denominator = square * denominator + 1.185_347_056_866_54e-04
        denominator = square * denominator + 2.268_434_632_439_00e-03
        denominator = square * denominator + 4.893_525_185_543_85e-03
        return clamped * numerator / denominator
    }

    /// `expf(x)`.
    public static func exponential(_ x: Float) -> Float { expf(x) }

    /// `logf(x)`.
    public static func naturalLogarithm(_ x: Float) -> Float { logf(x) }

    /// √x per lane: the estimate `0x5f37_5a86 − bits/2` (Lomont 2003), 3 Newton-Raphson steps, then x·y.
    @inlinable @inline(__always)
    public static func vectorSquareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let x = x + SIMD8(repeating: .leastNormalMagnitude)
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let estimate = SIMD8<UInt32>(repeating: 0x5f37_5a86) &- (bits &>> 1)
        var y = unsafeBitCast(estimate, to: SIMD8<Float>.self)
        let half = x * 0.5
        for _ in 0..<3 { y = y * (1.5 - half * y * y) }
        return x * y
    }

    /// 1: IEEE 754 binary32.
    public static var archiveTag: UInt8 { 1 }

    /// `Float32`.
    public static var archiveName: String { "Float32" }

    /// The 32-bit pattern, zero-extended.
    public var archiveBits: UInt64 { UInt64(bitPattern) }

    /// The value whose binary32 pattern is the low 32 bits of `archiveBits`.
    public init(archiveBits: UInt64) { self.init(bitPattern: UInt32(truncatingIfNeeded: archiveBits)) }
}
