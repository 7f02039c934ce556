import DuetNumerics
import DuetTestSupport
import XCTest

/// Central-difference checks of every backward pass: tight in Double (relative error < 10⁻⁶), loose in Float.
final class GradientCheckTests: XCTestCase {
    /// Double: h = 10⁻⁶, relative error below 10⁻⁶.
    static let doubleStep = 1e-6
    static let doubleTolerance = 1e-6
    /// Float: h = 10⁻², relative error below 2·10⁻²; Float checks only catch gross errors.
    static let floatStep: Float = 1e-2
    static let floatTolerance = 2e-2

    // MARK: Dense

    func testDenseInDouble() { checkDense(step: Self.doubleStep, tolerance: Self.doubleTolerance) }
    func testDenseInFloat() { checkDense(step: Self.floatStep, tolerance: Self.floatTolerance) }

    private func checkDense<Scalar: BLASScalar>(step: Scalar, tolerance: Double) {
        var source = SeededSource(seed: 10)
        let layer = Dense<Scalar>(inputCount: 5, outputCount: 4, using: &source)
        let input: Matrix<Scalar> = source.matrix(rows: 3, columns: 5)
        let projection: Matrix<Scalar> = source.matrix(rows: 3, columns: 4)
        let (_, cache) = layer.forward(input)
        let (gradient, inputGradient) = layer.backward(cache, outputGradient: projection)
        let inputCheck = GradientCheck.check(at: input, analytic: inputGradient, step: step) {
            GradientCheck.projection(layer.forward($0).output, onto: projection)
        }
        let parameterCheck = GradientCheck.check(parametersOf: layer, analytic: gradient, step: step) {
            GradientCheck.projection($0.forward(input).output, onto: projection)
        }
        XCTAssertLessThan(inputCheck.relativeError, tolerance, "\(Scalar.self) input: \(inputCheck)")
        XCTAssertLessThan(parameterCheck.relativeError, tolerance, "\(Scalar.self) parameters: \(parameterCheck)")
    }

    // MARK: LayerNorm

    func testLayerNormInDouble() { checkLayerNorm(step: Self.doubleStep, tolerance: Self.doubleTolerance) }
    func testLayerNormInFloat() { checkLayerNorm(step: Self.floatStep, tolerance: Self.floatTolerance) }

    private func checkLayerNorm<Scalar: BLASScalar>(step: Scalar, tolerance: Double) {
        var source = SeededSource(seed: 11)
        // Non-trivial γ and β, so that every term of the backward formula matters.
        let layer = LayerNorm<Scalar>(gain: source.matrix(rows: 1, columns: 6, from: 0.5, to: 1.5),
                                      bias: source.matrix(rows: 1, columns: 6))
        let input: Matrix<Scalar> = source.matrix(rows: 4, columns: 6, from: -2, to: 2)
        let projection: Matrix<Scalar> = source.matrix(rows: 4, columns: 6)
        let (_, cache) = layer.forward(input)
        let (gradient, inputGradient) = layer.backward(cache, outputGradient: projection)
        let inputCheck = GradientCheck.check(at: input, analytic: inputGradient, step: step) {
            GradientCheck.projection(layer.forward($0).output, onto: projection)
        }
        let parameterCheck = GradientCheck.check(parametersOf: layer, analytic: gradient, step: step) {
            GradientCheck.projection($0.forward(input).output, onto: projection)
        }
        XCTAssertLessThan(inputCheck.relativeError, tolerance, "\(Scalar.self) input: \(inputCheck)")
        XCTAssertLessThan(parameterCheck.relativeError, tolerance, "\(Scalar.self) parameters: \(parameterCheck)")
    }

    // MARK: Activations

    func testActivationsInDouble() { checkActivations(step: Self.doubleStep, tolerance: Self.doubleTolerance) }
    func testActivationsInFloat() { checkActivations(step: Self.floatStep, tolerance: Self.floatTolerance) }

    private func checkActivations<Scalar: BLASScalar>(step: Scalar, tolerance: Double) {
        var source = SeededSource(seed: 12)
        var input: Matrix<Scalar> = source.matrix(rows: 5, columns: 7, from: -2, to: 2)
        // Keep ReLU's inputs away from its kink at 0, where central differences are meaningless.
        input.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices where abs(buffer[index]) < 0.1 { buffer[index] += 0.2 }
        }
        let projection: Matrix<Scalar> = source.matrix(rows: 5, columns: 7)
        for activation in Activation.allCases {
            let output = activation.forward(input)
            let inputGradient = activation.backward(output: output, outputGradient: projection)
            let check = GradientCheck.check(at: input, analytic: inputGradient, step: step) {
                GradientCheck.projection(activation.forward($0), onto: projection)
            }
            XCTAssertLessThan(check.relativeError, tolerance, "\(Scalar.self) \(activation): \(check)")
        }
    }

    // MARK: Losses

    func testLossesInDouble() { checkLosses(step: Self.doubleStep, tolerance: Self.doubleTolerance) }
    func testLossesInFloat() { checkLosses(step: Self.floatStep / 10, tolerance: Self.floatTolerance) }

    private func checkLosses<Scalar: BLASScalar>(step: Scalar, tolerance: Double) {
        var source = SeededSource(seed: 13)
        let target: Matrix<Scalar> = source.matrix(rows: 6, columns: 3, from: -2, to: 2)
        var prediction: Matrix<Scalar> = source.matrix(rows: 6, columns: 3, from: -2, to: 2)
        // Keep |ŷ − y| away from Huber's threshold δ = 1, where the second derivative jumps.
        prediction.withUnsafeMutableBufferPointer { buffer in
            target.withUnsafeBufferPointer { wanted in
                for index in buffer.indices where abs(abs(buffer[index] - wanted[index]) - 1) < 0.05 {
                    buffer[index] += 0.1
                }
            }
        }
        let weights: Matrix<Scalar> = source.matrix(rows: 6, columns: 1, from: 0, to: 2)

        let mse = Loss.meanSquaredError(prediction: prediction, target: target)
        let mseCheck = GradientCheck.check(at: prediction, analytic: mse.gradient, step: step) {
            Double(Loss.meanSquaredError(prediction: $0, target: target).value)
        }
        XCTAssertLessThan(mseCheck.relativeError, tolerance, "\(Scalar.self) MSE: \(mseCheck)")

        let weighted = Loss.meanSquaredError(prediction: prediction, target: target, weights: weights)
        let weightedCheck = GradientCheck.check(at: prediction, analytic: weighted.gradient, step: step) {
            Double(Loss.meanSquaredError(prediction: $0, target: target, weights: weights).value)
        }
        XCTAssertLessThan(weightedCheck.relativeError, tolerance, "\(Scalar.self) weighted MSE: \(weightedCheck)")

        for delta: Scalar in [1, 0.5] {
            let huber = Loss.huber(prediction: prediction, target: target, delta: delta)
            let huberCheck = GradientCheck.check(at: prediction, analytic: huber.gradient, step: step) {
                Double(Loss.huber(prediction: $0, target: target, delta: delta).value)
            }
            XCTAssertLessThan(huberCheck.relativeError, tolerance, "\(Scalar.self) Huber δ=\(delta): \(huberCheck)")
        }
    }

    // MARK: MLP

    func testThreeLayerMLPWithLayerNormInDouble() {
        checkMLP(usesLayerNorm: true, hidden: .relu, output: .identity, step: Self.doubleStep,
                 tolerance: Self.doubleTolerance)
    }

    func testThreeLayerMLPWithLayerNormInFloat() {
        checkMLP(usesLayerNorm: true, hidden: .relu, output: .identity, step: Self.floatStep,
                 tolerance: Self.floatTolerance)
    }

    func testThreeLayerTanhMLPInDouble() {
        checkMLP(usesLayerNorm: false, hidden: .tanh, output: .tanh, step: Self.doubleStep,
                 tolerance: Self.doubleTolerance)
        checkMLP(usesLayerNorm: true, hidden: .tanh, output: .tanh, step: Self.doubleStep,
                 tolerance: Self.doubleTolerance)
    }

    func testThreeLayerTanhMLPInFloat() {
        checkMLP(usesLayerNorm: false, hidden: .tanh, output: .tanh, step: Self.floatStep,
                 tolerance: Self.floatTolerance)
    }

    private func checkMLP<Scalar: BLASScalar>(usesLayerNorm: Bool, hidden: Activation, output: Activation,
                                              step: Scalar, tolerance: Double) {
        var source = SeededSource(seed: 14)
        var network = MLP<Scalar>(widths: [5, 8, 7, 3], hiddenActivation: hidden, outputActivation: output,
                                  usesLayerNorm: usesLayerNorm, using: &source)
        // Non-trivial layer-norm parameters.
        for index in network.layerNorms.indices {
            network.layerNorms[index].gain = source.matrix(rows: 1, columns: network.layerNorms[index].count,
                                                           from: 0.5, to: 1.5)
            network.layerNorms[index].bias = source.matrix(rows: 1, columns: network.layerNorms[index].count,
                                                           from: -0.5, to: 0.5)
        }
        let input: Matrix<Scalar> = source.matrix(rows: 4, columns: 5, from: -2, to: 2)
        let projection: Matrix<Scalar> = source.matrix(rows: 4, columns: 3)
        let (_, cache) = network.forward(input)
        let (gradient, inputGradient) = network.backward(cache, outputGradient: projection)
        let inputCheck = GradientCheck.check(at: input, analytic: inputGradient, step: step) {
            GradientCheck.projection(network.forward($0).output, onto: projection)
        }
        let parameterCheck = GradientCheck.check(parametersOf: network, analytic: gradient, step: step) {
            GradientCheck.projection($0.forward(input).output, onto: projection)
        }
        let label = "\(Scalar.self) \(hidden)/\(output) layerNorm=\(usesLayerNorm)"
        XCTAssertEqual(parameterCheck.entryCount, network.scalarCount)
        XCTAssertLessThan(inputCheck.relativeError, tolerance, "\(label) input: \(inputCheck)")
        XCTAssertLessThan(parameterCheck.relativeError, tolerance, "\(label) parameters: \(parameterCheck)")
    }
}
