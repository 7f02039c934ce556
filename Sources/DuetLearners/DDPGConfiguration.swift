import DuetConfiguration

/// The hyper-parameters of a DDPG learner (a learner block with `algorithm: ddpg`; see ``DDPG``).
///
/// DDPG has no fields of its own: everything is in ``settings``, read as this configuration's own
/// (`configuration.hidden`). Missing keys take Stable-Baselines3's defaults (``init()``); ``reference`` is the
/// reference DPD-DDPG learner. Of the off-policy algorithms only DDPG accepts parameter noise.
@dynamicMemberLookup
public struct DDPGConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The `algorithm` of a DDPG learner block.
    public static let algorithm = LearnerAlgorithm.ddpg

    /// Networks, discount, learning rates, batch size, target rate, observations, critic L2, noise, distillation.
    public var settings: OffPolicySettings

    /// Stable-Baselines3's defaults: learning rates 1e-3, nets 400-300, batch 256, τ 0.005, γ 0.99, no exploration
    /// noise (and ``OffPolicySettings/init(hidden:learningRate:)``).
    public init() {
        settings = OffPolicySettings(hidden: [400, 300], learningRate: 1e-3)
    }

    /// The reference DPD-DDPG learner (the authors' baselines fork): actor and critic 64-64 with layer norm and
    /// ReLU, tanh output, actor learning rate 1e-4, critic 1e-3, critic L2 1e-2, γ 0.99, batch 64, τ 0.01,
    /// observation normalisation clipped at 5, adaptive parameter noise with σ = δ = 0.2.
    public static var reference: DDPGConfiguration {
        var configuration = DDPGConfiguration()
        configuration.hidden = [64, 64]
        configuration.layerNorm = true
        configuration.actorLearningRate = 1e-4
        configuration.criticLearningRate = 1e-3
        configuration.criticWeightDecay = 1e-2
        configuration.batchSize = 64
        configuration.targetUpdateRate = 0.01
        configuration.observationNormalization = true
        configuration.noise = ExplorationNoiseConfiguration(kind: .parameter, scale: 0.2)
        return configuration
    }

    /// The shared setting at `keyPath`, so that `configuration.hidden` reads ``settings``' field.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<OffPolicySettings, Value>) -> Value {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }

    // MARK: Coding

    /// Every key of a DDPG learner block, in the order they are written.
    public static let keys = OffPolicySettings.learnerBlockKeys(around: [AnyCodingKey]())

    /// Decodes the DDPG block (the shared settings only), rejecting keys of other algorithms; SB3's defaults for
    /// omitted keys.
    public init(from decoder: any Decoder) throws {
        try LearnerConfiguration.checkKeys(of: decoder, for: Self.algorithm)
        settings = try OffPolicySettings(from: decoder, defaults: DDPGConfiguration().settings)
    }

    /// Writes the flat learner block: `algorithm`, then the shared settings.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(Self.algorithm, forKey: LearnerConfiguration.algorithmKey)
        try settings.encode(OffPolicySettings.leadingKeys + OffPolicySettings.trailingKeys, into: &container)
    }

    // MARK: Validation

    /// Validates the shared settings as DDPG's, the one off-policy algorithm that accepts parameter noise.
    public func validate(at path: String) throws {
        try settings.validate(OffPolicySettings.CodingKeys.allCases, at: path, algorithm: Self.algorithm)
    }
}
