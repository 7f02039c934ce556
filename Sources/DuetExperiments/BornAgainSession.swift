import DuetRunFormat
import Foundation

/// Born-again generations (Furlanello et al., "Born-Again Neural Networks", 2018), carried over to policies:
/// generation 0 is the experiment's `learner:` trained alone; generation k + 1 is the same learner (same
/// architecture, same seed, so the same initial weights and environment streams) trained with generation k as
/// its teacher (`distillation.teacher`, the file's distillation block giving the weighting, objective and the
/// rest). One command trains them all, in order, into `generation-0/` … `generation-G/`; each run's arm is its
/// generation, so `duet summarize` on the folder compares them.
///
/// Rerunning continues: finished generations are kept, an unfinished one resumes from its checkpoint.
public struct BornAgainSession {
    /// The experiment file.
    public var configurationPath: String
    /// `key.path=value` overrides applied to every generation.
    public var overrides: [String]
    /// The root seed of every generation.
    public var seed: UInt64
    /// G, the generations of students after generation 0 (G + 1 runs).
    public var generations: Int
    /// The folder of the generations; `nil` means `runs/<file name>-born-again/seed-<seed>`.
    public var output: String?
    /// Duet's version, recorded in each `run.json`.
    public var duetVersion: String

    /// A session description.
    public init(configurationPath: String, overrides: [String] = [], seed: UInt64 = 0, generations: Int,
                output: String? = nil, duetVersion: String) {
        self.configurationPath = configurationPath
        self.overrides = overrides
        self.seed = seed
        self.generations = generations
        self.output = output
        self.duetVersion = duetVersion
    }

    /// What one generation left.
    public struct Generation: Sendable {
        /// k.
        public var index: Int
        /// Its run folder.
        public var folder: URL
        /// Whether it was already finished (and kept as it was).
        public var wasFinished: Bool
        /// The mean return of its last evaluation, if it has one.
        public var finalEvaluation: Double?
    }

    /// The folder of all generations.
    public var folder: URL {
        let stem = URL(fileURLWithPath: configurationPath).deletingPathExtension().lastPathComponent
        return URL(fileURLWithPath: output ?? "runs/\(stem)-born-again/seed-\(seed)")
    }

    /// The run folder of generation `index`.
    public func folder(ofGeneration index: Int) -> URL { folder.appendingPathComponent("generation-\(index)") }

    /// The session of generation `index`: alone for 0, with generation `index − 1` as teacher after.
    public func session(forGeneration index: Int) -> TrainingSession {
        let teacher = index == 0 ? [] : ["distillation.teacher=" + folder(ofGeneration: index - 1).path]
        return TrainingSession(configurationPath: configurationPath, overrides: overrides + teacher, seed: seed,
                               output: folder(ofGeneration: index).path, singleLearner: index == 0,
                               arm: "generation-\(index)", duetVersion: duetVersion)
    }

    /// Checks every generation's configuration (generation 1's with a placeholder teacher) before any folder
    /// exists, so a bad file or override fails at once rather than after generation 0 has trained.
    /// - Throws: the configuration's error, naming the file and key.
    public func validate() throws {
        precondition(generations >= 1, "born-again training needs at least one generation of students")
        _ = try session(forGeneration: 0).resolvedConfiguration()
        _ = try session(forGeneration: 1).resolvedConfiguration()
    }

    /// Trains (or continues) generations 0 … G in order; `didFinish` is told of each as it is done.
    public func run(progress: ProgressLine? = nil, stopRequested: @escaping @Sendable () -> Bool = { false },
                    didFinish: (Generation) -> Void = { _ in }) throws -> [Generation] {
        try validate()
        var done: [Generation] = []
        for index in 0...generations {
            let runFolder = folder(ofGeneration: index)
            let resumption = RunResumption(folder: runFolder.path, duetVersion: duetVersion)
            let exists = FileManager.default.fileExists(atPath: runFolder.appendingPathComponent(RunFormat.runRecordFile).path)
            let wasFinished = exists && resumption.readStatus()?.state == .finished
            if !wasFinished {
                if exists {
                    _ = try resumption.run(progress: progress, stopRequested: stopRequested)
                } else {
                    _ = try session(forGeneration: index).run(progress: progress, stopRequested: stopRequested)
                }
            }
            let evaluations = try PolicyShelf.evaluations(in: runFolder.appendingPathComponent(
                RunFormat.learnerFolder(0)).appendingPathComponent(RunFormat.evaluationsFile))
            let generation = Generation(index: index, folder: runFolder, wasFinished: wasFinished,
                                        finalEvaluation: evaluations.last?.mean)
            didFinish(generation)
            done.append(generation)
        }
        return done
    }
}
