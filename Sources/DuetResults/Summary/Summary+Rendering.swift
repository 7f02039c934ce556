extension Summary {
    /// The label of an aggregate row's task in text and CSV (JSON uses `null`).
    public static let allTasksLabel = "(all)"

    /// The report as aligned text tables: a header stating what the scores and intervals are, the arm table,
    /// the comparison table, then the warnings (if `includingWarnings`).
    ///
    /// Numbers have fixed decimals: 3 for normalised scores and for returns below 10 in magnitude, 2 below 100,
    /// 1 below 10,000, none above (differences of scores likewise); probabilities 3; t 2; degrees of freedom 1;
    /// Wilcoxon's W 1 (it is a multiple of ½); p-values 3 (or `<0.001`).
    ///
    /// The comparisons come in two tables: unpaired (P(X > Y), ΔIQM, Welch's test) and paired by seed (mean and
    /// IQM of the per-seed differences, Wilcoxon's test), followed by the seeds left unpaired, if any.
    public func text(includingWarnings: Bool = true) -> String {
        var text = header().map { $0 + "\n" }.joined() + "\n"
        let decimals = scoreDecimals()
        func score(_ value: Double) -> String { NumberText.fixed(value, decimals: decimals) }
        func interval(_ value: ConfidenceInterval, _ format: (Double) -> String) -> String {
            "[\(format(value.lower)), \(format(value.upper))]"
        }

        var armTable = TextTable([("task", .left), ("arm", .left), ("runs", .right), ("mean", .right),
                                  ("median", .right), ("IQM", .right), ("IQM \(confidencePercent) CI", .left)]
                                 + (isNormalised ? [("opt. gap", .right)] : []))
        for row in arms {
            var cells = [row.task ?? Self.allTasksLabel, row.arm, String(row.runCount), score(row.mean),
                         score(row.median), score(row.interquartileMean),
                         interval(row.interquartileMeanInterval, score)]
            if isNormalised { cells.append(row.optimalityGap.map(score) ?? "") }
            armTable.rows.append(cells)
        }
        text += armTable.rendered()

        if !comparisons.isEmpty {
            if baselineRule == .perSetting {
                text += "\nBaselines: each sweep setting's arms against that setting's own \(BaselineRule.offArm).\n"
            }
            text += "\nUnpaired: every run of arm X against every run of baseline Y.\n"
                + "P(X > Y): chance that a run of arm X beats a run of baseline Y (ties count half); "
                + "ΔIQM = IQM(X) − IQM(Y);\nt, df, p: Welch's t-test of the scores, per task.\n"
                + (hasHolmWelch ? Self.holmNote : "")
            var comparisonTable = TextTable([
                ("task", .left), ("arm X", .left), ("baseline Y", .left), ("runs", .right), ("P(X > Y)", .right),
                ("\(confidencePercent) CI", .left), ("ΔIQM", .right), ("\(confidencePercent) CI", .left),
                ("t", .right), ("df", .right), ("p", .right),
            ] + (hasHolmWelch ? [("p Holm", .right)] : []))
            for row in comparisons {
                let probability = { (value: Double) in NumberText.fixed(value, decimals: 3) }
                comparisonTable.rows.append([
                    row.task ?? Self.allTasksLabel, row.arm, row.baseline,
                    "\(row.armRunCount)/\(row.baselineRunCount)", probability(row.probabilityOfImprovement),
                    interval(row.probabilityInterval, probability), score(row.interquartileMeanDifference),
                    interval(row.differenceInterval, score),
                    row.welch.map { NumberText.fixed($0.t, decimals: 2) } ?? "",
                    row.welch.map { NumberText.fixed($0.degreesOfFreedom, decimals: 1) } ?? "",
                    row.welch.map { Self.pValueText($0.p) } ?? "",
                ] + (hasHolmWelch ? [row.welchHolmP.map(Self.pValueText) ?? ""] : []))
            }
            text += comparisonTable.rendered()
            text += pairedText(score: score)
        }
        if let distillationScores { text += distillationText(distillationScores) }
        if includingWarnings, !warnings.isEmpty {
            text += "\nWarnings:\n" + warnings.map { "- \($0.description)\n" }.joined()
        }
        return text
    }

    /// The arm rows as CSV. Columns: `task` (`(all)` for an aggregate row), `arm`, `tasks`, `runs`, `metric`
    /// (`final`, `auc`, `best`), `learners` (`mean`, `max`, `learner<k>`), `scale` (`return` or `normalised`),
    /// `mean`, `median`, `iqm`, `iqm_lower`, `iqm_upper` (the bootstrap interval), `optimality_gap` (empty for
    /// raw returns). Numbers in shortest round-trip form.
    public func armsCSV() -> String {
        var text = CSVText.line(["task", "arm", "tasks", "runs", "metric", "learners", "scale", "mean", "median",
                                 "iqm", "iqm_lower", "iqm_upper", "optimality_gap"])
        for row in arms {
            text += CSVText.line([
                row.task ?? Self.allTasksLabel, row.arm, String(row.taskCount), String(row.runCount),
                options.scores.metric.rawValue, options.scores.selection.description, scale,
                NumberText.shortest(row.mean), NumberText.shortest(row.median),
                NumberText.shortest(row.interquartileMean), NumberText.shortest(row.interquartileMeanInterval.lower),
                NumberText.shortest(row.interquartileMeanInterval.upper),
                row.optimalityGap.map(NumberText.shortest) ?? "",
            ])
        }
        return text
    }

    /// The comparison rows as CSV. Columns: `task` (`(all)` for an aggregate row), `arm`, `baseline`, `tasks`,
    /// `arm_runs`, `baseline_runs`, `metric`, `learners`, `scale`, `probability_of_improvement`,
    /// `probability_lower`, `probability_upper`, `iqm_difference`, `difference_lower`, `difference_upper`,
    /// `welch_t`, `welch_df`, `welch_p` (Welch's test per task: empty for aggregate rows and with fewer than two
    /// runs in an arm; `nan` when undefined), then `welch_p_holm` (Holm-adjusted, ``ArmComparison/welchHolmP``)
    /// only when some task has two or more arms tested against one baseline. The paired statistics are in
    /// ``pairedCSV()`` and ``pairsCSV()``.
    public func comparisonsCSV() -> String {
        var text = CSVText.line(["task", "arm", "baseline", "tasks", "arm_runs", "baseline_runs", "metric",
                                 "learners", "scale", "probability_of_improvement", "probability_lower",
                                 "probability_upper", "iqm_difference", "difference_lower", "difference_upper",
                                 "welch_t", "welch_df", "welch_p"] + (hasHolmWelch ? ["welch_p_holm"] : []))
        for row in comparisons {
            text += CSVText.line([
                row.task ?? Self.allTasksLabel, row.arm, row.baseline, String(row.taskCount),
                String(row.armRunCount), String(row.baselineRunCount), options.scores.metric.rawValue,
                options.scores.selection.description, scale,
                NumberText.shortest(row.probabilityOfImprovement), NumberText.shortest(row.probabilityInterval.lower),
                NumberText.shortest(row.probabilityInterval.upper), NumberText.shortest(row.interquartileMeanDifference),
                NumberText.shortest(row.differenceInterval.lower), NumberText.shortest(row.differenceInterval.upper),
                row.welch.map { NumberText.shortest($0.t) } ?? "",
                row.welch.map { NumberText.shortest($0.degreesOfFreedom) } ?? "",
                row.welch.map { NumberText.shortest($0.p) } ?? "",
            ] + (hasHolmWelch ? [row.welchHolmP.map(NumberText.shortest) ?? ""] : []))
        }
        return text
    }

    /// The paired comparisons as CSV, one row per comparison row. Columns: `task` (`(all)` for an aggregate row),
    /// `arm`, `baseline`, `tasks`, `pairs` (seeds matched), `arm_unpaired_seeds`, `baseline_unpaired_seeds` (seeds
    /// without a partner, space-separated, left out), `metric`, `learners`, `scale`, `paired_mean_difference`,
    /// `paired_mean_lower`, `paired_mean_upper`, `paired_iqm_difference`, `paired_iqm_lower`, `paired_iqm_upper`
    /// (of the per-seed differences X − Y), `wilcoxon_statistic` (W = min(R+, R−)), `wilcoxon_p`,
    /// `wilcoxon_method` (`exact`, `permutation`, `normal`), `wilcoxon_z` (the normal approximation's z, else
    /// empty), then `wilcoxon_p_holm` (Holm-adjusted) only when some task has two or more arms tested against one
    /// baseline. The Wilcoxon columns are empty for aggregate rows; numbers are `nan` when undefined.
    public func pairedCSV() -> String {
        var text = CSVText.line(["task", "arm", "baseline", "tasks", "pairs", "arm_unpaired_seeds",
                                 "baseline_unpaired_seeds", "metric", "learners", "scale", "paired_mean_difference",
                                 "paired_mean_lower", "paired_mean_upper", "paired_iqm_difference", "paired_iqm_lower",
                                 "paired_iqm_upper", "wilcoxon_statistic", "wilcoxon_p", "wilcoxon_method",
                                 "wilcoxon_z"] + (hasHolmWilcoxon ? ["wilcoxon_p_holm"] : []))
        for row in comparisons {
            let paired = row.paired
            let test = paired.wilcoxon
            text += CSVText.line([
                row.task ?? Self.allTasksLabel, row.arm, row.baseline, String(row.taskCount),
                String(paired.pairs.count), Self.seedList(paired.pairings.flatMap(\.unpairedArmSeeds)),
                Self.seedList(paired.pairings.flatMap(\.unpairedBaselineSeeds)), options.scores.metric.rawValue,
                options.scores.selection.description, scale,
                NumberText.shortest(paired.meanDifference), NumberText.shortest(paired.meanInterval.lower),
                NumberText.shortest(paired.meanInterval.upper), NumberText.shortest(paired.interquartileMeanDifference),
                NumberText.shortest(paired.interquartileMeanInterval.lower),
                NumberText.shortest(paired.interquartileMeanInterval.upper),
                test.map { NumberText.shortest($0.statistic) } ?? "", test.map { NumberText.shortest($0.p) } ?? "",
                test?.method.rawValue ?? "", test?.z.map(NumberText.shortest) ?? "",
            ] + (hasHolmWilcoxon ? [row.wilcoxonHolmP.map(NumberText.shortest) ?? ""] : []))
        }
        return text
    }

    /// The per-seed differences of the paired comparisons as CSV, one row per seed pair of each per-task
    /// comparison. Columns: `task`, `arm`, `baseline`, `seed`, `metric`, `learners`, `scale`, `arm_score`,
    /// `baseline_score`, `difference` (arm − baseline).
    public func pairsCSV() -> String {
        var text = CSVText.line(["task", "arm", "baseline", "seed", "metric", "learners", "scale", "arm_score",
                                 "baseline_score", "difference"])
        for row in comparisons where row.task != nil {
            for pair in row.paired.pairs {
                text += CSVText.line([
                    pair.task, row.arm, row.baseline, String(pair.seed), options.scores.metric.rawValue,
                    options.scores.selection.description, scale, NumberText.shortest(pair.armScore),
                    NumberText.shortest(pair.baselineScore), NumberText.shortest(pair.difference),
                ])
            }
        }
        return text
    }

    /// The whole summary as JSON with a fixed key order: the options (`metric`, `learners`, `scale`,
    /// `incomplete_runs`, `confidence`, `replicates`, `seed`, `interval_method`, `optimality_threshold`,
    /// `baseline`: null when each sweep setting has its own, which then adds `"baseline_rule": "per-setting"`;
    /// `until` with the step of ``ScoreOptions/until`` when scores are cut there),
    /// then `arms` and `comparisons` (keys as the CSV columns, aggregate rows with `"task": null`,
    /// intervals as `[lower, upper]`), then `distillation_score` when the summary has distillation scores
    /// (``distillationCSV()``'s columns per arm, and `per_run`), then `warnings` (one string each). Non-finite
    /// numbers are `null`.
    ///
    /// Each comparison's `welch` object has `t`, `df`, `p`, and `p_holm` when Holm's adjustment applies (see
    /// ``ArmComparison/welchHolmP``). Each comparison has a `paired` object: `pairs`, `unpaired_seeds` (`{"arm": [...], "baseline": [...]}`),
    /// `mean_difference`, `mean_interval`, `iqm_difference`, `iqm_interval` (of the per-seed differences),
    /// `wilcoxon` (`statistic`, `p`, `method`, `z`, `differences`, `zeros`, then `p_holm` when adjusted; `null` for
    /// aggregate rows) and
    /// `differences` (`task`, `seed`, `arm_score`, `baseline_score`, `difference` per pair).
    public func json() -> String {
        let armObjects = arms.map { row in
            JSONText.object([
                ("task", .string(row.task)), ("arm", .string(row.arm)), ("tasks", .integer(row.taskCount)),
                ("runs", .integer(row.runCount)), ("mean", .number(row.mean)), ("median", .number(row.median)),
                ("iqm", .number(row.interquartileMean)),
                ("iqm_interval", .array([.number(row.interquartileMeanInterval.lower),
                                         .number(row.interquartileMeanInterval.upper)])),
                ("optimality_gap", .number(row.optimalityGap)),
            ])
        }
        let comparisonObjects = comparisons.map { row in
            JSONText.object([
                ("task", .string(row.task)), ("arm", .string(row.arm)), ("baseline", .string(row.baseline)),
                ("tasks", .integer(row.taskCount)), ("arm_runs", .integer(row.armRunCount)),
                ("baseline_runs", .integer(row.baselineRunCount)),
                ("probability_of_improvement", .number(row.probabilityOfImprovement)),
                ("probability_interval", .array([.number(row.probabilityInterval.lower),
                                                 .number(row.probabilityInterval.upper)])),
                ("iqm_difference", .number(row.interquartileMeanDifference)),
                ("difference_interval", .array([.number(row.differenceInterval.lower),
                                                .number(row.differenceInterval.upper)])),
                ("welch", row.welch.map { test in
                    JSONText.object([("t", .number(test.t)), ("df", .number(test.degreesOfFreedom)),
                                     ("p", .number(test.p))] + (row.welchHolmP.map { [("p_holm", .number($0))] } ?? []))
                } ?? .null),
                ("paired", Self.pairedJSON(row.paired, holm: row.wilcoxonHolmP)),
            ])
        }
        let optional: [(String, JSONText)] = (baselineRule == .perSetting
            ? [("baseline_rule", .string("per-setting"))] : [])
            + (options.scores.until.map { [("until", .integer($0))] } ?? [])
        let header: [(String, JSONText)] = [
            ("metric", .string(options.scores.metric.rawValue)),
            ("learners", .string(options.scores.selection.description)),
            ("scale", .string(scale)),
            ("incomplete_runs", .string(options.scores.incompleteRuns.rawValue)),
            ("confidence", .number(options.bootstrap.confidence)),
            ("replicates", .integer(options.bootstrap.replicates)),
            ("seed", .unsigned(options.seed)),
            ("interval_method", .string("stratified bootstrap, percentile, linear-interpolation quantiles")),
            ("optimality_threshold", .number(isNormalised ? options.optimalityThreshold : nil)),
            ("baseline", .string(baseline)),
        ]
        return JSONText.object(header + optional + [
            ("arms", .array(armObjects)),
            ("comparisons", .array(comparisonObjects)),
        ] + (distillationScores.map { [("distillation_score", Self.distillationJSON($0))] } ?? []) + [
            ("warnings", .array(warnings.map { .string($0.description) })),
        ]).rendered()
    }

    /// The paired table and the list of unpaired seeds (see ``PairedComparison``).
    private func pairedText(score: (Double) -> String) -> String {
        var text = "\nPaired by seed: runs of X and Y with the same seed (in an ablation, the same initial weights); "
            + "Δ = X − Y.\nmean Δ, IQM Δ: mean and IQM of the per-seed differences; W, p: Wilcoxon signed-rank test "
            + "of the differences,\ntwo-sided, per task, by the method SciPy's wilcoxon picks (test: exact, "
            + "permutation or normal).\n" + (hasHolmWilcoxon ? Self.holmNote : "")
        func interval(_ value: ConfidenceInterval) -> String { "[\(score(value.lower)), \(score(value.upper))]" }
        var table = TextTable([
            ("task", .left), ("arm X", .left), ("baseline Y", .left), ("pairs", .right), ("mean Δ", .right),
            ("\(confidencePercent) CI", .left), ("IQM Δ", .right), ("\(confidencePercent) CI", .left),
            ("W", .right), ("p", .right), ("test", .left),
        ] + (hasHolmWilcoxon ? [("p Holm", .right)] : []))
        var unpaired: [String] = []
        for row in comparisons {
            let paired = row.paired
            let test = paired.wilcoxon
            table.rows.append([
                row.task ?? Self.allTasksLabel, row.arm, row.baseline, String(paired.pairs.count),
                score(paired.meanDifference), interval(paired.meanInterval),
                score(paired.interquartileMeanDifference), interval(paired.interquartileMeanInterval),
                test.map { NumberText.fixed($0.statistic, decimals: 1) } ?? "",
                test.map { Self.pValueText($0.p) } ?? "", test?.method.rawValue ?? "",
            ] + (hasHolmWilcoxon ? [row.wilcoxonHolmP.map(Self.pValueText) ?? ""] : []))
            guard row.task != nil else { continue }
            for pairing in paired.pairings {
                var parts: [String] = []
                if !pairing.unpairedArmSeeds.isEmpty {
                    parts.append("\(row.arm) \(Self.seedList(pairing.unpairedArmSeeds))")
                }
                if !pairing.unpairedBaselineSeeds.isEmpty {
                    parts.append("\(row.baseline) \(Self.seedList(pairing.unpairedBaselineSeeds))")
                }
                if !parts.isEmpty { unpaired.append("\(pairing.task): " + parts.joined(separator: "; ")) }
            }
        }
        text += table.rendered()
        if !unpaired.isEmpty {
            text += "Seeds without a partner, left out of the paired statistics:\n"
                + unpaired.map { "- \($0)\n" }.joined()
        }
        return text
    }

    /// The line that explains the `p Holm` column, when a task has several arms against one baseline.
    static let holmNote = "p Holm: p after Holm's step-down adjustment over the arms compared with the same "
        + "baseline on the task\n(family-wise error; shown when a task has two or more such tests).\n"

    /// Seeds as text: `3 7 12` (space-separated, for tables and CSV cells).
    static func seedList(_ seeds: [UInt64]) -> String { seeds.map(String.init).joined(separator: " ") }

    /// The `paired` object of a comparison in ``json()``.
    private static func pairedJSON(_ paired: PairedComparison, holm: Double?) -> JSONText {
        let seeds = { (list: [UInt64]) in JSONText.array(list.map { .unsigned($0) }) }
        return JSONText.object([
            ("pairs", .integer(paired.pairs.count)),
            ("unpaired_seeds", .object([("arm", seeds(paired.pairings.flatMap(\.unpairedArmSeeds))),
                                        ("baseline", seeds(paired.pairings.flatMap(\.unpairedBaselineSeeds)))])),
            ("mean_difference", .number(paired.meanDifference)),
            ("mean_interval", .array([.number(paired.meanInterval.lower), .number(paired.meanInterval.upper)])),
            ("iqm_difference", .number(paired.interquartileMeanDifference)),
            ("iqm_interval", .array([.number(paired.interquartileMeanInterval.lower),
                                     .number(paired.interquartileMeanInterval.upper)])),
            ("wilcoxon", paired.wilcoxon.map { test in
                JSONText.object([("statistic", .number(test.statistic)), ("p", .number(test.p)),
                                 ("method", .string(test.method.rawValue)), ("z", .number(test.z)),
                                 ("differences", .integer(test.count)), ("zeros", .integer(test.zeroCount))]
                                + (holm.map { [("p_holm", .number($0))] } ?? []))
            } ?? .null),
            ("differences", .array(paired.pairs.map { pair in
                JSONText.object([("task", .string(pair.task)), ("seed", .unsigned(pair.seed)),
                                 ("arm_score", .number(pair.armScore)), ("baseline_score", .number(pair.baselineScore)),
                                 ("difference", .number(pair.difference))])
            })),
        ])
    }

    // MARK: Helpers

    private var scale: String { isNormalised ? "normalised" : "return" }

    var confidencePercent: String {
        NumberText.compact(options.bootstrap.confidence * 100, decimals: 1) + "%"
    }

    private func header() -> [String] {
        let learners: String
        switch options.scores.selection {
        case let .combined(combination): learners = "dual runs' learners combined by \(combination.rawValue)"
        case let .learner(index): learners = "learner\(index) only"
        }
        let scaleText = isNormalised ? "normalised (random → 0, reference → 1)" : "raw returns"
        return [
            "Scores: \(options.scores.metricPhrase), \(learners), \(scaleText).",
            "Intervals: \(confidencePercent) stratified bootstrap (percentile method), "
                + "\(options.bootstrap.replicates) replicates, seed \(options.seed).",
        ]
    }

    /// The decimals the text gives scores: 3 for normalised scores, else fewer as the scores grow.
    public func scoreDecimals() -> Int {
        if isNormalised { return 3 }
        let largest = arms.flatMap { [$0.mean, $0.median, $0.interquartileMean] }.filter(\.isFinite)
            .map(abs).max() ?? 0
        switch largest {
        case ..<10: return 3
        case ..<100: return 2
        case ..<10_000: return 1
        default: return 0
        }
    }

    static func pValueText(_ p: Double) -> String {
        if p.isNaN { return "nan" }
        return p < 0.001 ? "<0.001" : NumberText.fixed(p, decimals: 3)
    }
}
