import DuetNumerics
import DuetTestSupport
import XCTest

/// Global-norm clipping, Polyak averaging and gradient arithmetic, on hand-worked values.
final class ParameterArithmeticTests: XCTestCase {
    /// A dense layer used as a bag of two tensors: W = [[a, b]] and bias [[c, d]].
    private func tensors(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Dense<Double> {
        Dense(weight: Matrix([[a, b]]), bias: Matrix([[c, d]]))
    }

    func testGlobalNormIsTheNormOfAllTensorsTogether() {
        // √(1 + 4 + 4 + 16) = √25 = 5
        XCTAssertEqual(tensors(1, 2, -2, 4).globalNorm, 5)
        XCTAssertEqual(tensors(1, 2, -2, 4).squaredGlobalNorm, 25)
    }

    func testClippingScalesDownToTheMaximumNormAndReturnsThePreviousNorm() {
        var gradient = tensors(0, 3, 4, 0)
        let norm = gradient.clipByGlobalNorm(1)
        // n = 5; c = 1/(5 + 1e-6) = 0.19999996000000800; every entry is multiplied by c.
        XCTAssertEqual(norm, 5)
        XCTAssertEqual(gradient.weight[0, 1], 3 / (5 + 1e-6), accuracy: 1e-15)
        XCTAssertEqual(gradient.bias[0, 0], 4 / (5 + 1e-6), accuracy: 1e-15)
        XCTAssertEqual(gradient.globalNorm, 1, accuracy: 1e-6)
    }

    func testClippingLeavesASmallGradientAlone() {
        var gradient = tensors(0, 3, 4, 0)
        // n = 5; c = 10/(5 + 1e-6) ≥ 1: unchanged.
        XCTAssertEqual(gradient.clipByGlobalNorm(10), 5)
        XCTAssertEqual(gradient, tensors(0, 3, 4, 0))
    }

    func testPolyakAveraging() {
        var target = tensors(1, 2, -4, 0)
        target.polyakAverage(toward: tensors(3, -2, 4, 8), rate: 0.25)
        // θ′ ← 0.75·θ′ + 0.25·θ = (0.75 + 0.75, 1.5 − 0.5, −3 + 1, 0 + 2) = (1.5, 1, −2, 2)
        XCTAssertEqual(target, tensors(1.5, 1, -2, 2))
        var unchanged = tensors(1, 2, 3, 4)
        unchanged.polyakAverage(toward: tensors(9, 9, 9, 9), rate: 0)
        XCTAssertEqual(unchanged, tensors(1, 2, 3, 4))
        unchanged.polyakAverage(toward: tensors(9, 9, 9, 9), rate: 1)
        XCTAssertEqual(unchanged, tensors(9, 9, 9, 9))
    }

    func testZeroedAddAndScale() {
        let original = tensors(1, 2, 3, 4)
        var accumulator = original.zeroed()
        XCTAssertEqual(accumulator, tensors(0, 0, 0, 0))
        XCTAssertEqual(original, tensors(1, 2, 3, 4))
        accumulator.add(original)
        accumulator.add(tensors(1, 1, 1, 1), scaledBy: -2)
        XCTAssertEqual(accumulator, tensors(-1, 0, 1, 2))
        accumulator.scale(by: 0.5)
        XCTAssertEqual(accumulator, tensors(-0.5, 0, 0.5, 1))
        accumulator.zero()
        XCTAssertEqual(accumulator, tensors(0, 0, 0, 0))
    }
}
