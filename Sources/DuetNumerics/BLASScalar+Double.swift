internal import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Double` computes through OpenBLAS's double-precision routines (`cblas_dgemm`, `cblas_dgemv`, ...).
extension Double: BLASScalar {
    /// `C ← α·op(A)·op(B) + β·C` by `cblas_dgemm` (row-major).
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// `y ← α·op(A)·x + β·y` by `cblas_dgemv` (row-major).
    public static func gemv(transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha,
                    a, blasint(lda), x, 1, beta, y, 1)
    }

    /// `y ← α·x + y` by `cblas_daxpy`.
    public static func axpy(count: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasint(count), alpha, x, 1, y, 1)
    }

    /// `Σ xᵢ·yᵢ` by `cblas_ddot`.
    public static func dot(count: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>) -> Double {
        cblas_ddot(blasint(count), x, 1, y, 1)
    }

    /// `x ← α·x` by `cblas_dscal`.
    public static func scal(count: Int, alpha: Double, x: UnsafeMutablePointer<Double>) {
        cblas_dscal(blasint(count), alpha, x, 1)
    }

    /// `tanh(x)`.
    public static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }

    /// `tanh(x)`: Double keeps the exact libm function.
    @inlinable
    public static func fastHyperbolicTangent(_ x: Double) -> Double { hyperbolicTangent(x) }

    /// `exp(x)`.
    public static func exponential(_ x: Double) -> Double { exp(x) }

    /// `log(x)`.
    public static func naturalLogarithm(_ x: Double) -> Double { log(x) }

    /// √x per lane: the estimate `0x5fe6_eb50_c7b5_37a9 − bits/2` (Lomont 2003), 4 Newton-Raphson steps, then x·y.
    @inlinable @inline(__always)
    public static func vectorSquareRoot(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let x = x + SIMD8(repeating: .leastNormalMagnitude)
        let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
        let estimate = SIMD8<UInt64>(repeating: 0x5fe6_eb50_c7b5_37a9) &- (bits &>> 1)
        var y = unsafeBitCast(estimate, to: SIMD8<Double>.self)
        let half = x * 0.5
        for _ in 0..<4 { y = y * (1.5 - half * y * y) }
        return x * y
    }

    /// 2: IEEE 754 binary64.
    public static var archiveTag: UInt8 { 2 }

    /// `Float64`.
    public static var archiveName: String { "Float64" }

    /// The 64-bit pattern.
    public var archiveBits: UInt64 { bitPattern }

    /// The value whose binary64 pattern is `archiveBits`.
    public init(archiveBits: UInt64) { self.init(bitPattern: archiveBits) }
}
