import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// Learners bootstrap through a time-limit truncation and never through a termination (SB3's
/// `test_infinite_horizon` idea): with a constant reward r, transitions that are only ever truncated have value
/// r/(1 − γ), transitions that terminate have value r.
final class BootstrapTests: XCTestCase {
    /// Trains a linear-critic learner on a buffer of constant-reward transitions and returns the mean of Q₁ over
    /// random state-action pairs.
    private func learnedValue(_ algorithm: LearnerAlgorithm, terminal: Bool) -> Double {
        var configuration = LearnerConfiguration(algorithm: algorithm)
        configuration.hidden = []
        configuration.offPolicySettings?.batchSize = 64
        configuration.discount = 0.9
        configuration.offPolicySettings?.criticLearningRate = 0.03
        configuration.offPolicySettings?.actorLearningRate = 1e-3
        configuration.offPolicySettings?.targetUpdateRate = 0.05
        switch configuration {
        case var .sac(sac):
            // A fixed, negligible entropy coefficient, so the soft value is the plain one.
            sac.entropyTuning = false
            sac.entropyCoefficient = 1e-8
            configuration = .sac(sac)
        case var .td3(td3):
            td3.policyDelay = 1
            configuration = .td3(td3)
        case .ddpg, .ppo:
            break
        }
        var learner = makeLearner(configuration: configuration, observationDimension: 2, actionDimension: 1,
                                  initialization: RandomStream(seed: 10, name: "initialisation"))
        let data = RandomStream(seed: 10, name: "data")
        var buffer = ReplayBuffer(capacity: 500, observationDimension: 2, actionDimension: 1)
        for step in 0..<500 {
            // r = 1 always; every 50th transition ends the episode: by termination or by truncation only.
            let ends = step % 50 == 49
            buffer.append(observation: [Float(data.uniform(from: -1, to: 1)), Float(data.uniform(from: -1, to: 1))],
                          action: [Float(data.uniform(from: -1, to: 1))], reward: 1,
                          nextObservation: [Float(data.uniform(from: -1, to: 1)), Float(data.uniform(from: -1, to: 1))],
                          isTerminal: terminal, isTruncated: !terminal && ends)
        }
        var batch = ReplayBatch()
        let replay = RandomStream(seed: 10, name: "replay")
        let stream = RandomStream(seed: 10, name: "update")
        for _ in 0..<4000 {
            buffer.sample(count: 64, using: replay, into: &batch)
            _ = learner.update(on: batch, using: stream)
        }
        buffer.sample(count: 200, using: replay, into: &batch)
        let values = learner.values(for: batch.observations, actions: batch.actions)
        return Double(values.reduce(0, +)) / Double(values.count)
    }

    func testTruncatedTransitionsBootstrapToTheInfiniteHorizonValue() {
        for algorithm in LearnerAlgorithm.allCases where algorithm.isOffPolicy {
            // r/(1 − γ) = 1/(1 − 0.9) = 10.
            XCTAssertEqual(learnedValue(algorithm, terminal: false), 10, accuracy: 0.2, "\(algorithm)")
        }
    }

    func testTerminatedTransitionsDoNotBootstrap() {
        for algorithm in LearnerAlgorithm.allCases where algorithm.isOffPolicy {
            // Every transition terminates: Q = r = 1.
            XCTAssertEqual(learnedValue(algorithm, terminal: true), 1, accuracy: 0.05, "\(algorithm)")
        }
    }
}
