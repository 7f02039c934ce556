/// One registered environment: its identifier, its time limit and how to make it, as in Gymnasium's `register`.
public struct EnvironmentRegistration: Sendable {
    /// The identifier, e.g. `Pendulum-v1`: Gymnasium's where the task is Gymnasium's.
    public let identifier: String
    /// The time limit T: ``make()`` wraps the environment in a ``TimeLimit`` of T steps.
    public let maximumEpisodeSteps: Int
    /// What the environment's observations, actions and state mean.
    public let documentation: EnvironmentDocumentation
    /// The observation dimension.
    public let observationDimension: Int
    /// The action dimension.
    public let actionDimension: Int
    /// For an environment simulated from an MJCF model, its bodies, joints and motors (empty otherwise).
    public let modelDescription: [String]
    private let makeLimited: @Sendable () -> any Environment

    /// Registers the environment that `make` builds (with its default parameters), limited to
    /// `maximumEpisodeSteps` steps per episode.
    public init<Base: Environment>(_ identifier: String, maximumEpisodeSteps: Int,
                                   make: @escaping @Sendable () -> Base) {
        let sample = make()
        self.identifier = identifier
        self.maximumEpisodeSteps = maximumEpisodeSteps
        documentation = Base.documentation
        observationDimension = sample.observationSpace.dimension
        actionDimension = sample.actionSpace.dimension
        modelDescription = (Base.self as? any PhysicsEnvironment.Type)?.modelDescription ?? []
        makeLimited = { TimeLimit(make(), maximumEpisodeSteps: maximumEpisodeSteps) }
    }

    /// A new environment with its time limit (a ``TimeLimit`` around the base environment), in its default
    /// state: call ``Environment/reset(using:)`` before stepping.
    public func make() -> any Environment { makeLimited() }
}

/// Every environment Duet provides, each listed once, so tests and the command line can iterate them.
public enum EnvironmentRegistry {
    /// The registered environments, in the order `duet envs list` prints them.
    public static let all: [EnvironmentRegistration] = [
        EnvironmentRegistration("Pendulum-v1", maximumEpisodeSteps: 200) { Pendulum() },
        EnvironmentRegistration("MountainCarContinuous-v0", maximumEpisodeSteps: 999) { MountainCarContinuous() },
        EnvironmentRegistration("CartPoleContinuous-v0", maximumEpisodeSteps: 500) { CartPoleContinuous() },
        EnvironmentRegistration("CartPoleSwingUp-v0", maximumEpisodeSteps: 1000) { CartPoleSwingUp() },
        EnvironmentRegistration("AcrobotContinuous-v0", maximumEpisodeSteps: 500) { AcrobotContinuous() },
        EnvironmentRegistration("InvertedPendulum-v5", maximumEpisodeSteps: 1000) { InvertedPendulum() },
        EnvironmentRegistration("InvertedDoublePendulum-v5", maximumEpisodeSteps: 1000) { InvertedDoublePendulum() },
        EnvironmentRegistration("Reacher-v5", maximumEpisodeSteps: 50) { Reacher() },
        EnvironmentRegistration("Swimmer-v5", maximumEpisodeSteps: 1000) { Swimmer() },
        EnvironmentRegistration("Hopper-v5", maximumEpisodeSteps: 1000) { Hopper() },
        EnvironmentRegistration("HalfCheetah-v5", maximumEpisodeSteps: 1000) { HalfCheetah() },
        EnvironmentRegistration("Walker2d-v5", maximumEpisodeSteps: 1000) { Walker2d() },
    ]

    /// The registered identifiers, in ``all``'s order.
    public static var identifiers: [String] { all.map(\.identifier) }

    /// The registration of `identifier` (exact, case-sensitive match).
    /// - Throws: ``EnvironmentError/unknownEnvironment(identifier:accepted:)`` naming the accepted identifiers.
    public static func registration(_ identifier: String) throws -> EnvironmentRegistration {
        guard let found = all.first(where: { $0.identifier == identifier }) else {
            throw EnvironmentError.unknownEnvironment(identifier: identifier, accepted: identifiers)
        }
        return found
    }

    /// A new `identifier` environment with its time limit.
    /// - Throws: ``EnvironmentError/unknownEnvironment(identifier:accepted:)``.
    public static func make(_ identifier: String) throws -> any Environment {
        try registration(identifier).make()
    }
}
