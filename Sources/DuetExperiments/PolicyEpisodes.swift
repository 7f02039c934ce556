// Episodes of a saved policy, as the trainer's evaluation runs them: reset the environment from the stream,
// act, rescale the action from [−1, 1]ᵈ to the box, step with the same stream, until the episode ends (a terminal
// state or the time limit). A policy evaluated on a fresh `learner<i>/evaluation` stream of the run's seed
// therefore plays exactly the episodes of the run's first evaluation.
import DuetEnvironments
import DuetLearners
import DuetNumerics
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
        /// For a ``ForwardMoving`` task, the learned forward speed: the root's displacement over the episode's
        /// time, (x_T − x_0)/(T·dt) (m/s), the mean of Gymnasium's per-step `x_velocity`; `nil` for other tasks.
        public var forwardSpeed: Double? = nil
    }

    /// How actions are chosen.
    public enum Mode {
        /// The deterministic action μ(s), as the trainer's evaluations.
        case deterministic
        /// Actions drawn from the policy, with draws from `stream`: fresh noise per step
        /// (``SavedPolicy/sampledAction(for:using:)``), or under gSDE one exploration matrix W drawn at the start
        /// of each episode and held for all its steps (``SavedPolicy/explorationMatrix(using:)``,
        /// ``SavedPolicy/stateDependentAction(for:explorationMatrix:)``).
        ///
        /// One W per episode is the choice Stable-Baselines3 makes for its rollouts (`reset_noise` at the start
        /// of collection, with `sde_sample_freq = -1`). Its `evaluate_policy(deterministic=False)` never redraws
        /// W, so every episode there shares whatever matrix the model last drew (for a loaded model, one drawn
        /// from the initial log σ at construction); drawing one per episode from the trained log σ_W keeps the
        /// noise gSDE's, held over the episode, and makes the episodes independent draws, as the bootstrap
        /// intervals of `duet evaluate` assume. The policy's `resampleEvery` is a training setting, not kept.
        case stochastic(RandomStream)
    }

    /// The policy's action for `observation` in the environment's box (the trainer's rescaling
    /// low + (a + 1)·(high − low)/2 for a bounded box). Under gSDE a stochastic action needs the episode's
    /// `explorationMatrix`; without it (or for a policy that cannot be sampled) the action is the deterministic
    /// one.
    public static func environmentAction(_ policy: SavedPolicy, for observation: [Float], mode: Mode,
                                         explorationMatrix: Matrix<Float>? = nil, in space: BoxSpace) -> [Float] {
        let action: [Float]
        switch mode {
        case .deterministic:
            action = policy.action(for: observation)
        case let .stochastic(stream):
            if policy.usesStateDependentExploration {
                action = explorationMatrix.map { policy.stateDependentAction(for: observation, explorationMatrix: $0) }
                    ?? policy.action(for: observation)
            } else {
                action = policy.sampledAction(for: observation, using: stream) ?? policy.action(for: observation)
            }
        }
        return rescaled(action, to: space)
    }

    /// The exploration matrix an episode holds: under gSDE in `mode` stochastic, a fresh one from the mode's
    /// stream; otherwise `nil`.
    public static func episodeExplorationMatrix(_ policy: SavedPolicy, mode: Mode) -> Matrix<Float>? {
        guard case let .stochastic(stream) = mode, policy.usesStateDependentExploration else { return nil }
        return policy.explorationMatrix(using: stream)
    }

    /// Maps an action from [−1, 1]ᵈ to `space`, as the trainer does: low + (a + 1)·0.5·(high − low).
    public static func rescaled(_ action: [Float], to space: BoxSpace) -> [Float] {
        guard space.isBounded else { return action }
        return action.indices.map { index in
            space.low[index] + (action[index] + 1) * 0.5 * (space.high[index] - space.low[index])
        }
    }

    /// Plays `count` episodes of `policy` in fresh copies of `registration`'s environment, one after another on
    /// `stream` (resets and steps); a stochastic gSDE policy draws its exploration matrix from the mode's stream
    /// after each reset.
    /// - Throws: ``EnvironmentError`` when the environment rejects an action (a non-finite one).
    public static func run(_ policy: SavedPolicy, in registration: EnvironmentRegistration, episodes count: Int,
                           mode: Mode = .deterministic, using stream: RandomStream) throws -> [Outcome] {
        var environment = registration.make()
        let space = environment.actionSpace
        var outcomes: [Outcome] = []
        for _ in 0..<count {
            var observation = environment.reset(using: stream)
            let start = (environment as? any ForwardMoving)?.forwardPosition
            let matrix = episodeExplorationMatrix(policy, mode: mode)
            var outcome = Outcome(totalReward: 0, length: 0, isTerminated: false)
            while true {
                let transition = try environment.step(environmentAction(policy, for: observation, mode: mode,
                                                                        explorationMatrix: matrix, in: space),
                                                      using: stream)
                outcome.totalReward += transition.reward
                outcome.length += 1
                if transition.isLast {
                    outcome.isTerminated = transition.isTerminal
                    if let start, let moving = environment as? any ForwardMoving {
                        let time = Double(outcome.length) * type(of: moving).controlTimestep
                        outcome.forwardSpeed = (moving.forwardPosition - start) / time
                    }
                    break
                }
                observation = transition.observation
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}
