import DuetConfiguration
import Foundation

/// The runs of a distillation ablation: the same pair trained with distillation on and off for each seed,
/// optionally with a third arm, one learner with twice the steps (the paper's budget comparison: each DPD
/// learner gets half the steps of the single learner it is compared with).
///
/// Run folders are `<output>/<arm>/seed-<n>`, so `duet summarize <output>` groups them by arm.
public struct AblationPlan: Sendable {
    /// One run of the plan.
    public struct Run: Sendable, Equatable {
        /// `distill-on`, `distill-off` or `single`.
        public var arm: String
        /// The root seed.
        public var seed: UInt64
        /// The run folder.
        public var folder: String
        /// The `duet train` arguments that make this run (after the executable's name), or the `duet resume`
        /// arguments that continue it when an unfinished run of the same configuration is in its folder.
        public var arguments: [String]
        /// Whether the folder already holds this run, finished: there is nothing to do.
        public var isFinished = false
    }

    /// The experiment file.
    public var configurationPath: String
    /// The runs, arm by arm, seed by seed.
    public var runs: [Run]
    /// The folder holding the arms.
    public var output: String

    /// Plans the ablation and checks everything that can be checked before a run starts: the file is valid and
    /// trains a pair, and every run folder that exists holds this very run (same configuration and seed), so
    /// that a finished one is skipped and an unfinished one resumed (`duet resume`); any other existing folder
    /// is an error unless `overwrite`.
    /// - Parameters:
    ///   - overrides: `--set` overrides passed on to every run.
    ///   - includeSingle: add the `single` arm (the first peer alone with k times the steps).
    public init(configurationPath: String, seeds: [UInt64], output: String?, overrides: [String],
                includeSingle: Bool, overwrite: Bool) throws {
        let configuration = try ConfigurationFile.load(ExperimentConfiguration.self, from: configurationPath,
                                                       overrides: overrides)
        guard configuration.distillation != nil else {
            throw ConfigurationError.invalidValue(
                source: configurationPath, path: "distillation", value: "absent",
                accepted: "a distillation block: an ablation compares a pair with distillation on and off")
        }
        try ResourceEstimate.check(configuration, source: configurationPath)
        self.configurationPath = configurationPath
        let stem = URL(fileURLWithPath: configurationPath).deletingPathExtension().lastPathComponent
        let output = output ?? "runs/\(stem)-ablation"
        self.output = output
        let shared = overrides.flatMap { ["--set", $0] } + (overwrite ? ["--overwrite"] : [])
        var runs: [Run] = []
        var arms: [(name: String, flags: [String], distill: Bool?, single: Bool)] = [
            ("distill-on", ["--distill"], true, false), ("distill-off", ["--no-distill"], false, false),
        ]
        // The single arm gets the peers' total budget, k × steps (the paper compares one learner with 2 × 1e7
        // against each DPD learner's 1e7).
        if includeSingle {
            let steps = String(configuration.steps * configuration.peerCount)
            arms.append(("single", ["--single", "--steps", steps], nil, true))
        }
        for arm in arms {
            for seed in seeds {
                let folder = "\(output)/\(arm.name)/seed-\(seed)"
                var run = Run(arm: arm.name, seed: seed, folder: folder,
                              arguments: ["train", configurationPath, "--seed", String(seed), "--out", folder,
                                          "--arm", arm.name] + arm.flags + shared)
                if !overwrite, FileManager.default.fileExists(atPath: folder) {
                    let session = TrainingSession(
                        configurationPath: configurationPath,
                        overrides: overrides + (arm.single ? ["steps=\(configuration.steps * configuration.peerCount)"] : []),
                        seed: seed, distill: arm.distill, singleLearner: arm.single, duetVersion: "")
                    let existing = RunResumption(folder: folder, duetVersion: "")
                    guard let record = try? existing.readRecord(), record.seed == seed,
                          record.configuration == (try session.resolvedConfiguration()),
                          let status = existing.readStatus()
                    else { throw RunFolderError.alreadyExists(path: folder) }
                    run.isFinished = status.state == .finished
                    run.arguments = ["resume", folder]
                }
                runs.append(run)
            }
        }
        self.runs = runs
    }

    /// Parses a seed list such as `0-9`, `1,3,5` or `0-4,10`.
    /// - Throws: ``ConfigurationError/badOverride(override:reason:)``-style one-line errors naming `--seeds`.
    public static func seeds(from text: String) throws -> [UInt64] {
        var seeds: [UInt64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = UInt64(bounds[0]),
                  let high = bounds.count == 2 ? UInt64(bounds[1]) : low, low <= high, high - low < 100_000
            else {
                throw ConfigurationError.invalidValue(source: "--seeds", path: "seeds", value: "'\(text)'",
                                                      accepted: "a list of seeds and ranges such as 0-9 or 1,3,5")
            }
            seeds.append(contentsOf: low...high)
        }
        guard Set(seeds).count == seeds.count else {
            throw ConfigurationError.invalidValue(source: "--seeds", path: "seeds", value: "'\(text)'",
                                                  accepted: "each seed once")
        }
        return seeds
    }
}

/// Runs commands as child processes, at most `jobs` at a time, and reports each as it ends.
public enum ProcessPool {
    /// How one child process ended.
    public struct Outcome: Sendable {
        /// Index of the command in the list.
        public var index: Int
        /// Exit status (or the terminating signal's number).
        public var status: Int32
        /// The last line the child wrote to standard error (its one-line error, when it failed).
        public var lastErrorLine: String
    }

    /// Runs `executable` with each argument list, at most `jobs` at once; calls `report` as each ends (on the
    /// calling thread) and returns all outcomes in command order. Children inherit the environment, with
    /// `OPENBLAS_NUM_THREADS=1` unless set.
    public static func run(executable: URL, argumentLists: [[String]], jobs: Int,
                           report: (Outcome) -> Void) throws -> [Outcome] {
        var outcomes: [Outcome?] = Array(repeating: nil, count: argumentLists.count)
        var running: [(index: Int, process: Process, errors: Pipe)] = []
        var next = 0
        var environment = ProcessInfo.processInfo.environment
        if environment["OPENBLAS_NUM_THREADS"] == nil { environment["OPENBLAS_NUM_THREADS"] = "1" }
        while next < argumentLists.count || !running.isEmpty {
            while running.count < max(1, jobs), next < argumentLists.count {
                let process = Process()
                process.executableURL = executable
                process.arguments = argumentLists[next]
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                let errors = Pipe()
                process.standardError = errors
                try process.run()
                running.append((next, process, errors))
                next += 1
            }
            // Wait for the oldest child, reading its error output to the end first so it never blocks.
            let (index, process, errors) = running.removeFirst()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let lastLine = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            let outcome = Outcome(index: index, status: process.terminationStatus, lastErrorLine: lastLine)
            outcomes[index] = outcome
            report(outcome)
        }
        return outcomes.compactMap { $0 }
    }
}
