import DuetNumerics
import DuetRandom

/// Column slicing and joining, and Gaussian fills: the few matrix operations the learners need beyond
/// DuetNumerics. All write into caller-owned matrices and allocate nothing once these are large enough.
extension Matrix {
    /// Writes [A, B] (A's columns, then B's) into `result`: the critic input [s, a].
    /// - Precondition: A and B have the same number of rows.
    static func concatenatingColumns(_ left: Matrix, _ right: Matrix, into result: inout Matrix) {
        precondition(left.rows == right.rows, "cannot join a \(left.shape) and a \(right.shape) matrix side by side")
        let rows = left.rows
        let leftWidth = left.columns
        let rightWidth = right.columns
        let width = leftWidth + rightWidth
        result.resize(rows: rows, columns: width)
        left.withUnsafeBufferPointer { leftBuffer in
            right.withUnsafeBufferPointer { rightBuffer in
                result.withUnsafeMutableBufferPointer { target in
                    guard let to = target.baseAddress else { return }
                    if let from = leftBuffer.baseAddress, leftWidth > 0 {
                        for row in 0..<rows {
                            (to + row &* width).update(from: from + row &* leftWidth, count: leftWidth)
                        }
                    }
                    if let from = rightBuffer.baseAddress, rightWidth > 0 {
                        for row in 0..<rows {
                            (to + (row &* width &+ leftWidth)).update(from: from + row &* rightWidth, count: rightWidth)
                        }
                    }
                }
            }
        }
    }

    /// Writes columns `range` of this matrix into `result` (`rows × range.count`).
    /// - Precondition: `range` is within the columns.
    func copyColumns(_ range: Range<Int>, into result: inout Matrix) {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns,
                     "columns \(range) out of range for a \(shape) matrix")
        let rows = self.rows
        let width = columns
        let count = range.count
        result.resize(rows: rows, columns: count)
        guard count > 0 else { return }
        withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                for row in 0..<rows {
                    (to + row &* count).update(from: from + (row &* width &+ range.lowerBound), count: count)
                }
            }
        }
    }

    /// Resizes to `rows × columns` and fills with independent N(0, σ²) draws from `stream`, row by row.
    mutating func fillGaussian(rows: Int, columns: Int, standardDeviation: Double, using stream: RandomStream) {
        resize(rows: rows, columns: columns)
        withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                buffer[index] = Scalar(stream.gaussian(standardDeviation: standardDeviation))
            }
        }
    }

    /// The mean of all scalars, in Double (NaN for an empty matrix).
    var mean: Double {
        withUnsafeBufferPointer { buffer in
            guard !buffer.isEmpty else { return .nan }
            var total = 0.0
            for value in buffer { total += Double(value) }
            return total / Double(buffer.count)
        }
    }
}
