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
    /// The observation as the learner's networks saw it (normalised, where the learner normalises): what the
    /// rollout stores, so that the update evaluates the policy on exactly the input it acted on.
    public var policyInput: [Float]

    /// A step from its parts.
    public init(action: [Float], logProbability: Double, value: Double, policyInput: [Float]) {
        self.action = action
        self.logProbability = logProbability
        self.value = value
        self.policyInput = policyInput
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

    /// Observations sₜ as the policy saw them (``PolicyStep/policyInput``), `count × observationDimension`.
    public var observations: Matrix<Float> {
        Matrix(rows: count, columns: observationDimension, scalars: observationScalars)
    }

    /// Actions aₜ, `count × actionDimension`.
    public var actions: Matrix<Float> { Matrix(rows: count, columns: actionDimension, scalars: actionScalars) }

    /// Appends transition t: the step the policy took (its input, action, log π and V) and what followed.
    /// - Parameters:
    ///   - reward: rₜ as the learner learns from it (scaled, where the learner scales rewards).
    ///   - truncationValue: V(s′) of the real last observation when `isTruncated`, ignored otherwise.
    public mutating func append(step: PolicyStep, reward: Double, isTerminal: Bool, isTruncated: Bool,
                                truncationValue: Double = 0) {
        precondition(step.policyInput.count == observationDimension && step.action.count == actionDimension,
                     "a rollout transition has the rollout's dimensions")
        observationScalars += step.policyInput
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

/// An on-policy actor-critic learner (PPO) as the trainer sees it: it acts with its stochastic policy on its N
/// environment copies at once, and learns from the rollouts that the trainer collects with it.
///
/// The trainer drives it as Stable-Baselines3's `collect_rollouts` drives a policy behind `VecNormalize`: each
/// round it asks for the N copies' actions (``act(on:using:)``), steps every copy, hands the learner the N new
/// observations (``observe(_:)``, which updates running observation statistics) and the N rewards
/// (``scaleRewards(_:episodeEnded:)``), and appends each transition to its copy's rollout. After
/// ``rolloutLength`` rounds it calls ``update(on:lastObservations:progressRemaining:using:)``.
///
/// For distillation, π(s) is the policy's mean and V(s) the value network's output (each on the learner's own
/// normalisation of the raw observation); it has no action values, so the reference DDPG's ξ at the peer's
/// action does not apply to it.
public protocol OnPolicyLearner: Distillable {
    /// N, the environment copies the learner collects from.
    var environmentCopies: Int { get }
    /// T, the steps per copy in one rollout.
    var rolloutLength: Int { get }

    /// Records the observations the N copies are now in (after a reset or a step), updating the learner's
    /// running observation statistics where it normalises.
    mutating func observe(_ observations: [[Float]])

    /// Acts in the N copies' raw observations: aᵢ ~ π(·|sᵢ) with log π(aᵢ|sᵢ), V(sᵢ) and the policy's input;
    /// draws from `stream`.
    mutating func act(on observations: [[Float]], using stream: RandomStream) -> [PolicyStep]

    /// The rewards as the learner learns from them, given the N copies' raw rewards of one round and whether
    /// each copy's episode ended (the identity unless the learner scales rewards).
    mutating func scaleRewards(_ rewards: [Double], episodeEnded: [Bool]) -> [Double]

    /// V(s) of one raw observation (to bootstrap a truncated episode), without updating any statistics.
    func stateValue(of observation: [Float]) -> Double

    /// Learns from `rollouts` (one per copy, ``rolloutLength`` transitions each) whose next observations are
    /// `lastObservations` (raw); `progressRemaining` is 1 − (steps taken)/(steps of the run), for schedules.
    /// Returns the update's statistics (the columns of ``Learner/updateColumns``).
    mutating func update(on rollouts: [Rollout], lastObservations: [[Float]], progressRemaining: Double,
                         using stream: RandomStream) -> UpdateStatistics
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

    /// The observations held, oldest first (`stateCount × observationDimension`): appending them in this order
    /// to an empty history of the same capacity gives a history that samples exactly as this one.
    public var statesOldestFirst: Matrix<Float> {
        Matrix(rows: stateCount, columns: rows.columns) { row, column in
            rows[(nextIndex - stateCount + row + capacity) % capacity, column]
        }
    }

    /// Draws `count` observations uniformly, with replacement, from the `mostRecent` newest held (all when
    /// `nil`), with one draw from `stream` per state.
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
