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
