import Foundation

/// The random and reference scores of one task, for normalisation.
public struct NormalisationEntry: Sendable, Hashable {
    /// The score of a uniformly random policy (normalised to 0).
    public var random: Double
    /// The score of a reference agent (normalised to 1).
    public var reference: Double
    /// Where the two numbers come from, for documentation and reports.
    public var source: String

    /// An entry from its two scores and where they come from.
    public init(random: Double, reference: Double, source: String = "") {
        self.random = random
        self.reference = reference
        self.source = source
    }

    /// (score − random) / (reference − random): 0 for the random policy, 1 for the reference agent.
    public func normalise(_ score: Double) -> Double { (score - random) / (reference - random) }
}

/// Per-task random and reference scores that turn returns into normalised scores
/// (score − random) / (reference − random), so scores of different tasks can be pooled.
///
/// ## The built-in table (``builtIn``)
///
/// | task | random | reference | source |
/// |---|---|---|---|
/// | Pendulum-v1 | −1221 | −152 | random: uniform policy, 200-step episodes (reference-numbers.md §1); reference: the Zoo's TD3 (§3) |
/// | MountainCarContinuous-v0 | −33 | 93.5 | random: random policy (§1); reference: the Zoo's TD3 (§3) |
/// | InvertedPendulum-v5 | 4.99 | 1000 | random: measured (below); reference: the cap, which the Zoo's agents reach |
/// | InvertedDoublePendulum-v5 | 46.76 | 9300 | random: measured; reference: about 9300, the Zoo's (issue 12) |
/// | Reacher-v5 | −43.28 | −4 | random: measured; reference: about −4, the Zoo's (issue 12) |
/// | Swimmer-v5 | 0.35 | 359 | random: measured; reference: the Zoo's TD3, 1M steps, γ 0.9999 (§3) |
/// | Hopper-v5 | 16.50 | 3606 | random: measured; reference: the Zoo's TD3, 1M steps (§3) |
/// | HalfCheetah-v5 | −282.05 | 9656 | random: measured; reference: the Zoo's TD3, 1M steps (§3) |
/// | Walker2d-v5 | 1.68 | 4718 | random: measured; reference: the Zoo's TD3, 1M steps (§3) |
///
/// The MuJoCo tasks' random scores are the mean return of 200 episodes of a uniformly random policy on Duet's
/// simulator, which matches MuJoCo step for step (`scripts/random-returns.py --episodes 200`, seeds 0–199; standard
/// errors 0.24, 1.21, 0.25, 0.78, 0.95, 5.91, 0.49). The same script gives −1217.6 ± 19.6 for Pendulum-v1 and
/// −33.34 ± 0.07 for MountainCarContinuous-v0, next to the published −1221 and −33; D4RL's random HalfCheetah and
/// Walker2d (−280.18, 1.63, on the v2 tasks) are within a standard error of Duet's.
///
/// CartPoleContinuous-v0, CartPoleSwingUp-v0 and AcrobotContinuous-v0 are deliberately **not** in the table:
/// they are Duet's continuous variants of discrete or dm_control tasks, with no published reference agent to
/// normalise against. Supply their random and reference scores yourself (measure a uniform policy with Duet's
/// evaluation, pick a reference such as the best tuned single-agent baseline, and say so in the paper) in a CSV
/// file read by ``load(csvAt:)`` and merged over the built-in table with ``merging(_:)``.
///
/// ## CSV format
///
/// A header line `task,random,reference`, then one line per task: `MyTask-v0,-100,250`. Blank lines and lines
/// starting with `#` are ignored. A repeated task, a non-numeric value, or a reference equal to the random score
/// is an error naming the file and line.
public struct NormalisationTable: Sendable, Equatable {
    /// The entries by task id.
    public private(set) var entries: [String: NormalisationEntry]

    /// A table of `entries` by task id (empty by default).
    public init(_ entries: [String: NormalisationEntry] = [:]) { self.entries = entries }

    /// The tasks covered, sorted.
    public var tasks: [String] { entries.keys.sorted() }

    /// The entry of `task`, if any.
    public subscript(task: String) -> NormalisationEntry? { entries[task] }

    /// Duet's built-in table: tasks with published reference scores, with published random scores or, for the
    /// MuJoCo tasks, random scores measured on Duet's matched simulator (see the type's documentation for the
    /// numbers and their sources).
    public static let builtIn = NormalisationTable([
        "Pendulum-v1": NormalisationEntry(
            random: -1221, reference: -152,
            source: "random: uniform policy (reference-numbers.md §1); reference: RL Zoo TD3, 20k steps (§3)"),
        "MountainCarContinuous-v0": NormalisationEntry(
            random: -33, reference: 93.5,
            source: "random: random policy (reference-numbers.md §1); reference: RL Zoo TD3, 300k steps (§3)"),
        "InvertedPendulum-v5": NormalisationEntry(
            random: 4.99, reference: 1000,
            source: "random: uniform policy, 200 episodes on Duet; reference: the 1000-step cap"),
        "InvertedDoublePendulum-v5": NormalisationEntry(
            random: 46.76, reference: 9300,
            source: "random: uniform policy, 200 episodes on Duet; reference: RL Zoo, about 9300"),
        "Reacher-v5": NormalisationEntry(
            random: -43.28, reference: -4,
            source: "random: uniform policy, 200 episodes on Duet; reference: RL Zoo, about -4"),
        "Swimmer-v5": NormalisationEntry(
            random: 0.35, reference: 359,
            source: "random: uniform policy, 200 episodes on Duet; reference: RL Zoo TD3, 1M steps (§3)"),
        "Hopper-v5": NormalisationEntry(
            random: 16.50, reference: 3606,
            source: "random: uniform policy, 200 episodes on Duet; reference: RL Zoo TD3, 1M steps (§3)"),
        "HalfCheetah-v5": NormalisationEntry(
            random: -282.05, reference: 9656,
            source: "random: uniform policy, 200 episodes on Duet; reference: RL Zoo TD3, 1M steps (§3)"),
        "Walker2d-v5": NormalisationEntry(
            random: 1.68, reference: 4718,
            source: "random: uniform policy, 200 episodes on Duet; reference: RL Zoo TD3, 1M steps (§3)"),
    ])

    /// This table with `other`'s entries added, replacing entries for the same task.
    public func merging(_ other: NormalisationTable) -> NormalisationTable {
        NormalisationTable(entries.merging(other.entries) { _, new in new })
    }

    /// The normalised score of `score` on `task`.
    /// - Throws: ``ResultsError/noNormalisation(task:known:)`` if the table lacks the task.
    public func normalise(_ score: Double, task: String) throws -> Double {
        guard let entry = entries[task] else { throw ResultsError.noNormalisation(task: task, known: tasks) }
        return entry.normalise(score)
    }

    /// Reads a table from the CSV file at `url` (format in the type's documentation).
    /// - Throws: ``ResultsError`` naming the file (and line) for a missing, empty or malformed file.
    public static func load(csvAt url: URL) throws -> NormalisationTable {
        let table = try CSVTable.read(url, requiredColumns: ["task", "random", "reference"], allowsComments: true)
        var entries: [String: NormalisationEntry] = [:]
        var lines: [String: Int] = [:]
        for row in table.rows {
            let task = try row.text("task")
            guard !task.isEmpty else {
                throw ResultsError.badValue(path: table.path, line: row.line, column: "task", value: task,
                                            expected: "a task id")
            }
            let random = try row.finiteDouble("random")
            let reference = try row.finiteDouble("reference")
            if let first = lines[task] {
                throw ResultsError.duplicateTask(path: table.path, line: row.line, task: task, firstLine: first)
            }
            guard reference != random else {
                throw ResultsError.degenerateNormalisation(path: table.path, line: row.line, task: task)
            }
            lines[task] = row.line
            entries[task] = NormalisationEntry(random: random, reference: reference, source: table.path)
        }
        return NormalisationTable(entries)
    }
}
