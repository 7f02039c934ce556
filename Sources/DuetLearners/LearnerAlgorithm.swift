import DuetConfiguration

/// The learning algorithms Duet implements: the `algorithm` key of a learner block, which picks the case of
/// ``LearnerConfiguration``.
public enum LearnerAlgorithm: String, ConfigurationChoice {
    /// Deep deterministic policy gradient (Lillicrap et al. 2016), one critic; see ``DDPG``.
    case ddpg
    /// Twin delayed DDPG (Fujimoto et al. 2018): two critics, target smoothing, delayed actor; see ``TD3``.
    case td3
    /// Soft actor-critic (Haarnoja et al. 2018) with automatic entropy tuning; see ``SAC``.
    case sac
    /// Proximal policy optimisation (Schulman et al. 2017), clipped surrogate, GAE(λ); see ``PPO``.
    case ppo

    /// Whether the algorithm learns from a replay buffer (DDPG, TD3, SAC) rather than from its own rollouts.
    public var isOffPolicy: Bool { self != .ppo }
}
