import DuetNumerics
import DuetTestSupport
import XCTest

/// The MLP's fused, workspace and batch-1 paths against each other and against its layers composed by hand.
final class MLPTests: XCTestCase {
    private func actor<Scalar: BLASScalar>(_: Scalar.Type, seed: UInt64 = 20) -> MLP<Scalar> {
        var source = SeededSource(seed: seed)
        var network = MLP<Scalar>(widths: [17, 64, 64, 6], hiddenActivation: .relu, outputActivation: .tanh,
                                  usesLayerNorm: true, using: &source)
        for index in network.layerNorms.indices {
            network.layerNorms[index].gain = source.matrix(rows: 1, columns: 64, from: 0.5, to: 1.5)
            network.layerNorms[index].bias = source.matrix(rows: 1, columns: 64, from: -0.5, to: 0.5)
        }
        return network
    }

    func testWidthsAndLayout() {
        let network = actor(Float.self)
        XCTAssertEqual(network.widths, [17, 64, 64, 6])
        XCTAssertEqual(network.tensorCount, 10)
        XCTAssertEqual(network.tensorNames, [
            "layers.0.weight", "layers.0.bias", "layerNorms.0.gain", "layerNorms.0.bias",
            "layers.1.weight", "layers.1.bias", "layerNorms.1.gain", "layerNorms.1.bias",
            "layers.2.weight", "layers.2.bias",
        ])
        XCTAssertEqual(network.scalarCount, 17 * 64 + 64 + 128 + 64 * 64 + 64 + 128 + 64 * 6 + 6)
        XCTAssertEqual(network.tensor(at: 4).shape, MatrixShape(rows: 64, columns: 64))
    }

    func testForwardAndBackwardEqualTheLayersComposedByHand() {
        let network = actor(Double.self)
        var source = SeededSource(seed: 21)
        let input: Matrix<Double> = source.matrix(rows: 9, columns: 17)
        let outputGradient: Matrix<Double> = source.matrix(rows: 9, columns: 6)

        // Forward: Dense → LayerNorm → ReLU, twice, then Dense → tanh.
        let (z0, dense0) = network.layers[0].forward(input)
        let (n0, norm0) = network.layerNorms[0].forward(z0)
        let a0 = Activation.relu.forward(n0)
        let (z1, dense1) = network.layers[1].forward(a0)
        let (n1, norm1) = network.layerNorms[1].forward(z1)
        let a1 = Activation.relu.forward(n1)
        let (z2, dense2) = network.layers[2].forward(a1)
        let y = Activation.tanh.forward(z2)
        let (output, cache) = network.forward(input)
        assertClose(output, y, 1e-13, "output")

        // Backward in reverse.
        let dz2 = Activation.tanh.backward(output: y, outputGradient: outputGradient)
        let (g2, da1) = network.layers[2].backward(dense2, outputGradient: dz2)
        let dn1 = Activation.relu.backward(output: a1, outputGradient: da1)
        let (gn1, dz1) = network.layerNorms[1].backward(norm1, outputGradient: dn1)
        let (g1, da0) = network.layers[1].backward(dense1, outputGradient: dz1)
        let dn0 = Activation.relu.backward(output: a0, outputGradient: da0)
        let (gn0, dz0) = network.layerNorms[0].backward(norm0, outputGradient: dn0)
        let (g0, dx) = network.layers[0].backward(dense0, outputGradient: dz0)
        let (gradient, inputGradient) = network.backward(cache, outputGradient: outputGradient)
        assertClose(inputGradient, dx, 1e-12, "input gradient")
        let expected = [g0.weight, g0.bias, gn0.gain, gn0.bias, g1.weight, g1.bias, gn1.gain, gn1.bias,
                        g2.weight, g2.bias]
        for index in 0..<gradient.tensorCount {
            assertClose(gradient.tensor(at: index), expected[index], 1e-12, gradient.tensorName(at: index))
        }
    }

    func testWorkspacePathEqualsAllocatingPathAndReusesItsBuffers() {
        let network = actor(Float.self)
        var source = SeededSource(seed: 22)
        var cache = MLP<Float>.Cache()
        var gradient = network.zeroed()
        var outputAddress: UnsafePointer<Float>?
        var weightAddress: UnsafePointer<Float>?
        // Batch sizes change between steps: smaller batches reuse the larger blocks.
        for (step, batch) in [32, 32, 8, 32].enumerated() {
            let input: Matrix<Float> = source.matrix(rows: batch, columns: 17)
            let outputGradient: Matrix<Float> = source.matrix(rows: batch, columns: 6)
            network.forward(input, cache: &cache)
            network.backward(&cache, outputGradient: outputGradient, gradient: &gradient)

            let (output, freshCache) = network.forward(input)
            let (freshGradient, freshInputGradient) = network.backward(freshCache, outputGradient: outputGradient)
            XCTAssertEqual(cache.output, output, "step \(step)")
            XCTAssertEqual(cache.inputGradient, freshInputGradient, "step \(step)")
            XCTAssertEqual(gradient, freshGradient, "step \(step)")

            let currentOutput = cache.output.withUnsafeBufferPointer { $0.baseAddress }
            let currentWeight = gradient.layers[1].weight.withUnsafeBufferPointer { $0.baseAddress }
            if step > 0 {
                XCTAssertEqual(currentOutput, outputAddress, "the output buffer was reallocated at step \(step)")
                XCTAssertEqual(currentWeight, weightAddress, "the gradient was reallocated at step \(step)")
            }
            outputAddress = currentOutput
            weightAddress = currentWeight
        }
    }

    func testSkippingTheInputGradientLeavesTheParameterGradientUnchanged() {
        let network = actor(Double.self)
        var source = SeededSource(seed: 23)
        let input: Matrix<Double> = source.matrix(rows: 5, columns: 17)
        let outputGradient: Matrix<Double> = source.matrix(rows: 5, columns: 6)
        var cache = MLP<Double>.Cache()
        var gradient = network.zeroed()
        network.forward(input, cache: &cache)
        network.backward(&cache, outputGradient: outputGradient, gradient: &gradient, computingInputGradient: false)
        let (_, freshCache) = network.forward(input)
        XCTAssertEqual(gradient, network.backward(freshCache, outputGradient: outputGradient).gradient)
        XCTAssertEqual(cache.inputGradient.rows, 0)
    }

    func testBatchOnePathEqualsTheBatchedForward() {
        for usesLayerNorm in [true, false] {
            var source = SeededSource(seed: 24)
            let network = MLP<Float>(widths: [17, 256, 256, 6], outputActivation: .tanh,
                                     usesLayerNorm: usesLayerNorm, using: &source)
            let batch: Matrix<Float> = source.matrix(rows: 6, columns: 17)
            let batched = network.forward(batch).output
            var buffers = MLP<Float>.InferenceBuffers()
            var output = [Float](repeating: 0, count: 6)
            for row in 0..<6 {
                let single = network.forward(single: batch.row(row))
                batch.row(row).withUnsafeBufferPointer { input in
                    output.withUnsafeMutableBufferPointer { target in
                        network.forward(single: input, into: target, buffers: &buffers)
                    }
                }
                XCTAssertEqual(single, output)
                for column in 0..<6 {
                    XCTAssertEqual(single[column], batched[row, column], accuracy: 1e-5,
                                   "row \(row), layerNorm=\(usesLayerNorm)")
                }
            }
            let dense = network.layers[0]
            let denseBatched = dense.forward(batch).output
            let denseSingle = dense.forward(single: batch.row(2))
            for column in 0..<256 {
                XCTAssertEqual(denseSingle[column], denseBatched[2, column], accuracy: 1e-5)
            }
        }
    }

    private func assertClose(_ actual: Matrix<Double>, _ expected: Matrix<Double>, _ tolerance: Double,
                             _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, label, file: file, line: line)
        guard actual.shape == expected.shape else { return }
        let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, tolerance, label, file: file, line: line)
    }
}
