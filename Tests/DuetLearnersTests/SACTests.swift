import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import Foundation
import XCTest

final class SACTests: XCTestCase {
    func testEntropyCoefficientLossAndItsDerivative() {
        // log π = [−0.5, −1.5], H̄ = −1: mean(log π + H̄) = mean(−1.5, −2.5) = −2.
        // J = −log α · (−2) = 2·log α; at log α = 0.25: J = 0.5, ∂J/∂log α = 2.
        let logProbabilities = Matrix<Double>([[-0.5], [-1.5]])
        let (loss, derivative) = SAC.entropyCoefficientLoss(logEntropyCoefficient: 0.25,
                                                            logProbabilities: logProbabilities, targetEntropy: -1)
        XCTAssertEqual(loss, 0.5, accuracy: 1e-12)
        XCTAssertEqual(derivative, 2, accuracy: 1e-12)
    }

    func testOneUpdateMovesLogAlphaByOneAdamStepAgainstTheEntropyGap() {
        // SB3: log α starts at log 1 = 0 and has its own Adam (lr 3e-4). Adam's first step is
        // −lr·g/(|g| + 1e-8) with g = ∂J/∂log α = −(mean log π + H̄) = entropy − H̄, where entropy = −mean log π is
        // reported by the update. The α used in the update is the one before the step: exp(0) = 1, and the
        // reported J is −0·(…) = 0.
        let configuration = LearnerTestSupport.sac()
        var learner = SAC(observationDimension: 3, actionDimension: 2, configuration: configuration,
                          initialization: RandomStream(seed: 3, name: "initialisation"))
        XCTAssertEqual(learner.logEntropyCoefficient, 0)
        XCTAssertEqual(learner.targetEntropy, -2)  // −dim(A)
        let buffer = LearnerTestSupport.randomBuffer()
        var batch = ReplayBatch()
        buffer.sample(count: 16, using: RandomStream(seed: 3, name: "replay"), into: &batch)
        let statistics = learner.update(on: batch, using: RandomStream(seed: 3, name: "update"))
        let columns = learner.updateColumns
        let alpha = statistics.values[columns.firstIndex(of: "entropy_coefficient") ?? 0]
        let entropyLoss = statistics.values[columns.firstIndex(of: "entropy_coefficient_loss") ?? 0]
        let entropy = statistics.values[columns.firstIndex(of: "entropy") ?? 0]
        XCTAssertEqual(alpha, 1)
        XCTAssertEqual(entropyLoss, 0)
        let gradient = entropy - (-2)
        let expected = -3e-4 * gradient / (abs(gradient) + 1e-8)
        XCTAssertEqual(Double(learner.logEntropyCoefficient), expected, accuracy: 1e-9)
        XCTAssertEqual(learner.entropyCoefficient, exp(expected), accuracy: 1e-9)
    }

    func testFixedEntropyCoefficientDoesNotMove() {
        var configuration = LearnerTestSupport.sac()
        configuration.entropyTuning = false
        configuration.entropyCoefficient = 0.2
        var learner: any OffPolicyLearner = LearnerTestSupport.learner(.sac(configuration))
        let statistics = LearnerTestSupport.train(&learner, on: LearnerTestSupport.randomBuffer(), updates: 3,
                                                  batchSize: 16, replay: RandomStream(seed: 1, name: "replay"),
                                                  update: RandomStream(seed: 1, name: "update"))
        XCTAssertEqual(statistics.values[2], Double(Float(exp(Float(log(0.2))))), accuracy: 1e-7)
        XCTAssertTrue(statistics.values[3].isNaN)
        XCTAssertEqual((learner as? SAC)?.entropyCoefficient ?? 0, 0.2, accuracy: 1e-6)
    }

    func testTargetSubtractsTheEntropyTermAndStopsAtTerminations() {
        // Q′₁(s, a) = s + a, Q′₂(s, a) = 2s − a; α = 0.5, γ = 0.9.
        let critics = CriticEnsemble(networks: [
            MLP(layers: [Dense(weight: Matrix<Double>([[1], [1]]), bias: Matrix(row: [0]))]),
            MLP(layers: [Dense(weight: Matrix<Double>([[2], [-1]]), bias: Matrix(row: [0]))]),
        ])
        // The next sample: a′ = [0.5, −0.5] with log π(a′|s′) = [−1, 0.4] (set directly; the parameters are unused).
        var next = SACPolicy<Double>.Sample(noise: Matrix([[0], [0]]))
        let actor = SACPolicy(network: MLP<Double>(layers: [Dense(weight: Matrix([[0, 0]]),
                                                                  bias: Matrix(row: [0.5493061443340549, 0]))]))
        // tanh(0.5493061443340549) = 0.5: the actor outputs μ = atanh(0.5) and ℓ = 0 whatever s′, with ε = 0.
        actor.sample(observations: Matrix([[1], [-1]]), into: &next)
        XCTAssertEqual(next.actions[0, 0], 0.5, accuracy: 1e-12)
        // log π = −0 − 0 − ½ log 2π − log(1 − 0.25 + 1e-6) = −0.918938533 + 0.287681 = −0.631256...
        let logPi = -0.5 * log(2 * Double.pi) - log(0.75 + 1e-6)
        XCTAssertEqual(next.logProbabilities[0, 0], logPi, accuracy: 1e-12)
        var workspace = SAC.Workspace<Double>()
        var targets = Matrix<Double>()
        SAC.criticTargets(rewards: Matrix([[1], [2]]), terminations: Matrix([[0], [1]]),
                          nextObservations: Matrix([[1], [-1]]), nextSample: next, entropyCoefficient: 0.5,
                          discount: 0.9, targetCritics: critics, workspace: &workspace, into: &targets)
        // Row 0: s′ = 1, a′ = 0.5: Q′₁ = 1.5, Q′₂ = 1.5 → min 1.5; y = 1 + 0.9·(1.5 − 0.5·log π).
        XCTAssertEqual(targets[0, 0], 1 + 0.9 * (1.5 - 0.5 * logPi), accuracy: 1e-12)
        // Row 1: a termination: y = r = 2.
        XCTAssertEqual(targets[1, 0], 2, accuracy: 1e-12)
    }

    func testActorLossGradientThroughTheSquashedGaussianMatchesCentralDifferences() {
        for layerNorm in [false, true] {
            let actor = SACPolicy(network: LearnerTestSupport.network([3, 6, 5, 4], layerNorm: layerNorm, seed: 21))
            let critics = CriticEnsemble(networks: [LearnerTestSupport.network([5, 7, 1], seed: 22),
                                                    LearnerTestSupport.network([5, 6, 1], seed: 23)])
            let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 8, columns: 3, seed: 24)
            let noise: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 8, columns: 2, low: -2, high: 2,
                                                                        seed: 25)
            func loss(_ model: SACPolicy<Double>, gradient: inout SACPolicy<Double>) -> Double {
                var sample = SACPolicy<Double>.Sample(noise: noise)
                model.sample(observations: observations, into: &sample)
                var workspace = SAC.Workspace<Double>()
                return SAC.actorLoss(observations: observations, sample: &sample, actor: model, critics: critics,
                                     entropyCoefficient: 0.3, workspace: &workspace, gradient: &gradient)
            }
            var analytic = actor.zeroed()
            _ = loss(actor, gradient: &analytic)
            let result = GradientCheck.check(parametersOf: actor, analytic: analytic, step: 1e-6) { model in
                var scratch = model.zeroed()
                return loss(model, gradient: &scratch)
            }
            XCTAssertLessThan(result.relativeError, 1e-6, "layer norm \(layerNorm): \(result)")
        }
    }

    func testCriticLossGradientMatchesCentralDifferences() {
        let critics = CriticEnsemble(networks: [LearnerTestSupport.network([4, 6, 5, 1], seed: 31),
                                                LearnerTestSupport.network([4, 6, 5, 1], seed: 32)])
        let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 6, columns: 3, seed: 33)
        let actions: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 6, columns: 1, seed: 34)
        let targets: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 6, columns: 1, seed: 35)
        func loss(_ model: CriticEnsemble<Double>, gradient: inout CriticEnsemble<Double>) -> Double {
            var workspace = SAC.Workspace<Double>()
            return SAC.criticLoss(observations: observations, actions: actions, targets: targets, critics: model,
                                  weightDecay: 0, workspace: &workspace, gradient: &gradient)
        }
        var analytic = critics.zeroed()
        let value = loss(critics, gradient: &analytic)
        // L = ½·Σⱼ mean (Qⱼ − y)².
        var input = Matrix<Double>()
        input = Matrix(rows: 6, columns: 4) { row, column in column < 3 ? observations[row, column] : actions[row, 0] }
        var expected = 0.0
        for network in critics.networks {
            let values = network.forward(input).output
            expected += 0.5 * (0..<6).map { pow(values[$0, 0] - targets[$0, 0], 2) }.reduce(0, +) / 6
        }
        XCTAssertEqual(value, expected, accuracy: 1e-12)
        let result = GradientCheck.check(parametersOf: critics, analytic: analytic, step: 1e-6) { model in
            var scratch = model.zeroed()
            return loss(model, gradient: &scratch)
        }
        XCTAssertLessThan(result.relativeError, 1e-7, "\(result)")
    }
}
