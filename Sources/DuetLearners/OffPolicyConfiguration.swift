import DuetConfiguration

/// The off-policy algorithms Duet implements.
public enum OffPolicyAlgorithm: String, ConfigurationChoice {
    /// Deep deterministic policy gradient (Lillicrap et al. 2016), one critic; see ``DDPG``.
    case ddpg
    /// Twin delayed DDPG (Fujimoto et al. 2018): two critics, target smoothing, delayed actor; see ``TD3``.
    case td3
    /// Soft actor-critic (Haarnoja et al. 2018) with automatic entropy tuning; see ``SAC``.
    case sac
}

/// The hyper-parameters of one off-policy learner (the `learner:` block of an experiment file).
///
/// One struct serves the three algorithms, because the trainer, the experiment files and the distillation
/// machinery handle every learner through the same fields (networks, discount, learning rates, batch size,
/// exploration, distillation). What differs is which fields apply and what the defaults are: `algorithm` is
/// read first and picks Stable-Baselines3's defaults for that algorithm (``init(algorithm:)``); fields of
/// another algorithm (`policyDelay` for SAC, the entropy settings for TD3, ...) are rejected as unknown keys,
/// and the encoded form (written to `run.json`) holds only the fields that apply, so it decodes back to the
/// same value.
///
/// Learning rates, noise scales and coefficients are plain numbers in the learner's units: actions live in
/// [−1, 1]ᵈ, so noise scales are fractions of the half-range of the environment's action box.
public struct OffPolicyConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// Which algorithm learns; required, and decides the defaults of every other field.
    public var algorithm: OffPolicyAlgorithm
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
    /// TD3 only: critic updates per actor and target update. Denoted d.
    public var policyDelay: Int
    /// TD3 only: standard deviation of the Gaussian noise added to the target action (target policy
    /// smoothing), in action units. Denoted σ̃.
    public var targetPolicyNoise: Double
    /// TD3 only: the smoothing noise is clipped to [−c, c] before it is added. Denoted c.
    public var targetNoiseClip: Double
    /// SAC only: learn the entropy coefficient α by gradient descent on log α (SB3's `ent_coef="auto"`).
    public var entropyTuning: Bool
    /// SAC only: the initial entropy coefficient when tuning, or the fixed one when not. Denoted α.
    public var entropyCoefficient: Double
    /// SAC only: the entropy target in nats; absent means −dim(A), SB3's "auto". Denoted H̄.
    public var targetEntropy: Double?
    /// SAC only: Adam step size of log α (SB3: the shared learning rate, 3e-4).
    public var entropyLearningRate: Double
    /// SAC only: explore with generalised state-dependent exploration (gSDE) instead of a per-state Gaussian;
    /// absent means off (SB3's `use_sde=False`).
    public var stateDependentExploration: StateDependentExplorationConfiguration?
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

    /// Stable-Baselines3's defaults for `algorithm`: DDPG and TD3 with learning rates 1e-3, nets 400-300,
    /// batch 256, τ 0.005, γ 0.99, no exploration noise (TD3: policy delay 2, target noise 0.2 clipped at 0.5);
    /// SAC with learning rates 3e-4, nets 256-256, batch 256, τ 0.005, γ 0.99, automatic entropy tuning from
    /// α = 1 towards −dim(A). Distillation: learning rate 1e-4, no gradient clip.
    public init(algorithm: OffPolicyAlgorithm) {
        self.algorithm = algorithm
        let isSAC = algorithm == .sac
        hidden = isSAC ? [256, 256] : [400, 300]
        discount = 0.99
        actorLearningRate = isSAC ? 3e-4 : 1e-3
        criticLearningRate = isSAC ? 3e-4 : 1e-3
        batchSize = 256
        targetUpdateRate = 0.005
        policyDelay = 2
        targetPolicyNoise = 0.2
        targetNoiseClip = 0.5
        entropyTuning = true
        entropyCoefficient = 1
        targetEntropy = nil
        entropyLearningRate = 3e-4
        stateDependentExploration = nil
        layerNorm = false
        observationNormalization = false
        observationClip = 5
        criticWeightDecay = 0
        noise = ExplorationNoiseConfiguration()
        distillationLearningRate = 1e-4
        distillationGradientClip = nil
    }

    /// The reference DPD-DDPG learner (the authors' baselines fork): actor and critic 64-64 with layer norm and
    /// ReLU, tanh output, actor learning rate 1e-4, critic 1e-3, critic L2 1e-2, γ 0.99, batch 64, τ 0.01,
    /// observation normalisation clipped at 5, adaptive parameter noise with σ = δ = 0.2.
    public static var referenceDDPG: OffPolicyConfiguration {
        var configuration = OffPolicyConfiguration(algorithm: .ddpg)
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

    /// The entropy target H̄ for an action space of `actionDimension` dimensions: ``targetEntropy`` or −dim(A).
    public func resolvedTargetEntropy(actionDimension: Int) -> Double {
        targetEntropy ?? -Double(actionDimension)
    }

    // MARK: Coding

    enum CodingKeys: String, CodingKey, CaseIterable {
        case algorithm, hidden, discount, actorLearningRate, criticLearningRate, batchSize, targetUpdateRate
        case policyDelay, targetPolicyNoise, targetNoiseClip
        case entropyTuning, entropyCoefficient, targetEntropy, entropyLearningRate, stateDependentExploration
        case layerNorm, observationNormalization, observationClip, criticWeightDecay, noise
        case distillationLearningRate, distillationGradientClip
    }

    /// The keys that apply to `algorithm`, in declaration order.
    static func applicableKeys(for algorithm: OffPolicyAlgorithm) -> [CodingKeys] {
        CodingKeys.allCases.filter { key in
            switch key {
            case .policyDelay, .targetPolicyNoise, .targetNoiseClip: return algorithm == .td3
            case .entropyTuning, .entropyCoefficient, .targetEntropy, .entropyLearningRate, .stateDependentExploration:
                return algorithm == .sac
            default: return true
            }
        }
    }

    /// Throws ``ConfigurationError/unknownKey(source:path:key:nearest:accepted:)`` for the first key of the
    /// mapping that is not in `applicable` (in the file's order), listing the applicable keys.
    static func rejectKeys<Key: CodingKey>(in container: KeyedDecodingContainer<AnyCodingKey>, otherThan applicable: [Key])
        throws {
        let accepted = applicable.map(\.stringValue)
        for key in container.allKeys where !accepted.contains(key.stringValue) {
            throw ConfigurationError.unknownKey(
                source: "", path: ConfigurationPath.dotted(container.codingPath), key: key.stringValue,
                nearest: NearestKey.find(key.stringValue, among: accepted), accepted: accepted)
        }
    }

    public init(from decoder: any Decoder) throws {
        // The algorithm first: it decides which keys exist and what the defaults are.
        let keys = try decoder.container(keyedBy: AnyCodingKey.self)
        let algorithm = try keys.decode(OffPolicyAlgorithm.self, forKey: AnyCodingKey(stringValue: "algorithm"))
        try Self.rejectKeys(in: keys, otherThan: Self.applicableKeys(for: algorithm))
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = OffPolicyConfiguration(algorithm: algorithm)
        self.algorithm = algorithm
        hidden = try container.decode(forKey: .hidden, default: defaults.hidden)
        discount = try container.decode(forKey: .discount, default: defaults.discount)
        actorLearningRate = try container.decode(forKey: .actorLearningRate, default: defaults.actorLearningRate)
        criticLearningRate = try container.decode(forKey: .criticLearningRate, default: defaults.criticLearningRate)
        batchSize = try container.decode(forKey: .batchSize, default: defaults.batchSize)
        targetUpdateRate = try container.decode(forKey: .targetUpdateRate, default: defaults.targetUpdateRate)
        policyDelay = try container.decode(forKey: .policyDelay, default: defaults.policyDelay)
        targetPolicyNoise = try container.decode(forKey: .targetPolicyNoise, default: defaults.targetPolicyNoise)
        targetNoiseClip = try container.decode(forKey: .targetNoiseClip, default: defaults.targetNoiseClip)
        entropyTuning = try container.decode(forKey: .entropyTuning, default: defaults.entropyTuning)
        entropyCoefficient = try container.decode(forKey: .entropyCoefficient, default: defaults.entropyCoefficient)
        targetEntropy = try container.decode(Double?.self, forKey: .targetEntropy, default: defaults.targetEntropy)
        entropyLearningRate = try container.decode(forKey: .entropyLearningRate,
                                                   default: defaults.entropyLearningRate)
        stateDependentExploration = try container.decode(StateDependentExplorationConfiguration?.self,
                                                         forKey: .stateDependentExploration,
                                                         default: defaults.stateDependentExploration)
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

    /// Writes the fields that apply to ``algorithm`` (optional fields only when set).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for key in Self.applicableKeys(for: algorithm) {
            switch key {
            case .algorithm: try container.encode(algorithm, forKey: key)
            case .hidden: try container.encode(hidden, forKey: key)
            case .discount: try container.encode(discount, forKey: key)
            case .actorLearningRate: try container.encode(actorLearningRate, forKey: key)
            case .criticLearningRate: try container.encode(criticLearningRate, forKey: key)
            case .batchSize: try container.encode(batchSize, forKey: key)
            case .targetUpdateRate: try container.encode(targetUpdateRate, forKey: key)
            case .policyDelay: try container.encode(policyDelay, forKey: key)
            case .targetPolicyNoise: try container.encode(targetPolicyNoise, forKey: key)
            case .targetNoiseClip: try container.encode(targetNoiseClip, forKey: key)
            case .entropyTuning: try container.encode(entropyTuning, forKey: key)
            case .entropyCoefficient: try container.encode(entropyCoefficient, forKey: key)
            case .targetEntropy: try container.encodeIfPresent(targetEntropy, forKey: key)
            case .entropyLearningRate: try container.encode(entropyLearningRate, forKey: key)
            case .stateDependentExploration: try container.encodeIfPresent(stateDependentExploration, forKey: key)
            case .layerNorm: try container.encode(layerNorm, forKey: key)
            case .observationNormalization: try container.encode(observationNormalization, forKey: key)
            case .observationClip: try container.encode(observationClip, forKey: key)
            case .criticWeightDecay: try container.encode(criticWeightDecay, forKey: key)
            case .noise: try container.encode(noise, forKey: key)
            case .distillationLearningRate: try container.encode(distillationLearningRate, forKey: key)
            case .distillationGradientClip: try container.encodeIfPresent(distillationGradientClip, forKey: key)
            }
        }
    }

    // MARK: Validation

    public func validate(at path: String) throws {
        try require(hidden.allSatisfy { $0 >= 1 }, "hidden", at: path, value: hidden,
                    accepted: "a list of widths ≥ 1 (possibly empty)")
        try require(discount >= 0 && discount <= 1, "discount", at: path, value: discount,
                    accepted: "a number in [0, 1]")
        try require(Self.isRate(actorLearningRate), "actorLearningRate", at: path, value: actorLearningRate,
                    accepted: "a finite number ≥ 0")
        try require(Self.isRate(criticLearningRate), "criticLearningRate", at: path, value: criticLearningRate,
                    accepted: "a finite number ≥ 0")
        try require(batchSize >= 1, "batchSize", at: path, value: batchSize, accepted: "an integer ≥ 1")
        try require(targetUpdateRate >= 0 && targetUpdateRate <= 1, "targetUpdateRate", at: path,
                    value: targetUpdateRate, accepted: "a number in [0, 1]")
        if algorithm == .td3 {
            try require(policyDelay >= 1, "policyDelay", at: path, value: policyDelay, accepted: "an integer ≥ 1")
            try require(Self.isRate(targetPolicyNoise), "targetPolicyNoise", at: path, value: targetPolicyNoise,
                        accepted: "a finite number ≥ 0")
            try require(Self.isRate(targetNoiseClip), "targetNoiseClip", at: path, value: targetNoiseClip,
                        accepted: "a finite number ≥ 0")
        }
        if algorithm == .sac {
            try require(entropyCoefficient > 0 && entropyCoefficient.isFinite, "entropyCoefficient", at: path,
                        value: entropyCoefficient, accepted: "a finite number > 0")
            try require(targetEntropy?.isFinite ?? true, "targetEntropy", at: path,
                        value: targetEntropy.map { "\($0)" } ?? "", accepted: "a finite number, or absent for −dim(A)")
            try require(Self.isRate(entropyLearningRate), "entropyLearningRate", at: path,
                        value: entropyLearningRate, accepted: "a finite number ≥ 0")
            try stateDependentExploration?.validate(
                at: ConfigurationPath.appending("stateDependentExploration", to: path))
        }
        try require(observationClip > 0 && observationClip.isFinite, "observationClip", at: path,
                    value: observationClip, accepted: "a finite number > 0")
        try require(Self.isRate(criticWeightDecay), "criticWeightDecay", at: path, value: criticWeightDecay,
                    accepted: "a finite number ≥ 0")
        try noise.validate(at: ConfigurationPath.appending("noise", to: path))
        if noise.kind == .parameter {
            try require(algorithm == .ddpg, "noise.kind", at: path, value: noise.kind.rawValue,
                        accepted: "none, gaussian or ornsteinUhlenbeck with \(algorithm.rawValue); "
                            + "parameter noise is for ddpg")
        }
        try require(Self.isRate(distillationLearningRate), "distillationLearningRate", at: path,
                    value: distillationLearningRate, accepted: "a finite number ≥ 0")
        if let clip = distillationGradientClip {
            try require(clip > 0 && clip.isFinite, "distillationGradientClip", at: path, value: clip,
                        accepted: "a finite number > 0, or absent for no clipping")
        }
    }

    static func isRate(_ value: Double) -> Bool { value >= 0 && value.isFinite }
}
