import DuetRandom

/// A column of `distillation.csv` to follow over training.
public enum DistillationQuantity: String, Sendable, Hashable, CaseIterable {
    /// Column `loss`.
    case loss
    /// Column `mean_disadvantage`.
    case meanDisadvantage = "mean_disadvantage"
    /// Column `fraction_disadvantageous`: share of the batch where the learner's action is worse than its peer's.
    case fractionDisadvantageous = "fraction_disadvantageous"
    /// Column `max_weight`.
    case maxWeight = "max_weight"
    /// Column `effective_sample_size`.
    case effectiveSampleSize = "effective_sample_size"
    /// Column `action_distance`: mean distance between the two learners' actions.
    case actionDistance = "action_distance"

    /// The quantity's value in one record.
    public func value(of record: DistillationRecord) -> Double {
        switch self {
        case .loss: return record.loss
        case .meanDisadvantage: return record.meanDisadvantage
        case .fractionDisadvantageous: return record.fractionDisadvantageous
        case .maxWeight: return record.maxWeight
        case .effectiveSampleSize: return record.effectiveSampleSize
        case .actionDistance: return record.actionDistance
        }
    }

    /// The panel title.
    public var title: String {
        switch self {
        case .loss: return "Distillation loss"
        case .meanDisadvantage: return "Mean disadvantage"
        case .fractionDisadvantageous: return "Disadvantageous states"
        case .maxWeight: return "Largest distillation weight"
        case .effectiveSampleSize: return "Effective sample size"
        case .actionDistance: return "Action distance between the learners"
        }
    }

    /// The y-axis label.
    public var label: String {
        switch self {
        case .loss: return "loss"
        case .meanDisadvantage: return "mean disadvantage"
        case .fractionDisadvantageous: return "fraction of batch states"
        case .maxWeight: return "largest weight"
        case .effectiveSampleSize: return "effective sample size"
        case .actionDistance: return "mean action distance"
        }
    }

    /// Whether the quantity is a fraction, drawn on a fixed [0, 1] axis.
    public var isFraction: Bool { self == .fractionDisadvantageous }
}

/// How ``DistillationDiagnostics`` aggregates `distillation.csv` over runs.
public struct DiagnosticsOptions: Sendable, Equatable {
    /// Bands of the mean at every logged step: 1,000 replicates by default, since distillation logs can have
    /// many more rows than evaluation logs and the bands are a visual guide.
    public static let defaultReplicates = 1_000

    /// The columns to follow.
    public var quantities: [DistillationQuantity]
    /// The step grid the runs of a group are aligned on.
    public var grid: StepGrid
    /// Trailing moving-average window over each run's logged points (1 for none).
    public var smoothingWindow: Int
    /// The bootstrap of the band of the mean at each step; nil for no bands.
    public var bootstrap: StratifiedBootstrap?
    /// The seed of the bands' random streams.
    public var seed: UInt64

    /// Options with the given values; by default the action distance and the fraction of disadvantageous states.
    /// - Precondition: `smoothingWindow` ≥ 1.
    public init(quantities: [DistillationQuantity] = [.actionDistance, .fractionDisadvantageous],
                grid: StepGrid = .union, smoothingWindow: Int = 1,
                bootstrap: StratifiedBootstrap? = StratifiedBootstrap(replicates: DiagnosticsOptions.defaultReplicates),
                seed: UInt64 = 0) {
        precondition(smoothingWindow >= 1, "a smoothing window must be at least 1, got \(smoothingWindow)")
        self.quantities = quantities
        self.grid = grid
        self.smoothingWindow = smoothingWindow
        self.bootstrap = bootstrap
        self.seed = seed
    }
}

/// One distillation quantity of one learner of one arm, averaged over runs step by step.
public struct DiagnosticCurve: Sendable, Equatable {
    /// The task.
    public var task: String
    /// The arm.
    public var arm: String
    /// The learner whose updates the rows describe.
    public var learner: Int
    /// The column followed.
    public var quantity: DistillationQuantity
    /// The runs' (smoothed) values on the group's step grid.
    public var aligned: AlignedCurves
    /// Mean over the runs present at each step.
    public var mean: [Double]
    /// The bootstrap interval of the mean at each step, if bands were asked for.
    public var intervals: [ConfidenceInterval]?

    /// The grid's steps.
    public var steps: [Int] { aligned.steps }
    /// How many runs contributed at each step.
    public var counts: [Int] { aligned.counts }
}

/// The distillation diagnostics of runs (their `distillation.csv`), per task, arm, learner and quantity.
///
/// Each run's rows of one learner form a curve over that learner's steps; several rows at the same step (more
/// than one update between two logged steps) are averaged into one point. Curves are smoothed, aligned per
/// (task, arm, learner) on the ``StepGrid`` as in ``CurveSet``, and averaged over the runs present at each step.
/// Runs without a distillation log (e.g. distillation switched off and not logged) are left out with a
/// ``ResultsWarning/noDistillationLog(path:)`` warning.
public struct DistillationDiagnostics: Sendable {
    /// The options the curves were made with.
    public var options: DiagnosticsOptions
    /// The curves, sorted by quantity (in the options' order), task, arm and learner.
    public var curves: [DiagnosticCurve]
    /// Everything reported while building the curves.
    public var warnings: [ResultsWarning]

    /// Aggregates the diagnostics of `runs`, which must have been read with `readingDistillation: true`.
    public init(runs: RunSet, options: DiagnosticsOptions = DiagnosticsOptions()) {
        self.options = options
        var warnings = runs.warnings
        struct Key: Hashable, Comparable {
            var task: String
            var arm: String
            var learner: Int
            static func < (left: Key, right: Key) -> Bool {
                (left.task, left.arm, left.learner) < (right.task, right.arm, right.learner)
            }
        }
        var groups: [DistillationQuantity: [Key: [RunCurve]]] = [:]
        for run in runs.runs {
            guard let records = run.distillation, !records.isEmpty else {
                warnings.append(.noDistillationLog(path: run.path))
                continue
            }
            for learner in Set(records.map(\.learner)).sorted() {
                let rows = records.filter { $0.learner == learner }
                let key = Key(task: run.metadata.task, arm: run.metadata.arm, learner: learner)
                for quantity in options.quantities {
                    let (steps, values) = Self.averagedByStep(rows, quantity: quantity)
                    let curve = RunCurve(path: run.path, metadata: run.metadata, steps: steps, values: values)
                        .smoothed(window: options.smoothingWindow)
                    groups[quantity, default: [:]][key, default: []].append(curve)
                }
            }
        }
        var curves: [DiagnosticCurve] = []
        for quantity in options.quantities {
            let byKey = groups[quantity] ?? [:]
            for key in byKey.keys.sorted() {
                let aligned = AlignedCurves(byKey[key] ?? [], grid: options.grid)
                var mean: [Double] = []
                var intervals: [ConfidenceInterval] = []
                for index in aligned.steps.indices {
                    let values = aligned.values(at: index)
                    mean.append(Statistics.mean(values))
                    if let bootstrap = options.bootstrap {
                        var stream = RandomStream(
                            seed: options.seed,
                            name: "diagnostics/\(quantity.rawValue)/\(key.task)/\(key.arm)/\(key.learner)/\(aligned.steps[index])")
                        intervals.append(bootstrap.interval(of: .mean, scores: [values], using: &stream))
                    }
                }
                curves.append(DiagnosticCurve(task: key.task, arm: key.arm, learner: key.learner, quantity: quantity,
                                              aligned: aligned, mean: mean,
                                              intervals: options.bootstrap == nil ? nil : intervals))
            }
        }
        self.curves = curves
        self.warnings = warnings
    }

    /// One learner's rows as (step, value) with rows at the same step averaged; rows are in step order.
    static func averagedByStep(_ rows: [DistillationRecord], quantity: DistillationQuantity) -> ([Int], [Double]) {
        var steps: [Int] = []
        var values: [Double] = []
        var sum = 0.0
        var count = 0
        for row in rows {
            if let last = steps.last, last == row.step {
                sum += quantity.value(of: row)
                count += 1
                values[values.count - 1] = sum / Double(count)
            } else {
                steps.append(row.step)
                sum = quantity.value(of: row)
                count = 1
                values.append(sum)
            }
        }
        return (steps, values)
    }
}
