/// The orthogonal matrix behind ``DenseInitialization/orthogonal(gain:)``.
extension DenseInitialization {
    /// A `count × length` matrix (row-major, in Double) with orthonormal rows if `count ≤ length`, orthonormal
    /// columns otherwise, made as PyTorch's `orthogonal_` makes it.
    ///
    /// PyTorch draws a standard Gaussian `count × length` matrix G, transposes it if it is wide, takes its QR
    /// factorisation, multiplies Q by the signs of R's diagonal (which makes the result uniformly distributed
    /// over orthogonal matrices) and transposes back. Gram-Schmidt orthonormalisation of the columns of the tall
    /// matrix yields exactly that sign-corrected Q (its R has a positive diagonal); it is run twice per column
    /// ("twice is enough", Giraud et al. 2005) so that Q is orthonormal to rounding error.
    static func orthogonalRows(count: Int, length: Int, using source: inout some RandomSource) -> [Double] {
        var gaussian = [Double](repeating: 0, count: count * length)
        for index in gaussian.indices { gaussian[index] = source.nextGaussian() }

        // The tall matrix T (tallRows × tallColumns, tallRows ≥ tallColumns), stored column by column.
        let isWide = count < length
        let tallRows = isWide ? length : count
        let tallColumns = isWide ? count : length
        var columns = [[Double]](repeating: [Double](repeating: 0, count: tallRows), count: tallColumns)
        for row in 0..<count {
            for column in 0..<length {
                let value = gaussian[row * length + column]
                if isWide { columns[row][column] = value } else { columns[column][row] = value }
            }
        }

        for current in 0..<tallColumns {
            var vector = columns[current]
            for _ in 0..<2 {
                for previous in 0..<current {
                    let basis = columns[previous]
                    var projection = 0.0
                    for index in 0..<tallRows { projection += basis[index] * vector[index] }
                    for index in 0..<tallRows { vector[index] -= projection * basis[index] }
                }
            }
            var norm = 0.0
            for value in vector { norm += value * value }
            norm = norm.squareRoot()
            // A zero norm has probability zero for Gaussian draws; keep the zero column rather than divide by 0.
            if norm > 0 { for index in 0..<tallRows { vector[index] /= norm } }
            columns[current] = vector
        }

        // Back to count × length: Qᵀ if the matrix was wide, else Q itself.
        var result = [Double](repeating: 0, count: count * length)
        for row in 0..<count {
            for column in 0..<length {
                result[row * length + column] = isWide ? columns[row][column] : columns[column][row]
            }
        }
        return result
    }
}
