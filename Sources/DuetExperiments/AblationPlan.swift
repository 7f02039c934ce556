import DuetConfiguration
import Foundation

/// The runs of a distillation ablation: the same pair trained with distillation on and off for each seed,
/// optionally with a third arm, one learner with twice the steps (the paper's budget comparison: each DPD
/// learner gets half the steps of the single learner it is compared with).
///
/// A preset of ``SweepPlan``: no grid, the arms `on,off` (and `single`). Run folders are
/// `<output>/<arm>/seed-<n>`, so `duet summarize <output>` groups them by arm.
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
    /// The same plan as a sweep.
    public var sweep: SweepPlan

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
        self.configurationPath = configurationPath
        let stem = URL(fileURLWithPath: configurationPath).deletingPathExtension().lastPathComponent
        let output = output ?? "runs/\(stem)-ablation"
        self.output = output
        sweep = try SweepPlan(configurationPath: configurationPath, seeds: seeds, grid: [],
                              arms: includeSingle ? [.on, .off, .single] : [.on, .off], output: output,
                              overrides: overrides, overwrite: overwrite)
        runs = try sweep.runs.map { run in
            let state = try run.state(configurationPath: configurationPath, overwrite: overwrite)
            return Run(arm: run.arm?.name ?? "", seed: run.seed, folder: run.folder,
                       arguments: run.arguments(from: state) ?? ["resume", run.folder], isFinished: state == .finished)
        }
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
