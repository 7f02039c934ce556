/// How one number per run is taken from its evaluation curve.
public enum ScoreMetric: String, Sendable, Hashable, CaseIterable {
    /// The last evaluation's return.
    case final
    /// The mean return over all of the run's evaluations: each evaluation point weighs the same, so with evenly
    /// spaced evaluations this is the area under the curve divided by its span (a normalised AUC).
    case auc
    /// The highest evaluation return.
    case best

    /// The metric of a curve's values (in step order).
    /// - Precondition: at least one value.
    public func score(of values: [Double]) -> Double {
        precondition(!values.isEmpty, "a score needs at least one evaluation")
        switch self {
        case .final: return values[values.count - 1]
        case .auc: return Statistics.mean(values)
        case .best: return values.max() ?? .nan
        }
    }

    /// What the metric is, for report headers.
    public var phrase: String {
        switch self {
        case .final: return "final evaluation return"
        case .auc: return "mean evaluation return over training (normalised AUC)"
        case .best: return "best evaluation return"
        }
    }
}

/// What to do with a run that is incomplete compared with the other runs of its task.
///
/// A run **ends early** when its last evaluation step is before the last step any run of its task (in any arm)
/// reached; it **lacks steps** when steps that other runs of its task were evaluated at, up to its own last
/// step, are missing from it. Either way a warning names the run, so runs are never silently compared at
/// different steps. A run is incomplete for `final` if it ends early, and for `auc` and `best` if it ends early
/// or lacks steps (its score would then average or maximise over fewer points).
public enum IncompleteRunPolicy: String, Sendable, Hashable, CaseIterable {
    /// Keep incomplete runs, scored on the steps they have (and warn).
    case include
    /// Leave incomplete runs out of the scores (and warn).
    case exclude
}

/// How ``ScoreSet`` turns runs into scores.
public struct ScoreOptions: Sendable, Equatable {
    /// Which number of the curve is the run's score.
    public var metric: ScoreMetric
    /// Which learners, and how dual runs combine them.
    public var selection: LearnerSelection
    /// Per-task random and reference scores; nil for raw returns.
    public var normalisation: NormalisationTable?
    /// What to do with incomplete runs.
    public var incompleteRuns: IncompleteRunPolicy
    /// The step the scores are taken up to: each run's curve is cut after its last evaluation at a step ≤ this
    /// one, as if every run had stopped there (the score at a budget, e.g. 300k of a 1M study), before the
    /// completeness check and the metric; nil for whole curves.
    public var until: Int?

    /// Options with the given values; by default each run's final score over its whole curve, its learners' mean,
    /// raw returns, and incomplete runs kept.
    /// - Precondition: `until`, when given, is ≥ 0.
    public init(metric: ScoreMetric = .final, selection: LearnerSelection = .combined(.mean),
                normalisation: NormalisationTable? = nil, incompleteRuns: IncompleteRunPolicy = .include,
                until: Int? = nil) {
        precondition((until ?? 0) >= 0, "scores are taken up to a step ≥ 0")
        self.metric = metric
        self.selection = selection
        self.normalisation = normalisation
        self.incompleteRuns = incompleteRuns
        self.until = until
    }

    /// The metric's phrase for report headers, with the step it is taken up to.
    public var metricPhrase: String {
        metric.phrase + (until.map { " up to step \($0)" } ?? "")
    }
}

/// One run's score.
public struct RunScore: Sendable, Equatable {
    /// The run folder's path.
    public var path: String
    /// The run's arm, seed and task.
    public var metadata: RunLabel
    /// The score: normalised if a normalisation table was given, else the raw return.
    public var value: Double
    /// The raw return the score comes from.
    public var rawValue: Double
    /// The run's last evaluation step (for `final`, the step the score was taken at).
    public var lastStep: Int
}

/// One score per run, for a ``ScoreOptions``, with the completeness check of ``IncompleteRunPolicy``.
public struct ScoreSet: Sendable {
    /// The options the scores were computed with.
    public var options: ScoreOptions
    /// The scores, in the runs' path order.
    public var scores: [RunScore]
    /// Everything reported while scoring (reading problems, learner step mismatches, incomplete runs).
    public var warnings: [ResultsWarning]

    /// Whether the scores are normalised.
    public var isNormalised: Bool { options.normalisation != nil }

    /// Scores `runs`.
    /// - Throws: for a learner a run lacks, or a task the normalisation table does not cover.
    public init(runs: RunSet, options: ScoreOptions = ScoreOptions()) throws {
        self.options = options
        var warnings = runs.warnings
        let whole = try runs.runs.map { try $0.curve(options.selection) }
        warnings += whole.flatMap(\.warnings)
        let curves = whole.compactMap { $0.cut(at: options.until, warnings: &warnings) }
        let completeness = Self.completeness(of: curves)
        var scores: [RunScore] = []
        for curve in curves {
            let status = completeness[curve.path] ?? Completeness()
            let incomplete = status.endsEarlyAt != nil || (options.metric != .final && status.missing > 0)
            let excluded = incomplete && options.incompleteRuns == .exclude
            if let taskLast = status.endsEarlyAt {
                warnings.append(.endsEarly(path: curve.path, lastStep: curve.steps.last ?? 0, taskLastStep: taskLast,
                                           excluded: excluded))
            }
            if status.missing > 0 {
                warnings.append(.missingSteps(path: curve.path, missing: status.missing,
                                              firstMissing: status.firstMissing ?? 0,
                                              excluded: excluded))
            }
            if excluded { continue }
            let raw = options.metric.score(of: curve.values)
            let value = try options.normalisation.map { try $0.normalise(raw, task: curve.metadata.task) } ?? raw
            scores.append(RunScore(path: curve.path, metadata: curve.metadata, value: value, rawValue: raw,
                                   lastStep: curve.steps[curve.steps.count - 1]))
        }
        self.scores = scores
        self.warnings = warnings
    }

    /// The arms with at least one score, sorted.
    public var arms: [String] { Array(Set(scores.map(\.metadata.arm))).sorted() }
    /// The tasks with at least one score, sorted.
    public var tasks: [String] { Array(Set(scores.map(\.metadata.task))).sorted() }

    /// The tasks `arm` has scores on, sorted.
    public func tasks(of arm: String) -> [String] {
        Array(Set(scores.filter { $0.metadata.arm == arm }.map(\.metadata.task))).sorted()
    }

    /// The scores of `arm` on `task`, in run-path order.
    public func values(arm: String, task: String) -> [Double] {
        scores.filter { $0.metadata.arm == arm && $0.metadata.task == task }.map(\.value)
    }

    /// `arm`'s scores task by task (`result[m]` for `tasks[m]`): the input of the stratified statistics.
    public func matrix(arm: String, tasks: [String]) -> [[Double]] {
        tasks.map { values(arm: arm, task: $0) }
    }

    // MARK: Completeness

    struct Completeness {
        /// The task's last step, when the run ends before it.
        var endsEarlyAt: Int?
        /// How many of the task's steps up to the run's last step the run lacks.
        var missing = 0
        var firstMissing: Int?
    }

    /// Each curve's completeness against the union of the evaluation steps of all curves of its task.
    static func completeness(of curves: [RunCurve]) -> [String: Completeness] {
        var stepsByTask: [String: Set<Int>] = [:]
        for curve in curves { stepsByTask[curve.metadata.task, default: []].formUnion(curve.steps) }
        var result: [String: Completeness] = [:]
        for curve in curves {
            guard let last = curve.steps.last, let taskSteps = stepsByTask[curve.metadata.task],
                  let taskLast = taskSteps.max() else { continue }
            var status = Completeness()
            if last < taskLast { status.endsEarlyAt = taskLast }
            let own = Set(curve.steps)
            let missing = taskSteps.filter { $0 <= last && !own.contains($0) }.sorted()
            status.missing = missing.count
            status.firstMissing = missing.first
            result[curve.path] = status
        }
        return result
    }
}

extension ScoreSet {
    /// One row per scored run, for rliable or pandas: columns `task,arm,seed,metric,learners,scale,last_step,
    /// return,score,path` (`return` is the raw return the score comes from, `score` the value used in the
    /// statistics: equal to `return` unless normalised). Rows in run-path order; excluded runs have no row.
    /// `df.pivot_table(index="seed", columns="task", values="score")` per arm gives rliable's run × task matrix.
    public func csv() -> String {
        var text = CSVText.line(["task", "arm", "seed", "metric", "learners", "scale", "last_step", "return", "score",
                                 "path"])
        let scale = isNormalised ? "normalised" : "return"
        for score in scores {
            text += CSVText.line([score.metadata.task, score.metadata.arm, String(score.metadata.seed),
                                  options.metric.rawValue, options.selection.description, scale, String(score.lastStep),
                                  NumberText.shortest(score.rawValue), NumberText.shortest(score.value), score.path])
        }
        return text
    }
}
