import DuetNumerics
import XCTest

/// Loss values and gradients on hand-worked examples.
final class LossTests: XCTestCase {
    let prediction = Matrix<Double>([[1, 2], [3, 4]])
    let target = Matrix<Double>([[0, 2], [1, 7]])

    func testMeanSquaredError() {
        let (value, gradient) = Loss.meanSquaredError(prediction: prediction, target: target)
        // d = (1, 0, 2, −3): L = (1 + 0 + 4 + 9)/4 = 3.5; ∂L/∂ŷ = 2d/4 = (0.5, 0, 1, −1.5)
        XCTAssertEqual(value, 3.5)
        XCTAssertEqual(gradient, Matrix([[0.5, 0], [1, -1.5]]))
    }

    func testWeightedMeanSquaredError() {
        let weights = Matrix<Double>([[2], [0.5]])
        let (value, gradient) = Loss.meanSquaredError(prediction: prediction, target: target, weights: weights)
        // L = (2·(1 + 0) + 0.5·(4 + 9))/4 = 8.5/4 = 2.125; ∂L/∂ŷ = 2·w·d/4 = (1, 0, 0.5, −0.75)
        XCTAssertEqual(value, 2.125)
        XCTAssertEqual(gradient, Matrix([[1, 0], [0.5, -0.75]]))
        let unit = Loss.meanSquaredError(prediction: prediction, target: target, weights: Matrix([[1], [1]]))
        XCTAssertEqual(unit.value, 3.5)
    }

    func testHuberLossWithUnitThreshold() {
        let huberPrediction = Matrix<Double>([[0.5, -2], [1, 0]])
        let (value, gradient) = Loss.huber(prediction: huberPrediction, target: Matrix(rows: 2, columns: 2))
        // d = (0.5, −2, 1, 0), δ = 1: ℓ = (0.125, 2 − 0.5, 1 − 0.5, 0) (|d| = δ takes the linear branch, as
        // PyTorch); L = 2.125/4 = 0.53125; ∂L/∂ŷ = (0.5, −1, 1, 0)/4
        XCTAssertEqual(value, 0.53125)
        XCTAssertEqual(gradient, Matrix([[0.125, -0.25], [0.25, 0]]))
    }

    func testHuberLossWithAnotherThreshold() {
        let (value, gradient) = Loss.huber(prediction: Matrix<Double>([[3, -1]]), target: Matrix([[0, 0]]), delta: 2)
        // δ = 2: d = 3 → 2·(3 − 1) = 4, gradient 2/2; d = −1 → 0.5, gradient −1/2. L = 4.5/2 = 2.25
        XCTAssertEqual(value, 2.25)
        XCTAssertEqual(gradient, Matrix([[1, -0.5]]))
    }

    func testWorkspaceVariantsReuseTheGradientMatrix() {
        var gradient = Matrix<Float>(rows: 4, columns: 4)
        let address = gradient.withUnsafeBufferPointer { $0.baseAddress }
        let value = Loss.meanSquaredError(prediction: Matrix<Float>([[1, 2]]), target: Matrix([[1, 0]]),
                                          gradient: &gradient)
        XCTAssertEqual(value, 2)
        XCTAssertEqual(gradient, Matrix([[0, 2]]))
        XCTAssertEqual(gradient.withUnsafeBufferPointer { $0.baseAddress }, address)
    }
}
