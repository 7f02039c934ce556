import DuetConfiguration

/// How a PPO rate (the learning rate or the clip range) changes over a run.
public enum PPOSchedule: String, ConfigurationChoice {
    /// The same value throughout.
    case constant
    /// Stable-Baselines3's (and the Zoo's `lin_…`) linear schedule: value × p, where p, the progress remaining,
    /// falls from 1 at the first update to 1 − (steps taken)/(steps of the run) at each update.
    case linear
}

/// The hyper-parameters of a PPO learner (a learner block with `algorithm: ppo`; see ``PPO``).
///
/// Missing keys take Stable-Baselines3's defaults (``init()``). Names follow SB3's arguments in Duet's spelling:
///
/// | key | SB3 | default |
/// |---|---|---|
/// | `hidden`, `activation` | `net_arch`, `activation_fn` | [64, 64], tanh (separate policy and value nets) |
/// | `envs` | `n_envs` | 1 |
/// | `rolloutSteps` | `n_steps` | 2048 (per environment copy) |
/// | `batchSize`, `epochs` | `batch_size`, `n_epochs` | 64, 10 |
/// | `discount`, `gaeLambda` | `gamma`, `gae_lambda` | 0.99, 0.95 |
/// | `learningRate`, `learningRateSchedule` | `learning_rate` | 3e-4, constant |
/// | `clipRange`, `clipRangeSchedule`, `valueClipRange` | `clip_range`, `clip_range_vf` | 0.2, constant, none |
/// | `normalizeAdvantage` | `normalize_advantage` | true |
/// | `entropyCoefficient`, `valueCoefficient` | `ent_coef`, `vf_coef` | 0, 0.5 |
/// | `maxGradientNorm`, `targetKL` | `max_grad_norm`, `target_kl` | 0.5, none |
/// | `initialLogStandardDeviation`, `orthogonalInitialization` | `log_std_init`, `ortho_init` | 0, true |
/// | `stateDependentExploration`, `resampleEvery` | `use_sde`, `sde_sample_freq` | false, 0 (= −1) |
/// | `observationNormalization`, `observationClip` | `VecNormalize(norm_obs, clip_obs)` | false, 10 |
/// | `rewardNormalization`, `rewardClip` | `VecNormalize(norm_reward, clip_reward)` | false, 10 |
///
/// Reward normalisation discounts returns with `discount`, as the Zoo passes γ to `VecNormalize`.
public struct PPOConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The `algorithm` of a PPO learner block.
    public static let algorithm = LearnerAlgorithm.ppo

    /// Hidden widths of the policy network and, separately, of the value network.
    public var hidden = [64, 64]
    /// The hidden layers' activation (SB3: tanh).
    public var activation = PPOActivation.tanh
    /// Environment copies the learner collects from, each with its own stream. Denoted N.
    public var envs = 1
    /// Steps per environment copy in each rollout; a rollout holds N × `rolloutSteps` transitions. Denoted T.
    public var rolloutSteps = 2048
    /// Transitions per minibatch (the last one of an epoch may be smaller).
    public var batchSize = 64
    /// Passes over the rollout per update. Denoted K.
    public var epochs = 10
    /// Discount factor. Denoted γ.
    public var discount = 0.99
    /// GAE's λ.
    public var gaeLambda = 0.95
    /// Adam step size (ε is SB3's 10⁻⁵). Denoted α.
    public var learningRate = 3e-4
    /// How the learning rate follows the run.
    public var learningRateSchedule = PPOSchedule.constant
    /// The surrogate's clip range. Denoted ε_clip.
    public var clipRange = 0.2
    /// How the clip range follows the run.
    public var clipRangeSchedule = PPOSchedule.constant
    /// Clip the value prediction to within this distance of the rollout's value; absent means no value clipping.
    public var valueClipRange: Double?
    /// Normalise advantages per minibatch, (A − mean)/(std + 10⁻⁸).
    public var normalizeAdvantage = true
    /// Weight of the entropy bonus. Denoted c₂.
    public var entropyCoefficient = 0.0
    /// Weight of the value loss. Denoted c₁.
    public var valueCoefficient = 0.5
    /// Global-norm clip of the whole gradient (policy, log σ and value).
    public var maxGradientNorm = 0.5
    /// Stop an update's epochs early once the approximate KL exceeds 1.5 × this; absent means never.
    public var targetKL: Double?
    /// Initial value of every log σ (the state-independent log standard deviation, or gSDE's log σ_W).
    public var initialLogStandardDeviation = 0.0
    /// Orthogonal initialisation (gains √2 hidden, 0.01 policy head, 1 value head, zero biases); otherwise
    /// PyTorch's default initialisation.
    public var orthogonalInitialization = true
    /// Explore with generalised state-dependent exploration (gSDE, unsquashed, as SB3's PPO): a = μ(s) + h(s)·W.
    public var stateDependentExploration = false
    /// With gSDE, steps between two draws of each copy's exploration matrix W within a rollout; 0 draws only at
    /// the start of each rollout.
    public var resampleEvery = 0
    /// Normalise observations by running statistics (`VecNormalize`'s `norm_obs`).
    public var observationNormalization = false
    /// Normalised observations are clipped to [−clip, clip].
    public var observationClip = 10.0
    /// Scale rewards by the running standard deviation of the discounted return (`VecNormalize`'s `norm_reward`).
    public var rewardNormalization = false
    /// Scaled rewards are clipped to [−clip, clip].
    public var rewardClip = 10.0
    /// Adam step size of the separate distillation optimiser (with `optimizer: separate`).
    public var distillationLearningRate = 1e-4
    /// Global-norm clip of the distillation gradient; absent means no clipping (the reference DPD-PPO: 0.5).
    public var distillationGradientClip: Double?
    /// Whether distillation steps go through the PPO optimiser (`optimizer: shared` in the distillation block,
    /// the reference DPD-PPO) instead of an Adam of their own. Set by the trainer from the distillation block;
    /// not a key of the learner block.
    public var distillationSharesOptimizer = false

    /// Stable-Baselines3's defaults (see the table above).
    public init() {}

    // MARK: Coding

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hidden, activation, envs, rolloutSteps, batchSize, epochs, discount, gaeLambda
        case learningRate, learningRateSchedule, clipRange, clipRangeSchedule, valueClipRange, normalizeAdvantage
        case entropyCoefficient, valueCoefficient, maxGradientNorm, targetKL, initialLogStandardDeviation
        case orthogonalInitialization, stateDependentExploration, resampleEvery, observationNormalization
        case observationClip, rewardNormalization, rewardClip, distillationLearningRate, distillationGradientClip
    }

    /// Every key of a PPO learner block, in the order they are written.
    public static let keys = [LearnerConfiguration.algorithmKey.stringValue] + CodingKeys.allCases.map(\.stringValue)

    /// Decodes the PPO block, rejecting keys of other algorithms (see ``LearnerConfiguration``); SB3's defaults (the
    /// table above) for omitted keys.
    public init(from decoder: any Decoder) throws {
        try LearnerConfiguration.checkKeys(of: decoder, for: Self.algorithm)
        let d = PPOConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hidden = try container.decode(forKey: .hidden, default: d.hidden)
        activation = try container.decode(forKey: .activation, default: d.activation)
        envs = try container.decode(forKey: .envs, default: d.envs)
        rolloutSteps = try container.decode(forKey: .rolloutSteps, default: d.rolloutSteps)
        batchSize = try container.decode(forKey: .batchSize, default: d.batchSize)
        epochs = try container.decode(forKey: .epochs, default: d.epochs)
        discount = try container.decode(forKey: .discount, default: d.discount)
        gaeLambda = try container.decode(forKey: .gaeLambda, default: d.gaeLambda)
        learningRate = try container.decode(forKey: .learningRate, default: d.learningRate)
        learningRateSchedule = try container.decode(forKey: .learningRateSchedule, default: d.learningRateSchedule)
        clipRange = try container.decode(forKey: .clipRange, default: d.clipRange)
        clipRangeSchedule = try container.decode(forKey: .clipRangeSchedule, default: d.clipRangeSchedule)
        valueClipRange = try container.decode(Double?.self, forKey: .valueClipRange, default: d.valueClipRange)
        normalizeAdvantage = try container.decode(forKey: .normalizeAdvantage, default: d.normalizeAdvantage)
        entropyCoefficient = try container.decode(forKey: .entropyCoefficient, default: d.entropyCoefficient)
        valueCoefficient = try container.decode(forKey: .valueCoefficient, default: d.valueCoefficient)
        maxGradientNorm = try container.decode(forKey: .maxGradientNorm, default: d.maxGradientNorm)
        targetKL = try container.decode(Double?.self, forKey: .targetKL, default: d.targetKL)
        initialLogStandardDeviation = try container.decode(forKey: .initialLogStandardDeviation,
                                                           default: d.initialLogStandardDeviation)
        orthogonalInitialization = try container.decode(forKey: .orthogonalInitialization,
                                                        default: d.orthogonalInitialization)
        stateDependentExploration = try container.decode(forKey: .stateDependentExploration,
                                                         default: d.stateDependentExploration)
        resampleEvery = try container.decode(forKey: .resampleEvery, default: d.resampleEvery)
        observationNormalization = try container.decode(forKey: .observationNormalization,
                                                        default: d.observationNormalization)
        observationClip = try container.decode(forKey: .observationClip, default: d.observationClip)
        rewardNormalization = try container.decode(forKey: .rewardNormalization, default: d.rewardNormalization)
        rewardClip = try container.decode(forKey: .rewardClip, default: d.rewardClip)
        distillationLearningRate = try container.decode(forKey: .distillationLearningRate,
                                                        default: d.distillationLearningRate)
        distillationGradientClip = try container.decode(Double?.self, forKey: .distillationGradientClip,
                                                        default: d.distillationGradientClip)
    }

    /// Writes the flat learner block: `algorithm`, then every key in order (optional ones only when set).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(Self.algorithm, forKey: LearnerConfiguration.algorithmKey)
        func put<Value: Encodable>(_ value: Value?, _ key: CodingKeys) throws {
            try container.encodeIfPresent(value, forKey: AnyCodingKey(key))
        }
        try put(hidden, .hidden)
        try put(activation, .activation)
        try put(envs, .envs)
        try put(rolloutSteps, .rolloutSteps)
        try put(batchSize, .batchSize)
        try put(epochs, .epochs)
        try put(discount, .discount)
        try put(gaeLambda, .gaeLambda)
        try put(learningRate, .learningRate)
        try put(learningRateSchedule, .learningRateSchedule)
        try put(clipRange, .clipRange)
        try put(clipRangeSchedule, .clipRangeSchedule)
        try put(valueClipRange, .valueClipRange)
        try put(normalizeAdvantage, .normalizeAdvantage)
        try put(entropyCoefficient, .entropyCoefficient)
        try put(valueCoefficient, .valueCoefficient)
        try put(maxGradientNorm, .maxGradientNorm)
        try put(targetKL, .targetKL)
        try put(initialLogStandardDeviation, .initialLogStandardDeviation)
        try put(orthogonalInitialization, .orthogonalInitialization)
        try put(stateDependentExploration, .stateDependentExploration)
        try put(resampleEvery, .resampleEvery)
        try put(observationNormalization, .observationNormalization)
        try put(observationClip, .observationClip)
        try put(rewardNormalization, .rewardNormalization)
        try put(rewardClip, .rewardClip)
        try put(distillationLearningRate, .distillationLearningRate)
        try put(distillationGradientClip, .distillationGradientClip)
    }

    // MARK: Validation

    /// Checks every key's range (N in [1, 1024], γ and λ in [0, 1], rates, clips and gradient norm > 0, …) and
    /// that gSDE has a hidden layer to read.
    public func validate(at path: String) throws {
        func positive(_ value: Double) -> Bool { value > 0 && value.isFinite }
        try require(hidden.allSatisfy { $0 >= 1 }, "hidden", at: path, value: hidden,
                    accepted: "a list of widths ≥ 1 (possibly empty)")
        try require(envs >= 1 && envs <= 1024, "envs", at: path, value: envs, accepted: "an integer in [1, 1024]")
        try require(rolloutSteps >= 1, "rolloutSteps", at: path, value: rolloutSteps, accepted: "an integer ≥ 1")
        try require(batchSize >= 1, "batchSize", at: path, value: batchSize, accepted: "an integer ≥ 1")
        try require(epochs >= 1, "epochs", at: path, value: epochs, accepted: "an integer ≥ 1")
        try require(discount >= 0 && discount <= 1, "discount", at: path, value: discount,
                    accepted: "a number in [0, 1]")
        try require(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", at: path, value: gaeLambda,
                    accepted: "a number in [0, 1]")
        try require(positive(learningRate), "learningRate", at: path, value: learningRate, accepted: "a number > 0")
        try require(positive(clipRange), "clipRange", at: path, value: clipRange, accepted: "a number > 0")
        if let valueClipRange {
            try require(positive(valueClipRange), "valueClipRange", at: path, value: valueClipRange,
                        accepted: "a number > 0, or absent for no value clipping")
        }
        try require(OffPolicySettings.isRate(entropyCoefficient), "entropyCoefficient", at: path,
                    value: entropyCoefficient, accepted: "a finite number ≥ 0")
        try require(OffPolicySettings.isRate(valueCoefficient), "valueCoefficient", at: path,
                    value: valueCoefficient, accepted: "a finite number ≥ 0")
        try require(positive(maxGradientNorm), "maxGradientNorm", at: path, value: maxGradientNorm,
                    accepted: "a number > 0")
        if let targetKL {
            try require(positive(targetKL), "targetKL", at: path, value: targetKL,
                        accepted: "a number > 0, or absent for no early stop")
        }
        try require(initialLogStandardDeviation.isFinite && abs(initialLogStandardDeviation) <= 20,
                    "initialLogStandardDeviation", at: path, value: initialLogStandardDeviation,
                    accepted: "a number in [−20, 20]")
        try require(!stateDependentExploration || !hidden.isEmpty, "stateDependentExploration", at: path,
                    value: stateDependentExploration, accepted: "false with no hidden layer (gSDE reads the last one)")
        try require(resampleEvery >= 0, "resampleEvery", at: path, value: resampleEvery,
                    accepted: "an integer ≥ 0 (0: once per rollout)")
        try require(positive(observationClip), "observationClip", at: path, value: observationClip,
                    accepted: "a number > 0")
        try require(positive(rewardClip), "rewardClip", at: path, value: rewardClip, accepted: "a number > 0")
        try require(OffPolicySettings.isRate(distillationLearningRate), "distillationLearningRate", at: path,
                    value: distillationLearningRate, accepted: "a finite number ≥ 0")
        if let clip = distillationGradientClip {
            try require(positive(clip), "distillationGradientClip", at: path, value: clip,
                        accepted: "a finite number > 0, or absent for no clipping")
        }
    }
}

/// The hidden activation of PPO's networks.
public enum PPOActivation: String, ConfigurationChoice {
    /// tanh (SB3's default for on-policy algorithms).
    case tanh
    /// ReLU.
    case relu
}
