extension CurveSet {
    /// The curves as one long ("tidy") CSV table: one observation per row, ready for pandas or rliable.
    ///
    /// Columns:
    /// - `task`, `arm`: the group.
    /// - `learners`: the ``LearnerSelection``: `mean` or `max` (dual runs' learners combined so), or `learner<k>`.
    /// - `scale`: `return` (raw evaluation return) or `normalised` ((return − random)/(reference − random)).
    /// - `smoothing`: the trailing moving-average window over evaluation points (1 = none).
    /// - `step`: environment steps per learner (the alignment grid; see ``StepGrid``).
    /// - `quantity`: what `value` is. `count` (runs with a value at this step), `mean`, `median`, `iqm`,
    ///   `<statistic>_lower` and `<statistic>_upper` (the band's bootstrap interval of the plotted statistic, e.g.
    ///   `iqm_lower`; only when bands were computed), and `run` (one run's value).
    /// - `seed`: the run's seed for `run` rows, empty otherwise.
    /// - `value`: the number (shortest round-trip text).
    ///
    /// Rows are ordered by task, arm, step, then the quantities in the order above, then runs by seed. For
    /// rliable, `df[df.quantity == "run"].pivot_table(index=["step", "seed"], columns="task", values="value")`
    /// gives the run-by-task score matrix at each step; a run missing at a step has no row there.
    public func tidyCSV() -> String {
        var text = CSVText.line(["task", "arm", "learners", "scale", "smoothing", "step", "quantity", "seed", "value"])
        let scale = isNormalised ? "normalised" : "return"
        let learners = options.selection.description
        let smoothing = String(options.smoothingWindow)
        let lowerName = options.statistic.name + "_lower"
        let upperName = options.statistic.name + "_upper"
        for curve in curves {
            let order = curve.aligned.runs.indices.sorted {
                (curve.aligned.runs[$0].metadata.seed, curve.aligned.runs[$0].path)
                    < (curve.aligned.runs[$1].metadata.seed, curve.aligned.runs[$1].path)
            }
            for (index, step) in curve.steps.enumerated() {
                func row(_ quantity: String, _ value: String, seed: String = "") {
                    text += CSVText.line([curve.task, curve.arm, learners, scale, smoothing, String(step), quantity,
                                          seed, value])
                }
                row("count", String(curve.counts[index]))
                row("mean", NumberText.shortest(curve.mean[index]))
                row("median", NumberText.shortest(curve.median[index]))
                row("iqm", NumberText.shortest(curve.interquartileMean[index]))
                if let intervals = curve.intervals {
                    row(lowerName, NumberText.shortest(intervals[index].lower))
                    row(upperName, NumberText.shortest(intervals[index].upper))
                }
                for run in order {
                    guard let value = curve.aligned.values[run][index] else { continue }
                    row("run", NumberText.shortest(value), seed: String(curve.aligned.runs[run].metadata.seed))
                }
            }
        }
        return text
    }

    /// The aggregates only, one row per (task, arm, step): columns `task,arm,learners,scale,smoothing,step,count,
    /// mean,median,iqm` and, with bands, `<statistic>_lower,<statistic>_upper` (same meanings as ``tidyCSV()``).
    public func wideCSV() -> String {
        var header = ["task", "arm", "learners", "scale", "smoothing", "step", "count", "mean", "median", "iqm"]
        let hasBands = options.bootstrap != nil
        if hasBands { header += [options.statistic.name + "_lower", options.statistic.name + "_upper"] }
        var text = CSVText.line(header)
        let scale = isNormalised ? "normalised" : "return"
        for curve in curves {
            for (index, step) in curve.steps.enumerated() {
                var fields = [curve.task, curve.arm, options.selection.description, scale,
                              String(options.smoothingWindow), String(step), String(curve.counts[index]),
                              NumberText.shortest(curve.mean[index]), NumberText.shortest(curve.median[index]),
                              NumberText.shortest(curve.interquartileMean[index])]
                if let intervals = curve.intervals {
                    fields += [NumberText.shortest(intervals[index].lower), NumberText.shortest(intervals[index].upper)]
                }
                text += CSVText.line(fields)
            }
        }
        return text
    }
}
