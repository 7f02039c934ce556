import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import Foundation
import XCTest

/// gSDE: the distribution worked by hand, its gradients against central differences, and the learner's
/// handling of the exploration matrix.
final class StateDependentExplorationTests: XCTestCase {
    func testOneDrawWorkedByHand() {
        // h = [1, −2], log σ_W = [[0], [log 0.5]] so σ_W = [1, 0.5]; E = [0.3, 0.4] so W = [0.3, 0.2].
        // n = 1·0.3 + (−2)·0.2 = −0.1; v = 1·1 + 4·0.25 + 1e-6 = 2.000001; u = μ + n = 0.2 − 0.1 = 0.1.
        let latent = Matrix<Double>([[1, -2]])
        let logDeviation = Matrix<Double>([[0], [log(0.5)]])
        var matrix = Matrix<Double>()
        StateDependentNoise.explorationMatrix(logStandardDeviation: logDeviation,
                                              standardNormal: Matrix([[0.3], [0.4]]), into: &matrix)
        XCTAssertEqual(matrix[0, 0], 0.3, accuracy: 1e-15)
        XCTAssertEqual(matrix[1, 0], 0.2, accuracy: 1e-15)
        var draw = StateDependentNoise.Draw<Double>()
        StateDependentNoise.sample(means: Matrix([[0.2]]), latent: latent, logStandardDeviation: logDeviation,
                                   explorationMatrix: matrix, into: &draw)
        let v = 2.000001
        let a = tanh(0.1)
        XCTAssertEqual(draw.noise[0, 0], -0.1, accuracy: 1e-15)
        XCTAssertEqual(draw.variances[0, 0], v, accuracy: 1e-15)
        XCTAssertEqual(draw.actions[0, 0], a, accuracy: 1e-15)
        let expected = -0.01 / (2 * v) - 0.5 * log(v) - 0.5 * log(2 * Double.pi) - log(1 - a * a + 1e-6)
        XCTAssertEqual(draw.logProbabilities[0, 0], expected, accuracy: 1e-14)
    }

    /// Against Stable-Baselines3's own `StateDependentNoiseDistribution` (float64, `Fixtures/gsde.json`, written
    /// by `Fixtures/make_gsde_fixture.py`): actions, log-probabilities and the gradients of
    /// L = Σ c_a ⊙ a + Σ c_logπ ⊙ log π with respect to the means, the features and log σ_W. One row has all-zero
    /// features (a ReLU layer can give that), so its variance is SB3's ε alone.
    func testMatchesStableBaselines3sDistribution() throws {
        struct Fixture: Decodable {
            var means, latent, logStandardDeviation, standardNormal, actionWeights, actions: [[Double]]
            var meanGradient, latentGradient, logStandardDeviationGradient: [[Double]]
            var logProbabilityWeights, logProbabilities: [Double]
        }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gsde.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let means = Matrix(fixture.means)
        let latent = Matrix(fixture.latent)
        let logDeviation = Matrix(fixture.logStandardDeviation)
        var matrix = Matrix<Double>()
        StateDependentNoise.explorationMatrix(logStandardDeviation: logDeviation,
                                              standardNormal: Matrix(fixture.standardNormal), into: &matrix)
        var draw = StateDependentNoise.Draw<Double>()
        StateDependentNoise.sample(means: means, latent: latent, logStandardDeviation: logDeviation,
                                   explorationMatrix: matrix, into: &draw)
        func assertClose(_ actual: Matrix<Double>, _ expected: [[Double]], _ what: String, tolerance: Double = 1e-9) {
            XCTAssertEqual(actual.shape, Matrix(expected).shape, what)
            for (a, e) in zip(actual.scalars, Matrix(expected).scalars) {
                XCTAssertEqual(a, e, accuracy: tolerance * max(1, abs(e)), what)
            }
        }
        assertClose(draw.actions, fixture.actions, "actions")
        assertClose(draw.logProbabilities, fixture.logProbabilities.map { [$0] }, "log π")
        var meanGradient = Matrix<Double>()
        var latentGradient = Matrix<Double>()
        var logDeviationGradient = Matrix<Double>()
        var workspace = StateDependentNoise.BackwardWorkspace<Double>()
        StateDependentNoise.backward(means: means, latent: latent, draw: draw,
                                     actionGradient: Matrix(fixture.actionWeights),
                                     logProbabilityGradient: Matrix(fixture.logProbabilityWeights.map { [$0] }),
                                     meanGradient: &meanGradient, latentGradient: &latentGradient,
                                     logStandardDeviationGradient: &logDeviationGradient, workspace: &workspace)
        assertClose(meanGradient, fixture.meanGradient, "∂L/∂μ", tolerance: 1e-9)
        assertClose(latentGradient, fixture.latentGradient, "∂L/∂h", tolerance: 1e-9)
        assertClose(logDeviationGradient, fixture.logStandardDeviationGradient, "∂L/∂log σ_W", tolerance: 1e-9)
    }

    func testClipMeansLikeHardtanh() {
        var clipped = Matrix<Double>()
        StateDependentNoise.clipMeans(Matrix([[-3, -1, 2.5]]), clip: 2, into: &clipped)
        XCTAssertEqual(clipped, Matrix([[-2, -1, 2]]))
        StateDependentNoise.clipMeans(Matrix([[-3, 2.5]]), clip: nil, into: &clipped)
        XCTAssertEqual(clipped, Matrix([[-3, 2.5]]))
    }

    /// L(φ) = (1/N)Σᵢ [α·log π(ãᵢ|sᵢ) − minⱼ Qⱼ(sᵢ, ãᵢ)] under gSDE, differentiated with respect to the network
    /// and log σ_W, with and without layer norm; half of the means run past the clip.
    func testActorLossGradientThroughStateDependentNoiseMatchesCentralDifferences() {
        for layerNorm in [false, true] {
            let network = LearnerTestSupport.network([3, 6, 5, 2], layerNorm: layerNorm, seed: 41) as MLP<Double>
            let logDeviation: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 2, low: -1.5,
                                                                               high: 0, seed: 42)
            let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 8, columns: 3, low: -2,
                                                                               high: 2, seed: 45)
            // A clip c between the smaller and the larger half of |μ|, so that both sides are exercised.
            let magnitudes = network.forward(observations).output.scalars.map(abs).sorted()
            let clip = (magnitudes[magnitudes.count / 2 - 1] + magnitudes[magnitudes.count / 2]) / 2
            let actor = SACPolicy(network: network, explorationLogStandardDeviation: logDeviation, meanClip: clip)
            let critics = CriticEnsemble(networks: [LearnerTestSupport.network([5, 7, 1], seed: 43),
                                                    LearnerTestSupport.network([5, 6, 1], seed: 44)])
            let standardNormal: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 2, low: -2,
                                                                                 high: 2, seed: 46)
            func loss(_ model: SACPolicy<Double>, gradient: inout SACPolicy<Double>) -> Double {
                var sample = SACPolicy<Double>.Sample(noise: standardNormal)
                model.sample(observations: observations, into: &sample)
                var workspace = SAC.Workspace<Double>()
                return SAC.actorLoss(observations: observations, sample: &sample, actor: model, critics: critics,
                                     entropyCoefficient: 0.3, workspace: &workspace, gradient: &gradient)
            }
            XCTAssertGreaterThan(magnitudes[magnitudes.count / 2] - magnitudes[magnitudes.count / 2 - 1], 1e-4)
            var analytic = actor.zeroed()
            _ = loss(actor, gradient: &analytic)
            XCTAssertGreaterThan(analytic.explorationLogStandardDeviation.scalars.map(abs).max() ?? 0, 1e-4)
            let result = GradientCheck.check(parametersOf: actor, analytic: analytic, step: 1e-6) { model in
                var scratch = model.zeroed()
                return loss(model, gradient: &scratch)
            }
            XCTAssertLessThan(result.relativeError, 1e-6, "layer norm \(layerNorm): \(result)")
        }
    }

    func testLogProbabilityIsTheDensityOfTheNoiseOverTheExplorationMatrix() {
        // For a fixed state the action's pre-squash value u = μ + h·W is Gaussian over W with variance
        // Σᵢ hᵢ²σ_Wᵢ²; check log π against that density with the tanh correction, and that the empirical variance
        // of n over many draws of W matches v.
        let network = LearnerTestSupport.network([2, 4, 1], seed: 51) as MLP<Double>
        let logDeviation = Matrix<Double>([[-0.5], [0.2], [-1], [0]])
        let actor = SACPolicy(network: network, explorationLogStandardDeviation: logDeviation, meanClip: nil)
        let observation = Matrix<Double>([[0.7, -0.3]])
        let stream = RandomStream(seed: 5, name: "draws")
        var noises: [Double] = []
        var variance = 0.0
        for _ in 0..<20_000 {
            var sample = SACPolicy<Double>.Sample(noise: Matrix(rows: 4, columns: 1) { _, _ in stream.gaussian() })
            actor.sample(observations: observation, into: &sample)
            let u = atanh(sample.actions[0, 0])
            let mean = network.forward(observation).output[0, 0]
            noises.append(u - mean)
            variance = sampleVariance(actor: actor, observation: observation)
            let density = -pow(u - mean, 2) / (2 * variance) - 0.5 * log(2 * Double.pi * variance)
                - log(1 - pow(sample.actions[0, 0], 2) + 1e-6)
            XCTAssertEqual(sample.logProbabilities[0, 0], density, accuracy: 1e-6)
        }
        let empirical = noises.map { $0 * $0 }.reduce(0, +) / Double(noises.count)
        XCTAssertEqual(empirical / variance, 1, accuracy: 0.05)
    }

    private func sampleVariance(actor: SACPolicy<Double>, observation: Matrix<Double>) -> Double {
        let (_, cache) = actor.network.forward(observation)
        let latent = cache.lastHiddenActivation
        var total = 1e-6
        for i in 0..<latent.columns {
            total += latent[0, i] * latent[0, i] * exp(2 * actor.explorationLogStandardDeviation[i, 0])
        }
        return total
    }

    // MARK: The learner

    private func stateDependentConfiguration(resampleEvery: Int = 0) -> LearnerConfiguration {
        var configuration = LearnerTestSupport.sac()
        configuration.stateDependentExploration = StateDependentExplorationConfiguration(
            initialLogStandardDeviation: -0.5, resampleEvery: resampleEvery)
        return .sac(configuration)
    }

    func testPolicyShapesFollowSB3() throws {
        let learner = LearnerTestSupport.learner(stateDependentConfiguration(), observation: 3, action: 2)
        let sac = try XCTUnwrap(learner as? SAC)
        XCTAssertEqual(sac.actor.network.widths, [3, 8, 8, 2])  // μ only
        XCTAssertEqual(sac.actor.explorationLogStandardDeviation.shape, MatrixShape(rows: 8, columns: 2))
        XCTAssertTrue(sac.actor.explorationLogStandardDeviation.scalars.allSatisfy { $0 == -0.5 })
        XCTAssertEqual(sac.actor.meanClip, 2)
        XCTAssertEqual(sac.actor.tensorNames.last, "explorationLogStandardDeviation")
        XCTAssertEqual(sac.updateColumns.last, "exploration_std")
        let plain = try XCTUnwrap(LearnerTestSupport.learner(LearnerTestSupport.configuration(.sac)) as? SAC)
        XCTAssertEqual(plain.actor.network.widths, [3, 8, 8, 4])  // [μ, ℓ_raw]
        XCTAssertFalse(plain.actor.usesStateDependentExploration)
        XCTAssertFalse(plain.updateColumns.contains("exploration_std"))
    }

    /// The exploration matrix is held within a collection phase: the same state gets the same action until the
    /// learner updates (a new phase) or `resampleEvery` steps have passed.
    func testExplorationMatrixIsHeldUntilAnUpdateOrTheResamplePeriod() {
        let state: [Float] = [0.3, -0.2, 0.5]
        let stream = RandomStream(seed: 9, name: "exploration")
        var learner = LearnerTestSupport.learner(stateDependentConfiguration())
        let first = learner.explorationAction(for: state, using: stream)
        for _ in 0..<10 { XCTAssertEqual(learner.explorationAction(for: state, using: stream), first) }
        XCTAssertNotEqual(first, learner.deterministicAction(for: state), "gSDE must perturb the action")
        _ = LearnerTestSupport.train(&learner, on: LearnerTestSupport.randomBuffer(), updates: 1, batchSize: 16,
                                     replay: RandomStream(seed: 1, name: "replay"),
                                     update: RandomStream(seed: 1, name: "update"))
        let afterUpdate = learner.explorationAction(for: state, using: stream)
        XCTAssertNotEqual(afterUpdate, first)
        XCTAssertEqual(learner.explorationAction(for: state, using: stream), afterUpdate)

        var periodic = LearnerTestSupport.learner(stateDependentConfiguration(resampleEvery: 3))
        let actions = (0..<7).map { _ in periodic.explorationAction(for: state, using: stream) }
        XCTAssertEqual(actions[0], actions[1])
        XCTAssertEqual(actions[0], actions[2])
        XCTAssertNotEqual(actions[2], actions[3])
        XCTAssertEqual(actions[3], actions[5])
        XCTAssertNotEqual(actions[5], actions[6])
    }

    func testUpdatesLearnTheExplorationDeviationAndReportIt() throws {
        var learner = LearnerTestSupport.learner(stateDependentConfiguration())
        let statistics = LearnerTestSupport.train(&learner, on: LearnerTestSupport.randomBuffer(), updates: 5,
                                                  batchSize: 16, replay: RandomStream(seed: 2, name: "replay"),
                                                  update: RandomStream(seed: 2, name: "update"))
        let sac = try XCTUnwrap(learner as? SAC)
        let logDeviation = sac.actor.explorationLogStandardDeviation.scalars
        XCTAssertTrue(logDeviation.contains { $0 != -0.5 }, "log σ_W must be trained")
        let reported = try XCTUnwrap(statistics.values.last)
        XCTAssertEqual(reported, logDeviation.map { exp(Double($0)) }.reduce(0, +) / Double(logDeviation.count),
                       accuracy: 1e-6)
    }
}
