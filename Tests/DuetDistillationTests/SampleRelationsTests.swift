import DuetDistillation
import DuetNumerics
import DuetRandom
import XCTest

/// The flat-buffer ``SampleRelations`` against its first, nested-array implementation
/// (``SampleRelationsReference``), bit for bit: relation matrices, loss and gradient, on batches with repeated
/// states (distance 0), a state at the batch centre (no angle), zero weights, both penalties and either term off.
final class SampleRelationsTests: XCTestCase {
    /// A `rows × columns` batch of N(0, 1) draws; with `degenerate`, row 1 repeats row 0 and the last row is the
    /// mean of the others, so that it sits at the batch centre.
    private func batch(rows: Int, columns: Int, seed: UInt64, degenerate: Bool) -> Matrix<Float> {
        let stream = RandomStream(seed: seed, name: "relations")
        var matrix = Matrix<Float>(rows: rows, columns: columns) { _, _ in Float(stream.gaussian()) }
        guard degenerate else { return matrix }
        for k in 0..<columns { matrix[1, k] = matrix[0, k] }
        for k in 0..<columns {
            var sum: Float = 0
            for row in 0..<(rows - 1) { sum += matrix[row, k] }
            matrix[rows - 1, k] = sum / Float(rows - 1)
        }
        return matrix
    }

    func testTheFlatImplementationReproducesTheReferenceBitForBit() {
        var cases = 0
        for (rows, columns) in [(2, 1), (4, 3), (16, 2), (64, 300)] {
            for degenerate in [false, true] where !(degenerate && rows < 4) {
                let learner = batch(rows: rows, columns: columns, seed: UInt64(rows * 1000 + columns), degenerate: degenerate)
                let peer = batch(rows: rows, columns: columns, seed: UInt64(rows * 1000 + columns + 1), degenerate: false)
                XCTAssertEqual(SampleRelations.matrices(of: learner), SampleRelationsReference.matrices(of: learner))
                let target = SampleRelations.matrices(of: peer)
                let stream = RandomStream(seed: UInt64(rows), name: "weights")
                let weightSets = [[Double](repeating: 1, count: rows),
                                  (0..<rows).map { $0 % 3 == 0 ? 0 : stream.uniform() },
                                  [Double](repeating: 0, count: rows)]
                for weights in weightSets {
                    XCTAssertEqual(SampleRelations.pairWeights(weights), SampleRelationsReference.pairWeights(weights))
                    for penalty in RelationPenalty.allCases {
                        for (distance, angle) in [(1.0, 2.0), (0.0, 1.0), (1.0, 0.0)] {
                            var gradient = Matrix<Float>(), reference = Matrix<Float>()
                            let loss = SampleRelations.loss(features: learner, target: target, weights: weights,
                                                            distanceWeight: distance, angleWeight: angle,
                                                            penalty: penalty, gradient: &gradient)
                            let expected = SampleRelationsReference.loss(
                                features: learner, target: target, weights: weights, distanceWeight: distance,
                                angleWeight: angle, penalty: penalty, gradient: &reference)
                            XCTAssertEqual(loss.bitPattern, expected.bitPattern, "B \(rows), d \(columns), \(penalty)")
                            XCTAssertEqual(gradient.scalars.map(\.bitPattern), reference.scalars.map(\.bitPattern),
                                           "B \(rows), d \(columns), \(penalty), λ (\(distance), \(angle))")
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 7 * 3 * 2 * 3)
    }
}
