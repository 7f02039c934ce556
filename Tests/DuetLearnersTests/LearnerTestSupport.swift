import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import XCTest

/// Helpers shared by the learner tests.
enum LearnerTestSupport {
    /// A configuration of `algorithm` with small networks for fast tests.
    static func configuration(_ algorithm: LearnerAlgorithm, hidden: [Int] = [8, 8],
                              batchSize: Int = 16) -> LearnerConfiguration {
        var configuration = LearnerConfiguration(algorithm: algorithm)
        configuration.hidden = hidden
        configuration.offPolicySettings?.batchSize = batchSize
        return configuration
    }

    /// A DDPG configuration with small networks for fast tests.
    static func ddpg(hidden: [Int] = [8, 8], batchSize: Int = 16) -> DDPGConfiguration {
        var configuration = DDPGConfiguration()
        configuration.hidden = hidden
        configuration.batchSize = batchSize
        return configuration
    }

    /// A TD3 configuration with small networks for fast tests.
    static func td3(hidden: [Int] = [8, 8], batchSize: Int = 16) -> TD3Configuration {
        var configuration = TD3Configuration()
        configuration.hidden = hidden
        configuration.batchSize = batchSize
        return configuration
    }

    /// A SAC configuration with small networks for fast tests.
    static func sac(hidden: [Int] = [8, 8], batchSize: Int = 16) -> SACConfiguration {
        var configuration = SACConfiguration()
        configuration.hidden = hidden
        configuration.batchSize = batchSize
        return configuration
    }

    /// A learner of `configuration` initialised from the stream `name` under `seed`.
    static func learner(_ configuration: LearnerConfiguration, observation: Int = 3, action: Int = 2,
                        seed: UInt64 = 1, name: String = "initialisation") -> any OffPolicyLearner {
        makeLearner(configuration: configuration, observationDimension: observation, actionDimension: action,
                    initialization: RandomStream(seed: seed, name: name))
    }

    /// A buffer of `count` random transitions (observations N(0, 1), actions U(−1, 1), rewards N(0, 1)), every
    /// fifth a termination and every seventh a truncation.
    static func randomBuffer(observation: Int = 3, action: Int = 2, count: Int = 200,
                             stream: RandomStream = RandomStream(seed: 5, name: "data")) -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: count, observationDimension: observation, actionDimension: action)
        for step in 0..<count {
            buffer.append(observation: (0..<observation).map { _ in Float(stream.gaussian()) },
                          action: (0..<action).map { _ in Float(stream.uniform(from: -1, to: 1)) },
                          reward: Float(stream.gaussian()),
                          nextObservation: (0..<observation).map { _ in Float(stream.gaussian()) },
                          isTerminal: step % 5 == 4, isTruncated: step % 7 == 6)
        }
        return buffer
    }

    /// A `rows × columns` matrix of uniform draws from [low, high).
    static func uniformMatrix<Scalar: BLASScalar>(rows: Int, columns: Int, low: Double = -1, high: Double = 1,
                                                  seed: UInt64) -> Matrix<Scalar> {
        var source = SeededSource(seed: seed)
        return source.matrix(rows: rows, columns: columns, from: low, to: high)
    }

    /// A random MLP in Double for gradient checks.
    static func network(_ widths: [Int], output: Activation = .identity, layerNorm: Bool = false,
                        seed: UInt64) -> MLP<Double> {
        var source = SeededSource(seed: seed)
        return MLP<Double>(widths: widths, hiddenActivation: .relu, outputActivation: output,
                           usesLayerNorm: layerNorm, using: &source)
    }

    /// Runs `updates` updates of `learner` on batches from `buffer`, returning the last statistics.
    @discardableResult
    static func train(_ learner: inout any OffPolicyLearner, on buffer: ReplayBuffer, updates: Int, batchSize: Int,
                      replay: RandomStream, update: RandomStream) -> UpdateStatistics {
        var batch = ReplayBatch()
        var statistics = UpdateStatistics(values: [])
        for _ in 0..<updates {
            buffer.sample(count: batchSize, using: replay, into: &batch)
            statistics = learner.update(on: batch, using: update)
        }
        return statistics
    }
}

/// Reading one algorithm's own fields through the tagged configuration: `nil` (false for `entropyTuning`) when the
/// configuration is of another algorithm.
extension LearnerConfiguration {
    var td3: TD3Configuration? { if case let .td3(configuration) = self { configuration } else { nil } }
    var sac: SACConfiguration? { if case let .sac(configuration) = self { configuration } else { nil } }
    var policyDelay: Int? { td3?.policyDelay }
    var targetPolicyNoise: Double? { td3?.targetPolicyNoise }
    var targetNoiseClip: Double? { td3?.targetNoiseClip }
    var entropyTuning: Bool { sac?.entropyTuning ?? false }
    var entropyCoefficient: Double? { sac?.entropyCoefficient }
    var targetEntropy: Double? { sac?.targetEntropy }
    var entropyLearningRate: Double? { sac?.entropyLearningRate }
    var stateDependentExploration: StateDependentExplorationConfiguration? { sac?.stateDependentExploration }
}
