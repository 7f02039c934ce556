import DuetRandom

/// Where a bootstrap takes its resampling indices from.
///
/// ``RandomStream`` is the source in practice; ``ReplayedIndices`` replays a recorded sequence, which lets a test
/// feed Duet the very indices an independent reference implementation drew.
public protocol ResampleSource {
    /// A uniform index in 0..<`count`.
    mutating func index(below count: Int) -> Int
}

extension RandomStream: ResampleSource {
    /// ``RandomStream/integer(below:)``: unbiased, from the stream's Mersenne Twister.
    public func index(below count: Int) -> Int { integer(below: count) }
}

/// A ``ResampleSource`` that hands out a recorded sequence of indices, in order.
public struct ReplayedIndices: ResampleSource {
    /// The recorded indices.
    public let indices: [Int]
    /// How many have been handed out.
    public private(set) var position = 0

    /// A source that hands out `indices` in order, from the first.
    public init(_ indices: [Int]) { self.indices = indices }

    /// The next recorded index.
    /// - Precondition: indices remain, and the next one is below `count` (else the recording does not match
    ///   the draws being replayed).
    public mutating func index(below count: Int) -> Int {
        precondition(position < indices.count, "the recorded indices ran out after \(indices.count) draws")
        let index = indices[position]
        precondition(index >= 0 && index < count,
                     "recorded index \(index) at draw \(position) is not below \(count): wrong recording")
        position += 1
        return index
    }
}

/// A two-sided confidence interval [lower, upper].
public struct ConfidenceInterval: Sendable, Hashable {
    /// The lower bound.
    public var lower: Double
    /// The upper bound.
    public var upper: Double

    /// The interval [`lower`, `upper`].
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `value` lies in [lower, upper].
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
}

/// rliable's stratified bootstrap with percentile confidence intervals.
///
/// Scores are `scores[m][i]`, run i on task m (task = stratum). One bootstrap replicate draws, for each task
/// m independently, N_m runs with replacement from that task's N_m runs, and recomputes the statistic on the
/// resampled scores; runs never move between tasks. The interval of confidence level c (0.95 by default) is the
/// percentile interval: the (1 − c)/2 and (1 + c)/2 quantiles of the R replicate values (2.5th and 97.5th
/// percentiles for c = 0.95), each by ``Statistics/quantile(sorted:probability:)`` (linear interpolation,
/// NumPy's default).
///
/// **Draw order** (what a reference implementation must reproduce to get the same numbers from the same
/// indices): replicate by replicate; within a replicate, task by task in the order given; within a task,
/// N_m calls of `index(below: N_m)`, the k-th giving the run placed in position k. Two-sample statistics
/// (``replicateValues(of:_:using:statistic:)``) draw X's resample in that order, then Y's.
///
/// R = 50,000 replicates by default, as rliable; results are reproducible given the ``ResampleSource``
/// (a seeded ``RandomStream``).
public struct StratifiedBootstrap: Sendable, Equatable {
    /// rliable's default replicate count.
    public static let defaultReplicates = 50_000

    /// The number of bootstrap replicates, R.
    public var replicates: Int
    /// The confidence level c of the intervals, in (0, 1).
    public var confidence: Double

    /// - Precondition: `replicates` ≥ 1 and 0 < `confidence` < 1.
    public init(replicates: Int = StratifiedBootstrap.defaultReplicates, confidence: Double = 0.95) {
        precondition(replicates >= 1, "a bootstrap needs at least one replicate, got \(replicates)")
        precondition(confidence > 0 && confidence < 1, "a confidence level must be in (0, 1), got \(confidence)")
        self.replicates = replicates
        self.confidence = confidence
    }

    /// The quantile probabilities of the interval's bounds: (1 − c)/2 and (1 + c)/2.
    public var probabilities: (lower: Double, upper: Double) { ((1 - confidence) / 2, (1 + confidence) / 2) }

    // MARK: Replicates

    /// Calls `body` with each of the R resampled score sets, reusing one buffer.
    /// - Precondition: every task has at least one run.
    public func forEachReplicate(of scores: [[Double]], using source: inout some ResampleSource,
                                 _ body: ([[Double]]) -> Void) {
        precondition(scores.allSatisfy { !$0.isEmpty }, "every task needs at least one run to resample")
        var resampled = scores
        for _ in 0..<replicates {
            Self.resample(scores, into: &resampled, using: &source)
            body(resampled)
        }
    }

    /// The R replicate values of `statistic`, in the order drawn.
    public func replicateValues(of scores: [[Double]], using source: inout some ResampleSource,
                                statistic: ([[Double]]) -> Double) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(replicates)
        forEachReplicate(of: scores, using: &source) { values.append(statistic($0)) }
        return values
    }

    /// The R replicate values of a two-sample `statistic`, resampling X's and Y's runs independently, each
    /// stratified by task (X first, then Y, in each replicate).
    public func replicateValues(of x: [[Double]], _ y: [[Double]], using source: inout some ResampleSource,
                                statistic: ([[Double]], [[Double]]) -> Double) -> [Double] {
        precondition(x.allSatisfy { !$0.isEmpty } && y.allSatisfy { !$0.isEmpty },
                     "every task needs at least one run to resample")
        var resampledX = x
        var resampledY = y
        var values: [Double] = []
        values.reserveCapacity(replicates)
        for _ in 0..<replicates {
            Self.resample(x, into: &resampledX, using: &source)
            Self.resample(y, into: &resampledY, using: &source)
            values.append(statistic(resampledX, resampledY))
        }
        return values
    }

    /// The percentile interval of replicate values: their (1 − c)/2 and (1 + c)/2 quantiles.
    /// NaN replicates (a statistic undefined on some resample) make the interval NaN rather than being dropped.
    public func interval(from replicateValues: [Double]) -> ConfidenceInterval {
        precondition(!replicateValues.isEmpty, "an interval needs replicate values")
        if replicateValues.contains(where: \.isNaN) { return ConfidenceInterval(lower: .nan, upper: .nan) }
        let sorted = replicateValues.sorted()
        let (low, high) = probabilities
        return ConfidenceInterval(lower: Statistics.quantile(sorted: sorted, probability: low),
                                  upper: Statistics.quantile(sorted: sorted, probability: high))
    }

    // MARK: Intervals of aggregates

    /// The interval of an aggregate of the pooled scores (e.g. the IQM).
    public func interval(of statistic: ScoreStatistic, scores: [[Double]],
                         using source: inout some ResampleSource) -> ConfidenceInterval {
        interval(from: replicateValues(of: scores, using: &source) { statistic.value(ofTasks: $0) })
    }

    /// The interval of the difference statistic(X) − statistic(Y) of two arms, resampled independently
    /// (e.g. the IQM of distill-on minus the IQM of distill-off).
    public func intervalOfDifference(_ statistic: ScoreStatistic, _ x: [[Double]], _ y: [[Double]],
                                     using source: inout some ResampleSource) -> ConfidenceInterval {
        interval(from: replicateValues(of: x, y, using: &source) {
            statistic.value(ofTasks: $0) - statistic.value(ofTasks: $1)
        })
    }

    // MARK: Resampling

    /// Overwrites `resampled[m]` with N_m draws with replacement from `scores[m]`, task by task.
    static func resample(_ scores: [[Double]], into resampled: inout [[Double]],
                         using source: inout some ResampleSource) {
        for task in scores.indices {
            let runs = scores[task]
            let count = runs.count
            for position in 0..<count {
                resampled[task][position] = runs[source.index(below: count)]
            }
        }
    }
}
