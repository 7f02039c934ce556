// Episodes of a saved policy, as the trainer's evaluation runs them: reset the environment from the stream,
// act, rescale the action from [−1, 1]ᵈ to the box, step with the same stream, until the episode ends (a terminal
// state or the time limit). A policy evaluated on a fresh `learner<i>/evaluation` stream of the run's seed
// therefore plays exactly the episodes of the run's first evaluation.
import DuetEnvironments
import DuetLearners
import DuetRandom

/// Runs episodes of a ``SavedPolicy``.
public enum PolicyEpisodes {
    /// What one episode earned.
    public struct Outcome: Sendable, Equatable {
        /// The undiscounted return.
        public var totalReward: Double
        /// Steps taken.
        public var length: Int
        /// Whether it ended in a terminal state (rather than the time limit).
        public var isTerminated: Bool
    }

    /// How actions are chosen.
    public enum Mode {
        /// The deterministic action μ(s), as the trainer's evaluations.
        case deterministic
        /// Actions drawn from the policy, with draws from `stream` (``SavedPolicy/sampledAction(for:using:)``).
        case stochastic(RandomStream)
    }

    /// The policy's action for `observation` in the environment's box (the trainer's rescaling
    /// low + (a + 1)·(high − low)/2 for a bounded box).
    public static func environmentAction(_ policy: SavedPolicy, for observation: [Float], mode: Mode,
                                         in space: BoxSpace) -> [Float] {
        let action: [Float]
        switch mode {
        case .deterministic: action = policy.action(for: observation)
        case let .stochastic(stream): action = policy.sampledAction(for: observation, using: stream)
                                          ?? policy.action(for: observation)
        }
        return rescaled(action, to: space)
    }

    /// Maps an action from [−1, 1]ᵈ to `space`, as the trainer does: low + (a + 1)·0.5·(high − low).
    public static func rescaled(_ action: [Float], to space: BoxSpace) -> [Float] {
        guard space.isBounded else { return action }
        return action.indices.map { index in
            space.low[index] + (action[index] + 1) * 0.5 * (space.high[index] - space.low[index])
        }
    }

    /// Plays `count` episodes of `policy` in fresh copies of `registration`'s environment, one after another on
    /// `stream` (resets and steps).
    /// - Throws: ``EnvironmentError`` when the environment rejects an action (a non-finite one).
    public static func run(_ policy: SavedPolicy, in registration: EnvironmentRegistration, episodes count: Int,
                           mode: Mode = .deterministic, using stream: RandomStream) throws -> [Outcome] {
        var environment = registration.make()
        let space = environment.actionSpace
        var outcomes: [Outcome] = []
        for _ in 0..<count {
            var observation = environment.reset(using: stream)
            var outcome = Outcome(totalReward: 0, length: 0, isTerminated: false)
            while true {
                let transition = try environment.step(environmentAction(policy, for: observation, mode: mode, in: space),
                                                      using: stream)
                outcome.totalReward += transition.reward
                outcome.length += 1
                if transition.isLast {
                    outcome.isTerminated = transition.isTerminal
                    break
                }
                observation = transition.observation
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}
