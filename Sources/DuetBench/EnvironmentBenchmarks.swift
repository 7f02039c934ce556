import DuetEnvironments
import DuetRandom

/// Steps per second of every registered environment, in a bare loop: the environment as the registry makes it
/// (time limit included, behind `any Environment`, as a learner holds it), pre-generated uniform actions,
/// and a reset whenever an episode ends. This is the loop `envs/reference/speed.py` times for Gymnasium.
public enum EnvironmentBenchmarks {
    /// Steps per timed call: enough that the closure call is negligible.
    static let stepsPerCall = 1000
    /// Pre-generated actions per environment, replayed cyclically (a power of two).
    static let actionCount = 4096

    /// One measurement per registered environment (or per one of `only`, in the registry's order), named
    /// `environment.step.<identifier>`, with the work unit "steps" (so ``BenchmarkMeasurement/rate`` is steps per
    /// second). Each environment's streams depend on its identifier alone, so a subset times the same loops.
    public static func run(rounds: Int, only: Set<String>? = nil) -> [BenchmarkMeasurement] {
        let root = RandomStream(seed: 0).child("bench")
        return EnvironmentRegistry.all.filter { only?.contains($0.identifier) ?? true }.map { registration in
            let stream = root.child(registration.identifier)
            var environment = registration.make()
            let actions = (0..<actionCount).map { _ in environment.actionSpace.sample(using: stream) }
            _ = environment.reset(using: stream)
            var next = 0
            var rewardSum = 0.0
            let measurement = measure("environment.step.\(registration.identifier)", rounds: rounds,
                                      work: ("steps", Double(stepsPerCall))) {
                for _ in 0..<stepsPerCall {
                    guard let transition = try? environment.step(actions[next], using: stream) else {
                        preconditionFailure("\(registration.identifier) refused a finite in-box action")
                    }
                    rewardSum += transition.reward
                    if transition.isLast { _ = environment.reset(using: stream) }
                    next = (next + 1) & (actionCount - 1)
                }
            }
            // Use the rewards, so the optimiser cannot drop the steps.
            precondition(rewardSum.isFinite, "\(registration.identifier) produced a non-finite return")
            return measurement
        }
    }
}
