import DuetRandom
import Foundation

/// The grid of a sweep folder, read from the `plan.json` that `duet sweep` writes: its keys and values, its
/// arms, and the settings behind each run's arm label (the `arm` of `run.json`, e.g.
/// `learner.batchSize=64,training.discount=0.99/distill-on`).
public struct SweepGrid: Sendable, Equatable {
    /// One grid key and its values, in the sweep's order.
    public struct Dimension: Sendable, Equatable, Decodable {
        /// The configuration key.
        public var key: String
        /// Its values.
        public var values: [String]
    }

    /// What one arm label stands for.
    public struct Cell: Sendable, Equatable {
        /// The value of each grid key.
        public var settings: [String: String]
        /// The arm's name (`distill-on`, `distill-off`, `single`), if the sweep has arms.
        public var arm: String?
    }

    /// The grid keys, in the sweep's order.
    public var dimensions: [Dimension]
    /// The arm names, in the sweep's order (empty: no arms).
    public var arms: [String]
    /// The settings of each arm label.
    public var cells: [String: Cell]

    /// The plan file's name.
    public static let planFile = "plan.json"

    /// Reads `<folder>/plan.json`; nil when the folder has none (it is not a sweep's folder).
    /// - Throws: ``ResultsError/malformedJSON(path:reason:)`` for a plan that cannot be read.
    public static func load(from folder: URL) throws -> SweepGrid? {
        let file = folder.appendingPathComponent(planFile)
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        struct Plan: Decodable {
            struct Setting: Decodable { var key: String; var value: String }
            struct Run: Decodable { var settings: [Setting]; var arm: String?; var label: String? }
            var grid: [Dimension]
            var arms: [String]
            var runs: [Run]
        }
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: data)
        } catch {
            throw ResultsError.malformedJSON(path: file.path, reason: "not a sweep plan (grid, arms, runs)")
        }
        var cells: [String: Cell] = [:]
        for run in plan.runs {
            guard let label = run.label else { continue }
            let settings = Dictionary(run.settings.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            cells[label] = Cell(settings: settings, arm: run.arm.map(Self.armName))
        }
        return SweepGrid(dimensions: plan.grid, arms: plan.arms.map(Self.armName), cells: cells)
    }

    /// `on` → `distill-on`, `off` → `distill-off`; other names as they are.
    private static func armName(_ arm: String) -> String {
        switch arm {
        case "on": "distill-on"
        case "off": "distill-off"
        default: arm
        }
    }
}

/// A table per grid key: for each value of the key (and each arm, and task), the scores of all the sweep's runs
/// with that value, pooled over the other keys' values and the seeds: runs, mean, median, IQM and its
/// bootstrap interval. Read it as each key's marginal effect; the per-setting rows of ``Summary`` hold the rest.
public struct SweepTables: Sendable {
    /// One row: a value of a key.
    public struct Row: Sendable, Equatable {
        /// The grid key.
        public var key: String
        /// Its value.
        public var value: String
        /// The arm, if the sweep has arms.
        public var arm: String?
        /// The task.
        public var task: String
        /// The scores pooled in this row.
        public var runCount: Int
        /// Their mean.
        public var mean: Double
        /// Their median.
        public var median: Double
        /// Their interquartile mean.
        public var interquartileMean: Double
        /// The IQM's percentile-bootstrap interval.
        public var interquartileMeanInterval: ConfidenceInterval
    }

    /// The rows, key by key in grid order, then value, arm and task.
    public var rows: [Row]
    /// The grid.
    public var grid: SweepGrid
    /// The bootstrap of the intervals.
    public var bootstrap: StratifiedBootstrap

    /// The tables of `scores`, runs whose arm label is not in `grid` left out. The interval of each row
    /// resamples its scores with the random stream `sweep/<key>=<value>/<arm>/<task>` of `seed`.
    public init(scores: ScoreSet, grid: SweepGrid, bootstrap: StratifiedBootstrap, seed: UInt64) {
        self.grid = grid
        self.bootstrap = bootstrap
        let tasks = Array(Set(scores.scores.map(\.metadata.task))).sorted()
        var rows: [Row] = []
        for dimension in grid.dimensions {
            for value in dimension.values {
                for arm in grid.arms.isEmpty ? [nil] : grid.arms.map(Optional.some) {
                    for task in tasks {
                        let values = scores.scores.filter { score in
                            guard let cell = grid.cells[score.metadata.arm] else { return false }
                            return cell.settings[dimension.key] == value && cell.arm == arm
                                && score.metadata.task == task
                        }.map(\.value)
                        guard !values.isEmpty else { continue }
                        var stream = RandomStream(
                            seed: seed, name: "sweep/\(dimension.key)=\(value)/\(arm ?? "")/\(task)")
                        rows.append(Row(
                            key: dimension.key, value: value, arm: arm, task: task, runCount: values.count,
                            mean: Statistics.mean(values), median: Statistics.median(values),
                            interquartileMean: Statistics.interquartileMean(values),
                            interquartileMeanInterval: bootstrap.interval(of: .interquartileMean, scores: [values],
                                                                          using: &stream)))
                    }
                }
            }
        }
        self.rows = rows
    }

    /// The tables as aligned text, one per key, scores with `decimals` decimals.
    public func text(decimals: Int) -> String {
        let percent = NumberText.shortest(bootstrap.confidence * 100) + "%"
        func score(_ value: Double) -> String { NumberText.fixed(value, decimals: decimals) }
        var text = ""
        for dimension in grid.dimensions {
            var table = TextTable([("task", .left), (dimension.key, .left)] + (grid.arms.isEmpty ? [] : [("arm", .left)])
                                  + [("runs", .right), ("mean", .right), ("median", .right), ("IQM", .right),
                                     ("IQM \(percent) CI", .left)])
            for row in rows where row.key == dimension.key {
                let interval = "[\(score(row.interquartileMeanInterval.lower)), \(score(row.interquartileMeanInterval.upper))]"
                table.rows.append([row.task, row.value] + (row.arm.map { [$0] } ?? [])
                                  + [String(row.runCount), score(row.mean), score(row.median),
                                     score(row.interquartileMean), interval])
            }
            text += "\nBy \(dimension.key) (each row pools the runs of every other setting and seed):\n"
                + table.rendered()
        }
        return text
    }

    /// The rows as CSV: `key,value,arm,task,runs,mean,median,iqm,iqm_lower,iqm_upper` (`arm` empty without arms).
    public func csv() -> String {
        var text = CSVText.line(["key", "value", "arm", "task", "runs", "mean", "median", "iqm", "iqm_lower",
                                 "iqm_upper"])
        for row in rows {
            text += CSVText.line([row.key, row.value, row.arm ?? "", row.task, String(row.runCount),
                                  NumberText.shortest(row.mean), NumberText.shortest(row.median),
                                  NumberText.shortest(row.interquartileMean),
                                  NumberText.shortest(row.interquartileMeanInterval.lower),
                                  NumberText.shortest(row.interquartileMeanInterval.upper)])
        }
        return text
    }
}
