import DuetConfiguration
import DuetEnvironments
import DuetLearners

/// An experiment file: everything that determines a run except its seed.
///
/// ```yaml
/// env: Pendulum-v1
/// steps: 20000                        # environment steps per learner
/// evaluation: {every: 1000, episodes: 10}
/// training: {bufferSize: 200000, learningStarts: 10000}
/// learner: {algorithm: td3, hidden: [400, 300], discount: 0.98, noise: {kind: gaussian, scale: 0.1}}
/// ```
///
/// Every key has a default; unknown keys, wrong types and out-of-range values are errors naming the file and
/// the key. Keys equal the Swift property names.
public struct ExperimentConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The environment identifier, one of `duet envs list`.
    public var env = "Pendulum-v1"
    /// Environment steps per learner.
    public var steps = 20_000
    /// When and how learners are evaluated.
    public var evaluation = EvaluationConfiguration()
    /// Replay buffer, learning start and update cadence.
    public var training = TrainingConfiguration()
    /// The learner's algorithm and hyper-parameters (default: TD3 with SB3's defaults).
    public var learner = OffPolicyConfiguration(algorithm: .td3)

    /// The defaults: TD3 on Pendulum-v1 for 20,000 steps.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case env, steps, evaluation, training, learner }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = ExperimentConfiguration()
        env = try container.decode(forKey: .env, default: defaults.env)
        steps = try container.decode(forKey: .steps, default: defaults.steps)
        evaluation = try container.decode(forKey: .evaluation, default: defaults.evaluation)
        training = try container.decode(forKey: .training, default: defaults.training)
        learner = try container.decode(forKey: .learner, default: defaults.learner)
    }

    public func validate(at path: String) throws {
        try require(EnvironmentRegistry.identifiers.contains(env), "env", at: path, value: env,
                    accepted: EnvironmentRegistry.identifiers.joined(separator: ", "))
        try require(steps >= 1, "steps", at: path, value: steps, accepted: "an integer ≥ 1")
        try evaluation.validate(at: ConfigurationPath.appending("evaluation", to: path))
        try training.validate(at: ConfigurationPath.appending("training", to: path))
        try learner.validate(at: ConfigurationPath.appending("learner", to: path))
    }
}
