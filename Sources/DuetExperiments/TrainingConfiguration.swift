import DuetConfiguration

/// The unit of ``TrainingConfiguration/trainFrequency``, as SB3's `train_freq=(n, "step" | "episode")`.
public enum TrainingFrequencyUnit: String, ConfigurationChoice {
    /// Learn every n environment steps.
    case step
    /// Learn at the end of every n-th episode.
    case episode
}

/// How a learner collects data and when it learns: the trainer-level settings of an off-policy run
/// (the `training:` block of an experiment file). Defaults are Stable-Baselines3's.
public struct TrainingConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// Replay buffer capacity, in transitions.
    public var bufferSize = 1_000_000
    /// Environment steps of uniformly random actions before the policy acts and learning starts.
    public var learningStarts = 100
    /// Steps or episodes (see ``trainFrequencyUnit``) between learning phases.
    public var trainFrequency = 1
    /// Whether ``trainFrequency`` counts environment steps or episodes.
    public var trainFrequencyUnit = TrainingFrequencyUnit.step
    /// Gradient updates per learning phase; −1 means as many as environment steps since the last phase
    /// (SB3's `gradient_steps=-1`).
    public var gradientSteps = 1
    /// Environment steps covered by one row of `updates.csv` (the row holds the mean over those updates).
    public var updateLogInterval = 1000

    /// SB3's defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bufferSize, learningStarts, trainFrequency, trainFrequencyUnit, gradientSteps, updateLogInterval
    }

    /// Decodes the `training:` block, taking SB3's default for each key it omits and rejecting any other key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = TrainingConfiguration()
        bufferSize = try container.decode(forKey: .bufferSize, default: defaults.bufferSize)
        learningStarts = try container.decode(forKey: .learningStarts, default: defaults.learningStarts)
        trainFrequency = try container.decode(forKey: .trainFrequency, default: defaults.trainFrequency)
        trainFrequencyUnit = try container.decode(forKey: .trainFrequencyUnit, default: defaults.trainFrequencyUnit)
        gradientSteps = try container.decode(forKey: .gradientSteps, default: defaults.gradientSteps)
        updateLogInterval = try container.decode(forKey: .updateLogInterval, default: defaults.updateLogInterval)
    }

    /// Requires `bufferSize`, `trainFrequency` and `updateLogInterval` ≥ 1, `learningStarts` ≥ 0 and
    /// `gradientSteps` ≥ −1.
    public func validate(at path: String) throws {
        try require(bufferSize >= 1, "bufferSize", at: path, value: bufferSize, accepted: "an integer ≥ 1")
        try require(learningStarts >= 0, "learningStarts", at: path, value: learningStarts, accepted: "an integer ≥ 0")
        try require(trainFrequency >= 1, "trainFrequency", at: path, value: trainFrequency, accepted: "an integer ≥ 1")
        try require(gradientSteps >= -1, "gradientSteps", at: path, value: gradientSteps,
                    accepted: "an integer ≥ 0, or −1 for as many as steps collected")
        try require(updateLogInterval >= 1, "updateLogInterval", at: path, value: updateLogInterval,
                    accepted: "an integer ≥ 1")
    }
}

/// When and how a learner is evaluated (the `evaluation:` block): deterministic actions on an environment
/// copy of its own, with its own random stream, so evaluation never disturbs training.
public struct EvaluationConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// Environment steps (per learner) between evaluations; the last step is always evaluated too.
    public var every = 1000
    /// Episodes per evaluation.
    public var episodes = 10

    /// Every 1000 steps, 10 episodes.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case every, episodes }

    /// Decodes `every` and `episodes`, each with its default, rejecting any other key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = EvaluationConfiguration()
        every = try container.decode(forKey: .every, default: defaults.every)
        episodes = try container.decode(forKey: .episodes, default: defaults.episodes)
    }

    /// Requires `every` ≥ 1 and `episodes` ≥ 1.
    public func validate(at path: String) throws {
        try require(every >= 1, "every", at: path, value: every, accepted: "an integer ≥ 1")
        try require(episodes >= 1, "episodes", at: path, value: episodes, accepted: "an integer ≥ 1")
    }
}
