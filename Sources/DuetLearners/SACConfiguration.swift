import DuetConfiguration

/// The hyper-parameters of a SAC learner (a learner block with `algorithm: sac`; see ``SAC``).
///
/// The settings every off-policy learner has are in ``settings`` and read as this configuration's own
/// (`configuration.hidden`); the fields declared here (the entropy coefficient and gSDE) are SAC's alone. Missing
/// keys take Stable-Baselines3's defaults (``init()``).
@dynamicMemberLookup
public struct SACConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The `algorithm` of a SAC learner block.
    public static let algorithm = LearnerAlgorithm.sac

    /// Networks, discount, learning rates, batch size, target rate, observations, critic L2, noise, distillation.
    public var settings: OffPolicySettings
    /// Learn the entropy coefficient α by gradient descent on log α (SB3's `ent_coef="auto"`).
    public var entropyTuning: Bool
    /// The initial entropy coefficient when tuning, or the fixed one when not. Denoted α.
    public var entropyCoefficient: Double
    /// The entropy target in nats; absent means −dim(A), SB3's "auto". Denoted H̄.
    public var targetEntropy: Double?
    /// Adam step size of log α (SB3: the shared learning rate, 3e-4).
    public var entropyLearningRate: Double
    /// Explore with generalised state-dependent exploration (gSDE) instead of a per-state Gaussian; absent means
    /// off (SB3's `use_sde=False`).
    public var stateDependentExploration: StateDependentExplorationConfiguration?

    /// Stable-Baselines3's defaults: learning rates 3e-4, nets 256-256, batch 256, τ 0.005, γ 0.99, automatic
    /// entropy tuning from α = 1 towards −dim(A) with step size 3e-4, no gSDE (and
    /// ``OffPolicySettings/init(hidden:learningRate:)``).
    public init() {
        settings = OffPolicySettings(hidden: [256, 256], learningRate: 3e-4)
        entropyTuning = true
        entropyCoefficient = 1
        targetEntropy = nil
        entropyLearningRate = 3e-4
        stateDependentExploration = nil
    }

    /// The shared setting at `keyPath`, so that `configuration.hidden` reads ``settings``' field.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<OffPolicySettings, Value>) -> Value {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }

    /// The entropy target H̄ for an action space of `actionDimension` dimensions: ``targetEntropy`` or −dim(A).
    public func resolvedTargetEntropy(actionDimension: Int) -> Double {
        targetEntropy ?? -Double(actionDimension)
    }

    // MARK: Coding

    enum CodingKeys: String, CodingKey, CaseIterable {
        case entropyTuning, entropyCoefficient, targetEntropy, entropyLearningRate, stateDependentExploration
    }

    /// Every key of a SAC learner block, in the order they are written.
    public static let keys = OffPolicySettings.learnerBlockKeys(around: CodingKeys.allCases)

    /// Decodes the SAC block, rejecting keys of other algorithms (see ``LearnerConfiguration``); SB3's defaults for
    /// omitted keys.
    public init(from decoder: any Decoder) throws {
        try LearnerConfiguration.checkKeys(of: decoder, for: Self.algorithm)
        let defaults = SACConfiguration()
        settings = try OffPolicySettings(from: decoder, defaults: defaults.settings)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entropyTuning = try container.decode(forKey: .entropyTuning, default: defaults.entropyTuning)
        entropyCoefficient = try container.decode(forKey: .entropyCoefficient, default: defaults.entropyCoefficient)
        targetEntropy = try container.decode(Double?.self, forKey: .targetEntropy, default: defaults.targetEntropy)
        entropyLearningRate = try container.decode(forKey: .entropyLearningRate,
                                                   default: defaults.entropyLearningRate)
        stateDependentExploration = try container.decode(StateDependentExplorationConfiguration?.self,
                                                         forKey: .stateDependentExploration,
                                                         default: defaults.stateDependentExploration)
    }

    /// Writes the flat learner block: `algorithm`, the shared settings, SAC's own fields among them (optional
    /// fields only when set).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(Self.algorithm, forKey: LearnerConfiguration.algorithmKey)
        try settings.encode(OffPolicySettings.leadingKeys, into: &container)
        try container.encode(entropyTuning, forKey: AnyCodingKey(CodingKeys.entropyTuning))
        try container.encode(entropyCoefficient, forKey: AnyCodingKey(CodingKeys.entropyCoefficient))
        try container.encodeIfPresent(targetEntropy, forKey: AnyCodingKey(CodingKeys.targetEntropy))
        try container.encode(entropyLearningRate, forKey: AnyCodingKey(CodingKeys.entropyLearningRate))
        try container.encodeIfPresent(stateDependentExploration,
                                      forKey: AnyCodingKey(CodingKeys.stateDependentExploration))
        try settings.encode(OffPolicySettings.trailingKeys, into: &container)
    }

    // MARK: Validation

    /// Validates the shared settings, α > 0, a finite H̄ when given, the step size of log α and the gSDE block.
    public func validate(at path: String) throws {
        try settings.validate(OffPolicySettings.leadingKeys, at: path, algorithm: Self.algorithm)
        try require(entropyCoefficient > 0 && entropyCoefficient.isFinite, "entropyCoefficient", at: path,
                    value: entropyCoefficient, accepted: "a finite number > 0")
        try require(targetEntropy?.isFinite ?? true, "targetEntropy", at: path,
                    value: targetEntropy.map { "\($0)" } ?? "", accepted: "a finite number, or absent for −dim(A)")
        try require(OffPolicySettings.isRate(entropyLearningRate), "entropyLearningRate", at: path,
                    value: entropyLearningRate, accepted: "a finite number ≥ 0")
        try stateDependentExploration?.validate(at: ConfigurationPath.appending("stateDependentExploration", to: path))
        try settings.validate(OffPolicySettings.trailingKeys, at: path, algorithm: Self.algorithm)
    }
}
