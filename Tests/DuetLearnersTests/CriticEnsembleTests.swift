import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import XCTest

final class CriticEnsembleTests: XCTestCase {
    func testTensorsAreNumberedCriticByCritic() {
        var source = SeededSource(seed: 1)
        let critics = CriticEnsemble<Float>(count: 2, observationDimension: 3, actionDimension: 1, hidden: [4],
                                            layerNorm: true, using: &source)
        // Per critic: W₁, b₁, γ₁, β₁, W₂, b₂.
        XCTAssertEqual(critics.tensorCount, 12)
        XCTAssertEqual(critics.tensorName(at: 0), "0.layers.0.weight")
        XCTAssertEqual(critics.tensorName(at: 2), "0.layerNorms.0.gain")
        XCTAssertEqual(critics.tensorName(at: 6), "1.layers.0.weight")
        XCTAssertEqual(critics.tensor(at: 11), critics.networks[1].layers[1].bias)
        XCTAssertEqual(critics.networks[0].widths, [4, 4, 1])
        XCTAssertNotEqual(critics.networks[0], critics.networks[1])
        var moved = critics
        moved.withTensor(at: 10) { $0[0, 0] = 42 }
        XCTAssertEqual(moved.networks[1].layers[1].weight[0, 0], 42)
    }

    func testMinimumTakesTheSmallerValuePerRow() {
        // Q₁(s, a) = s + a, Q₂(s, a) = 2s: rows (1, 0.5) → min(1.5, 2) = 1.5; (−1, 0.5) → min(−0.5, −2) = −2.
        let critics = CriticEnsemble(networks: [
            MLP(layers: [Dense(weight: Matrix<Double>([[1], [1]]), bias: Matrix(row: [0]))]),
            MLP(layers: [Dense(weight: Matrix<Double>([[2], [0]]), bias: Matrix(row: [0]))]),
        ])
        var caches: [MLP<Double>.Cache] = []
        critics.forward(Matrix([[1, 0.5], [-1, 0.5]]), caches: &caches)
        var minimum = Matrix<Double>()
        CriticEnsemble.minimum(of: caches, into: &minimum)
        XCTAssertEqual(minimum.scalars, [1.5, -2])
    }

    func testActionGradientPassMatchesTheFullBackwardPass() {
        for layerNorm in [false, true] {
            var source = SeededSource(seed: 2)
            let critics = CriticEnsemble<Float>(count: 2, observationDimension: 5, actionDimension: 3,
                                                hidden: [16, 12], layerNorm: layerNorm, using: &source)
            let input: Matrix<Float> = source.matrix(rows: 7, columns: 8)
            let outputGradient: Matrix<Float> = source.matrix(rows: 7, columns: 1)
            var workspace = CriticEnsemble<Float>.ActionGradientWorkspace()
            var actionGradient = Matrix<Float>(rows: 7, columns: 3)
            for critic in 0..<2 {
                critics.forwardForActionGradient(critic: critic, input: input, workspace: &workspace)
            }
            for critic in 0..<2 {
                critics.addActionGradient(critic: critic, outputGradient: outputGradient, actionColumns: 5..<8,
                                          workspace: &workspace, into: &actionGradient)
            }
            var expected = Matrix<Float>(rows: 7, columns: 3)
            for critic in 0..<2 {
                let network = critics.networks[critic]
                let (values, cache) = network.forward(input)
                XCTAssertEqual(critics.values(of: critic, in: workspace), values, "layer norm \(layerNorm)")
                let inputGradient = network.backward(cache, outputGradient: outputGradient).inputGradient
                for row in 0..<7 {
                    for k in 0..<3 { expected[row, k] += inputGradient[row, 5 + k] }
                }
            }
            for (a, b) in zip(actionGradient.scalars, expected.scalars) {
                XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), "layer norm \(layerNorm)")
            }
        }
    }
}
