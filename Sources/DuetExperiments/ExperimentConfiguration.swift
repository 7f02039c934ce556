import DuetConfiguration
import DuetDistillation
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
/// A file with a `distillation:` block trains a *pair* of peers (the `learner:` and the `peer:`, which defaults to
/// a copy of the learner); without it, a single learner.
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
    /// The second learner of a pair; absent means a copy of ``learner`` (it still starts from other random
    /// weights, drawn from its own streams). Needs a ``distillation`` block.
    public var peer: OffPolicyConfiguration?
    /// How the pair distils; its presence makes the run a dual run.
    public var distillation: DistillationConfiguration?

    /// Whether the run trains a pair of learners.
    public var isDual: Bool { distillation != nil }

    /// The configurations of the learners in slot order, with the distillation block's learning rate and
    /// gradient clip (when given) applied to each.
    public var learnerConfigurations: [OffPolicyConfiguration] {
        guard let distillation else { return [learner] }
        return [learner, peer ?? learner].map { configuration in
            var resolved = configuration
            if let rate = distillation.learningRate { resolved.distillationLearningRate = rate }
            if let clip = distillation.gradientClip { resolved.distillationGradientClip = clip }
            return resolved
        }
    }

    /// The defaults: TD3 on Pendulum-v1 for 20,000 steps.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case env, steps, evaluation, training, learner, peer, distillation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = ExperimentConfiguration()
        env = try container.decode(forKey: .env, default: defaults.env)
        steps = try container.decode(forKey: .steps, default: defaults.steps)
        evaluation = try container.decode(forKey: .evaluation, default: defaults.evaluation)
        training = try container.decode(forKey: .training, default: defaults.training)
        learner = try container.decode(forKey: .learner, default: defaults.learner)
        peer = try container.decodeIfPresent(OffPolicyConfiguration.self, forKey: .peer)
        distillation = try container.decodeIfPresent(DistillationConfiguration.self, forKey: .distillation)
    }

    public func validate(at path: String) throws {
        try require(EnvironmentRegistry.identifiers.contains(env), "env", at: path, value: env,
                    accepted: EnvironmentRegistry.identifiers.joined(separator: ", "))
        try require(steps >= 1, "steps", at: path, value: steps, accepted: "an integer ≥ 1")
        try evaluation.validate(at: ConfigurationPath.appending("evaluation", to: path))
        try training.validate(at: ConfigurationPath.appending("training", to: path))
        try learner.validate(at: ConfigurationPath.appending("learner", to: path))
        try peer?.validate(at: ConfigurationPath.appending("peer", to: path))
        if let distillation {
            let distillationPath = ConfigurationPath.appending("distillation", to: path)
            try distillation.validate(at: distillationPath)
            try require(distillation.target == .mean, "target", at: distillationPath, value: distillation.target.rawValue,
                        accepted: "mean (sampled targets need stochastic peers such as PPO, not yet available)")
        } else {
            try require(peer == nil, "peer", at: path, value: "a learner block",
                        accepted: "a peer only together with a distillation block")
        }
    }
}
