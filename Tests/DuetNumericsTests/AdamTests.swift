import DuetNumerics
import DuetTestSupport
import XCTest

/// Adam against hand-worked steps, and its state through an archive.
final class AdamTests: XCTestCase {
    /// A two-parameter "model": a 1→1 dense layer whose weight θ₀ and bias θ₁ are the parameters.
    private func model(_ weight: Double, _ bias: Double) -> Dense<Double> {
        Dense(weight: Matrix([[weight]]), bias: Matrix([[bias]]))
    }

    func testThreeStepsMatchTheHandComputation() {
        var parameters = model(1, -2)
        var optimizer = Adam(for: parameters, learningRate: 0.1)  // β₁ 0.9, β₂ 0.999, ε 1e-8
        XCTAssertEqual(optimizer.step, 0)

        optimizer.update(&parameters, along: model(0.5, -1))
        // t = 1, g = (0.5, −1):
        //   m = 0.1·g = (0.05, −0.1);  v = 0.001·g² = (2.5e-4, 1e-3)
        //   m̂ = m/(1 − 0.9) = (0.5, −1);  v̂ = v/(1 − 0.999) = (0.25, 1);  √v̂ = (0.5, 1)
        //   θ₀ = 1 − 0.1·0.5/(0.5 + 1e-8) = 1 − 0.099999998 = 0.900000002
        //   θ₁ = −2 − 0.1·(−1)/(1 + 1e-8) = −2 + 0.099999999 = −1.900000001
        XCTAssertEqual(optimizer.step, 1)
        XCTAssertEqual(parameters.weight[0, 0], 0.900000002, accuracy: 1e-15)
        XCTAssertEqual(parameters.bias[0, 0], -1.900000001, accuracy: 1e-15)
        XCTAssertEqual(optimizer.firstMoments[0][0, 0], 0.05, accuracy: 1e-15)
        XCTAssertEqual(optimizer.secondMoments[1][0, 0], 1e-3, accuracy: 1e-15)

        optimizer.update(&parameters, along: model(-0.25, 0.5))
        // t = 2, g = (−0.25, 0.5):
        //   m₀ = 0.9·0.05 + 0.1·(−0.25) = 0.02;  v₀ = 0.999·2.5e-4 + 0.001·0.0625 = 3.1225e-4
        //   m̂₀ = 0.02/(1 − 0.81) = 0.105263158;  v̂₀ = 3.1225e-4/(1 − 0.998001) = 0.156203102, √ = 0.395225382
        //   θ₀ = 0.900000002 − 0.1·0.105263158/(0.395225382 + 1e-8) = 0.900000002 − 0.026633703 = 0.873366299
        //   m₁ = 0.9·(−0.1) + 0.1·0.5 = −0.04;  v₁ = 0.999·1e-3 + 0.001·0.25 = 1.249e-3
        //   m̂₁ = −0.210526316;  v̂₁ = 1.249e-3/0.001999 = 0.624812406, √ = 0.790450762
        //   θ₁ = −1.900000001 + 0.1·0.210526316/0.790450772 = −1.900000001 + 0.026633704 = −1.873366297
        XCTAssertEqual(parameters.weight[0, 0], 0.8733662987078463, accuracy: 1e-12)
        XCTAssertEqual(parameters.bias[0, 0], -1.873366297370903, accuracy: 1e-12)

        optimizer.update(&parameters, along: model(1, 1))
        // t = 3, g = (1, 1):
        //   m₀ = 0.9·0.02 + 0.1 = 0.118;  v₀ = 0.999·3.1225e-4 + 0.001 = 1.31193775e-3
        //   m̂₀ = 0.118/(1 − 0.729) = 0.435424354
        //   v̂₀ = 1.31193775e-3/(1 − 0.997002999) = 0.437750188, √ = 0.661626925
        //   θ₀ = 0.873366299 − 0.1·0.435424354/(0.661626925 + 1e-8) = 0.873366299 − 0.065811159 = 0.807555140
        //   m₁ = 0.9·(−0.04) + 0.1 = 0.064;  v₁ = 0.999·1.249e-3 + 0.001 = 2.247751e-3
        //   m̂₁ = 0.064/0.271 = 0.236162362;  v̂₁ = 2.247751e-3/0.002997001 = 0.750000083, √ = 0.866025452
        //   θ₁ = −1.873366297 − 0.1·0.236162362/(0.866025452 + 1e-8) = −1.873366297 − 0.027269679 = −1.900635976
        XCTAssertEqual(parameters.weight[0, 0], 0.8075551396770898, accuracy: 1e-12)
        XCTAssertEqual(parameters.bias[0, 0], -1.9006359761506924, accuracy: 1e-12)
        XCTAssertEqual(optimizer.step, 3)
    }

    func testWeightDecayIsAddedToTheGradient() {
        var parameters = model(1, -2)
        var optimizer = Adam(for: parameters, learningRate: 0.1, weightDecay: 0.1)
        optimizer.update(&parameters, along: model(0.5, -1))
        // t = 1: g ← g + λθ = (0.5 + 0.1·1, −1 + 0.1·(−2)) = (0.6, −1.2); m̂ = g, √v̂ = |g|:
        //   θ₀ = 1 − 0.1·0.6/(0.6 + 1e-8) = 0.9000000016666666;  θ₁ = −2 + 0.1·1.2/(1.2 + 1e-8) = −1.9000000008333333
        XCTAssertEqual(parameters.weight[0, 0], 0.9000000016666666, accuracy: 1e-15)
        XCTAssertEqual(parameters.bias[0, 0], -1.9000000008333333, accuracy: 1e-15)
        XCTAssertEqual(optimizer.firstMoments[0][0, 0], 0.06, accuracy: 1e-15)
    }

    func testLargerEpsilonDampsTheFirstStep() {
        var parameters = model(0, 0)
        var optimizer = Adam(for: parameters, learningRate: 1, epsilon: 1e-5)
        optimizer.update(&parameters, along: model(1e-5, 0))
        // t = 1, g = 1e-5: m̂ = 1e-5, √v̂ = 1e-5: θ₀ = −1·1e-5/(1e-5 + 1e-5) = −0.5; g = 0 leaves θ₁ at 0.
        XCTAssertEqual(parameters.weight[0, 0], -0.5, accuracy: 1e-12)
        XCTAssertEqual(parameters.bias[0, 0], 0)
    }

    func testVectorPathMatchesTheFormulaInDoubleAndFloat() {
        checkVectorPath(Double.self, tolerance: 1e-14)
        checkVectorPath(Float.self, tolerance: 1e-6)
    }

    /// A 19-entry weight (two 8-lane blocks and a 3-entry tail) against the update written out in Double with an
    /// exact square root; the vector path's √v is a Newton-Raphson estimate.
    private func checkVectorPath<Scalar: BLASScalar>(_: Scalar.Type, tolerance: Double) {
        var source = SeededSource(seed: 42)
        var parameters = Dense<Scalar>(weight: source.matrix(rows: 1, columns: 19), bias: Matrix(rows: 1, columns: 19))
        var optimizer = Adam(for: parameters, learningRate: 0.01, weightDecay: 0.1)
        var theta = parameters.weight.scalars.map(Double.init)
        var m = [Double](repeating: 0, count: 19)
        var v = [Double](repeating: 0, count: 19)
        for step in 1...4 {
            // Gradients spanning many magnitudes, including exact zeros.
            let gradient = Dense<Scalar>(weight: Matrix(rows: 1, columns: 19) { _, column in
                column % 5 == 0 ? 0 : Scalar(source.nextUniform(from: -1, to: 1) * pow(10, -Double(column % 7)))
            }, bias: Matrix(rows: 1, columns: 19))
            optimizer.update(&parameters, along: gradient)
            for index in 0..<19 {
                let g = Double(gradient.weight[0, index]) + 0.1 * theta[index]
                m[index] = 0.9 * m[index] + 0.1 * g
                v[index] = 0.999 * v[index] + 0.001 * g * g
                let mHat = m[index] / (1 - pow(0.9, Double(step)))
                let vHat = v[index] / (1 - pow(0.999, Double(step)))
                theta[index] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        for index in 0..<19 {
            XCTAssertEqual(Double(parameters.weight[0, index]), theta[index],
                           accuracy: tolerance * max(1, abs(theta[index])), "\(Scalar.self) entry \(index)")
        }
    }

    func testStateRoundTripsThroughAnArchiveAndTrainingContinuesIdentically() throws {
        var source = SeededSource(seed: 40)
        var network = MLP<Float>(widths: [3, 16, 16, 2], usesLayerNorm: true, using: &source)
        var optimizer = Adam(for: network, learningRate: 1e-3)
        let batches: [(Matrix<Float>, Matrix<Float>)] = (0..<5).map { _ in
            (source.matrix(rows: 8, columns: 3), source.matrix(rows: 8, columns: 2))
        }
        func train(_ network: inout MLP<Float>, _ optimizer: inout Adam<Float>, on range: Range<Int>) {
            for index in range {
                let (output, cache) = network.forward(batches[index].0)
                let loss = Loss.meanSquaredError(prediction: output, target: batches[index].1)
                optimizer.update(&network, along: network.backward(cache, outputGradient: loss.gradient).gradient)
            }
        }
        train(&network, &optimizer, on: 0..<3)

        var archive = ParameterArchive<Float>()
        archive.store(network, prefix: "actor")
        optimizer.store(in: &archive, prefix: "actor.adam")
        let loaded = try ParameterArchive<Float>(decoding: archive.encoded())
        XCTAssertEqual(loaded, archive)

        var restoredNetwork = MLP<Float>(widths: [3, 16, 16, 2], usesLayerNorm: true, using: &source)
        var restoredOptimizer = Adam(for: restoredNetwork, learningRate: 1e-3)
        try loaded.restore(&restoredNetwork, prefix: "actor")
        try restoredOptimizer.restore(from: loaded, prefix: "actor.adam")
        XCTAssertEqual(restoredNetwork, network)
        XCTAssertEqual(restoredOptimizer, optimizer)
        XCTAssertEqual(restoredOptimizer.step, 3)

        train(&network, &optimizer, on: 3..<5)
        train(&restoredNetwork, &restoredOptimizer, on: 3..<5)
        XCTAssertEqual(restoredNetwork, network)
        XCTAssertEqual(restoredOptimizer, optimizer)
    }

    func testRestoringIntoAnOptimiserForAnotherLayoutFailsWithTheTensorName() {
        var source = SeededSource(seed: 41)
        let small = MLP<Float>(widths: [3, 4, 2], using: &source)
        let large = MLP<Float>(widths: [3, 5, 2], using: &source)
        var archive = ParameterArchive<Float>()
        Adam(for: small, learningRate: 1e-3).store(in: &archive, prefix: "adam")
        var optimizer = Adam(for: large, learningRate: 1e-3)
        XCTAssertThrowsError(try optimizer.restore(from: archive, prefix: "adam")) { error in
            XCTAssertEqual(error as? NumericsError, .shapeMismatch(
                source: "<memory>", name: "adam.firstMoment.layers.0.weight",
                stored: MatrixShape(rows: 3, columns: 4), expected: MatrixShape(rows: 3, columns: 5)))
        }
        XCTAssertEqual(optimizer, Adam(for: large, learningRate: 1e-3))
    }
}
