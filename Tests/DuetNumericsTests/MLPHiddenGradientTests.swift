import DuetNumerics
import DuetTestSupport
import XCTest

/// The backward pass with gradients entering at the hidden layers (``MLP/backward(_:outputGradient:gradient:computingInputGradient:lastHiddenGradient:hiddenGradients:)``),
/// as the relational distillation losses use it, against central differences in Double.
final class MLPHiddenGradientTests: XCTestCase {
    /// L = ⟨Y, P⟩ + Σₗ ⟨hₗ, Pₗ⟩ for fixed projections: each hidden layer's extra gradient is its Pₗ.
    func testHiddenLayerGradientsJoinTheBackwardPass() {
        for usesLayerNorm in [false, true] {
            var source = SeededSource(seed: 9)
            let network = MLP<Double>(widths: [4, 6, 5, 2], hiddenActivation: .tanh, outputActivation: .identity,
                                      usesLayerNorm: usesLayerNorm, using: &source)
            let input: Matrix<Double> = source.matrix(rows: 3, columns: 4, from: -2, to: 2)
            let outputProjection: Matrix<Double> = source.matrix(rows: 3, columns: 2)
            let hiddenProjections: [Matrix<Double>] = [source.matrix(rows: 3, columns: 6),
                                                       source.matrix(rows: 3, columns: 5)]
            func loss(_ model: MLP<Double>, _ x: Matrix<Double>) -> Double {
                var cache = MLP<Double>.Cache()
                model.forward(x, cache: &cache)
                return GradientCheck.projection(cache.output, onto: outputProjection)
                    + zip(cache.hiddenActivations, hiddenProjections).reduce(0) {
                        $0 + GradientCheck.projection($1.0, onto: $1.1)
                    }
            }
            var cache = MLP<Double>.Cache()
            network.forward(input, cache: &cache)
            var gradient = network.zeroed()
            network.backward(&cache, outputGradient: outputProjection, gradient: &gradient,
                             hiddenGradients: hiddenProjections.map { Optional($0) })
            let parameters = GradientCheck.check(parametersOf: network, analytic: gradient, step: 1e-6) {
                loss($0, input)
            }
            let inputs = GradientCheck.check(at: input, analytic: cache.inputGradient, step: 1e-6) { loss(network, $0) }
            XCTAssertLessThan(parameters.relativeError, 1e-7, "layerNorm=\(usesLayerNorm): \(parameters)")
            XCTAssertLessThan(inputs.relativeError, 1e-7, "layerNorm=\(usesLayerNorm): \(inputs)")
            // Without hidden gradients the pass is the plain one, bit for bit.
            var plainCache = MLP<Double>.Cache()
            network.forward(input, cache: &plainCache)
            var plain = network.zeroed()
            network.backward(&plainCache, outputGradient: outputProjection, gradient: &plain)
            var emptyCache = MLP<Double>.Cache()
            network.forward(input, cache: &emptyCache)
            var empty = network.zeroed()
            network.backward(&emptyCache, outputGradient: outputProjection, gradient: &empty,
                             hiddenGradients: [nil, nil])
            XCTAssertEqual(plain, empty)
        }
    }
}
