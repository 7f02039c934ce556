import DuetRandom

/// How ``CurveSet`` aggregates runs' learning curves.
public struct CurveOptions: Sendable, Equatable {
    /// rliable-style bands at every evaluation step cost one bootstrap per step, so curves default to fewer
    /// replicates than summaries: 5,000 keep the Monte-Carlo error of the 2.5% and 97.5% quantiles well below
    /// the width of the band.
    public static let defaultReplicates = 5_000

    /// Which learners, and how dual runs combine them at each step.
    public var selection: LearnerSelection
    /// The step grid the runs of a group are aligned on.
    public var grid: StepGrid
    /// Trailing moving-average window over each run's evaluation points, applied before alignment
    /// (``RunCurve/smoothed(window:)``); 1 for none.
    public var smoothingWindow: Int
    /// Per-task random and reference scores; nil for raw returns.
    public var normalisation: NormalisationTable?
    /// The statistic drawn as the line, whose interval is the band.
    public var statistic: ScoreStatistic
    /// The bootstrap of the band at each step (one stratum: the runs at that step); nil for no bands.
    public var bootstrap: StratifiedBootstrap?
    /// The seed of the bands' random streams.
    public var seed: UInt64
    /// The last step drawn: each run's curve is cut after its last evaluation at a step ≤ this one
    /// (``RunCurve/truncated(through:)``) before smoothing, as ``ScoreOptions/until`` cuts scores; nil for whole
    /// curves.
    public var until: Int?

    /// Options with the given values; by default the learners' mean, the union grid, no smoothing, IQM bands and
    /// whole curves.
    /// - Precondition: `smoothingWindow` ≥ 1; `until`, when given, ≥ 0.
    public init(selection: LearnerSelection = .combined(.mean), grid: StepGrid = .union, smoothingWindow: Int = 1,
                normalisation: NormalisationTable? = nil, statistic: ScoreStatistic = .interquartileMean,
                bootstrap: StratifiedBootstrap? = StratifiedBootstrap(replicates: CurveOptions.defaultReplicates),
                seed: UInt64 = 0, until: Int? = nil) {
        precondition(smoothingWindow >= 1, "a smoothing window must be at least 1, got \(smoothingWindow)")
        precondition((until ?? 0) >= 0, "curves are cut at a step ≥ 0")
        self.until = until
        self.selection = selection
        self.grid = grid
        self.smoothingWindow = smoothingWindow
        self.normalisation = normalisation
        self.statistic = statistic
        self.bootstrap = bootstrap
        self.seed = seed
    }
}

/// One arm's aggregated learning curve on one task.
public struct AggregateCurve: Sendable, Equatable {
    /// The task.
    public var task: String
    /// The arm.
    public var arm: String
    /// The runs' (smoothed, normalised if asked) curves on the group's step grid.
    public var aligned: AlignedCurves
    /// Mean over the runs present at each step.
    public var mean: [Double]
    /// Median over the runs present at each step.
    public var median: [Double]
    /// Interquartile mean over the runs present at each step.
    public var interquartileMean: [Double]
    /// The options' statistic at each step (the plotted line).
    public var center: [Double]
    /// The bootstrap interval of the statistic at each step, if bands were asked for.
    public var intervals: [ConfidenceInterval]?

    /// The grid's steps.
    public var steps: [Int] { aligned.steps }
    /// How many runs contributed at each step.
    public var counts: [Int] { aligned.counts }
}

/// Learning curves of every (task, arm) group of runs, aligned on a step grid and aggregated step by step.
///
/// Each run's curve (``Run/curve(_:)``) is smoothed (``CurveOptions/smoothingWindow``), normalised when a table
/// is given, then aligned with the other runs of its task and arm on the ``StepGrid`` (union by default). At each
/// grid step the statistics use exactly the runs evaluated at that step, and ``AggregateCurve/counts`` records
/// how many. Curves of different tasks are never pooled (their step scales differ). Bands at a step come from
/// a bootstrap of the runs present there, with the random stream named `curves/<task>/<arm>/<step>` under
/// ``CurveOptions/seed``, so adding an arm or a task leaves the other bands unchanged.
public struct CurveSet: Sendable {
    /// The options the curves were made with.
    public var options: CurveOptions
    /// The curves, sorted by task, then arm.
    public var curves: [AggregateCurve]
    /// Everything reported while building the curves.
    public var warnings: [ResultsWarning]

    /// Whether the values are normalised scores.
    public var isNormalised: Bool { options.normalisation != nil }

    /// Aggregates the learning curves of `runs` by task and arm.
    /// - Throws: for a learner a run lacks, learners without a common step, or a task the normalisation table lacks.
    public init(runs: RunSet, options: CurveOptions = CurveOptions()) throws {
        self.options = options
        var warnings = runs.warnings
        var groups: [GroupKey: [RunCurve]] = [:]
        for run in runs.runs {
            let whole = try run.curve(options.selection)
            warnings += whole.warnings
            guard var curve = whole.cut(at: options.until, warnings: &warnings)?
                .smoothed(window: options.smoothingWindow) else { continue }
            if let table = options.normalisation {
                curve.values = try curve.values.map { try table.normalise($0, task: curve.metadata.task) }
            }
            groups[GroupKey(task: run.metadata.task, arm: run.metadata.arm), default: []].append(curve)
        }
        curves = groups.keys.sorted().map { key in
            let aligned = AlignedCurves(groups[key] ?? [], grid: options.grid)
            return Self.aggregate(aligned, task: key.task, arm: key.arm, options: options)
        }
        self.warnings = warnings
    }

    /// The tasks, sorted.
    public var tasks: [String] { Array(Set(curves.map(\.task))).sorted() }
    /// The arms, sorted.
    public var arms: [String] { Array(Set(curves.map(\.arm))).sorted() }

    static func aggregate(_ aligned: AlignedCurves, task: String, arm: String, options: CurveOptions) -> AggregateCurve {
        var mean: [Double] = []
        var median: [Double] = []
        var interquartileMean: [Double] = []
        var center: [Double] = []
        var intervals: [ConfidenceInterval] = []
        for index in aligned.steps.indices {
            let values = aligned.values(at: index)
            mean.append(Statistics.mean(values))
            median.append(Statistics.median(values))
            interquartileMean.append(Statistics.interquartileMean(values))
            center.append(options.statistic.value(of: values))
            if let bootstrap = options.bootstrap {
                var stream = RandomStream(seed: options.seed, name: "curves/\(task)/\(arm)/\(aligned.steps[index])")
                intervals.append(bootstrap.interval(of: options.statistic, scores: [values], using: &stream))
            }
        }
        return AggregateCurve(task: task, arm: arm, aligned: aligned, mean: mean, median: median,
                              interquartileMean: interquartileMean, center: center,
                              intervals: options.bootstrap == nil ? nil : intervals)
    }
}

/// A (task, arm) pair, ordered by task then arm.
struct GroupKey: Hashable, Comparable {
    var task: String
    var arm: String

    static func < (left: GroupKey, right: GroupKey) -> Bool {
        (left.task, left.arm) < (right.task, right.arm)
    }
}
