import DuetLearners
import DuetRunFormat

/// The running sums of one update-log interval, as plain data (a checkpoint stores it as it is).
public struct UpdateAccumulator: Sendable, Equatable, Codable {
    /// Σ of each statistic over the interval's updates where it was computed.
    public var sums: [Double]
    /// How many updates computed each statistic (a NaN is "not computed").
    public var counts: [Int]
    /// Updates in the interval.
    public var updates = 0

    /// Empty sums for `columns` statistics.
    public init(columns: Int) {
        sums = Array(repeating: 0, count: columns)
        counts = Array(repeating: 0, count: columns)
    }

    /// Adds one update's statistics.
    mutating func add(_ statistics: UpdateStatistics) {
        updates += 1
        for (index, value) in statistics.values.enumerated() where !value.isNaN {
            sums[index] += value
            counts[index] += 1
        }
    }

    /// The interval's means, NaN for a statistic no update computed.
    var means: [Double] { sums.indices.map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : .nan } }
}

/// A peer's `updates.csv`: one row per `updateLogInterval` environment steps that saw updates, holding the
/// means of the learner's statistics over the interval.
final class UpdateLog {
    private let log: CSVLog
    private let interval: Int
    /// The interval so far.
    private(set) var accumulator: UpdateAccumulator

    init(folder: RunFolder, statistics columns: [String], interval: Int) throws {
        log = try folder.log(RunFormat.updatesFile, columns: RunFormat.updateColumnsPrefix + columns)
        self.interval = interval
        accumulator = UpdateAccumulator(columns: columns.count)
    }

    func add(_ statistics: UpdateStatistics) { accumulator.add(statistics) }

    /// Continues the interval a checkpoint stored.
    func restore(_ stored: UpdateAccumulator) throws {
        guard stored.sums.count == accumulator.sums.count, stored.counts.count == accumulator.counts.count else {
            throw RunFolderError.cannotResume(path: log.url.path, reason: "the checkpoint's update statistics have "
                                                + "\(stored.sums.count) columns, the learner \(accumulator.sums.count)")
        }
        accumulator = stored
    }

    /// Writes the interval's row if it has just ended at `step` and saw updates, and starts the next.
    func flushIfDue(step: Int) throws {
        guard step % interval == 0, accumulator.updates > 0 else { return }
        try log.append([CSVLog.format(step), CSVLog.format(accumulator.updates)]
                       + accumulator.means.map(CSVLog.format))
        accumulator = UpdateAccumulator(columns: accumulator.sums.count)
    }
}
