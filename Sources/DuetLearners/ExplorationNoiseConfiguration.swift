import DuetConfiguration

/// How a learner explores while collecting data (the `noise:` block of a learner).
///
/// Action noise is added to the policy's action in the learner's normalised space [−1, 1]ᵈ and the sum is
/// clipped to [−1, 1], as Stable-Baselines3 does; parameter noise instead acts with a perturbed copy of the actor
/// (Plappert et al. 2018). Keys of another kind (`meanReversion` with `gaussian`, say) are rejected.
public struct ExplorationNoiseConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The kinds of exploration noise.
    public enum Kind: String, ConfigurationChoice {
        /// No noise: DDPG and TD3 act with μ(s), SAC samples its policy.
        case none
        /// Independent Gaussian noise N(0, σ²) on each action dimension at each step (SB3's `NormalActionNoise`).
        case gaussian
        /// Ornstein-Uhlenbeck noise, reset at the end of each episode (SB3's `OrnsteinUhlenbeckActionNoise`).
        case ornsteinUhlenbeck
        /// Adaptive parameter-space noise: act with a copy of the actor whose weights and biases carry
        /// N(0, σ²) noise, re-drawn at the end of each episode, with σ adapted so that the perturbed actions stay
        /// about δ from the unperturbed ones (DDPG only).
        case parameter
    }

    /// Which noise.
    public var kind: Kind
    /// Gaussian and Ornstein-Uhlenbeck: the noise's standard deviation, in action units; parameter noise: the
    /// initial standard deviation of the weight perturbation. Denoted σ.
    public var scale: Double
    /// Ornstein-Uhlenbeck: rate of mean reversion. Denoted θ.
    public var meanReversion: Double
    /// Ornstein-Uhlenbeck: time step of the discretisation. Denoted dt.
    public var timeStep: Double
    /// Parameter noise: the distance √mean((μ(s) − μ̃(s))²) the adaptation aims for, in action units; absent
    /// means equal to ``scale`` (the reference DDPG's `adaptive-param_0.2`). Denoted δ.
    public var desiredActionDeviation: Double?
    /// Parameter noise: learner updates between two adaptations of σ.
    public var adaptationInterval: Int
    /// Parameter noise: σ is divided by this factor when the distance exceeds δ and multiplied by it otherwise.
    /// Denoted α (baselines' `adoption_coefficient`, 1.01).
    public var adaptationFactor: Double

    /// Noise of `kind` with scale σ, θ 0.15, dt 1e-2, δ = σ, adaptation every 50 updates by a factor 1.01.
    public init(kind: Kind = .none, scale: Double = 0.1) {
        self.kind = kind
        self.scale = scale
        meanReversion = 0.15
        timeStep = 1e-2
        desiredActionDeviation = nil
        adaptationInterval = 50
        adaptationFactor = 1.01
    }

    /// The desired action distance δ of parameter noise: ``desiredActionDeviation`` or ``scale``.
    public var resolvedDesiredActionDeviation: Double { desiredActionDeviation ?? scale }

    // MARK: Coding

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, scale, meanReversion, timeStep, desiredActionDeviation, adaptationInterval, adaptationFactor
    }

    /// The keys that apply to `kind`.
    static func applicableKeys(for kind: Kind) -> [CodingKeys] {
        switch kind {
        case .none: return [.kind]
        case .gaussian: return [.kind, .scale]
        case .ornsteinUhlenbeck: return [.kind, .scale, .meanReversion, .timeStep]
        case .parameter: return [.kind, .scale, .desiredActionDeviation, .adaptationInterval, .adaptationFactor]
        }
    }

    /// Reads `kind` first (`none` by default), then accepts only the keys that apply to it, each with its default.
    public init(from decoder: any Decoder) throws {
        // The kind first: it decides which keys exist.
        let defaults = ExplorationNoiseConfiguration()
        let keys = try decoder.container(keyedBy: AnyCodingKey.self)
        kind = try keys.decode(forKey: AnyCodingKey(stringValue: "kind"), default: defaults.kind)
        try decoder.rejectKeys(otherThan: Self.applicableKeys(for: kind).map(\.stringValue))
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        scale = try container.decode(forKey: .scale, default: defaults.scale)
        meanReversion = try container.decode(forKey: .meanReversion, default: defaults.meanReversion)
        timeStep = try container.decode(forKey: .timeStep, default: defaults.timeStep)
        desiredActionDeviation = try container.decode(Double?.self, forKey: .desiredActionDeviation,
                                                      default: defaults.desiredActionDeviation)
        adaptationInterval = try container.decode(forKey: .adaptationInterval, default: defaults.adaptationInterval)
        adaptationFactor = try container.decode(forKey: .adaptationFactor, default: defaults.adaptationFactor)
    }

    /// Writes the fields that apply to ``kind``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for key in Self.applicableKeys(for: kind) {
            switch key {
            case .kind: try container.encode(kind, forKey: key)
            case .scale: try container.encode(scale, forKey: key)
            case .meanReversion: try container.encode(meanReversion, forKey: key)
            case .timeStep: try container.encode(timeStep, forKey: key)
            case .desiredActionDeviation: try container.encodeIfPresent(desiredActionDeviation, forKey: key)
            case .adaptationInterval: try container.encode(adaptationInterval, forKey: key)
            case .adaptationFactor: try container.encode(adaptationFactor, forKey: key)
            }
        }
    }

    // MARK: Validation

    /// Checks the kind's values: σ ≥ 0; for Ornstein-Uhlenbeck θ ≥ 0 and dt > 0; for parameter noise σ > 0, δ > 0,
    /// an adaptation interval ≥ 1 and α ≥ 1. Nothing for `none`.
    public func validate(at path: String) throws {
        guard kind != .none else { return }
        try require(scale >= 0 && scale.isFinite, "scale", at: path, value: scale, accepted: "a finite number ≥ 0")
        if kind == .ornsteinUhlenbeck {
            try require(meanReversion >= 0 && meanReversion.isFinite, "meanReversion", at: path,
                        value: meanReversion, accepted: "a finite number ≥ 0")
            try require(timeStep > 0 && timeStep.isFinite, "timeStep", at: path, value: timeStep,
                        accepted: "a finite number > 0")
        }
        if kind == .parameter {
            try require(scale > 0, "scale", at: path, value: scale, accepted: "a finite number > 0")
            if let deviation = desiredActionDeviation {
                try require(deviation > 0 && deviation.isFinite, "desiredActionDeviation", at: path,
                            value: deviation, accepted: "a finite number > 0, or absent for the scale")
            }
            try require(adaptationInterval >= 1, "adaptationInterval", at: path, value: adaptationInterval,
                        accepted: "an integer ≥ 1")
            try require(adaptationFactor >= 1 && adaptationFactor.isFinite, "adaptationFactor", at: path,
                        value: adaptationFactor, accepted: "a finite number ≥ 1")
        }
    }
}
