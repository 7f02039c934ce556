import DuetNumerics
import DuetRandom

/// What one learner update measured, in the fixed column order of the learner's ``OffPolicyLearner/updateColumns``.
public struct UpdateStatistics: Sendable, Equatable {
    /// One value per column of ``OffPolicyLearner/updateColumns``; NaN where a value is not computed on this
    /// update (e.g. TD3's actor loss on a delayed step).
    public var values: [Double]

    /// Statistics with the given values.
    public init(values: [Double]) { self.values = values }
}

/// An off-policy actor-critic learner (DDPG, TD3, SAC) as the trainer sees it.
///
/// The trainer owns the loop (collect, learn, distil, evaluate, log), the environment and the replay buffer; a
/// learner owns its networks, optimisers, observation statistics and exploration state, and is handed the random
/// stream for each purpose. Actions are in the learner's normalised space [−1, 1]ᵈ; the trainer rescales them to
/// the environment's box. Observations are raw; a learner that normalises them does so itself.
///
/// The peer is never stored: for distillation the trainer asks each learner for its actions and values on a
/// batch of states and hands them to the other (``actions(for:)``, ``values(for:actions:)``,
/// ``distill(states:targets:weights:)``).
public protocol OffPolicyLearner {
    /// Length of the observation vector.
    var observationDimension: Int { get }
    /// Length of the action vector.
    var actionDimension: Int { get }
    /// Names of the values ``update(on:using:)`` reports, in order (columns of `updates.csv`).
    var updateColumns: [String] { get }

    /// The deterministic action μ(s) (the mean, squashed, for SAC), for evaluation.
    func deterministicAction(for observation: [Float]) -> [Float]

    /// The action to take while collecting data: the policy with its exploration noise, clipped to [−1, 1].
    mutating func explorationAction(for observation: [Float], using stream: RandomStream) -> [Float]

    /// Records an observation the learner has collected (for running observation statistics, if used).
    mutating func observe(_ observation: [Float])

    /// Called when a collected episode ends (terminated or truncated): resets Ornstein-Uhlenbeck noise,
    /// re-perturbs a parameter-noise actor, and so on.
    mutating func episodeDidEnd(using stream: RandomStream)

    /// One gradient update on `batch` (critics, then the actor when due, then target networks).
    mutating func update(on batch: ReplayBatch, using stream: RandomStream) -> UpdateStatistics

    // MARK: Distillation hooks

    /// The deterministic actions μ(s) for a batch of raw observations, `rows × actionDimension`.
    func actions(for observations: Matrix<Float>) -> Matrix<Float>

    /// The critic's values Q(s, a) for a batch (the first critic where there are two), one per row.
    func values(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]

    /// One distillation step on the actor: minimises Σᵢ wᵢ · meanₖ (μ(sᵢ)ₖ − ãᵢₖ)² with the learner's
    /// distillation optimiser; no gradient reaches the weights or the targets. Returns the loss before the step.
    mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float]) -> Double

    // MARK: Checkpoints

    /// Stores everything the learner's future depends on under `prefix` (networks and their targets, optimiser
    /// moments and step counts, observation statistics, exploration-noise state, update counters), so that a
    /// learner of the same configuration restored from `archive` acts and learns bit for bit as this one would.
    /// The random streams are the trainer's, and are stored by it.
    func store(in archive: inout ParameterArchive<Float>, prefix: String)

    /// Replaces this learner's state with the one ``store(in:prefix:)`` wrote under `prefix`. The learner must
    /// have been built with the same configuration and dimensions.
    /// - Throws: a ``NumericsError`` naming the archive and the first missing, mistyped or misshapen entry; the
    ///   learner is unchanged when it throws.
    mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws
}
