import ArgumentParser
import DuetExperiments
import Foundation

/// `duet train`: trains from an experiment file into a run folder.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a learner, or k peers, from an experiment file.",
        discussion: """
            Writes a run folder with run.json (resolved configuration, seed, version, commit, number of \
            learners), learner0/episodes.csv, learner0/evaluations.csv, learner0/updates.csv (and learner1/ \
            ... and distillation.csv for two or more peers: a distillation block with learner: and peer:, or \
            a peers: list), and timing.json \
            (wall-clock figures, kept apart so the learning logs are byte-identical for the same seed), \
            status.json (running, finished, stopped or failed) and checkpoint.duet (every checkpoint.every \
            steps and at the end; the final one is the trained model). SIGINT or SIGTERM stops the run after \
            writing a checkpoint; `duet resume <run folder>` continues a stopped, failed or killed run. \
            An existing run folder is never replaced unless --overwrite is given.
            """
    )

    @Argument(help: "The experiment file (YAML), e.g. experiments/pendulum-td3.yaml.")
    var config: String

    @Option(help: "Root seed of the run's random streams.")
    var seed: UInt64 = 0

    @Option(help: "Run folder (default: runs/<experiment name>/seed-<seed>).")
    var out: String?

    @Option(help: "Environment steps per learner (overrides the file's 'steps').")
    var steps: Int?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a key of the file, e.g. --set learner.discount=0.98 (repeatable).",
                               valueName: "key=value"))
    var overrides: [String] = []

    @Flag(inversion: .prefixedNo,
          help: "Switch distillation on or off for the peers (overrides the file's distillation.enabled).")
    var distill: Bool?

    @Flag(help: "Train only the file's first learner (drop the other peers and the distillation block).")
    var single = false

    @Option(help: "Arm name recorded in run.json, for grouping runs in summaries (default: single, distill-on or distill-off).")
    var arm: String?

    @Flag(help: "Replace the run folder if it exists.")
    var overwrite = false

    @Flag(help: "Portable reproducibility: OpenBLAS's Haswell kernels on any x86-64 CPU with AVX2 and FMA, so the same seed gives the same logs on every such machine (applied at start-up; see README, Reproducibility).")
    var portable = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if single, distill != nil { throw ValidationError("--single trains one learner: it takes no --distill/--no-distill") }
    }

    func run() throws {
        let session = TrainingSession(
            configurationPath: config, overrides: overrides + (steps.map { ["steps=\($0)"] } ?? []), seed: seed,
            output: out, overwrite: overwrite, distill: distill, singleLearner: single, arm: arm, duetVersion: DuetVersion.number)
        StopSignals.install()
        let outcome: TrainingSession.Outcome
        do {
            outcome = try session.run(progress: ProgressLine(), stopRequested: StopSignals.requested)
        } catch let stopped as TrainingStopped {
            let folder = out ?? TrainingSession.defaultOutput(for: config, seed: seed)
            throw CommandError("\(folder): \(stopped)")
        }
        print("Wrote \(outcome.folder.path) (\(outcome.configuration.steps) steps in "
              + "\(String(format: "%.1f", outcome.timing.elapsedSeconds)) s)")
    }
}
