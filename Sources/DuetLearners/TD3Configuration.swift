import DuetConfiguration

/// The hyper-parameters of a TD3 learner (a learner block with `algorithm: td3`; see ``TD3``).
///
/// The settings every off-policy learner has are in ``settings`` and read as this configuration's own
/// (`configuration.hidden`); the fields declared here are TD3's alone. Missing keys take Stable-Baselines3's
/// defaults (``init()``).
@dynamicMemberLookup
public struct TD3Configuration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The `algorithm` of a TD3 learner block.
    public static let algorithm = LearnerAlgorithm.td3

    /// Networks, discount, learning rates, batch size, target rate, observations, critic L2, noise, distillation.
    public var settings: OffPolicySettings
    /// Critic updates per actor and target update. Denoted d.
    public var policyDelay: Int
    /// Standard deviation of the Gaussian noise added to the target action (target policy smoothing), in action
    /// units. Denoted σ̃.
    public var targetPolicyNoise: Double
    /// The smoothing noise is clipped to [−c, c] before it is added. Denoted c.
    public var targetNoiseClip: Double

    /// Stable-Baselines3's defaults: learning rates 1e-3, nets 400-300, batch 256, τ 0.005, γ 0.99, no exploration
    /// noise, policy delay 2, target noise 0.2 clipped at 0.5 (and ``OffPolicySettings/init(hidden:learningRate:)``).
    public init() {
        settings = OffPolicySettings(hidden: [400, 300], learningRate: 1e-3)
        policyDelay = 2
        targetPolicyNoise = 0.2
        targetNoiseClip = 0.5
    }

    /// The shared setting at `keyPath`, so that `configuration.hidden` reads ``settings``' field.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<OffPolicySettings, Value>) -> Value {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }

    // MARK: Coding

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policyDelay, targetPolicyNoise, targetNoiseClip
    }

    /// Every key of a TD3 learner block, in the order they are written.
    public static let keys = OffPolicySettings.learnerBlockKeys(around: CodingKeys.allCases)

    /// Decodes the TD3 block, rejecting keys of other algorithms (see ``LearnerConfiguration``); SB3's defaults for
    /// omitted keys.
    public init(from decoder: any Decoder) throws {
        try LearnerConfiguration.checkKeys(of: decoder, for: Self.algorithm)
        let defaults = TD3Configuration()
        settings = try OffPolicySettings(from: decoder, defaults: defaults.settings)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        policyDelay = try container.decode(forKey: .policyDelay, default: defaults.policyDelay)
        targetPolicyNoise = try container.decode(forKey: .targetPolicyNoise, default: defaults.targetPolicyNoise)
        targetNoiseClip = try container.decode(forKey: .targetNoiseClip, default: defaults.targetNoiseClip)
    }

    /// Writes the flat learner block: `algorithm`, the shared settings, TD3's own fields among them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(Self.algorithm, forKey: LearnerConfiguration.algorithmKey)
        try settings.encode(OffPolicySettings.leadingKeys, into: &container)
        try container.encode(policyDelay, forKey: AnyCodingKey(CodingKeys.policyDelay))
        try container.encode(targetPolicyNoise, forKey: AnyCodingKey(CodingKeys.targetPolicyNoise))
        try container.encode(targetNoiseClip, forKey: AnyCodingKey(CodingKeys.targetNoiseClip))
        try settings.encode(OffPolicySettings.trailingKeys, into: &container)
    }

    // MARK: Validation

    /// Validates the shared settings and requires d ≥ 1 and finite σ̃ ≥ 0 and c ≥ 0.
    public func validate(at path: String) throws {
        try settings.validate(OffPolicySettings.leadingKeys, at: path, algorithm: Self.algorithm)
        try require(policyDelay >= 1, "policyDelay", at: path, value: policyDelay, accepted: "an integer ≥ 1")
        try require(OffPolicySettings.isRate(targetPolicyNoise), "targetPolicyNoise", at: path,
                    value: targetPolicyNoise, accepted: "a finite number ≥ 0")
        try require(OffPolicySettings.isRate(targetNoiseClip), "targetNoiseClip", at: path, value: targetNoiseClip,
                    accepted: "a finite number ≥ 0")
        try settings.validate(OffPolicySettings.trailingKeys, at: path, algorithm: Self.algorithm)
    }
}
