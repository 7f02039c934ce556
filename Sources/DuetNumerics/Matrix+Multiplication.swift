/// Matrix products through BLAS: the one path every layer, benchmark and test uses.
extension Matrix {
    /// `C ← α·op(A)·op(B) + β·C` by one `gemm` call, where op(X) is X or Xᵀ.
    ///
    /// With β = 0 (the default) `result` is resized to the product's shape first, reusing its block when it is
    /// large enough and not shared, so a caller-owned result makes the call allocation-free. With β ≠ 0 `result`
    /// must already have the product's shape.
    ///
    /// - Parameters:
    ///   - a: the left factor A.
    ///   - b: the right factor B.
    ///   - transposingA: use Aᵀ instead of A.
    ///   - transposingB: use Bᵀ instead of B.
    ///   - alpha: the product's scale, denoted α.
    ///   - beta: the scale of `result`'s previous contents, denoted β.
    ///   - result: C, overwritten (β = 0) or accumulated into (β ≠ 0).
    /// - Precondition: the inner dimensions agree; with β ≠ 0, `result` has the product's shape.
    @inlinable
    public static func multiply(_ a: Matrix, _ b: Matrix, transposingA: Bool = false, transposingB: Bool = false,
                                alpha: Scalar = 1, beta: Scalar = 0, into result: inout Matrix) {
        let m = transposingA ? a.columns : a.rows
        let k = transposingA ? a.rows : a.columns
        let kOfB = transposingB ? b.columns : b.rows
        let n = transposingB ? b.rows : b.columns
        precondition(k == kOfB, "cannot multiply op(A) of shape \(m)×\(k) by op(B) of shape \(kOfB)×\(n)")
        if beta == 0 {
            result.resize(rows: m, columns: n)
        } else {
            precondition(result.rows == m && result.columns == n,
                         "accumulating a \(m)×\(n) product into a \(result.shape) matrix")
            result.makeUnique()
        }
        guard m > 0 && n > 0 else { return }
        if k == 0 {
            // BLAS leaves C untouched when k = 0; the product is zero.
            result.storage.base.update(repeating: 0, count: m &* n)
            return
        }
        Scalar.gemm(transposeA: transposingA, transposeB: transposingB, m: m, n: n, k: k,
                    alpha: alpha, a: a.storage.base, lda: Swift.max(a.columns, 1),
                    b: b.storage.base, ldb: Swift.max(b.columns, 1),
                    beta: beta, c: result.storage.base, ldc: Swift.max(n, 1))
    }

    /// The product `α·op(A)·op(B)` as a new matrix (see ``multiply(_:_:transposingA:transposingB:alpha:beta:into:)``).
    @inlinable
    public static func product(_ a: Matrix, _ b: Matrix, transposingA: Bool = false, transposingB: Bool = false,
                               alpha: Scalar = 1) -> Matrix {
        var result = Matrix()
        multiply(a, b, transposingA: transposingA, transposingB: transposingB, alpha: alpha, into: &result)
        return result
    }

    /// `y ← α·op(A)·x + β·y` by one `gemv` call, with this matrix as A.
    ///
    /// - Parameters:
    ///   - x: the input vector: `columns` entries, or `rows` when transposing.
    ///   - transposed: use Aᵀ instead of A.
    ///   - alpha: the product's scale, denoted α.
    ///   - beta: the scale of `y`'s previous contents, denoted β.
    ///   - y: the output vector: `rows` entries, or `columns` when transposing.
    /// - Precondition: the buffers have the right lengths.
    @inlinable
    public func multiply(vector x: UnsafeBufferPointer<Scalar>, transposed: Bool = false,
                         alpha: Scalar = 1, beta: Scalar = 0, into y: UnsafeMutableBufferPointer<Scalar>) {
        let inputCount = transposed ? rows : columns
        let outputCount = transposed ? columns : rows
        precondition(x.count == inputCount && y.count == outputCount,
                     "a \(shape) matrix\(transposed ? " transposed" : "") maps \(inputCount) entries to "
                        + "\(outputCount), not \(x.count) to \(y.count)")
        guard outputCount > 0 else { return }
        guard inputCount > 0, let input = x.baseAddress, let output = y.baseAddress else {
            if beta == 0 { y.update(repeating: 0) } else { for index in y.indices { y[index] *= beta } }
            return
        }
        Scalar.gemv(transpose: transposed, m: rows, n: columns, alpha: alpha, a: storage.base,
                    lda: Swift.max(columns, 1), x: input, beta: beta, y: output)
    }

    /// The product `op(A)·x` as a new array, with this matrix as A (one `gemv` call).
    @inlinable
    public func multiplied(by x: [Scalar], transposed: Bool = false) -> [Scalar] {
        var y = [Scalar](repeating: 0, count: transposed ? columns : rows)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                multiply(vector: input, transposed: transposed, into: output)
            }
        }
        return y
    }

    /// The transpose Aᵀ, as a new matrix.
    @inlinable
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        let source = base
        let target = result.mutableBase()
        for row in 0..<rows {
            for column in 0..<columns {
                target[column &* rows &+ row] = source[row &* columns &+ column]
            }
        }
        return result
    }
}
