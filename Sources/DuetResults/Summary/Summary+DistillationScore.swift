extension Summary {
    /// The columns of ``distillationCSV()``.
    public static let distillationColumns = [
        "task", "arm", "teacher_runs", "reference_arm", "runs", "metric", "learners", "score_weight",
        "student_parameters", "teacher_parameters", "size_ratio", "size_assumed", "return_ratio",
        "distillation_score", "distillation_score_lower", "distillation_score_upper", "unavailable",
    ]

    /// The distillation scores as CSV, one row per task and arm (``DistillationScores``). Columns: `task`, `arm`,
    /// `teacher_runs` (distinct teacher runs the arm's runs name), `reference_arm` (the arm its runs without a
    /// teacher are scored against, else empty), `runs`, `metric`, `learners`, `score_weight` (a),
    /// `student_parameters` and `teacher_parameters` (means over the runs; empty when the size ratio is assumed),
    /// `size_ratio` (S̄), `size_assumed` (`true` when S = 1 was assumed for want of policy files), `return_ratio`
    /// (P̄), `distillation_score` (DS, the mean of the runs'), `distillation_score_lower` and
    /// `distillation_score_upper` (its bootstrap interval, ``DistillationScores/interval(of:weight:bootstrap:using:)``),
    /// `unavailable` (why there is no score, else empty; the numbers are then empty). Without distillation scores,
    /// the header only.
    public func distillationCSV() -> String {
        var text = CSVText.line(Self.distillationColumns)
        guard let scores = distillationScores else { return text }
        let number = { (value: Double?) in value.map(NumberText.shortest) ?? "" }
        for row in scores.arms {
            text += CSVText.line([
                row.task, row.arm, String(row.teacherRunCount), row.referenceArm ?? "",
                String(row.unavailable == nil ? row.runs.count : 0), options.scores.metric.rawValue,
                options.scores.selection.description, NumberText.shortest(scores.weight),
                number(row.studentParameters), number(row.teacherParameters), number(row.sizeRatio),
                row.unavailable == nil ? String(row.isSizeAssumed) : "", number(row.returnRatio), number(row.value),
                number(row.interval?.lower), number(row.interval?.upper), row.unavailable ?? "",
            ])
        }
        return text
    }

    /// The distillation-score section of ``text(includingWarnings:)``: what the score is, a table of the arms that
    /// have one, and a `score unavailable: <task> <arm>: <why>` line for each that has not.
    func distillationText(_ scores: DistillationScores) -> String {
        let weight = NumberText.shortest(scores.weight)
        var text = "\nDistillation score (after Alkhulaifi et al. 2021), lower is better: "
            + "DS = a·S + (1 − a)·(1 − P), a = \(weight).\n"
            + "S: student/teacher policy parameters. P = (R_student − R_random)/(R_teacher − R_random), "
            + "the ratio of normalised\nreturns: the student's gain over a random policy as a fraction of the "
            + "teacher's. Teacher: the run's\ndistillation.teacher, else the reference arm's mean return. "
            + "Per arm: means over its runs; \(confidencePercent) CI: percentile\nbootstrap over the arm's runs "
            + "and the reference arm's.\n"
        let ratio = { (value: Double) in NumberText.fixed(value, decimals: 3) }
        func parameters(_ value: Double?) -> String {
            guard let value else { return "" }
            return value == value.rounded() ? String(Int(value)) : NumberText.fixed(value, decimals: 1)
        }
        var table = TextTable([("task", .left), ("arm", .left), ("teacher", .left), ("runs", .right),
                               ("params", .right), ("teacher params", .right), ("S", .right), ("P", .right),
                               ("DS", .right), ("DS \(confidencePercent) CI", .left)])
        var assumed = false
        var undefinedInterval = false
        var unavailable: [String] = []
        for row in scores.arms {
            guard row.unavailable == nil, let size = row.sizeRatio, let returnRatio = row.returnRatio,
                  let value = row.value else {
                unavailable.append("\(row.task) \(row.arm): \(row.unavailable ?? "no runs")")
                continue
            }
            assumed = assumed || row.isSizeAssumed
            table.rows.append([row.task, row.arm, row.teacherDescription, String(row.runs.count),
                               parameters(row.studentParameters), parameters(row.teacherParameters),
                               ratio(size) + (row.isSizeAssumed ? "*" : ""), ratio(returnRatio), ratio(value),
                               row.interval.map { interval in
                                   guard !interval.lower.isNaN, !interval.upper.isNaN else {
                                       undefinedInterval = true
                                       return "undefined†"
                                   }
                                   return "[\(ratio(interval.lower)), \(ratio(interval.upper))]"
                               } ?? ""])
        }
        if !table.rows.isEmpty { text += table.rendered() }
        if assumed {
            text += "* S = 1 assumed for runs scored against the reference arm (same-architecture peers): "
                + "policy files missing or unreadable.\n"
        }
        if undefinedInterval {
            text += "† some bootstrap replicates' reference mean is not above the random policy's return, so P and "
                + "the interval are\n  undefined: the reference arm is too close to random.\n"
        }
        if let reason = scores.unavailable { unavailable.append(reason) }
        text += unavailable.map { "score unavailable: \($0)\n" }.joined()
        return text
    }

    /// The `distillation_score` object of ``json()``.
    static func distillationJSON(_ scores: DistillationScores) -> JSONText {
        let arms = scores.arms.map { row in
            JSONText.object([
                ("task", .string(row.task)), ("arm", .string(row.arm)), ("teacher_runs", .integer(row.teacherRunCount)),
                ("reference_arm", .string(row.referenceArm)),
                ("runs", .integer(row.unavailable == nil ? row.runs.count : 0)),
                ("student_parameters", .number(row.studentParameters)),
                ("teacher_parameters", .number(row.teacherParameters)), ("size_ratio", .number(row.sizeRatio)),
                ("size_assumed", row.unavailable == nil ? .bool(row.isSizeAssumed) : .null),
                ("return_ratio", .number(row.returnRatio)), ("distillation_score", .number(row.value)),
                ("distillation_score_interval", row.interval.map { .array([.number($0.lower), .number($0.upper)]) }
                    ?? .null),
                ("unavailable", .string(row.unavailable)),
                ("per_run", .array(row.unavailable != nil ? [] : row.runs.map { run in
                    JSONText.object([
                        ("path", .string(run.path)), ("seed", .unsigned(run.seed)), ("teacher", .string(run.teacher)),
                        ("student_parameters", .number(run.studentParameters)),
                        ("teacher_parameters", .number(run.teacherParameters)), ("size_ratio", .number(run.sizeRatio)),
                        ("student_return", .number(run.studentReturn)), ("teacher_return", .number(run.teacherReturn)),
                        ("random_return", .number(run.randomReturn)), ("return_ratio", .number(run.returnRatio)),
                        ("distillation_score", .number(run.value)),
                    ])
                })),
            ])
        }
        return JSONText.object([
            ("weight", .number(scores.weight)),
            ("formula", .string("a*S + (1 - a)*(1 - P); S = student/teacher parameters, "
                                + "P = (R_student - R_random)/(R_teacher - R_random)")),
            ("arms", .array(arms)),
            ("unavailable", .string(scores.unavailable)),
        ])
    }
}
