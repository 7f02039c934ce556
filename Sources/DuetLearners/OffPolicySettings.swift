import DuetConfiguration

/// The settings DDPG, TD3 and SAC have in common: networks, discount, optimisers, replay batch, target networks,
/// observation normalisation, critic L2, exploration noise and distillation.
///
/// Each algorithm's configuration (``DDPGConfiguration``, ``TD3Configuration``, ``SACConfiguration``) embeds one as
/// `settings` and reads its fields as its own (`configuration.hidden`), and the learner block of an experiment file
/// is flat: these keys sit beside the algorithm's own keys. Defaults differ by algorithm (``init(hidden:learningRate:)``).
///
/// Off-policy only, and so not for an on-policy configuration such as PPO's (which will be a struct of its own,
/// with its own `batchSize`, the minibatch of a rollout): ``batchSize`` (transitions drawn from a replay buffer),
/// ``targetUpdateRate`` (target networks), ``criticWeightDecay`` and ``noise`` (exploration by action or parameter
/// noise). The network, discount, observation and distillation fields are the ones PPO's configuration would share;
/// split them into a struct of their own then.
public struct OffPolicySettings: Sendable, Equatable {
    /// Hidden layer widths of the actor and of each critic (SB3: 400-300 for DDPG and TD3, 256-256 for SAC).
    public var hidden: [Int]
    /// Discount factor per environment step. Denoted γ.
    public var discount: Double
    /// Adam step size of the actor (policy). Denoted α_π (SB3: 1e-3 for DDPG and TD3, 3e-4 for SAC).
    public var actorLearningRate: Double
    /// Adam step size of the critics. Denoted α_Q (SB3: same as the actor's).
    public var criticLearningRate: Double
    /// Transitions per gradient update, drawn from the replay buffer. Denoted N.
    public var batchSize: Int
    /// Polyak rate of the target networks, θ′ ← τ·θ + (1 − τ)·θ′ after each (actor) update. Denoted τ.
    public var targetUpdateRate: Double
    /// Put a layer norm between each hidden dense layer and its ReLU, in the actor and the critics (as the
    /// reference DDPG does).
    public var layerNorm: Bool
    /// Normalise observations by their running mean and standard deviation before every network (the
    /// statistics are updated from each collected observation, as the reference DDPG does).
    public var observationNormalization: Bool
    /// Normalised observations are clipped to [−clip, clip] (the reference DDPG: 5).
    public var observationClip: Double
    /// L2 penalty (λ/2)·Σ‖W‖² on the critics' hidden-layer weights, added to the critic loss (OpenAI baselines'
    /// `critic_l2_reg`; neither biases, nor layer-norm parameters, nor the output layer). Denoted λ.
    public var criticWeightDecay: Double
    /// Exploration while collecting data (DDPG and TD3: none unless given, as SB3; SAC samples its policy).
    public var noise: ExplorationNoiseConfiguration
    /// Adam step size of the distillation optimiser, separate from the actor's (the reference DPD: 1e-4).
    public var distillationLearningRate: Double
    /// Global-norm clip of the distillation gradient; absent means no clipping.
    public var distillationGradientClip: Double?
    /// Whether distillation steps go through the actor's own Adam (`optimizer: shared` in the distillation block,
    /// sharing its moments and learning rate) instead of an Adam of their own. Set by the trainer from the
    /// distillation block; not a key of the learner block.
    public var distillationSharesOptimizer = false

    /// Stable-Baselines3's common defaults with networks `hidden` and both learning rates `learningRate`: batch
    /// 256, τ 0.005, γ 0.99, no exploration noise, no layer norm, no observation normalisation (clip 5 when on),
    /// no critic L2. Distillation: learning rate 1e-4, no gradient clip.
    public init(hidden: [Int], learningRate: Double) {
        self.hidden = hidden
        discount = 0.99
        actorLearningRate = learningRate
        criticLearningRate = learningRate
        batchSize = 256
        targetUpdateRate = 0.005
        layerNorm = false
        observationNormalization = false
        observationClip = 5
        criticWeightDecay = 0
        noise = ExplorationNoiseConfiguration()
        distillationLearningRate = 1e-4
        distillationGradientClip = nil
    }

    // MARK: Coding

    /// The keys of these settings in a learner block.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case hidden, discount, actorLearningRate, criticLearningRate, batchSize, targetUpdateRate
        case layerNorm, observationNormalization, observationClip, criticWeightDecay, noise
        case distillationLearningRate, distillationGradientClip
    }

    /// The keys a learner block lists before the algorithm's own keys; ``trailingKeys`` come after them. This is
    /// the order of the learner block since the first release (an algorithm's keys after `targetUpdateRate`),
    /// kept so that encoded configurations do not change.
    static let leadingKeys: [CodingKeys] = [
        .hidden, .discount, .actorLearningRate, .criticLearningRate, .batchSize, .targetUpdateRate,
    ]
    /// The keys a learner block lists after the algorithm's own keys.
    static let trailingKeys = CodingKeys.allCases.filter { !leadingKeys.contains($0) }

    /// The keys of a learner block whose algorithm has the keys `own`, in the order they are written:
    /// `algorithm`, the ``leadingKeys``, `own`, the ``trailingKeys``.
    static func learnerBlockKeys(around own: [some CodingKey]) -> [String] {
        [LearnerConfiguration.algorithmKey.stringValue] + leadingKeys.map(\.stringValue) + own.map(\.stringValue)
            + trailingKeys.map(\.stringValue)
    }

    /// The settings in the learner block `decoder`, with `defaults` for the keys it does not give. Keys other
    /// than these settings' are left to the caller, which has checked them.
    init(from decoder: any Decoder, defaults: OffPolicySettings) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hidden = try container.decode(forKey: .hidden, default: defaults.hidden)
        discount = try container.decode(forKey: .discount, default: defaults.discount)
        actorLearningRate = try container.decode(forKey: .actorLearningRate, default: defaults.actorLearningRate)
        criticLearningRate = try container.decode(forKey: .criticLearningRate, default: defaults.criticLearningRate)
        batchSize = try container.decode(forKey: .batchSize, default: defaults.batchSize)
        targetUpdateRate = try container.decode(forKey: .targetUpdateRate, default: defaults.targetUpdateRate)
        layerNorm = try container.decode(forKey: .layerNorm, default: defaults.layerNorm)
        observationNormalization = try container.decode(forKey: .observationNormalization,
                                                        default: defaults.observationNormalization)
        observationClip = try container.decode(forKey: .observationClip, default: defaults.observationClip)
        criticWeightDecay = try container.decode(forKey: .criticWeightDecay, default: defaults.criticWeightDecay)
        noise = try container.decode(forKey: .noise, default: defaults.noise)
        distillationLearningRate = try container.decode(forKey: .distillationLearningRate,
                                                        default: defaults.distillationLearningRate)
        distillationGradientClip = try container.decode(Double?.self, forKey: .distillationGradientClip,
                                                        default: defaults.distillationGradientClip)
    }

    /// Writes the settings of `keys`, in that order, into a learner block (optional fields only when set).
    func encode(_ keys: [CodingKeys], into container: inout KeyedEncodingContainer<AnyCodingKey>) throws {
        for key in keys {
            let name = AnyCodingKey(key)
            switch key {
            case .hidden: try container.encode(hidden, forKey: name)
            case .discount: try container.encode(discount, forKey: name)
            case .actorLearningRate: try container.encode(actorLearningRate, forKey: name)
            case .criticLearningRate: try container.encode(criticLearningRate, forKey: name)
            case .batchSize: try container.encode(batchSize, forKey: name)
            case .targetUpdateRate: try container.encode(targetUpdateRate, forKey: name)
            case .layerNorm: try container.encode(layerNorm, forKey: name)
            case .observationNormalization: try container.encode(observationNormalization, forKey: name)
            case .observationClip: try container.encode(observationClip, forKey: name)
            case .criticWeightDecay: try container.encode(criticWeightDecay, forKey: name)
            case .noise: try container.encode(noise, forKey: name)
            case .distillationLearningRate: try container.encode(distillationLearningRate, forKey: name)
            case .distillationGradientClip: try container.encodeIfPresent(distillationGradientClip, forKey: name)
            }
        }
    }

    // MARK: Validation

    /// Checks the settings of `keys`, in that order, for a learner of `algorithm` (parameter noise is DDPG's).
    /// - Throws: ``ConfigurationError/invalidValue(source:path:value:accepted:)`` for the first value out of range.
    func validate(_ keys: [CodingKeys], at path: String, algorithm: LearnerAlgorithm) throws {
        for key in keys {
            let name = key.stringValue
            switch key {
            case .hidden:
                try Self.require(hidden.allSatisfy { $0 >= 1 }, name, at: path, value: hidden,
                                 accepted: "a list of widths ≥ 1 (possibly empty)")
            case .discount:
                try Self.require(discount >= 0 && discount <= 1, name, at: path, value: discount,
                                 accepted: "a number in [0, 1]")
            case .actorLearningRate:
                try Self.require(Self.isRate(actorLearningRate), name, at: path, value: actorLearningRate,
                                 accepted: "a finite number ≥ 0")
            case .criticLearningRate:
                try Self.require(Self.isRate(criticLearningRate), name, at: path, value: criticLearningRate,
                                 accepted: "a finite number ≥ 0")
            case .batchSize:
                try Self.require(batchSize >= 1, name, at: path, value: batchSize, accepted: "an integer ≥ 1")
            case .targetUpdateRate:
                try Self.require(targetUpdateRate >= 0 && targetUpdateRate <= 1, name, at: path,
                                 value: targetUpdateRate, accepted: "a number in [0, 1]")
            case .layerNorm, .observationNormalization:
                break
            case .observationClip:
                try Self.require(observationClip > 0 && observationClip.isFinite, name, at: path,
                                 value: observationClip, accepted: "a finite number > 0")
            case .criticWeightDecay:
                try Self.require(Self.isRate(criticWeightDecay), name, at: path, value: criticWeightDecay,
                                 accepted: "a finite number ≥ 0")
            case .noise:
                try noise.validate(at: ConfigurationPath.appending("noise", to: path))
                if noise.kind == .parameter {
                    try Self.require(algorithm == .ddpg, "noise.kind", at: path, value: noise.kind.rawValue,
                                     accepted: "none, gaussian or ornsteinUhlenbeck with \(algorithm.rawValue); "
                                         + "parameter noise is for ddpg")
                }
            case .distillationLearningRate:
                try Self.require(Self.isRate(distillationLearningRate), name, at: path,
                                 value: distillationLearningRate, accepted: "a finite number ≥ 0")
            case .distillationGradientClip:
                if let clip = distillationGradientClip {
                    try Self.require(clip > 0 && clip.isFinite, name, at: path, value: clip,
                                     accepted: "a finite number > 0, or absent for no clipping")
                }
            }
        }
    }

    /// Whether `value` is a valid rate or coefficient: finite and ≥ 0.
    static func isRate(_ value: Double) -> Bool { value >= 0 && value.isFinite }

    /// Throws an ``ConfigurationError/invalidValue(source:path:value:accepted:)`` for `key` (below `path`)
    /// unless `isValid`, as ``ValidatedConfiguration/require(_:_:at:value:accepted:)`` does for a configuration.
    private static func require(_ isValid: Bool, _ key: String, at path: String, value: @autoclosure () -> Any,
                                accepted: String) throws {
        guard isValid else {
            throw ConfigurationError.invalidValue(source: "", path: ConfigurationPath.appending(key, to: path),
                                                  value: "\(value())", accepted: accepted)
        }
    }
}
