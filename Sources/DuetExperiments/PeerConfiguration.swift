import DuetConfiguration
import DuetLearners

/// One entry of an experiment file's `peers:` list: a learner and, optionally, its own collection cadence.
///
/// ```yaml
/// peers:
///   - learner: {algorithm: td3, hidden: [64, 64]}
///   - learner: {algorithm: sac, hidden: [256, 256]}
///     training: {trainFrequency: 64, gradientSteps: 64}
/// ```
public struct PeerConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The peer's algorithm and hyper-parameters (default: TD3 with SB3's defaults).
    public var learner = LearnerConfiguration(algorithm: .td3)
    /// The peer's replay buffer, learning start and update cadence; absent means the file's top-level
    /// `training:` block.
    public var training: TrainingConfiguration?

    /// A TD3 peer with the file's training settings.
    public init() {}

    /// A peer from its parts.
    public init(learner: LearnerConfiguration, training: TrainingConfiguration? = nil) {
        self.learner = learner
        self.training = training
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case learner, training }

    /// Decodes `learner` (TD3 by default) and an optional `training` block, rejecting any other key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        learner = try container.decode(forKey: .learner, default: PeerConfiguration().learner)
        training = try container.decodeIfPresent(TrainingConfiguration.self, forKey: .training)
    }

    /// Validates the learner and, when given, the peer's own training block, at their key paths below `path`.
    public func validate(at path: String) throws {
        try learner.validate(at: ConfigurationPath.appending("learner", to: path))
        try training?.validate(at: ConfigurationPath.appending("training", to: path))
    }
}

/// A peer as the trainer builds it: its learner configuration (with the distillation block's learning rate and
/// gradient clip applied) and the training settings in force for it.
public struct ResolvedPeer: Sendable, Equatable {
    /// The learner's configuration.
    public var learner: LearnerConfiguration
    /// The peer's collection cadence.
    public var training: TrainingConfiguration
}
