import DuetNumerics
import DuetRandom

/// An off-policy actor-critic learner (DDPG, TD3, SAC) as the trainer sees it: it explores, and it learns from
/// batches of a replay buffer that the trainer owns.
///
/// The trainer owns the loop (collect, learn, distil, evaluate, log), the environment and the replay buffer; a
/// learner owns its networks, optimisers, observation statistics and exploration state, and is handed the random
/// stream for each purpose.
///
/// For distillation, the value V(s) is the first critic at the learner's own action, Q(s, μ(s)), and the action
/// values are the same critic at any action (``Distillable``, provided here from ``actions(for:)`` and
/// ``values(for:actions:)``).
public protocol OffPolicyLearner: Distillable {
    /// The action to take while collecting data: the policy with its exploration noise, clipped to [−1, 1].
    mutating func explorationAction(for observation: [Float], using stream: RandomStream) -> [Float]

    /// Records an observation the learner has collected (for running observation statistics, if used).
    mutating func observe(_ observation: [Float])

    /// Called when a collected episode ends (terminated or truncated): resets Ornstein-Uhlenbeck noise,
    /// re-perturbs a parameter-noise actor, and so on.
    mutating func episodeDidEnd(using stream: RandomStream)

    /// One gradient update on `batch` (critics, then the actor when due), leaving the target networks for
    /// ``updateTargetsIfDue()``: the reference DPD order is RL update, distillation step, then the target update,
    /// so that the targets follow the distilled actor. ``update(on:using:)`` is the two in one.
    mutating func updateBeforeTargets(on batch: ReplayBatch, using stream: RandomStream) -> UpdateStatistics

    /// Moves the target networks if the last ``updateBeforeTargets(on:using:)`` made them due (TD3: only after
    /// an actor update); does nothing otherwise.
    mutating func updateTargetsIfDue()

    /// The deterministic actions μ(s) for a batch of raw observations, `rows × actionDimension`.
    func actions(for observations: Matrix<Float>) -> Matrix<Float>

    /// The first critic's values Q(s, a) for a batch, one per row.
    func values(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]

    /// minⱼ Qⱼ(s, a) over the learner's critics for a batch, one per row (the first critic's for DDPG, which has
    /// one).
    func minimumValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]
}

extension OffPolicyLearner {
    /// One whole gradient update on `batch`: ``updateBeforeTargets(on:using:)``, then the target networks.
    public mutating func update(on batch: ReplayBatch, using stream: RandomStream) -> UpdateStatistics {
        let statistics = updateBeforeTargets(on: batch, using: stream)
        updateTargetsIfDue()
        return statistics
    }

    /// π(s) = μ(s) and V(s) = Q(s, μ(s)) with the first critic.
    public func policyEvaluation(for observations: Matrix<Float>) -> PolicyEvaluation {
        let actions = actions(for: observations)
        return PolicyEvaluation(actions: actions, values: values(for: observations, actions: actions))
    }

    /// Q(s, a) with the first critic.
    public func actionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]? {
        values(for: observations, actions: actions)
    }

    /// minⱼ Qⱼ(s, a) over the critics.
    public func minimumActionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]? {
        minimumValues(for: observations, actions: actions)
    }
}
