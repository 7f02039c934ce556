import DuetNumerics
import DuetRandom

/// What an on-policy learner decides at one environment step: the action and what the rollout must remember of
/// it for the policy-gradient update.
public struct PolicyStep: Sendable, Equatable {
    /// The action a ~ π(·|s), in [−1, 1]ᵈ before the trainer's rescaling (unclipped where the policy is an
    /// unbounded Gaussian; the trainer clips what it sends to the environment).
    public var action: [Float]
    /// log π(a|s) under the policy that acted.
    public var logProbability: Double
    /// V(s), the value network's estimate at the state acted in.
    public var value: Double

    /// A step from its parts.
    public init(action: [Float], logProbability: Double, value: Double) {
        self.action = action
        self.logProbability = logProbability
        self.value = value
    }
}

/// One rollout of an on-policy learner: `count` consecutive transitions of one environment copy, in order, with
/// what the policy-gradient update needs (Stable-Baselines3's `RolloutBuffer` before GAE).
///
/// Terminations and truncations are kept apart: an advantage estimator bootstraps through a truncation with
/// ``truncationValues`` (the value of the real last observation) and never through a termination.
public struct Rollout: Sendable {
    /// Length of each observation.
    public let observationDimension: Int
    /// Length of each action.
    public let actionDimension: Int
    private var observationScalars: [Float] = []
    private var actionScalars: [Float] = []
    /// Rewards rₜ.
    public private(set) var rewards: [Double] = []
    /// log π(aₜ|sₜ) when acting.
    public private(set) var logProbabilities: [Double] = []
    /// V(sₜ) when acting.
    public private(set) var values: [Double] = []
    /// Whether transition t ended its episode by termination.
    public private(set) var isTerminal: [Bool] = []
    /// Whether transition t ended its episode by a time limit.
    public private(set) var isTruncated: [Bool] = []
    /// V(s′ₜ) of the real last observation where transition t was truncated, else 0.
    public private(set) var truncationValues: [Double] = []

    /// An empty rollout for the given dimensions.
    public init(observationDimension: Int, actionDimension: Int) {
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
    }

    /// Transitions held.
    public var count: Int { rewards.count }

    /// Observations sₜ, `count × observationDimension`.
    public var observations: Matrix<Float> {
        Matrix(rows: count, columns: observationDimension, scalars: observationScalars)
    }

    /// Actions aₜ, `count × actionDimension`.
    public var actions: Matrix<Float> { Matrix(rows: count, columns: actionDimension, scalars: actionScalars) }

    /// Appends transition t.
    /// - Parameter truncationValue: V(s′) of the real last observation when `isTruncated`, ignored otherwise.
    public mutating func append(observation: [Float], step: PolicyStep, reward: Double, isTerminal: Bool,
                                isTruncated: Bool, truncationValue: Double = 0) {
        precondition(observation.count == observationDimension && step.action.count == actionDimension,
                     "a rollout transition has the rollout's dimensions")
        observationScalars += observation
        actionScalars += step.action
        rewards.append(reward)
        logProbabilities.append(step.logProbability)
        values.append(step.value)
        self.isTerminal.append(isTerminal)
        self.isTruncated.append(isTruncated)
        truncationValues.append(isTruncated && !isTerminal ? truncationValue : 0)
    }

    /// Empties the rollout, keeping its dimensions.
    public mutating func removeAll() {
        self = Rollout(observationDimension: observationDimension, actionDimension: actionDimension)
    }
}

/// An on-policy actor-critic learner (PPO) as the trainer sees it: it acts with its stochastic policy, and it
/// learns from whole rollouts that the trainer collects with it. (The first conformer is PPO; see the PPO issue.)
///
/// For distillation, π(s) is the policy's mean and V(s) the value network's output; it has no action values, so
/// the reference DDPG's ξ at the peer's action does not apply to it.
public protocol OnPolicyLearner: Distillable {
    /// Acts in state `observation`: a ~ π(·|s), with log π(a|s) and V(s); draws from `stream`.
    mutating func act(on observation: [Float], using stream: RandomStream) -> PolicyStep

    /// V(s) of one raw observation (to bootstrap a truncated episode, or the rollout's last state).
    func stateValue(of observation: [Float]) -> Double

    /// Learns from `rollouts` (one per environment copy, equally long) whose last states are `lastObservations`
    /// (with their episodes not ended, they are bootstrapped); returns one statistics row per learning phase.
    mutating func update(on rollouts: [Rollout], lastObservations: [[Float]], using stream: RandomStream)
        -> UpdateStatistics
}

/// The most recent observations a learner collected, as distillation states for its peers: on-policy learners
/// keep no replay buffer, and the paper distils on the peer's most recent 1000 states (the reference DPD-PPO:
/// up to 100,000).
public struct ObservationHistory: DistillationStateSource, Sendable {
    /// The most observations held; older ones are overwritten.
    public let capacity: Int
    /// Observations held (at most ``capacity``).
    public private(set) var stateCount = 0
    private var nextIndex = 0
    private var rows: Matrix<Float>

    /// An empty history of `capacity` observations of `observationDimension` numbers.
    /// - Precondition: `capacity` ≥ 1.
    public init(capacity: Int, observationDimension: Int) {
        precondition(capacity >= 1, "an observation history holds at least one observation")
        self.capacity = capacity
        rows = Matrix(rows: capacity, columns: observationDimension)
    }

    /// Records one observation, overwriting the oldest when full.
    public mutating func append(_ observation: [Float]) {
        precondition(observation.count == rows.columns, "an observation of \(rows.columns) numbers")
        for column in 0..<rows.columns { rows[nextIndex, column] = observation[column] }
        nextIndex = (nextIndex + 1) % capacity
        stateCount = min(stateCount + 1, capacity)
    }

    public func sampleStates(count: Int, mostRecent window: Int?, using stream: RandomStream,
                             into destination: inout Matrix<Float>) {
        precondition(stateCount > 0, "cannot sample from an empty observation history")
        let available = min(window ?? stateCount, stateCount)
        destination.resize(rows: count, columns: rows.columns)
        for slot in 0..<count {
            let age = stream.integer(below: available)  // 0 = newest, as the replay buffer draws
            let index = ((nextIndex - 1 - age) % capacity + capacity) % capacity
            for column in 0..<rows.columns { destination[slot, column] = rows[index, column] }
        }
    }
}
