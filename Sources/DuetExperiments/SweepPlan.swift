import DuetConfiguration
import Foundation

/// The runs of a sweep: every combination of the grid's settings, times the arms, times the seeds, each a
/// `duet train` of the same experiment file with the settings as `--set` overrides.
///
/// Run folders are named by their settings and seed, `<output>/<key>=<value>,<key>=<value>/<arm>/seed-<n>`
/// (Hydra's `override_dirname`; a part is left out when the sweep has no grid or no arms), so the same plan
/// always names the same folders, whatever order or number of workers runs it. Each run records the same
/// path without `seed-<n>` as its arm in `run.json`, so `duet summarize` and `duet plot` give one row and one
/// curve per setting. With no grid and the arms `on,off` (and `single`) this is exactly `duet ablate`'s plan.
public struct SweepPlan: Sendable, Equatable, Codable {
    /// One grid dimension: a configuration key and the values it takes (`--grid key=v1,v2`).
    public struct Dimension: Sendable, Equatable, Codable {
        /// The dotted configuration key, as `--set` takes it, e.g. `learner.batchSize`.
        public var key: String
        /// The values, in the order given.
        public var values: [String]

        /// A dimension from values.
        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    /// One grid value of a run.
    public struct Setting: Sendable, Equatable, Codable {
        /// The configuration key.
        public var key: String
        /// The value, as `--set` takes it.
        public var value: String
    }

    /// An arm of the sweep: distillation on, off, or the first learner alone (`--arms on,off,single`).
    public enum Arm: String, Sendable, Equatable, Codable, CaseIterable {
        /// The peers with distillation (`--distill`); folder and arm `distill-on`.
        case on
        /// The peers without distillation (`--no-distill`); folder and arm `distill-off`.
        case off
        /// The file's first learner alone with k times the steps for k peers; folder and arm `single`.
        case single

        /// The arm's folder and `run.json` arm name.
        public var name: String {
            switch self {
            case .on: "distill-on"
            case .off: "distill-off"
            case .single: "single"
            }
        }
    }

    /// One run of the plan: what it trains, where, and the `duet train` arguments that make it.
    public struct Run: Sendable, Equatable, Codable {
        /// Position in the plan (and in `manifest.tsv`), from 0.
        public var index: Int
        /// The grid values of this run, in grid order.
        public var settings: [Setting]
        /// The arm, if the sweep has arms.
        public var arm: Arm?
        /// The root seed.
        public var seed: UInt64
        /// The run folder.
        public var folder: String
        /// The arm name recorded in `run.json` (nil: `duet train`'s default), which results group by.
        public var label: String?
        /// Every override of the run's configuration: the sweep's `--set` ones, then the settings (and the
        /// single arm's steps).
        public var overrides: [String]
        /// The `duet train` arguments that make this run (after the executable's name).
        public var arguments: [String]
    }

    /// The experiment file.
    public var configurationPath: String
    /// The folder holding the runs, `manifest.tsv` and `plan.json`.
    public var output: String
    /// The seeds, in the order given.
    public var seeds: [UInt64]
    /// The grid, in the order given.
    public var grid: [Dimension]
    /// The arms, in the order given (empty: the file as it is).
    public var arms: [Arm]
    /// The `--set` overrides shared by every run.
    public var overrides: [String]
    /// Whether the runs replace their folders (`duet ablate --overwrite` only).
    public var overwrite: Bool
    /// The runs: settings in grid order (the last key varying fastest), then arms, then seeds.
    public var runs: [Run]

    /// Plans the sweep and checks everything that can be checked before a run starts: the file, every
    /// combination of settings (each key known, each value accepted), that the arms fit the file, and that the
    /// folder names are distinct. Nothing is written.
    /// - Parameters:
    ///   - overrides: `--set` overrides passed on to every run.
    ///   - overwrite: pass `--overwrite` to every run (`duet ablate --overwrite`).
    ///   - portable: pass `--portable` to every run (and its `duet resume`), so each run, wherever a scheduler
    ///     starts it, pins the portable kernels (README, Reproducibility). It shows only in the runs' arguments,
    ///     so the plan of a sweep without it is unchanged.
    public init(configurationPath: String, seeds: [UInt64], grid: [Dimension], arms: [Arm], output: String,
                overrides: [String], overwrite: Bool = false, portable: Bool = false) throws {
        self.configurationPath = configurationPath
        self.output = output
        self.seeds = seeds
        self.grid = grid
        self.arms = arms
        self.overrides = overrides
        self.overwrite = overwrite
        let base = try ConfigurationFile.load(ExperimentConfiguration.self, from: configurationPath,
                                              overrides: overrides)
        if !arms.isEmpty, base.distillation == nil {
            let names = arms.map(\.rawValue).joined(separator: ",")
            throw ConfigurationError.invalidValue(
                source: configurationPath, path: "distillation", value: "absent",
                accepted: "a distillation block: --arms \(names) compares a pair with distillation on and off")
        }
        try ResourceEstimate.check(base, source: configurationPath)
        var runs: [Run] = []
        var folders: [String: [Setting]] = [:]
        for settings in Self.combinations(of: grid) {
            let settingOverrides = settings.map { "\($0.key)=\($0.value)" }
            let configuration = try Self.load(configurationPath, overrides: overrides, settings: settings, grid: grid)
            if !settings.isEmpty {
                try ResourceEstimate.check(configuration, source: "--grid " + settingOverrides.joined(separator: ","))
            }
            let settingsName = settings.map { "\($0.key)=\(Self.folderText($0.value))" }.joined(separator: ",")
            if let clash = folders[settingsName] {
                throw SweepError.folderClash(first: clash.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                                             second: settingOverrides.joined(separator: ","), folder: settingsName)
            }
            folders[settingsName] = settings
            for arm in arms.isEmpty ? [nil] : arms.map(Optional.some) {
                var runOverrides = overrides + settingOverrides
                var flags: [String] = []
                switch arm {
                case .on: flags = ["--distill"]
                case .off: flags = ["--no-distill"]
                case .single:
                    // The single arm gets the peers' total budget, k × steps (the paper compares one learner
                    // with 2 × 1e7 against each DPD learner's 1e7).
                    let steps = String(configuration.steps * configuration.peerCount)
                    flags = ["--single", "--steps", steps]
                    runOverrides.append("steps=\(steps)")
                case nil: break
                }
                let label = [settingsName, arm?.name ?? ""].filter { !$0.isEmpty }.joined(separator: "/")
                for seed in seeds {
                    let folder = [output, label, "seed-\(seed)"].filter { !$0.isEmpty }.joined(separator: "/")
                    let arguments = ["train", configurationPath, "--seed", String(seed), "--out", folder]
                        + (label.isEmpty ? [] : ["--arm", label]) + flags
                        + (overrides + settingOverrides).flatMap { ["--set", $0] } + (overwrite ? ["--overwrite"] : [])
                        + (portable ? [Self.portableFlag] : [])
                    runs.append(Run(index: runs.count, settings: settings, arm: arm, seed: seed, folder: folder,
                                    label: label.isEmpty ? nil : label, overrides: runOverrides,
                                    arguments: arguments))
                }
            }
        }
        self.runs = runs
    }

    /// The flag of portable reproducibility, as `duet train` and `duet resume` take it.
    public static let portableFlag = "--portable"

    /// Every combination of the grid's values, the last dimension varying fastest; one empty combination for
    /// an empty grid.
    static func combinations(of grid: [Dimension]) -> [[Setting]] {
        grid.reduce([[]]) { partial, dimension in
            partial.flatMap { prefix in dimension.values.map { prefix + [Setting(key: dimension.key, value: $0)] } }
        }
    }

    /// The configuration of one combination, with an error about a setting attributed to its `--grid` flag.
    private static func load(_ path: String, overrides: [String], settings: [Setting],
                             grid: [Dimension]) throws -> ExperimentConfiguration {
        do {
            return try ConfigurationFile.load(ExperimentConfiguration.self, from: path,
                                              overrides: overrides + settings.map { "\($0.key)=\($0.value)" })
        } catch let error as ConfigurationError {
            for dimension in grid {
                let override = settings.first { $0.key == dimension.key }.map { "\($0.key)=\($0.value)" } ?? ""
                let flag = "--grid \(dimension.key)=\(dimension.values.joined(separator: ","))"
                switch error {
                case let .badOverride(text, reason) where text == override:
                    throw SweepError.badGrid(text: flag, reason: reason)
                case .badOverride: continue
                default:
                    let message = error.description
                    if message.hasPrefix("--set \(override):") {
                        throw SweepError.badGrid(text: flag, reason: String(message.dropFirst("--set \(override): ".count)))
                    }
                }
            }
            throw error
        }
    }

    /// A value as it appears in a folder name: brackets, braces, quotes and spaces dropped; commas, slashes and
    /// colons become `-`, other characters outside letters, digits and `._+-` become `_`. `[64,64]` → `64-64`.
    static func folderText(_ value: String) -> String {
        var text = ""
        for character in value {
            switch character {
            case "[", "]", "{", "}", "\"", "'", " ": continue
            case ",", "/", ":": text.append("-")
            case _ where character.isASCII && (character.isLetter || character.isNumber || "._+-".contains(character)):
                text.append(character)
            default: text.append("_")
            }
        }
        return text.isEmpty ? "_" : text
    }
}
