import DuetRandom

/// A reinforcement-learning environment: a value whose state advances by ``step(_:using:)``.
///
/// Environments are structs: copying one copies its whole state, so a learner can keep a snapshot, and two
/// copies never share anything. They own no randomness: every draw comes from the ``RandomStream`` passed to
/// ``reset(using:)`` and ``step(_:using:)``, so one named stream per environment makes a run reproducible.
///
/// The internal state is kept in `Double`, in the order and with the roundings of Gymnasium's
/// `env.unwrapped.state`; observations are `Float`, the state rounded to nearest as Gymnasium's
/// `np.array(..., dtype=np.float32)` does. Actions are `Float` vectors of ``actionSpace``'s dimension; an
/// action outside the box is handled as the environment's reference does (clipped, or, for
/// MountainCarContinuous' control cost, used as given); a NaN or infinite action throws
/// ``EnvironmentError/nonFiniteAction(environment:index:value:)`` and leaves the state unchanged.
///
/// A bare environment never truncates: time limits are registration data, applied by ``TimeLimit``, which the
/// ``EnvironmentRegistry`` wraps around every environment it makes.
public protocol Environment: Sendable {
    /// The environment's constants (physical constants, limits, reward weights), a frozen struct with the
    /// reference values as defaults.
    associatedtype Parameters: Sendable, Equatable

    /// The constants this environment was made with.
    var parameters: Parameters { get }

    /// What each observation, action and state component means, and the task in words.
    static var documentation: EnvironmentDocumentation { get }

    /// The box observations lie in.
    var observationSpace: BoxSpace { get }

    /// The box of meaningful actions.
    var actionSpace: BoxSpace { get }

    /// The internal state, in the order of Gymnasium's `env.unwrapped.state` (see ``EnvironmentDocumentation/state``).
    var state: [Double] { get }

    /// Sets the internal state, as assigning Gymnasium's `env.unwrapped.state = np.array(values)` does.
    ///
    /// It does not start a new episode: a ``TimeLimit`` keeps counting from its last reset.
    /// - Throws: ``EnvironmentError/stateLength(environment:expected:found:)`` if `values` has the wrong count,
    ///   ``EnvironmentError/nonFiniteState(environment:index:value:)`` if one is NaN or infinite.
    mutating func setState(_ values: [Double]) throws

    /// The observation of the current state.
    var observation: [Float] { get }

    /// Everything the environment's future depends on, for checkpoints: ``state`` plus any hidden part (such
    /// as MountainCarContinuous' record of whether its state is float32). The default is ``state``.
    var resumableState: [Double] { get }

    /// Puts the environment back exactly where ``resumableState`` was read, so that it continues bit for bit
    /// as the original would have; the default is ``setState(_:)``.
    /// - Throws: as ``setState(_:)`` for values of the wrong count or non-finite values.
    mutating func restoreResumableState(_ values: [Double]) throws

    /// Draws a start state from the environment's reset distribution and returns its observation.
    mutating func reset(using random: RandomStream) -> [Float]

    /// Applies `action` for one time step.
    ///
    /// - Parameters:
    ///   - action: one value per dimension of ``actionSpace``.
    ///   - random: the stream for any randomness in the transition (none of the classic-control tasks draws).
    /// - Returns: the next observation, the reward and whether the episode ended.
    /// - Throws: ``EnvironmentError/nonFiniteAction(environment:index:value:)`` for a NaN or infinite action;
    ///   ``EnvironmentError/episodeEnded(environment:)`` from a ``TimeLimit`` whose episode is over.
    /// - Precondition: `action.count == actionSpace.dimension`.
    mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition
}

extension Environment {
    /// The physical state is all there is.
    public var resumableState: [Double] { state }

    /// Sets the physical state.
    public mutating func restoreResumableState(_ values: [Double]) throws { try setState(values) }
}

/// What one ``Environment/step(_:using:)`` returns.
///
/// `isTerminal` and `isTruncated` are kept apart because learners treat them differently: they bootstrap
/// the value of the next state through a truncation (the task would have gone on) and never through a
/// termination (there is no next state).
public struct Transition: Sendable, Equatable {
    /// The observation after the step.
    public var observation: [Float]
    /// The reward for the step (a Python float in Gymnasium, so `Double` here).
    public var reward: Double
    /// The task ended in a terminal state (Gymnasium's `terminated`).
    public var isTerminal: Bool
    /// The episode was cut by the time limit (Gymnasium's `truncated`); set only by ``TimeLimit``.
    public var isTruncated: Bool

    /// Creates a transition record.
    public init(observation: [Float], reward: Double, isTerminal: Bool, isTruncated: Bool = false) {
        self.observation = observation
        self.reward = reward
        self.isTerminal = isTerminal
        self.isTruncated = isTruncated
    }

    /// The episode is over, by termination or truncation: the next call must be a reset.
    @inlinable public var isLast: Bool { isTerminal || isTruncated }
}

/// The words that describe an environment: printed by `duet envs describe`, and the source of CSV headers.
public struct EnvironmentDocumentation: Sendable, Equatable {
    /// The environment's name without version, e.g. `Pendulum`; used in error messages.
    public var name: String
    /// One or two sentences on the task.
    public var summary: String
    /// One label per observation component, e.g. `cos θ`.
    public var observation: [String]
    /// One label per action component, e.g. `torque u (N·m)`.
    public var action: [String]
    /// One label per internal state component, in Gymnasium's `env.unwrapped.state` order.
    public var state: [String]
    /// The reward formula and its range.
    public var reward: String
    /// The start-state distribution.
    public var start: String
    /// When an episode terminates, as a phrase: "never terminates", "terminates when …" (the time limit is
    /// registration data).
    public var termination: String
    /// The reference implementation this environment reproduces.
    public var reference: String

    /// Creates a documentation record.
    public init(name: String, summary: String, observation: [String], action: [String], state: [String],
                reward: String, start: String, termination: String, reference: String) {
        self.name = name
        self.summary = summary
        self.observation = observation
        self.action = action
        self.state = state
        self.reward = reward
        self.start = start
        self.termination = termination
        self.reference = reference
    }
}

extension Environment {
    /// Checks the length and finiteness of a state about to be set; shared by the conformances.
    func validatedState(_ values: [Double]) throws -> [Double] {
        let expected = Self.documentation.state.count
        guard values.count == expected else {
            throw EnvironmentError.stateLength(environment: Self.documentation.name, expected: expected,
                                               found: values.count)
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw EnvironmentError.nonFiniteState(environment: Self.documentation.name, index: index,
                                                  value: values[index])
        }
        return values
    }

    /// Checks the shape and finiteness of an action about to be applied; shared by the conformances.
    ///
    /// `dimension` is passed in (rather than read from ``actionSpace``) so the hot path touches no arrays.
    @inline(__always)
    func checkAction(_ action: [Float], dimension: Int) throws {
        precondition(action.count == dimension,
                     "\(Self.documentation.name) takes \(dimension) action values, got \(action.count)")
        for index in 0..<dimension where !action[index].isFinite {
            throw EnvironmentError.nonFiniteAction(environment: Self.documentation.name, index: index,
                                                   value: action[index])
        }
    }
}
