/// Joining and splitting matrices side by side: a critic's input is the observation and the action in one row,
/// and its input gradient splits back into ∂Q/∂s and ∂Q/∂a.
extension Matrix {
    /// Writes `[left | right]` (the columns of `left` followed by those of `right`) into `result`, reusing its
    /// block.
    /// - Precondition: `left` and `right` have the same number of rows.
    @inlinable
    public static func concatenateColumns(_ left: Matrix, _ right: Matrix, into result: inout Matrix) {
        precondition(left.rows == right.rows,
                     "cannot put a \(left.shape) matrix beside a \(right.shape) one: the row counts differ")
        let (rows, leftColumns, rightColumns) = (left.rows, left.columns, right.columns)
        let columns = leftColumns + rightColumns
        result.resize(rows: rows, columns: columns)
        let target = result.mutableBase()
        for row in 0..<rows {
            (target + row &* columns).update(from: left.base + row &* leftColumns, count: leftColumns)
            (target + (row &* columns &+ leftColumns)).update(from: right.base + row &* rightColumns,
                                                               count: rightColumns)
        }
    }

    /// `[left | right]` as a new matrix.
    @inlinable
    public static func concatenatingColumns(_ left: Matrix, _ right: Matrix) -> Matrix {
        var result = Matrix()
        concatenateColumns(left, right, into: &result)
        return result
    }

    /// Writes the columns `range` of this matrix into `result`, reusing its block.
    /// - Precondition: `range` lies within `0..<columns`.
    @inlinable
    public func copyColumns(_ range: Range<Int>, into result: inout Matrix) {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns,
                     "columns \(range) out of range for a \(shape) matrix")
        result.resize(rows: rows, columns: range.count)
        let target = result.mutableBase()
        for row in 0..<rows {
            (target + row &* range.count).update(from: base + (row &* columns &+ range.lowerBound),
                                                 count: range.count)
        }
    }

    /// The columns `range` of this matrix, as a new matrix.
    @inlinable
    public func columns(in range: Range<Int>) -> Matrix {
        var result = Matrix()
        copyColumns(range, into: &result)
        return result
    }
}
