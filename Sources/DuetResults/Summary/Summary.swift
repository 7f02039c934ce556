import DuetRandom

/// How ``Summary`` scores runs and computes intervals.
public struct SummaryOptions: Sendable, Equatable {
    /// How runs become scores (metric, learners, normalisation, incomplete runs).
    public var scores: ScoreOptions
    /// The bootstrap of every interval (replicates R, confidence level c).
    public var bootstrap: StratifiedBootstrap
    /// The seed of the intervals' random streams.
    public var seed: UInt64
    /// The optimality gap's target γ, in normalised units.
    public var optimalityThreshold: Double
    /// The arm the others are compared against; nil for the default rule (``BaselineRule/default(arms:)``):
    /// `distill-off` if there is one, else each sweep setting's own `distill-off`, else the first arm in name
    /// order.
    public var baseline: String?

    /// Options with the given values; by default seed 0, γ = 1 and the default baseline rule.
    public init(scores: ScoreOptions = ScoreOptions(), bootstrap: StratifiedBootstrap = StratifiedBootstrap(),
                seed: UInt64 = 0, optimalityThreshold: Double = 1, baseline: String? = nil) {
        self.scores = scores
        self.bootstrap = bootstrap
        self.seed = seed
        self.optimalityThreshold = optimalityThreshold
        self.baseline = baseline
    }
}

/// The scores of one arm on one task, or on all its tasks pooled.
public struct ArmSummary: Sendable, Equatable {
    /// The task, or nil for the aggregate over the arm's tasks (normalised scores only).
    public var task: String?
    /// The arm.
    public var arm: String
    /// How many tasks the row covers.
    public var taskCount: Int
    /// How many runs (scores) the row covers.
    public var runCount: Int
    /// Mean of the scores.
    public var mean: Double
    /// Median of the scores.
    public var median: Double
    /// Interquartile mean of the scores.
    public var interquartileMean: Double
    /// The IQM's stratified-bootstrap interval.
    public var interquartileMeanInterval: ConfidenceInterval
    /// The optimality gap, for normalised scores.
    public var optimalityGap: Double?
}

/// One arm against the baseline arm, on one task or on their common tasks.
public struct ArmComparison: Sendable, Equatable {
    /// The task, or nil for the aggregate over the tasks both arms have (normalised scores only).
    public var task: String?
    /// The arm X.
    public var arm: String
    /// The baseline arm Y.
    public var baseline: String
    /// How many tasks the row covers.
    public var taskCount: Int
    /// Runs of X.
    public var armRunCount: Int
    /// Runs of Y.
    public var baselineRunCount: Int
    /// P(X > Y) (``ProbabilityOfImprovement``).
    public var probabilityOfImprovement: Double
    /// Its bootstrap interval.
    public var probabilityInterval: ConfidenceInterval
    /// IQM(X) − IQM(Y).
    public var interquartileMeanDifference: Double
    /// Its bootstrap interval (X and Y resampled independently).
    public var differenceInterval: ConfidenceInterval
    /// Welch's t-test of X's scores against Y's on the row's task; nil for an aggregate row (a test of scores
    /// pooled over tasks would mix the tasks' differences with the arms' difference) and with fewer than two
    /// runs in an arm.
    public var welch: WelchTest?
    /// The comparison of X and Y paired by seed.
    public var paired: PairedComparison
    /// Welch's p after Holm's adjustment (``HolmAdjustment``) over the row's family: the per-task rows of the
    /// same task and baseline with a defined Welch p. Nil unless the family has at least two tests.
    public var welchHolmP: Double? = nil
    /// The paired Wilcoxon p after Holm's adjustment over the same family (rows with a defined Wilcoxon p).
    public var wilcoxonHolmP: Double? = nil
}

/// The per-arm statistics of a set of runs and the comparisons of each arm with a baseline arm.
///
/// - Rows per task: every (task, arm) with scores, sorted by task then arm.
/// - Aggregate rows (`task` nil): only for normalised scores and at least two tasks, since raw returns of
///   different tasks are on different scales. An arm's aggregate pools the tasks it has; a comparison's
///   aggregate pools the tasks both arms have, with tasks as the bootstrap's strata.
/// - Intervals: ``StratifiedBootstrap`` percentile intervals; each uses its own random stream under
///   ``SummaryOptions/seed``, named after what it estimates (`summary/iqm/<task>/<arm>`,
///   `summary/improvement/<task>/<arm>/<baseline>`, `summary/difference/<task>/<arm>/<baseline>`,
///   `summary/paired-mean/<task>/<arm>/<baseline>`, `summary/paired-iqm/<task>/<arm>/<baseline>`, with `*` for
///   the aggregate), so adding an arm or a task leaves the other intervals unchanged.
/// - Comparisons: each arm other than the baseline against it (``SummaryOptions/baseline``), unpaired (P(X > Y),
///   ΔIQM, Welch's test) and paired by seed (``PairedComparison``). The tests (Welch, Wilcoxon) are per task;
///   aggregate rows carry only the bootstrap intervals.
public struct Summary: Sendable {
    /// The options used.
    public var options: SummaryOptions
    /// The arm rows.
    public var arms: [ArmSummary]
    /// The comparison rows.
    public var comparisons: [ArmComparison]
    /// Everything reported while reading and scoring the runs.
    public var warnings: [ResultsWarning]
    /// How arms were paired with baselines for the comparisons (nil when there is only one arm).
    public var baselineRule: BaselineRule?
    /// The one baseline arm of every comparison; nil when there is only one arm, or when each sweep setting is
    /// compared with its own `distill-off` (``BaselineRule/perSetting``).
    public var baseline: String? {
        if case let .one(arm) = baselineRule { return arm }
        return nil
    }
    /// Arm X's baseline Y in the comparisons, or nil when X is not compared (a baseline, or the only arm).
    public func baseline(of arm: String) -> String? {
        let arms = Array(Set(self.arms.map(\.arm))).sorted()
        return baselineRule?.baseline(of: arm, among: arms)
    }
    /// The arms' distillation scores, when asked for (``DistillationScores``; set after the summary is made, since
    /// they read teachers and policy files): rendered after the comparisons, and in JSON as `distillation_score`.
    public var distillationScores: DistillationScores?

    /// Whether the scores are normalised.
    public var isNormalised: Bool { options.scores.normalisation != nil }

    /// Reads scores from `runs` and summarises them.
    public init(runs: RunSet, options: SummaryOptions = SummaryOptions()) throws {
        try self.init(scores: try ScoreSet(runs: runs, options: options.scores), options: options)
    }

    /// Summarises `scores`, which must have been computed with `options.scores`.
    public init(scores: ScoreSet, options: SummaryOptions = SummaryOptions()) throws {
        self.options = options
        self.warnings = scores.warnings
        let allArms = scores.arms
        guard !allArms.isEmpty else {
            throw ResultsError.insufficientData(context: "summary", reason: "no run has a score")
        }
        let normalised = options.scores.normalisation != nil
        let gapThreshold = options.optimalityThreshold
        let bootstrap = options.bootstrap

        func armRow(task: String?, arm: String, tasks: [String]) -> ArmSummary {
            let matrix = scores.matrix(arm: arm, tasks: tasks)
            let pooled = matrix.flatMap { $0 }
            var stream = RandomStream(seed: options.seed, name: "summary/iqm/\(task ?? "*")/\(arm)")
            return ArmSummary(
                task: task, arm: arm, taskCount: tasks.count, runCount: pooled.count,
                mean: Statistics.mean(pooled), median: Statistics.median(pooled),
                interquartileMean: Statistics.interquartileMean(pooled),
                interquartileMeanInterval: bootstrap.interval(of: .interquartileMean, scores: matrix, using: &stream),
                optimalityGap: normalised ? Statistics.optimalityGap(pooled, threshold: gapThreshold) : nil)
        }

        func comparisonRow(task: String?, arm: String, baseline: String, tasks: [String]) -> ArmComparison {
            let x = scores.matrix(arm: arm, tasks: tasks)
            let y = scores.matrix(arm: baseline, tasks: tasks)
            let label = "\(task ?? "*")/\(arm)/\(baseline)"
            var improvementStream = RandomStream(seed: options.seed, name: "summary/improvement/\(label)")
            var differenceStream = RandomStream(seed: options.seed, name: "summary/difference/\(label)")
            var pairedMeanStream = RandomStream(seed: options.seed, name: "summary/paired-mean/\(label)")
            var pairedIQMStream = RandomStream(seed: options.seed, name: "summary/paired-iqm/\(label)")
            let pooledX = x.flatMap { $0 }
            let pooledY = y.flatMap { $0 }
            let oneTask = task != nil
            let paired = PairedComparison(
                pairings: tasks.map { scores.pairing(arm: arm, baseline: baseline, task: $0) }, bootstrap: bootstrap,
                meanStream: &pairedMeanStream, interquartileMeanStream: &pairedIQMStream, testing: oneTask)
            return ArmComparison(
                task: task, arm: arm, baseline: baseline, taskCount: tasks.count,
                armRunCount: pooledX.count, baselineRunCount: pooledY.count,
                probabilityOfImprovement: ProbabilityOfImprovement.estimate(x, y),
                probabilityInterval: ProbabilityOfImprovement.interval(x, y, bootstrap: bootstrap,
                                                                       using: &improvementStream),
                interquartileMeanDifference: Statistics.interquartileMean(pooledX)
                    - Statistics.interquartileMean(pooledY),
                differenceInterval: bootstrap.intervalOfDifference(.interquartileMean, x, y, using: &differenceStream),
                welch: oneTask && pooledX.count >= 2 && pooledY.count >= 2 ? WelchTest(pooledX, pooledY) : nil,
                paired: paired)
        }

        let rule: BaselineRule?
        if let chosen = options.baseline {
            guard allArms.contains(chosen) else { throw ResultsError.unknownArm(arm: chosen, known: allArms) }
            rule = .one(chosen)
        } else {
            rule = .default(arms: allArms)
        }
        self.baselineRule = rule
        let compared = allArms.compactMap { arm in rule?.baseline(of: arm, among: allArms).map { (arm, $0) } }

        var armRows: [ArmSummary] = []
        var comparisonRows: [ArmComparison] = []
        for task in scores.tasks {
            let present = allArms.filter { !scores.values(arm: $0, task: task).isEmpty }
            for arm in present { armRows.append(armRow(task: task, arm: arm, tasks: [task])) }
            for (arm, baseline) in compared where present.contains(arm) && present.contains(baseline) {
                comparisonRows.append(comparisonRow(task: task, arm: arm, baseline: baseline, tasks: [task]))
            }
        }
        if normalised, scores.tasks.count >= 2 {
            for arm in allArms {
                armRows.append(armRow(task: nil, arm: arm, tasks: scores.tasks(of: arm)))
            }
            for (arm, baseline) in compared {
                let baselineTasks = Set(scores.tasks(of: baseline))
                let common = scores.tasks(of: arm).filter { baselineTasks.contains($0) }
                if common.count >= 2 {
                    comparisonRows.append(comparisonRow(task: nil, arm: arm, baseline: baseline, tasks: common))
                }
            }
        }
        Self.adjustForMultipleComparisons(&comparisonRows)
        self.arms = armRows
        self.comparisons = comparisonRows
    }

    /// Holm's adjustment of the Welch and Wilcoxon p-values within each family of per-task rows that share a task
    /// and a baseline (several arms against one baseline on one task), for families of two or more tests.
    static func adjustForMultipleComparisons(_ rows: inout [ArmComparison]) {
        var families: [String: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            guard let task = row.task else { continue }
            families["\(task)\u{0}\(row.baseline)", default: []].append(index)
        }
        for members in families.values {
            let welch = members.filter { rows[$0].welch.map { !$0.p.isNaN } ?? false }
            if welch.count >= 2 {
                let adjusted = HolmAdjustment.adjusted(welch.map { rows[$0].welch!.p })
                for (index, p) in zip(welch, adjusted) { rows[index].welchHolmP = p }
            }
            let wilcoxon = members.filter { rows[$0].paired.wilcoxon.map { !$0.p.isNaN } ?? false }
            if wilcoxon.count >= 2 {
                let adjusted = HolmAdjustment.adjusted(wilcoxon.map { rows[$0].paired.wilcoxon!.p })
                for (index, p) in zip(wilcoxon, adjusted) { rows[index].wilcoxonHolmP = p }
            }
        }
    }

    /// Whether some comparison has a Holm-adjusted Welch p (then the unpaired table and CSV show the column).
    var hasHolmWelch: Bool { comparisons.contains { $0.welchHolmP != nil } }
    /// Whether some comparison has a Holm-adjusted Wilcoxon p (then the paired table and CSV show the column).
    var hasHolmWilcoxon: Bool { comparisons.contains { $0.wilcoxonHolmP != nil } }
}

/// Which arm each arm is compared with.
public enum BaselineRule: Sendable, Equatable {
    /// Every other arm against this one (`--baseline`, or `distill-off` when an ablation has it, or the first arm
    /// in name order).
    case one(String)
    /// A sweep with arms (`duet sweep --arms on,off`): arm `<setting>/<arm>` against `<setting>/distill-off`, its
    /// own setting's arm without distillation, so each setting's effect of distillation is measured on the
    /// seeds of that setting alone. Arms of a setting without a `distill-off` arm are not compared.
    case perSetting

    /// The arm that plays distillation off in an ablation and a sweep.
    public static let offArm = "distill-off"

    /// The rule when the user names no baseline: `distill-off` if `arms` has it; else, when some arm
    /// `<setting>/<arm>` has a `<setting>/distill-off` beside it, ``perSetting``; else the first arm in name
    /// order. Nil with fewer than two arms.
    public static func `default`(arms: [String]) -> BaselineRule? {
        guard arms.count > 1 else { return nil }
        if arms.contains(offArm) { return .one(offArm) }
        let sorted = arms.sorted()
        let rule = BaselineRule.perSetting
        if sorted.contains(where: { rule.baseline(of: $0, among: sorted) != nil }) { return rule }
        return .one(sorted[0])
    }

    /// Arm `arm`'s baseline among `arms`, or nil when it has none (it is the baseline, or its setting has no
    /// `distill-off` arm).
    public func baseline(of arm: String, among arms: [String]) -> String? {
        switch self {
        case let .one(baseline):
            return arm == baseline ? nil : baseline
        case .perSetting:
            guard let slash = arm.lastIndex(of: "/") else { return nil }
            let own = arm[..<slash] + "/" + Self.offArm
            return own != arm && arms.contains(own) ? own : nil
        }
    }
}
