import DuetNumerics
import DuetRandom

/// What one learner update measured, in the fixed column order of the learner's ``Learner/updateColumns``.
public struct UpdateStatistics: Sendable, Equatable {
    /// One value per column of ``Learner/updateColumns``; NaN where a value is not computed on this update
    /// (e.g. TD3's actor loss on a delayed step).
    public var values: [Double]

    /// Statistics with the given values.
    public init(values: [Double]) { self.values = values }
}

/// What every trainer needs of a learner, whatever its family (off-policy DDPG, TD3, SAC; on-policy PPO).
///
/// Actions are in the learner's normalised space [−1, 1]ᵈ; the trainer rescales them to the environment's box.
/// Observations are raw; a learner that normalises them does so itself.
public protocol Learner {
    /// Length of the observation vector.
    var observationDimension: Int { get }
    /// Length of the action vector.
    var actionDimension: Int { get }
    /// Names of the values an update reports, in order (the columns of `updates.csv` after `step, updates`).
    var updateColumns: [String] { get }

    /// The deterministic action μ(s) (the mean, squashed where the policy squashes), for evaluation.
    func deterministicAction(for observation: [Float]) -> [Float]

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

/// A learner's policy on a batch of states, as its peers see it: the policy targets π(s) (the deterministic
/// action, or the Gaussian policy's mean) and the state values V(s).
public struct PolicyEvaluation: Sendable {
    /// π(sᵢ), `rows × actionDimension`, in [−1, 1]ᵈ.
    public var actions: Matrix<Float>
    /// V(sᵢ), one per row: Q(sᵢ, μ(sᵢ)) for an off-policy learner (its first critic), the value network's
    /// output for an on-policy one.
    public var values: [Float]
    /// The policy pass that gave ``actions``, for the learner's own distillation step on the same states
    /// (DDPG and TD3 keep it; `nil` where the learner does not).
    public var forward: PolicyForward?

    /// An evaluation from its parts.
    /// - Precondition: one value per row of `actions`.
    public init(actions: Matrix<Float>, values: [Float], forward: PolicyForward? = nil) {
        precondition(actions.rows == values.count, "one state value per policy target")
        self.actions = actions
        self.values = values
        self.forward = forward
    }
}

/// The side of a learner that distillation uses, as learner and as peer (dpd-algorithm.md §1).
///
/// As a peer it gives policy targets ã = π̃(s) and values Ṽ(s) on states; as a learner it gives its own values
/// V(s) (so ξ(s) = Ṽ(s) − V(s)), optionally its action values Q(s, ã) (the reference DDPG's ξ), and takes the
/// distillation step. The peer is never stored: the trainer hands each learner its peers' evaluations for the
/// batch.
public protocol Distillable: Learner {
    /// π(s) and V(s) for a batch of raw observations (`rows × observationDimension`).
    func policyEvaluation(for observations: Matrix<Float>) -> PolicyEvaluation

    /// Q(s, a) for a batch of raw observations and actions, one per row, where the learner has a critic of
    /// actions (off-policy learners: the first critic); `nil` where it has none (PPO).
    func actionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]?

    /// minⱼ Qⱼ(s, a) over the learner's critics (twin critics for TD3 and SAC; DDPG's one), one per row;
    /// `nil` where it has no critic of actions (PPO). The `min-critics` value estimate.
    func minimumActionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]?

    /// Actions drawn from the learner's stochastic policy for a batch of raw observations, in [−1, 1]ᵈ units
    /// (`target: sample`, the reference DPD-PPO); `nil` for a deterministic policy. Draws from `stream`.
    func sampledActions(for observations: Matrix<Float>, using stream: RandomStream) -> Matrix<Float>?

    /// One distillation step on the policy: minimises Σᵢ wᵢ · meanₖ (π(sᵢ)ₖ − ãᵢₖ)² with the learner's
    /// distillation optimiser; no gradient reaches the weights or the targets. Returns the loss before the step.
    mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float]) -> Double

    /// The same step, taking the policy pass π(sᵢ) from `forward` (this learner's own ``policyEvaluation(for:)``
    /// on `observations`) where it is still this policy's on these states, and running it otherwise: the result is
    /// ``distill(states:targets:weights:)``'s, bit for bit, in either case.
    mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float],
                          reusing forward: PolicyForward?) -> Double

    /// The policy network's readout on a batch of raw observations: π(s), the hidden layers and the Gaussian of
    /// a stochastic policy (what the distillation family's objectives compare, as learner and as peer).
    func policyReadout(for observations: Matrix<Float>) -> PolicyReadout<Float>

    /// One distillation step on the policy that minimises `objective`'s loss of the readout on `observations`,
    /// with the same optimiser and gradient clip as ``distill(states:targets:weights:)``. Returns the loss before
    /// the step.
    mutating func distill(states observations: Matrix<Float>, objective: some DistillationObjective) -> Double
}

extension Distillable {
    /// Learners that keep no policy pass run it again.
    public mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float],
                                 reusing forward: PolicyForward?) -> Double {
        distill(states: observations, targets: targets, weights: weights)
    }

    /// Learners without critics of actions have no minimum over them.
    public func minimumActionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]? { nil }

    /// Deterministic policies have nothing to sample.
    public func sampledActions(for observations: Matrix<Float>, using stream: RandomStream) -> Matrix<Float>? {
        nil
    }
}

/// Where a learner's distillation states come from: its peer's replay buffer (off-policy peers) or its peer's
/// recent rollout observations (on-policy peers).
public protocol DistillationStateSource {
    /// States held and available to draw from.
    var stateCount: Int { get }

    /// Draws `count` states uniformly, with replacement, from the `mostRecent` newest ones (all when `nil`),
    /// into `destination` (`count × observationDimension`), with one draw from `stream` per state.
    /// - Precondition: ``stateCount`` > 0.
    func sampleStates(count: Int, mostRecent window: Int?, using stream: RandomStream,
                      into destination: inout Matrix<Float>)
}

extension ReplayBuffer: DistillationStateSource {
    /// The transitions held.
    public var stateCount: Int { count }

    /// The observations sᵢ of uniformly drawn transitions (``sampleObservations(count:mostRecent:using:into:)``).
    public func sampleStates(count: Int, mostRecent window: Int?, using stream: RandomStream,
                             into destination: inout Matrix<Float>) {
        sampleObservations(count: count, mostRecent: window, using: stream, into: &destination)
    }
}
