import DuetRandom

/// An environment with a time limit: the step that brings the episode to ``maximumEpisodeSteps`` is marked
/// truncated, as Gymnasium's `TimeLimit` wrapper (`max_episode_steps` in the registration) does.
///
/// A step that both terminates and reaches the limit is reported with both flags set, as in Gymnasium.
/// Unlike Gymnasium, which lets a finished episode run on with undefined results, stepping after the episode
/// has ended throws ``EnvironmentError/episodeEnded(environment:)``: the caller must reset.
public struct TimeLimit<Base: Environment>: Environment {
    /// The wrapped environment.
    public private(set) var base: Base
    /// The number of steps after which an episode is truncated, T.
    public let maximumEpisodeSteps: Int
    /// Steps taken since the last reset.
    public private(set) var elapsedSteps: Int = 0
    /// Whether the last step terminated or truncated the episode.
    public private(set) var hasEnded: Bool = false

    /// Wraps `base` with a limit of `maximumEpisodeSteps` steps per episode.
    /// - Precondition: `maximumEpisodeSteps` > 0.
    public init(_ base: Base, maximumEpisodeSteps: Int) {
        precondition(maximumEpisodeSteps > 0, "a time limit must be positive, got \(maximumEpisodeSteps)")
        self.base = base
        self.maximumEpisodeSteps = maximumEpisodeSteps
    }

    /// The wrapped environment's constants.
    public var parameters: Base.Parameters { base.parameters }
    /// The wrapped environment's documentation.
    public static var documentation: EnvironmentDocumentation { Base.documentation }
    /// The wrapped environment's observation box.
    public var observationSpace: BoxSpace { base.observationSpace }
    /// The wrapped environment's action box.
    public var actionSpace: BoxSpace { base.actionSpace }
    /// The wrapped environment's internal state.
    public var state: [Double] { base.state }
    /// The wrapped environment's current observation.
    public var observation: [Float] { base.observation }

    /// Sets the wrapped environment's state; the step count is left as it is (this is not a reset), and an
    /// ended episode stays ended.
    public mutating func setState(_ values: [Double]) throws { try base.setState(values) }

    /// The wrapped environment's complete state (the step count is the ``episodeClock``'s).
    public var resumableState: [Double] { base.resumableState }
    /// Restores the wrapped environment's complete state; the step count is left as it is.
    public mutating func restoreResumableState(_ values: [Double]) throws { try base.restoreResumableState(values) }
    /// Resets the wrapped environment and the step count.
    public mutating func reset(using random: RandomStream) -> [Float] {
        elapsedSteps = 0
        hasEnded = false
        return base.reset(using: random)
    }

    /// Steps the wrapped environment; the transition is truncated when the count reaches the limit.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        if hasEnded { throw EnvironmentError.episodeEnded(environment: Base.documentation.name) }
        var transition = try base.step(action, using: random)
        elapsedSteps += 1
        if elapsedSteps >= maximumEpisodeSteps { transition.isTruncated = true }
        hasEnded = transition.isTerminal || transition.isTruncated
        return transition
    }
}

/// Where an environment is in its episode under a time limit: the steps taken since the last reset and whether
/// the episode has ended. Plain data, so that a checkpoint stores it and a restored environment truncates at
/// exactly the step the original would have.
public struct EpisodeClock: Sendable, Equatable, Codable {
    /// Steps taken since the last reset.
    public var elapsedSteps: Int
    /// Whether the last step terminated or truncated the episode.
    public var hasEnded: Bool

    /// A clock at the given position.
    public init(elapsedSteps: Int, hasEnded: Bool) {
        self.elapsedSteps = elapsedSteps
        self.hasEnded = hasEnded
    }
}

/// An environment whose episodes are cut by a time limit, with its ``EpisodeClock`` readable and settable (the
/// environments the ``EnvironmentRegistry`` makes are all ``TimeLimit``s).
public protocol TimeLimitedEnvironment: Environment {
    /// The position in the current episode; setting it does not change the physical state.
    var episodeClock: EpisodeClock { get set }
}

extension TimeLimit: TimeLimitedEnvironment {
    /// The step count and ended flag; setting them, as a checkpoint restore does, leaves the state alone.
    public var episodeClock: EpisodeClock {
        get { EpisodeClock(elapsedSteps: elapsedSteps, hasEnded: hasEnded) }
        set {
            elapsedSteps = newValue.elapsedSteps
            hasEnded = newValue.hasEnded
        }
    }
}

extension TimeLimit: ForwardMoving where Base: ForwardMoving {
    /// The wrapped task's forward position.
    public var forwardPosition: Double { base.forwardPosition }
    /// The wrapped task's control time step.
    public static var controlTimestep: Double { Base.controlTimestep }
}
