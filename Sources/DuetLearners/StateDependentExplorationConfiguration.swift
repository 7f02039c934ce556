import DuetConfiguration

/// Generalised state-dependent exploration for SAC (the `stateDependentExploration:` block of a SAC learner;
/// Stable-Baselines3's `use_sde=True`). See ``StateDependentNoise`` for the distribution.
///
/// With it, the actor has a mean head μ(s) and a learned matrix log σ_W instead of a per-state log standard
/// deviation, and explores with a = tanh(μ(s) + h(s)·W), where h(s) are the actor's last hidden features and the
/// exploration matrix W ~ N(0, σ_W²) is held fixed between re-draws. As in SB3, W is re-drawn at the start of each
/// collection phase (the first exploration action after the learner has updated), and also every
/// ``resampleEvery`` exploration steps when that is positive; each gradient step draws its own W.
///
/// Example (RL Baselines3 Zoo's MountainCarContinuous-v0 setting):
///
///     stateDependentExploration: {initialLogStandardDeviation: -3.67}
public struct StateDependentExplorationConfiguration: ValidatedConfiguration, Codable, Sendable, Equatable {
    /// The initial value of every entry of log σ_W (SB3's `log_std_init`, −3 for SAC; the Zoo uses −3.67 on
    /// MountainCarContinuous-v0). Denoted L₀.
    public var initialLogStandardDeviation: Double
    /// Exploration steps between two re-draws of W within a collection phase; 0 re-draws only at the start of
    /// each phase (SB3's `sde_sample_freq`, where −1 plays the part of 0).
    public var resampleEvery: Int
    /// The mean head's outputs are clipped to [−c, c] before the squash (SB3's `clip_mean`, 2); 0 turns the clip
    /// off. Denoted c.
    public var meanClip: Double

    /// SB3's defaults: L₀ = −3, W re-drawn once per collection phase, c = 2.
    public init(initialLogStandardDeviation: Double = -3, resampleEvery: Int = 0, meanClip: Double = 2) {
        self.initialLogStandardDeviation = initialLogStandardDeviation
        self.resampleEvery = resampleEvery
        self.meanClip = meanClip
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case initialLogStandardDeviation, resampleEvery, meanClip
    }

    /// Decodes the block, taking SB3's default for each key it omits and rejecting any other key.
    public init(from decoder: any Decoder) throws {
        let defaults = StateDependentExplorationConfiguration()
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        initialLogStandardDeviation = try container.decode(forKey: .initialLogStandardDeviation,
                                                           default: defaults.initialLogStandardDeviation)
        resampleEvery = try container.decode(forKey: .resampleEvery, default: defaults.resampleEvery)
        meanClip = try container.decode(forKey: .meanClip, default: defaults.meanClip)
    }

    /// Requires L₀ in [−20, 20], `resampleEvery` ≥ 0 and a finite c ≥ 0.
    public func validate(at path: String) throws {
        try require(initialLogStandardDeviation.isFinite && abs(initialLogStandardDeviation) <= 20,
                    "initialLogStandardDeviation", at: path, value: initialLogStandardDeviation,
                    accepted: "a number in [−20, 20]")
        try require(resampleEvery >= 0, "resampleEvery", at: path, value: resampleEvery,
                    accepted: "an integer ≥ 0 (0: once per collection phase)")
        try require(meanClip >= 0 && meanClip.isFinite, "meanClip", at: path, value: meanClip,
                    accepted: "a finite number ≥ 0 (0: no clip)")
    }
}
