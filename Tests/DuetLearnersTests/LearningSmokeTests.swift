import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// Each learner must solve a small task in a few thousand updates.
///
/// The task, "move to target", is a contextual bandit: a state s ~ U(−1, 1)² is shown, the action a ∈ [−1, 1]
/// should hit the target a* = 0.6·s₀ − 0.3·s₁, the reward is −(a − a*)² and the episode terminates. A uniformly
/// random action scores E[−(a − a*)²] = −(1/3 + (0.36 + 0.09)/3) = −0.483; the optimum is 0.
final class LearningSmokeTests: XCTestCase {
    private func target(_ state: [Float]) -> Float { 0.6 * state[0] - 0.3 * state[1] }

    /// Trains on the task (200 random warm-up steps, then one update per step) and returns the deterministic
    /// policy's mean reward on 500 fresh states.
    private func trainedReturn(_ configuration: LearnerConfiguration, steps: Int = 3000) -> Double {
        let root = RandomStream(seed: 2024)
        var learner = makeLearner(configuration: configuration, observationDimension: 2, actionDimension: 1,
                                  initialization: root.child("initialisation"))
        let environment = root.child("environment")
        let exploration = root.child("exploration")
        let replay = root.child("replay")
        let update = root.child("update")
        var buffer = ReplayBuffer(capacity: steps, observationDimension: 2, actionDimension: 1)
        var batch = ReplayBatch()
        for step in 0..<steps {
            let state = [Float(environment.uniform(from: -1, to: 1)), Float(environment.uniform(from: -1, to: 1))]
            learner.observe(state)
            let action = step < 200 ? [Float(exploration.uniform(from: -1, to: 1))]
                : learner.explorationAction(for: state, using: exploration)
            let reward = -(action[0] - target(state)) * (action[0] - target(state))
            buffer.append(observation: state, action: action, reward: reward, nextObservation: state,
                          isTerminal: true, isTruncated: false)
            learner.episodeDidEnd(using: exploration)
            if step >= 200 {
                buffer.sample(count: configuration.offPolicySettings!.batchSize, using: replay, into: &batch)
                _ = learner.update(on: batch, using: update)
            }
        }
        let evaluation = root.child("evaluation")
        var total = 0.0
        for _ in 0..<500 {
            let state = [Float(evaluation.uniform(from: -1, to: 1)), Float(evaluation.uniform(from: -1, to: 1))]
            let error = Double(learner.deterministicAction(for: state)[0] - target(state))
            total -= error * error
        }
        return total / 500
    }

    private func configuration(_ algorithm: LearnerAlgorithm) -> LearnerConfiguration {
        var configuration = LearnerConfiguration(algorithm: algorithm)
        configuration.hidden = [32, 32]
        configuration.offPolicySettings?.batchSize = 64
        configuration.offPolicySettings?.actorLearningRate = 1e-3
        configuration.offPolicySettings?.criticLearningRate = 1e-3
        if algorithm != .sac { configuration.offPolicySettings?.noise = ExplorationNoiseConfiguration(kind: .gaussian, scale: 0.2) }
        return configuration
    }

    func testTD3LearnsToHitTheTarget() {
        XCTAssertGreaterThan(trainedReturn(configuration(.td3)), -0.03)
    }

    func testDDPGLearnsToHitTheTarget() {
        XCTAssertGreaterThan(trainedReturn(configuration(.ddpg)), -0.03)
    }

    func testReferenceStyleDDPGLearnsToHitTheTarget() {
        // Layer norm, observation normalisation, critic L2 and adaptive parameter noise, as the reference DPD-DDPG
        // (with the smoke test's network size and learning rates).
        var configuration = DDPGConfiguration.reference
        configuration.hidden = [32, 32]
        configuration.actorLearningRate = 1e-3
        configuration.criticWeightDecay = 1e-4
        XCTAssertGreaterThan(trainedReturn(.ddpg(configuration)), -0.03)
    }

    func testSACLearnsToHitTheTarget() {
        XCTAssertGreaterThan(trainedReturn(configuration(.sac)), -0.03)
    }

    func testSACWithStateDependentExplorationLearnsToHitTheTarget() {
        var sac = SACConfiguration()
        sac.settings = configuration(.sac).offPolicySettings!
        sac.stateDependentExploration = StateDependentExplorationConfiguration()
        XCTAssertGreaterThan(trainedReturn(.sac(sac)), -0.03)
    }
}
