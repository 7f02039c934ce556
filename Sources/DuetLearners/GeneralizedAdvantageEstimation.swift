/// Generalised advantage estimation (Schulman et al., "High-Dimensional Continuous Control Using Generalized
/// Advantage Estimation", ICLR 2016) over one rollout, as Stable-Baselines3's
/// `RolloutBuffer.compute_returns_and_advantage`:
///
///     δₜ = rₜ + γ·V(sₜ₊₁)·(1 − endₜ) + γ·V(s′ₜ)·truncₜ − V(sₜ)
///     Aₜ = δₜ + γ·λ·(1 − endₜ)·Aₜ₊₁,        Rₜ = Aₜ + V(sₜ)
///
/// where endₜ says transition t ended its episode (by termination or truncation), so nothing flows across an
/// episode boundary; a truncated transition bootstraps with V(s′ₜ), the value of its real last observation
/// (SB3 adds γ·V(s′ₜ) to the reward), a terminated one with nothing. After the rollout's last transition,
/// V(sₜ₊₁) is `lastValue`, the value of the observation the next rollout starts in.
public enum GeneralizedAdvantageEstimation {
    /// The advantages Aₜ and returns Rₜ = Aₜ + V(sₜ) of `rollout`, with discount γ and λ.
    /// - Parameter lastValue: V of the observation after the last transition (ignored when that transition
    ///   ended its episode).
    public static func advantages(of rollout: Rollout, lastValue: Double, discount: Double, lambda: Double)
        -> (advantages: [Double], returns: [Double])
    {
        let count = rollout.count
        var advantages = [Double](repeating: 0, count: count)
        var next = 0.0
        for step in stride(from: count - 1, through: 0, by: -1) {
            let endsEpisode = rollout.isTerminal[step] || rollout.isTruncated[step]
            let continuation = endsEpisode ? 0.0 : 1.0
            let nextValue = step == count - 1 ? lastValue : rollout.values[step + 1]
            let delta = rollout.rewards[step] + discount * nextValue * continuation
                + discount * rollout.truncationValues[step] - rollout.values[step]
            next = delta + discount * lambda * continuation * next
            advantages[step] = next
        }
        let returns = zip(advantages, rollout.values).map { $0 + $1 }
        return (advantages, returns)
    }
}
