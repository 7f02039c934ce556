// Recording an episode for rendering: reset, then act and step until the episode ends or a step budget runs
// out, drawing the state after the reset and after every step. The policy is any closure from observation to
// action (a trained actor, a saved policy, or uniform random actions from a named stream), so this module
// needs no learner.
import DuetEnvironments
import DuetRandom

/// The pictures of one episode and what it earned.
public struct Episode: Sendable {
    /// One drawing per state: the start state, then the state after each step (steps + 1 drawings).
    public var drawings: [Drawing]
    /// The reward of each step.
    public var rewards: [Double]
    /// Simulated seconds per step (the frame interval when played in real time).
    public var secondsPerStep: Double
    /// Whether the last step reached a terminal state (not merely the step budget or the time limit).
    public var isTerminated: Bool

    /// The sum of the rewards.
    public var totalReward: Double { rewards.reduce(0, +) }

    /// A policy: the action for an observation.
    public typealias Policy = ([Float]) -> [Float]

    /// Records an episode of `environment` from a reset: at most `maximumSteps` steps (and never past the
    /// environment's time limit).
    ///
    /// - Parameters:
    ///   - environment: a drawable environment (every registered one is), in any state: it is reset first.
    ///   - policy: the action for each observation.
    ///   - maximumSteps: the step budget.
    ///   - random: the environment's stream, for the reset and the steps.
    /// - Throws: ``RenderError/notDrawable(environment:)``; ``EnvironmentError`` from a step (a non-finite
    ///   action).
    public static func record(_ environment: any Environment, policy: Policy, maximumSteps: Int,
                              using random: RandomStream) throws -> Episode {
        guard var environment = environment as? any Environment & Drawable else {
            throw RenderError.notDrawable(environment: type(of: environment).documentation.name)
        }
        var observation = environment.reset(using: random)
        var drawings = [environment.drawing]
        var rewards: [Double] = []
        var isTerminated = false
        while rewards.count < maximumSteps {
            let transition = try environment.step(policy(observation), using: random)
            observation = transition.observation
            rewards.append(transition.reward)
            drawings.append(environment.drawing)
            if transition.isLast {
                isTerminated = transition.isTerminal
                break
            }
        }
        return Episode(drawings: drawings, rewards: rewards, secondsPerStep: environment.secondsPerStep,
                       isTerminated: isTerminated)
    }

    /// Uniformly random actions in `space`, drawn from `random` (one draw per component, per step).
    public static func randomPolicy(in space: BoxSpace, using random: RandomStream) -> Policy {
        { _ in space.sample(using: random) }
    }
}
