import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import Foundation
import XCTest

final class DDPGTests: XCTestCase {
    /// Adam's first step from zero moments: θ − α·g/(|g| + ε) (m̂ = g and √v̂ = |g| after bias correction).
    private func firstAdamStep(_ parameter: Double, gradient: Double, learningRate: Double) -> Double {
        parameter - learningRate * gradient / (abs(gradient) + 1e-8)
    }

    func testOneUpdateOnATwoStateProblemByHand() {
        // Linear networks (no hidden layers): μ(s) = tanh(w·s + b), Q(s, a) = u₁·s + u₂·a + c.
        var configuration = DDPGConfiguration()
        configuration.hidden = []
        configuration.batchSize = 2
        configuration.actorLearningRate = 0.01
        configuration.criticLearningRate = 0.02
        configuration.targetUpdateRate = 0.1
        configuration.discount = 0.9
        var learner = DDPG(observationDimension: 1, actionDimension: 1, configuration: configuration,
                           initialization: RandomStream(seed: 4, name: "initialisation"))
        let w = Double(learner.actor.layers[0].weight[0, 0])
        let b = Double(learner.actor.layers[0].bias[0, 0])
        let u1 = Double(learner.critics.networks[0].layers[0].weight[0, 0])
        let u2 = Double(learner.critics.networks[0].layers[0].weight[1, 0])
        let c = Double(learner.critics.networks[0].layers[0].bias[0, 0])

        // Two states, s = +1 and s = −1: (s, a, r, s′, d) = (1, 0.5, 1, −1, 0) and (−1, −0.25, 0, 1, 1).
        var batch = ReplayBatch()
        batch.observations = Matrix([[1], [-1]])
        batch.actions = Matrix([[0.5], [-0.25]])
        batch.rewards = Matrix([[1], [0]])
        batch.nextObservations = Matrix([[-1], [1]])
        batch.terminations = Matrix([[0], [1]])
        let statistics = learner.update(on: batch, using: RandomStream(seed: 4, name: "update"))

        // 1. Targets (target networks = initial networks): y₀ = 1 + 0.9·Q(−1, tanh(−w + b)); y₁ = 0 (terminal).
        let y0 = 1 + 0.9 * (-u1 + u2 * tanh(-w + b) + c)
        let y1 = 0.0
        // 2. Critic: δᵢ = Q(sᵢ, aᵢ) − yᵢ; L = (δ₀² + δ₁²)/2; ∂L/∂u₁ = δ₀·1 + δ₁·(−1), ∂L/∂u₂ = δ₀·0.5 + δ₁·(−0.25),
        //    ∂L/∂c = δ₀ + δ₁; one Adam step with α_Q = 0.02.
        let delta0 = u1 + 0.5 * u2 + c - y0
        let delta1 = -u1 - 0.25 * u2 + c - y1
        XCTAssertEqual(statistics.values[0], (delta0 * delta0 + delta1 * delta1) / 2, accuracy: 1e-5)
        XCTAssertEqual(statistics.values[2], (u1 + 0.5 * u2 + c - u1 - 0.25 * u2 + c) / 2, accuracy: 1e-5)
        let newU1 = firstAdamStep(u1, gradient: delta0 - delta1, learningRate: 0.02)
        let newU2 = firstAdamStep(u2, gradient: 0.5 * delta0 - 0.25 * delta1, learningRate: 0.02)
        let newC = firstAdamStep(c, gradient: delta0 + delta1, learningRate: 0.02)
        let critic = learner.critics.networks[0].layers[0]
        XCTAssertEqual(Double(critic.weight[0, 0]), newU1, accuracy: 1e-6)
        XCTAssertEqual(Double(critic.weight[1, 0]), newU2, accuracy: 1e-6)
        XCTAssertEqual(Double(critic.bias[0, 0]), newC, accuracy: 1e-6)
        // 3. Actor, through the updated critic: L = −mean(u₁′s + u₂′·tanh(w·s + b) + c′);
        //    ∂L/∂w = −mean(u₂′(1 − μᵢ²)·sᵢ), ∂L/∂b = −mean(u₂′(1 − μᵢ²)); one Adam step with α_π = 0.01.
        let mu0 = tanh(w + b)
        let mu1 = tanh(-w + b)
        XCTAssertEqual(statistics.values[1], -((newU2 * mu0 + newC + newU1) + (newU2 * mu1 + newC - newU1)) / 2,
                       accuracy: 1e-5)
        let gradientW = -(newU2 * (1 - mu0 * mu0) - newU2 * (1 - mu1 * mu1)) / 2
        let gradientB = -(newU2 * (1 - mu0 * mu0) + newU2 * (1 - mu1 * mu1)) / 2
        let newW = firstAdamStep(w, gradient: gradientW, learningRate: 0.01)
        let newB = firstAdamStep(b, gradient: gradientB, learningRate: 0.01)
        XCTAssertEqual(Double(learner.actor.layers[0].weight[0, 0]), newW, accuracy: 1e-6)
        XCTAssertEqual(Double(learner.actor.layers[0].bias[0, 0]), newB, accuracy: 1e-6)
        // 4. Targets: θ′ = 0.1·θ_new + 0.9·θ_old.
        XCTAssertEqual(Double(learner.targetActor.layers[0].weight[0, 0]), 0.1 * newW + 0.9 * w, accuracy: 1e-6)
        XCTAssertEqual(Double(learner.targetCritics.networks[0].layers[0].bias[0, 0]), 0.1 * newC + 0.9 * c,
                       accuracy: 1e-6)
    }

    func testCriticPenaltyCoversHiddenWeightsOnlyAndItsGradientMatches() {
        let critics = CriticEnsemble(networks: [LearnerTestSupport.network([4, 5, 6, 1], layerNorm: true, seed: 41)])
        let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 3, seed: 42)
        let actions: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 1, seed: 43)
        let targets: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 1, seed: 44)
        func loss(_ model: CriticEnsemble<Double>, decay: Double, gradient: inout CriticEnsemble<Double>) -> Double {
            var workspace = DDPG.Workspace<Double>()
            return DDPG.criticLoss(observations: observations, actions: actions, targets: targets, critics: model,
                                   weightDecay: decay, workspace: &workspace, gradient: &gradient)
        }
        var plain = critics.zeroed()
        var penalised = critics.zeroed()
        let difference = loss(critics, decay: 0.01, gradient: &penalised) - loss(critics, decay: 0, gradient: &plain)
        // (λ/2)·(‖W₁‖² + ‖W₂‖²): the two hidden layers' weights, not the output layer, biases or layer norms.
        let hidden = critics.networks[0].layers.dropLast().map { $0.weight.scalars.map { $0 * $0 }.reduce(0, +) }
        XCTAssertEqual(difference, 0.005 * hidden.reduce(0, +), accuracy: 1e-12)
        // The gradients differ by λW on the hidden weights only.
        let network = critics.networks[0]
        XCTAssertEqual(penalised.networks[0].layers[0].weight[2, 3] - plain.networks[0].layers[0].weight[2, 3],
                       0.01 * network.layers[0].weight[2, 3], accuracy: 1e-12)
        XCTAssertEqual(penalised.networks[0].layers[2].weight, plain.networks[0].layers[2].weight)
        XCTAssertEqual(penalised.networks[0].layers[1].bias, plain.networks[0].layers[1].bias)
        XCTAssertEqual(penalised.networks[0].layerNorms, plain.networks[0].layerNorms)
        let result = GradientCheck.check(parametersOf: critics, analytic: penalised, step: 1e-6) { model in
            var scratch = model.zeroed()
            return loss(model, decay: 0.01, gradient: &scratch)
        }
        XCTAssertLessThan(result.relativeError, 1e-7, "\(result)")
    }

    func testActorLossGradientMatchesCentralDifferences() {
        let actor = LearnerTestSupport.network([3, 5, 2], output: .tanh, layerNorm: true, seed: 51)
        let critic = LearnerTestSupport.network([5, 6, 1], layerNorm: true, seed: 52)
        let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 6, columns: 3, seed: 53)
        func loss(_ model: MLP<Double>, gradient: inout MLP<Double>) -> Double {
            var workspace = DDPG.Workspace<Double>()
            return DDPG.actorLoss(observations: observations, actor: model, critics: CriticEnsemble(networks: [critic]),
                                 workspace: &workspace,
                                  gradient: &gradient)
        }
        var analytic = actor.zeroed()
        _ = loss(actor, gradient: &analytic)
        let result = GradientCheck.check(parametersOf: actor, analytic: analytic, step: 1e-6) { model in
            var scratch = model.zeroed()
            return loss(model, gradient: &scratch)
        }
        XCTAssertLessThan(result.relativeError, 1e-7, "\(result)")
    }

    func testReferenceConfigurationBuildsTheReferenceNetworks() {
        let learner = DDPG(observationDimension: 4, actionDimension: 2, configuration: .reference,
                           initialization: RandomStream(seed: 1, name: "initialisation"))
        XCTAssertEqual(learner.actor.widths, [4, 64, 64, 2])
        XCTAssertTrue(learner.actor.usesLayerNorm)
        XCTAssertEqual(learner.actor.outputActivation, .tanh)
        XCTAssertEqual(learner.critics.count, 1)
        XCTAssertEqual(learner.critics.networks[0].widths, [6, 64, 64, 1])
        XCTAssertTrue(learner.critics.networks[0].usesLayerNorm)
        XCTAssertEqual(learner.parameterNoise?.standardDeviation, 0.2)
        XCTAssertEqual(learner.parameterNoise?.desiredActionDeviation, 0.2)
        XCTAssertEqual(learner.parameterNoise?.adaptationInterval, 50)
        XCTAssertNotNil(learner.observationStatistics)
        XCTAssertEqual(learner.observationStatistics?.clip, 5)
        XCTAssertEqual(learner.updateColumns,
                       ["critic_loss", "actor_loss", "q_mean", "parameter_noise_sd", "parameter_noise_distance"])
    }
}
