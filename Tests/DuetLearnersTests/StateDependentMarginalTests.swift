import DuetLearners
import DuetNumerics
import DuetTestSupport
import XCTest

/// gSDE's marginal Gaussian over W (what `objective: kl` compares under gSDE): worked by hand, its backward pass
/// against central differences, and SAC's readout gradient under gSDE against central differences.
final class StateDependentMarginalTests: XCTestCase {
    /// h = (1, 2), σ_W = (1, ½): v = 1·1 + 4·¼ + 10⁻⁶, log σ = ½·log v; the means pass through unchanged.
    func testReadoutWorkedByHand() {
        let readout = StateDependentMarginal.readout(
            means: Matrix<Double>([[0.3]]), latent: Matrix<Double>([[1, 2]]),
            logStandardDeviation: Matrix<Double>([[0], [log(0.5)]]))
        XCTAssertEqual(readout.means[0, 0], 0.3)
        XCTAssertEqual(readout.logDeviations[0, 0], 0.5 * log(2 + 1e-6), accuracy: 1e-15)
    }

    /// f(h, L) = Σᵢₖ Dᵢₖ·log σᵢₖ(h, L): ∂f/∂L and ∂f/∂h from ``StateDependentMarginal/backward`` against central
    /// differences, on 5 states with 4 features and 3 actions (one feature exactly 0, where ∂v/∂h vanishes).
    func testBackwardMatchesCentralDifferences() {
        var latent: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 4, low: -1.5, high: 1.5,
                                                                      seed: 61)
        latent[2, 1] = 0
        let logDeviation: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 4, columns: 3, low: -2, high: 0.5,
                                                                            seed: 62)
        let probe: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 3, low: -1, high: 1, seed: 63)
        let means = Matrix<Double>(rows: 5, columns: 3)
        func f(_ latent: Matrix<Double>, _ logDeviation: Matrix<Double>) -> Double {
            let readout = StateDependentMarginal.readout(means: means, latent: latent, logStandardDeviation: logDeviation)
            return zip(readout.logDeviations.scalars, probe.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let (logDeviationGradient, latentGradient) = StateDependentMarginal.backward(
            latent: latent, logStandardDeviation: logDeviation, logDeviationGradient: probe,
            computingLatentGradient: true)
        let byLogDeviation = GradientCheck.check(at: logDeviation, analytic: logDeviationGradient, step: 1e-6,
                                                 name: "log σ_W") { f(latent, $0) }
        XCTAssertLessThan(byLogDeviation.relativeError, 1e-8, "\(byLogDeviation)")
        let byLatent = GradientCheck.check(at: latent, analytic: try! XCTUnwrap(latentGradient), step: 1e-6,
                                           name: "h") { f($0, logDeviation) }
        XCTAssertLessThan(byLatent.relativeError, 1e-8, "\(byLatent)")
        XCTAssertNil(StateDependentMarginal.backward(latent: latent, logStandardDeviation: logDeviation,
                                                     logDeviationGradient: probe,
                                                     computingLatentGradient: false).latentGradient)
    }

    /// A linear probe L = Σ C⊙μ + Σ D⊙log σ + Σ E⊙a of SAC's gSDE readout, differentiated by
    /// ``SACPolicy/readoutBackward(_:readout:gradient:into:)`` with respect to the network (features included)
    /// and log σ_W, against central differences; the mean clip sits between the smaller and the larger half of
    /// |μ|, so that both sides are exercised.
    func testSACReadoutGradientUnderGSDEMatchesCentralDifferences() {
        let network = LearnerTestSupport.network([3, 6, 5, 2], seed: 64) as MLP<Double>
        let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 8, columns: 3, low: -2, high: 2,
                                                                            seed: 65)
        let magnitudes = network.forward(observations).output.scalars.map(abs).sorted()
        let clip = (magnitudes[magnitudes.count / 2 - 1] + magnitudes[magnitudes.count / 2]) / 2
        let logDeviation: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 2, low: -1.5, high: 0,
                                                                            seed: 66)
        let actor = SACPolicy(network: network, explorationLogStandardDeviation: logDeviation, meanClip: clip)
        let probes: [Matrix<Double>] = (67...69).map {
            LearnerTestSupport.uniformMatrix(rows: 8, columns: 2, low: -1, high: 1, seed: UInt64($0))
        }
        func loss(_ model: SACPolicy<Double>) -> (Double, PolicyReadout<Double>, MLP<Double>.Cache) {
            var cache = MLP<Double>.Cache()
            let readout = model.readout(observations: observations, cache: &cache)
            let gaussian = readout.gaussian!
            let parts = [gaussian.means, gaussian.logDeviations, readout.actions]
            let value = zip(parts, probes).reduce(0.0) { total, pair in
                total + zip(pair.0.scalars, pair.1.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            }
            return (value, readout, cache)
        }
        var (_, readout, cache) = loss(actor)
        var analytic = actor.zeroed()
        actor.readoutBackward(&cache, readout: readout,
                              gradient: PolicyReadoutGradient(actions: probes[2], means: probes[0],
                                                              logDeviations: probes[1]),
                              into: &analytic)
        XCTAssertGreaterThan(analytic.explorationLogStandardDeviation.scalars.map(abs).max() ?? 0, 1e-4)
        let result = GradientCheck.check(parametersOf: actor, analytic: analytic, step: 1e-6) { loss($0).0 }
        XCTAssertLessThan(result.relativeError, 1e-6, "\(result)")
    }
}
