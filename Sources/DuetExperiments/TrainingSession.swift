import DuetConfiguration
import DuetLearners
import DuetRunFormat
import Foundation

/// One `duet train` invocation, from experiment file to finished run folder.
///
/// Order matters for bad input: the file is read, overridden and validated completely *before* the run folder
/// is created, so a bad file, key, value or flag leaves nothing behind; an existing folder is never replaced
/// unless asked.
public struct TrainingSession {
    /// The experiment file.
    public var configurationPath: String
    /// `key.path=value` overrides applied on top of the file (`--set`, `--steps`).
    public var overrides: [String]
    /// The root seed.
    public var seed: UInt64
    /// The run folder; `nil` means `runs/<file name without extension>/seed-<seed>`.
    public var output: String?
    /// Replace an existing run folder.
    public var overwrite: Bool
    /// Overrides the file's `distillation.enabled` (`--distill` / `--no-distill`); needs a dual experiment.
    public var distill: Bool?
    /// Train only the file's `learner:`, dropping any `peer:` and `distillation:` (`--single`; the ablation's
    /// `single` arm).
    public var singleLearner: Bool
    /// The arm recorded in `run.json` (grouping key for summaries); `nil` means `single` for a single learner
    /// and `distill-on` / `distill-off` for a pair.
    public var arm: String?
    /// Duet's version, recorded in `run.json`.
    public var duetVersion: String

    /// Creates a session description.
    public init(configurationPath: String, overrides: [String] = [], seed: UInt64 = 0, output: String? = nil,
                overwrite: Bool = false, distill: Bool? = nil, singleLearner: Bool = false, arm: String? = nil,
                duetVersion: String) {
        self.configurationPath = configurationPath
        self.overrides = overrides
        self.distill = distill
        self.singleLearner = singleLearner
        self.seed = seed
        self.output = output
        self.overwrite = overwrite
        self.arm = arm
        self.duetVersion = duetVersion
    }

    /// The default run folder for an experiment file and seed.
    public static func defaultOutput(for configurationPath: String, seed: UInt64) -> String {
        let stem = URL(fileURLWithPath: configurationPath).deletingPathExtension().lastPathComponent
        return "runs/\(stem)/seed-\(seed)"
    }

    /// What a finished session produced.
    public struct Outcome {
        /// The run folder.
        public var folder: URL
        /// The resolved configuration.
        public var configuration: ExperimentConfiguration
        /// Wall-clock figures.
        public var timing: RunTiming
    }

    /// Reads and validates the configuration, applies `distill` and `singleLearner`, and makes a relative
    /// `distillation.teacher` absolute (no side effects).
    public func resolvedConfiguration() throws -> ExperimentConfiguration {
        var configuration = try ConfigurationFile.load(ExperimentConfiguration.self, from: configurationPath,
                                                       overrides: overrides)
        if let distill {
            guard configuration.distillation != nil else {
                throw ConfigurationError.invalidValue(
                    source: distill ? "--distill" : "--no-distill", path: "distillation", value: "absent",
                    accepted: "an experiment file with a distillation block (\(configurationPath) trains one learner)")
            }
            configuration.distillation?.enabled = distill
        }
        if singleLearner { configuration.keepFirstPeerOnly() }
        // A teacher is recorded by its absolute path, so that run.json names it wherever it is read from.
        if let teacher = configuration.distillation?.teacher, !teacher.hasPrefix("/") {
            configuration.distillation?.teacher = URL(fileURLWithPath: teacher).standardizedFileURL.path
        }
        return configuration
    }

    /// The arm recorded for `configuration`.
    public func resolvedArm(for configuration: ExperimentConfiguration) -> String {
        if let arm { return arm }
        guard let distillation = configuration.distillation else { return "single" }
        return distillation.enabled ? "distill-on" : "distill-off"
    }

    /// Validates everything, creates the run folder, trains, and writes `run.json`, `status.json`,
    /// `checkpoint.duet` (every `checkpoint.every` steps and at the end) and `timing.json`.
    /// If training fails, the folder keeps the logs written so far, the last checkpoint, an `error.txt` with the
    /// reason and a `failed` status; `duet resume` continues it from the checkpoint.
    /// - Parameter stopRequested: polled after every step (SIGINT or SIGTERM received): the run then writes a
    ///   checkpoint, records `stopped` and throws ``TrainingStopped``.
    public func run(progress: ProgressLine? = nil,
                    stopRequested: @escaping @Sendable () -> Bool = { false }) throws -> Outcome {
        let configuration = try resolvedConfiguration()
        try ResourceEstimate.check(configuration, source: configurationPath)
        let teacher = try TeacherRun.load(for: configuration)  // a bad teacher is an error before any folder exists
        let url = URL(fileURLWithPath: output ?? Self.defaultOutput(for: configurationPath, seed: seed))
        let folder = try RunFolder.create(at: url, overwrite: overwrite)
        let metadata = RunMetadata(arm: resolvedArm(for: configuration), seed: seed, env: configuration.env,
                                   learners: configuration.peerCount,
                                   configurationFile: configurationPath, duetVersion: duetVersion,
                                   gitCommit: RunMetadata.currentGitCommit())
        try folder.writeJSON(RunRecord(metadata: metadata, configuration: configuration),
                             to: RunFormat.runRecordFile)
        try folder.writeJSON(RunStatus(state: .running, checkpointStep: 0), to: RunFormat.statusFile)
        let checkpoints = Checkpointer(
            every: configuration.checkpoint.every,
            stamp: CheckpointStamp(duetVersion: duetVersion, configurationFingerprint: configuration.fingerprint,
                                   seed: seed),
            folder: folder)
        return try Self.train(configuration, seed: seed, folder: folder, checkpoints: checkpoints, resuming: nil,
                              teacher: teacher,
                              progress: progress, stopRequested: stopRequested)
    }

    /// Trains into `folder` and records the outcome in `status.json` (and `error.txt` for a failure).
    /// - Parameter teacher: the teacher of a teacher-student run, already loaded (`nil`: loaded by the trainer).
    static func train(_ configuration: ExperimentConfiguration, seed: UInt64, folder: RunFolder,
                      checkpoints: Checkpointer, resuming checkpoint: Checkpoint?,
                      teacher: (any Distillable)? = nil, progress: ProgressLine?,
                      stopRequested: @escaping @Sendable () -> Bool) throws -> Outcome {
        do {
            let timing = try Trainer.run(configuration, seed: seed, folder: folder, teacher: teacher, progress: progress,
                                         checkpoints: checkpoints, resuming: checkpoint, stopRequested: stopRequested)
            try folder.writeJSON(timing, to: RunFormat.timingFile)
            try? FileManager.default.removeItem(at: folder.file(RunFormat.errorFile))
            try folder.writeJSON(RunStatus(state: .finished, checkpointStep: checkpoints.lastStep),
                                 to: RunFormat.statusFile)
            return Outcome(folder: folder.url, configuration: configuration, timing: timing)
        } catch let stop as TrainingStopped {
            progress?.finish()
            try? folder.writeJSON(RunStatus(state: .stopped, checkpointStep: checkpoints.lastStep),
                                  to: RunFormat.statusFile)
            throw stop
        } catch {
            progress?.finish()
            let message = String(describing: error)
            // Atomically: on a full disk no error.txt at all rather than an empty one (the message is printed).
            try? Data((message + "\n").utf8).write(to: folder.file(RunFormat.errorFile), options: .atomic)
            try? folder.writeJSON(RunStatus(state: .failed, checkpointStep: checkpoints.lastStep, error: message),
                                  to: RunFormat.statusFile)
            throw error
        }
    }
}
