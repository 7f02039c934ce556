import DuetConfiguration

/// The hyper-parameters of one learner (the `learner:` and `peer:` blocks of an experiment file): one case per
/// algorithm, each with a configuration type of its own.
///
/// The block is flat, `algorithm` and the algorithm's keys side by side:
///
///     learner: {algorithm: td3, hidden: [400, 300], policyDelay: 2, noise: {kind: gaussian, scale: 0.1}}
///
/// `algorithm` is read first and picks the case, whose type gives the defaults (Stable-Baselines3's for that
/// algorithm) and the accepted keys: the settings every off-policy learner has (``OffPolicySettings``) and the
/// algorithm's own. A key of another algorithm (`policyDelay` under `algorithm: sac`) is an error naming the
/// algorithm it belongs to, any other unknown key an error naming the nearest valid key. The encoded form (written
/// to `run.json`) is the same flat block, with optional fields only when set, so it decodes back to the same value.
///
/// Learning rates, noise scales and coefficients are plain numbers in the learner's units: actions live in
/// [−1, 1]ᵈ, so noise scales are fractions of the half-range of the environment's action box.
///
/// Adding an algorithm is a case here with a configuration type of its own, a name in ``LearnerAlgorithm``,
/// and one line in each switch of this file; no other algorithm's type changes. The settings every learner has
/// (``hidden``, ``discount``, the distillation optimiser's) are properties of the enum; the off-policy ones are
/// in ``offPolicySettings``.
public enum LearnerConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// A DDPG learner.
    case ddpg(DDPGConfiguration)
    /// A TD3 learner.
    case td3(TD3Configuration)
    /// A SAC learner.
    case sac(SACConfiguration)
    /// A PPO learner.
    case ppo(PPOConfiguration)

    /// Stable-Baselines3's defaults for `algorithm` (``DDPGConfiguration/init()``, ``TD3Configuration/init()``,
    /// ``SACConfiguration/init()``).
    public init(algorithm: LearnerAlgorithm) {
        switch algorithm {
        case .ddpg: self = .ddpg(DDPGConfiguration())
        case .td3: self = .td3(TD3Configuration())
        case .sac: self = .sac(SACConfiguration())
        case .ppo: self = .ppo(PPOConfiguration())
        }
    }

    /// The reference DPD-DDPG learner (``DDPGConfiguration/reference``).
    public static var referenceDDPG: LearnerConfiguration { .ddpg(.reference) }

    /// Which algorithm learns.
    public var algorithm: LearnerAlgorithm {
        switch self {
        case .ddpg: return .ddpg
        case .td3: return .td3
        case .sac: return .sac
        case .ppo: return .ppo
        }
    }

    /// Every key of a learner block of `algorithm`, in the order they are written.
    public static func keys(of algorithm: LearnerAlgorithm) -> [String] {
        switch algorithm {
        case .ddpg: return DDPGConfiguration.keys
        case .td3: return TD3Configuration.keys
        case .sac: return SACConfiguration.keys
        case .ppo: return PPOConfiguration.keys
        }
    }

    // MARK: Coding

    /// The key that picks the algorithm.
    static let algorithmKey = AnyCodingKey(stringValue: "algorithm")

    /// Reads `algorithm` first, then decodes the same flat block as that algorithm's configuration.
    public init(from decoder: any Decoder) throws {
        // The algorithm first: it decides which keys exist and what the defaults are.
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        switch try container.decode(LearnerAlgorithm.self, forKey: Self.algorithmKey) {
        case .ddpg: self = .ddpg(try DDPGConfiguration(from: decoder))
        case .td3: self = .td3(try TD3Configuration(from: decoder))
        case .sac: self = .sac(try SACConfiguration(from: decoder))
        case .ppo: self = .ppo(try PPOConfiguration(from: decoder))
        }
    }

    /// Writes the flat learner block of the case.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .ddpg(configuration): try configuration.encode(to: encoder)
        case let .td3(configuration): try configuration.encode(to: encoder)
        case let .sac(configuration): try configuration.encode(to: encoder)
        case let .ppo(configuration): try configuration.encode(to: encoder)
        }
    }

    /// Checks the keys of a learner block decoded as `algorithm`'s: its `algorithm`, when given, is `algorithm`,
    /// and every key is one of ``keys(of:)``.
    /// - Throws: ``ConfigurationError/invalidValue(source:path:value:accepted:)`` for another `algorithm`;
    ///   ``ConfigurationError/foreignKey(source:path:key:tag:owners:chosen:accepted:)`` for the first key of the
    ///   file that only other algorithms have, naming them; ``ConfigurationError/unknownKey(source:path:key:nearest:accepted:)``
    ///   for the first key no algorithm has.
    static func checkKeys(of decoder: any Decoder, for algorithm: LearnerAlgorithm) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        if let given = try container.decodeIfPresent(LearnerAlgorithm.self, forKey: algorithmKey), given != algorithm {
            throw ConfigurationError.invalidValue(
                source: "", path: ConfigurationPath.dotted(decoder.codingPath + [algorithmKey]),
                value: given.rawValue, accepted: algorithm.rawValue)
        }
        try decoder.rejectKeys(otherThan: keys(of: algorithm), ofVariant: algorithm.rawValue,
                               taggedBy: algorithmKey.stringValue) { key in
            LearnerAlgorithm.allCases.filter { keys(of: $0).contains(key) }.map(\.rawValue)
        }
    }

    // MARK: Validation

    /// Validates the case's configuration at `path`.
    public func validate(at path: String) throws {
        switch self {
        case let .ddpg(configuration): try configuration.validate(at: path)
        case let .td3(configuration): try configuration.validate(at: path)
        case let .sac(configuration): try configuration.validate(at: path)
        case let .ppo(configuration): try configuration.validate(at: path)
        }
    }

    // MARK: Shared settings

    /// The settings every off-policy learner has, or `nil` for an on-policy learner (PPO). Settable through
    /// optional chaining, `configuration.offPolicySettings?.batchSize = 64`, which does nothing for PPO.
    public var offPolicySettings: OffPolicySettings? {
        get {
            switch self {
            case let .ddpg(configuration): return configuration.settings
            case let .td3(configuration): return configuration.settings
            case let .sac(configuration): return configuration.settings
            case .ppo: return nil
            }
        }
        set {
            guard let newValue else { return }
            updateOffPolicySettings { $0 = newValue }
        }
    }

    /// Changes the off-policy settings through `body`; nothing for an on-policy learner.
    public mutating func updateOffPolicySettings(_ body: (inout OffPolicySettings) -> Void) {
        switch self {
        case var .ddpg(configuration):
            body(&configuration.settings)
            self = .ddpg(configuration)
        case var .td3(configuration):
            body(&configuration.settings)
            self = .td3(configuration)
        case var .sac(configuration):
            body(&configuration.settings)
            self = .sac(configuration)
        case .ppo:
            break
        }
    }

    /// A setting every algorithm has: PPO's field at `ppoPath`, or the off-policy settings' at `offPolicyPath`.
    private subscript<Value>(ppo ppoPath: WritableKeyPath<PPOConfiguration, Value>,
                             offPolicy offPolicyPath: WritableKeyPath<OffPolicySettings, Value>) -> Value {
        get {
            switch self {
            case let .ddpg(configuration): return configuration.settings[keyPath: offPolicyPath]
            case let .td3(configuration): return configuration.settings[keyPath: offPolicyPath]
            case let .sac(configuration): return configuration.settings[keyPath: offPolicyPath]
            case let .ppo(configuration): return configuration[keyPath: ppoPath]
            }
        }
        set {
            if case var .ppo(configuration) = self {
                configuration[keyPath: ppoPath] = newValue
                self = .ppo(configuration)
            } else {
                updateOffPolicySettings { $0[keyPath: offPolicyPath] = newValue }
            }
        }
    }

    /// Hidden layer widths of the learner's networks (every algorithm has them).
    public var hidden: [Int] {
        get { self[ppo: \.hidden, offPolicy: \.hidden] }
        set { self[ppo: \.hidden, offPolicy: \.hidden] = newValue }
    }

    /// The number of hidden layers of the policy network.
    public var hiddenLayerCount: Int { hidden.count }

    /// Whether the policy is a Gaussian per state, which the soft-target objective (`objective: kl`) compares:
    /// SAC's and PPO's are (under gSDE, the marginal over the exploration matrix); DDPG's and TD3's are
    /// deterministic.
    public var hasGaussianReadout: Bool {
        switch self {
        case .sac, .ppo: return true
        case .ddpg, .td3: return false
        }
    }

    /// The discount factor γ (every algorithm has one).
    public var discount: Double {
        get { self[ppo: \.discount, offPolicy: \.discount] }
        set { self[ppo: \.discount, offPolicy: \.discount] = newValue }
    }

    /// Adam step size of the distillation optimiser (every algorithm has one).
    public var distillationLearningRate: Double {
        get { self[ppo: \.distillationLearningRate, offPolicy: \.distillationLearningRate] }
        set { self[ppo: \.distillationLearningRate, offPolicy: \.distillationLearningRate] = newValue }
    }

    /// Whether distillation steps go through the learner's own policy optimiser (`optimizer: shared`); set by the
    /// trainer from the distillation block, not a key of the learner block.
    public var distillationSharesOptimizer: Bool {
        get { self[ppo: \.distillationSharesOptimizer, offPolicy: \.distillationSharesOptimizer] }
        set { self[ppo: \.distillationSharesOptimizer, offPolicy: \.distillationSharesOptimizer] = newValue }
    }

    /// Global-norm clip of the distillation gradient, `nil` for none (every algorithm has one).
    public var distillationGradientClip: Double? {
        get { self[ppo: \.distillationGradientClip, offPolicy: \.distillationGradientClip] }
        set { self[ppo: \.distillationGradientClip, offPolicy: \.distillationGradientClip] = newValue }
    }
}
