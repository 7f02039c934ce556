import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import XCTest

final class TD3Tests: XCTestCase {
    /// One linear layer y = x·W + b with the given weights (one row per input) and bias.
    private func linear(_ weights: [[Double]], bias: [Double], output: Activation = .identity) -> MLP<Double> {
        MLP(layers: [Dense(weight: Matrix(weights), bias: Matrix(row: bias))], outputActivation: output)
    }

    func testTargetClipsTheSmoothingNoiseAndTakesTheMinimumOverCritics() {
        // μ′(s′) = tanh(0.5·s′); Q′₁(s, a) = s + 2a; Q′₂(s, a) = s − a + 0.5; γ = 0.9, c = 0.5.
        let targetActor = linear([[0.5]], bias: [0], output: .tanh)
        let targetCritics = CriticEnsemble(networks: [linear([[1], [2]], bias: [0]), linear([[1], [-1]], bias: [0.5])])
        let nextObservations = Matrix<Double>([[0], [2], [-2], [1]])
        let noise = Matrix<Double>([[0.8], [0.4], [-0.9], [-0.1]])
        let rewards = Matrix<Double>([[1], [0.5], [2], [0]])
        let terminations = Matrix<Double>([[0], [0], [1], [0]])
        var workspace = TD3.Workspace<Double>()
        var targets = Matrix<Double>()
        TD3.criticTargets(nextObservations: nextObservations, rewards: rewards, terminations: terminations,
                          smoothingNoise: noise, noiseClip: 0.5, discount: 0.9, targetActor: targetActor,
                          targetCritics: targetCritics, workspace: &workspace, into: &targets)
        // Row 0: μ′ = tanh 0 = 0; ε = 0.8 clipped to 0.5; ã′ = 0.5; Q′₁ = 0 + 1 = 1, Q′₂ = 0 − 0.5 + 0.5 = 0;
        //        y = 1 + 0.9·min(1, 0) = 1.
        XCTAssertEqual(targets[0, 0], 1, accuracy: 1e-12)
        // Row 1: μ′ = tanh 1 = 0.761594; ε = 0.4 (inside the clip); 1.161594 clipped to the action box: ã′ = 1;
        //        Q′₁ = 2 + 2 = 4, Q′₂ = 2 − 1 + 0.5 = 1.5; y = 0.5 + 0.9·1.5 = 1.85.
        XCTAssertEqual(targets[1, 0], 1.85, accuracy: 1e-12)
        // Row 2: a termination: y = r = 2, whatever the critics say (ã′ = −1, min(−4, −0.5) = −4).
        XCTAssertEqual(targets[2, 0], 2, accuracy: 1e-12)
        // Row 3: μ′ = tanh 0.5 = 0.462117157; ε = −0.1; ã′ = 0.362117157; Q′₁ = 1 + 0.724234314 = 1.724234314,
        //        Q′₂ = 1 − 0.362117157 + 0.5 = 1.137882843; y = 0 + 0.9·1.137882843 = 1.024094559.
        XCTAssertEqual(targets[3, 0], 0.9 * (1.5 - tanh(0.5) + 0.1), accuracy: 1e-12)
        XCTAssertEqual(targets[3, 0], 1.024094559, accuracy: 1e-9)
    }

    func testCriticLossGradientMatchesCentralDifferences() {
        for layerNorm in [false, true] {
            let critics = CriticEnsemble(networks: [
                LearnerTestSupport.network([5, 6, 4, 1], layerNorm: layerNorm, seed: 1),
                LearnerTestSupport.network([5, 6, 4, 1], layerNorm: layerNorm, seed: 2),
            ])
            let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 7, columns: 3, seed: 3)
            let actions: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 7, columns: 2, seed: 4)
            let targets: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 7, columns: 1, low: -2, high: 2,
                                                                          seed: 5)
            func loss(_ model: CriticEnsemble<Double>, gradient: inout CriticEnsemble<Double>) -> Double {
                var workspace = TD3.Workspace<Double>()
                return TD3.criticLoss(observations: observations, actions: actions, targets: targets, critics: model,
                                      weightDecay: 0.1, workspace: &workspace, gradient: &gradient)
            }
            var analytic = critics.zeroed()
            _ = loss(critics, gradient: &analytic)
            let result = GradientCheck.check(parametersOf: critics, analytic: analytic, step: 1e-6) { model in
                var scratch = model.zeroed()
                return loss(model, gradient: &scratch)
            }
            XCTAssertLessThan(result.relativeError, 1e-7, "layer norm \(layerNorm): \(result)")
        }
    }

    func testActorLossGradientMatchesCentralDifferences() {
        let actor = LearnerTestSupport.network([3, 6, 5, 2], output: .tanh, seed: 11)
        let critic = LearnerTestSupport.network([5, 7, 6, 1], seed: 12)
        let observations: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 9, columns: 3, seed: 13)
        func loss(_ model: MLP<Double>, gradient: inout MLP<Double>) -> Double {
            var workspace = TD3.Workspace<Double>()
            return TD3.actorLoss(observations: observations, actor: model, critics: CriticEnsemble(networks: [critic]),
                                 workspace: &workspace,
                                 gradient: &gradient)
        }
        var analytic = actor.zeroed()
        let value = loss(actor, gradient: &analytic)
        // L(φ) = −mean Q(s, μ(s)).
        var input = Matrix<Double>(rows: 9, columns: 5)
        let actions = actor.forward(observations).output
        for row in 0..<9 {
            for column in 0..<3 { input[row, column] = observations[row, column] }
            for column in 0..<2 { input[row, 3 + column] = actions[row, column] }
        }
        XCTAssertEqual(value, -critic.forward(input).output.scalars.reduce(0, +) / 9, accuracy: 1e-12)
        let result = GradientCheck.check(parametersOf: actor, analytic: analytic, step: 1e-6) { model in
            var scratch = model.zeroed()
            return loss(model, gradient: &scratch)
        }
        XCTAssertLessThan(result.relativeError, 1e-7, "\(result)")
    }

    func testActorAndTargetsMoveOnlyEveryPolicyDelayUpdates() {
        var configuration = LearnerTestSupport.td3()
        configuration.policyDelay = 3
        var learner = TD3(observationDimension: 3, actionDimension: 2, configuration: configuration,
                          initialization: RandomStream(seed: 2, name: "initialisation"))
        let buffer = LearnerTestSupport.randomBuffer()
        let replay = RandomStream(seed: 2, name: "replay")
        let stream = RandomStream(seed: 2, name: "update")
        var batch = ReplayBatch()
        var previousActor = learner.actor
        var previousTargetCritics = learner.targetCritics
        for update in 1...6 {
            buffer.sample(count: 16, using: replay, into: &batch)
            let statistics = learner.update(on: batch, using: stream)
            let isActorUpdate = update % 3 == 0
            XCTAssertEqual(learner.actor != previousActor, isActorUpdate, "update \(update)")
            XCTAssertEqual(learner.targetCritics != previousTargetCritics, isActorUpdate, "update \(update)")
            XCTAssertEqual(statistics.values[1].isNaN, !isActorUpdate, "actor loss reported on update \(update)")
            XCTAssertFalse(statistics.values[0].isNaN)
            previousActor = learner.actor
            previousTargetCritics = learner.targetCritics
        }
        XCTAssertEqual(learner.updateCount, 6)
    }
}
