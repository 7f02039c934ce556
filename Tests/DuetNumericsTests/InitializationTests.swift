import DuetNumerics
import DuetTestSupport
import XCTest

/// Ranges, moments and orthogonality of the initialisers, and their determinism.
final class InitializationTests: XCTestCase {
    private func draw(_ initialization: DenseInitialization, inputCount: Int, outputCount: Int, seed: UInt64 = 30)
        -> Dense<Double> {
        var source = SeededSource(seed: seed)
        return Dense<Double>(inputCount: inputCount, outputCount: outputCount, initialization: initialization,
                             using: &source)
    }

    /// Checks that the values lie in [−bound, bound] and have the mean 0 and variance bound²/3 of a uniform law.
    private func assertUniform(_ values: [Double], bound: Double, _ label: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        let count = Double(values.count)
        XCTAssertTrue(values.allSatisfy { abs($0) <= bound }, "\(label): outside ±\(bound)", file: file, line: line)
        let mean = values.reduce(0, +) / count
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        let expectedVariance = bound * bound / 3
        // Standard errors: mean σ/√n; variance about 0.9·σ²·√(0.8/n) for a uniform law; allow 4 of each.
        XCTAssertLessThan(abs(mean), 4 * (expectedVariance / count).squareRoot(), "\(label): mean \(mean)",
                          file: file, line: line)
        XCTAssertEqual(variance, expectedVariance, accuracy: 4 * expectedVariance * (0.8 / count).squareRoot(),
                       "\(label): variance", file: file, line: line)
        XCTAssertGreaterThan(values.map(abs).max() ?? 0, 0.95 * bound, "\(label): range not covered",
                             file: file, line: line)
    }

    func testPyTorchDefaultIsUniformWithinOneOverRootFanIn() {
        let layer = draw(.pytorchDefault, inputCount: 64, outputCount: 256)
        assertUniform(layer.weight.scalars, bound: 1.0 / 8, "weight")
        XCTAssertTrue(layer.bias.scalars.allSatisfy { abs($0) <= 1.0 / 8 })
        XCTAssertGreaterThan(Set(layer.bias.scalars).count, 250)
    }

    func testGlorotUniformUsesFanInAndFanOut() {
        let layer = draw(.glorotUniform(), inputCount: 100, outputCount: 50)
        assertUniform(layer.weight.scalars, bound: (6.0 / 150).squareRoot(), "weight")
        XCTAssertEqual(layer.bias, Matrix(rows: 1, columns: 50))
        let scaled = draw(.glorotUniform(gain: 2), inputCount: 100, outputCount: 50)
        XCTAssertTrue(scaled.weight.scalars.allSatisfy { abs($0) <= 2 * (6.0 / 150).squareRoot() })
    }

    func testSmallUniformIsWithinThreeThousandths() {
        let layer = draw(.smallUniform, inputCount: 256, outputCount: 6)
        assertUniform(layer.weight.scalars, bound: 3e-3, "weight")
        XCTAssertTrue(layer.bias.scalars.allSatisfy { abs($0) <= 3e-3 && $0 != 0 })
    }

    func testOrthogonalWithGainHasOrthogonalRowsOrColumns() {
        let gain = 2.0.squareRoot()
        // (inputCount, outputCount): tall, wide and square in PyTorch's [out × in] terms.
        for (inputCount, outputCount) in [(17, 64), (64, 6), (32, 32)] {
            let layer = draw(.orthogonal(gain: gain), inputCount: inputCount, outputCount: outputCount)
            let weight = layer.weight  // inputCount × outputCount
            // Orthogonal along the shorter side: WᵀW = g²·I (outputs ≤ inputs) or W·Wᵀ = g²·I (outputs > inputs).
            let gram = outputCount <= inputCount
                ? Matrix.product(weight, weight, transposingA: true)
                : Matrix.product(weight, weight, transposingB: true)
            for i in 0..<gram.rows {
                for j in 0..<gram.columns {
                    XCTAssertEqual(gram[i, j], i == j ? gain * gain : 0, accuracy: 1e-12,
                                   "\(inputCount)→\(outputCount) Gram[\(i), \(j)]")
                }
            }
            XCTAssertEqual(layer.bias, Matrix(rows: 1, columns: outputCount))
        }
    }

    func testOrthogonalDrawsAreNotBiasedTowardsPositiveDiagonals() {
        // With the sign correction, the diagonal entries of a square orthogonal draw are symmetric around 0.
        var positive = 0
        for seed in 0..<40 as Range<UInt64> {
            let layer = draw(.orthogonal(gain: 1), inputCount: 4, outputCount: 4, seed: seed)
            positive += (0..<4).filter { layer.weight[$0, $0] > 0 }.count
        }
        XCTAssertGreaterThan(positive, 50)
        XCTAssertLessThan(positive, 110)
    }

    func testSameSeedSameWeightsAndDifferentSeedDifferentWeights() {
        for initialization in [DenseInitialization.pytorchDefault, .glorotUniform(), .orthogonal(gain: 1),
                               .smallUniform] {
            XCTAssertEqual(draw(initialization, inputCount: 7, outputCount: 5, seed: 1),
                           draw(initialization, inputCount: 7, outputCount: 5, seed: 1))
            XCTAssertNotEqual(draw(initialization, inputCount: 7, outputCount: 5, seed: 1).weight,
                              draw(initialization, inputCount: 7, outputCount: 5, seed: 2).weight)
        }
    }

    func testMLPUsesTheOutputInitialisationForItsLastLayerOnly() {
        var source = SeededSource(seed: 31)
        let network = MLP<Float>(widths: [8, 64, 64, 2], usesLayerNorm: true,
                                 hiddenInitialization: .pytorchDefault, outputInitialization: .smallUniform,
                                 using: &source)
        XCTAssertTrue(network.layers[2].weight.scalars.allSatisfy { abs($0) <= 3e-3 })
        XCTAssertGreaterThan(network.layers[1].weight.scalars.map(abs).max() ?? 0, 0.1)
        XCTAssertEqual(network.layerNorms[0].gain.scalars, [Float](repeating: 1, count: 64))
        XCTAssertEqual(network.layerNorms[0].bias.scalars, [Float](repeating: 0, count: 64))
        XCTAssertEqual(network.layerNorms[0].epsilon, 1e-5)
    }

    func testBoxMullerGaussiansHaveUnitVariance() {
        var source = SeededSource(seed: 32)
        let draws = (0..<20_000).map { _ in source.nextGaussian() }
        let mean = draws.reduce(0, +) / 20_000
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 20_000
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.04)
    }
}
