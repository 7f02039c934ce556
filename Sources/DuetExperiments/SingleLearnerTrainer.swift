import DuetEnvironments
import DuetRandom
import Foundation

/// Trains one off-policy learner: the loop of collect, learn, evaluate and log, as Stable-Baselines3's
/// `OffPolicyAlgorithm.learn` runs it with `train_freq` in steps.
///
/// Each environment step: act (uniformly at random for the first `learningStarts` steps), step, store;
/// then, once more than `learningStarts` steps are stored, `gradientSteps` updates every `trainFrequency` steps;
/// then the update log and, every `evaluation.every` steps and at the last step, a deterministic evaluation.
public enum SingleLearnerTrainer {
    /// Trains the learner of `configuration` with root seed `seed`, writing logs into `folder`.
    /// - Parameter slotIndex: the learner's slot, which names its streams and folder (`learner<i>`); a single
    ///   run with slot 1 draws exactly what learner 1 of a dual run without distillation draws.
    /// - Returns: the wall-clock figures, which the caller writes apart from the learning logs.
    public static func run(_ configuration: ExperimentConfiguration, seed: UInt64, folder: RunFolder,
                           slotIndex: Int = 0, progress: ProgressLine? = nil) throws -> RunTiming {
        let registration = try EnvironmentRegistry.registration(configuration.env)
        let slot = try LearnerSlot(index: slotIndex, environment: registration, configuration: configuration.learner,
                                   training: configuration.training, evaluation: configuration.evaluation,
                                   root: RandomStream(seed: seed), folder: folder)
        let start = monotonicNow()
        for _ in 0..<configuration.steps {
            try slot.collectStep()
            slot.learnIfDue()
            try slot.logUpdatesIfDue()
            if slot.isEvaluationDue(totalSteps: configuration.steps) { try slot.evaluate() }
            progress?.update(done: slot.stepsTaken, total: configuration.steps,
                             detail: "episodes \(slot.episodesFinished)"
                                 + (slot.lastEpisodeReturn.map { "  last return \(Int($0.rounded()))" } ?? ""))
        }
        progress?.finish()
        let elapsed = monotonicNow() - start
        return RunTiming(elapsedSeconds: elapsed, stepsPerSecond: Double(configuration.steps) / max(elapsed, 1e-9),
                         steps: configuration.steps)
    }
}

/// Seconds on a monotonic clock.
func monotonicNow() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
