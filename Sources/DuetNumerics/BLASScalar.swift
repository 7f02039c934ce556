/// A floating-point type the numeric core computes in: `Float` (training and inference) or `Double` (gradient
/// checks and reference computations).
///
/// The requirements wrap the few OpenBLAS routines the core needs (`cblas_?gemm`, `cblas_?gemv`, `cblas_?axpy`,
/// `cblas_?dot`, `cblas_?scal`), the elementary functions the activations need, and the bit pattern used by the
/// archive format. Following swift-numerics' `Real`, each conforming type has its own file
/// (`BLASScalar+Float.swift`, `BLASScalar+Double.swift`) that calls the type's BLAS routines; everything else in
/// the core is written once, generically.
///
/// All matrices are row-major; the leading dimension of a row-major matrix is its number of columns (or more,
/// for a sub-matrix). Pointers must stay valid for the whole call.
public protocol BLASScalar: BinaryFloatingPoint, SIMDScalar, BitwiseCopyable, Sendable, Codable,
    CustomStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// General matrix product `C ← α·op(A)·op(B) + β·C` on row-major matrices (`cblas_?gemm`).
    ///
    /// - Parameters:
    ///   - transposeA: whether op(A) = Aᵀ; A is stored `m × k` when false, `k × m` when true.
    ///   - transposeB: whether op(B) = Bᵀ; B is stored `k × n` when false, `n × k` when true.
    ///   - m: rows of op(A) and of C.
    ///   - n: columns of op(B) and of C.
    ///   - k: columns of op(A), rows of op(B).
    ///   - alpha: the product's scale, denoted α.
    ///   - a: A's first element; `lda` its leading dimension (row stride).
    ///   - b: B's first element; `ldb` its leading dimension.
    ///   - beta: the scale of C's previous contents, denoted β (0 ignores them, even if NaN).
    ///   - c: C's first element; `ldc` its leading dimension.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// Matrix-vector product `y ← α·op(A)·x + β·y` on a row-major `m × n` matrix A (`cblas_?gemv`).
    ///
    /// - Parameters:
    ///   - transpose: whether op(A) = Aᵀ (then x has `m` entries and y has `n`; otherwise x has `n`, y has `m`).
    ///   - m: rows of A as stored.
    ///   - n: columns of A as stored.
    ///   - alpha: the product's scale, denoted α.
    ///   - a: A's first element; `lda` its leading dimension.
    ///   - x: the input vector (unit stride).
    ///   - beta: the scale of y's previous contents, denoted β.
    ///   - y: the output vector (unit stride).
    static func gemv(transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)

    /// `y ← α·x + y` over `count` unit-stride entries (`cblas_?axpy`).
    static func axpy(count: Int, alpha: Self, x: UnsafePointer<Self>, y: UnsafeMutablePointer<Self>)

    /// The dot product `Σ xᵢ·yᵢ` over `count` unit-stride entries (`cblas_?dot`).
    static func dot(count: Int, x: UnsafePointer<Self>, y: UnsafePointer<Self>) -> Self

    /// `x ← α·x` over `count` unit-stride entries (`cblas_?scal`).
    static func scal(count: Int, alpha: Self, x: UnsafeMutablePointer<Self>)

    /// The hyperbolic tangent, `tanh(x)` (C's `tanhf`/`tanh`).
    static func hyperbolicTangent(_ x: Self) -> Self

    /// tanh x as the activations compute it, in a form the loop vectoriser can use.
    ///
    /// `Float`: a rational minimax approximation on [−7.905, 7.905] (Eigen's `ptanh_float`; inputs outside are
    /// clamped), within 7 units in the last place of tanh (about 4·10⁻⁷), where `tanhf` is a scalar libm call
    /// that takes most of a tanh network's forward pass. `Double`: C's `tanh`, exact to rounding, since Double
    /// serves the gradient checks.
    static func fastHyperbolicTangent(_ x: Self) -> Self

    /// The exponential, `eˣ` (C's `expf`/`exp`).
    static func exponential(_ x: Self) -> Self

    /// The natural logarithm, `ln x` (C's `logf`/`log`).
    static func naturalLogarithm(_ x: Self) -> Self

    /// √x in each of eight lanes, in vector instructions, to within a few units in the last place.
    ///
    /// Swift on Linux lowers `squareRoot()` to a scalar `sqrtf`/`sqrt` call with an `errno` check, which no
    /// loop vectorises, so the optimiser's hot loop (Adam's √v) uses this instead: a bit-level estimate of
    /// 1/√x refined by Newton-Raphson steps, y ← y·(3/2 − x·y²/2), then √x = x·y. The smallest
    /// normal magnitude m is added first (so 0 gives √m ≈ 10⁻¹⁹ in Float, not a division by zero in the estimate),
    /// which changes no result by more than √m; inputs must be finite and non-negative, as Adam's v is.
    static func vectorSquareRoot(_ x: SIMD8<Self>) -> SIMD8<Self>

    /// The tag that identifies this type in a ``ParameterArchive`` (1 = Float32, 2 = Float64).
    static var archiveTag: UInt8 { get }

    /// A human-readable name of the type in archives and error messages, e.g. `Float32`.
    static var archiveName: String { get }

    /// The IEEE 754 bit pattern, zero-extended to 64 bits, as written to archives.
    var archiveBits: UInt64 { get }

    /// The value with the given IEEE 754 bit pattern (the low `MemoryLayout<Self>.size · 8` bits are used).
    init(archiveBits: UInt64)
}
