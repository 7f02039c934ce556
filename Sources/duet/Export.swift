import ArgumentParser
import DuetResults

/// `duet export`: aggregated learning curves as CSV, for pandas or rliable. Parsing only; the work is in
/// DuetResults (`CurveSet`).
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Aggregated learning curves per task and arm as CSV, for pandas or rliable.",
        discussion: """
            Runs are grouped by task and arm and aligned on their evaluation steps (--grid); a run contributes \
            only at steps it was evaluated at, never a neighbouring step's value, and each step's count says \
            how many runs did.

            Tidy form (the default): the columns task,arm,learners,scale,smoothing,step,quantity,seed,value, \
            one number per row; quantity is count, mean, median, iqm, <statistic>_lower and <statistic>_upper \
            (the bootstrap interval of --statistic, unless --no-bands) or run (one run's value, with its seed). \
            Wide form (--wide): one row per task, arm and step, with the columns \
            task,arm,learners,scale,smoothing,step,count,mean,median,iqm and, with bands, the interval bounds; \
            no per-run values.

            The bands' random streams descend from --seed, so the same runs and seed give the same file. \
            Warnings about the runs go to standard error, one per line.

            \(RunSelection.normalisationHelp)
            """)

    @OptionGroup var input: RunSelection

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The CSV file to write.", valueName: "file"))
    var output: String

    @Flag(help: "Write the wide form: aggregates only, one row per task, arm and step.")
    var wide = false

    @Option(help: ArgumentHelp("The statistic whose bootstrap interval is exported at each step."))
    var statistic: CurveStatistic = .iqm

    @OptionGroup var curves: CurveAggregation

    @Option(help: ArgumentHelp("Bootstrap replicates per step.", valueName: "n"))
    var reps: Int = CurveOptions.defaultReplicates

    @Option(help: ArgumentHelp("Confidence level of the intervals, between 0 and 1.", valueName: "level"))
    var confidence: Double = 0.95

    @Option(help: ArgumentHelp("Root seed of the intervals' random streams.", valueName: "n"))
    var seed: UInt64 = 0

    @Flag(help: "Replace the output file if it exists.")
    var overwrite = false

    func validate() throws {
        try validateBootstrap(reps: reps, confidence: confidence)
    }

    func run() throws {
        try OutputFile.check(output, overwrite: overwrite)
        let runs = try input.loadRuns()
        let options = CurveOptions(
            selection: input.selection, grid: curves.grid, smoothingWindow: curves.smoothing,
            normalisation: try input.normalisationTable(), statistic: statistic.statistic,
            bootstrap: curves.bands ? StratifiedBootstrap(replicates: reps, confidence: confidence) : nil, seed: seed,
            until: curves.until)
        let curveSet = try input.explainingNormalisation { try CurveSet(runs: runs, options: options) }
        reportWarnings(curveSet.warnings)
        try OutputFile.write(wide ? curveSet.wideCSV() : curveSet.tidyCSV(), to: output, overwrite: overwrite)
        print("Wrote \(output): \(curveSet.extent)")
    }
}

// MARK: Shared by export and plot

/// How runs' curves are aligned and smoothed, and whether bands are computed: shared by `export` and `plot`.
struct CurveAggregation: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Smooth each run's curve with the trailing moving average of its last n evaluations (or logged points) "
            + "before aggregating; 1 for none.", valueName: "n"))
    var smoothing: Int = 1

    @Option(help: ArgumentHelp(
        "The steps runs are aligned on: union (every step any run of the group was evaluated at; the count of "
            + "runs may vary along the curve) or intersection (only the steps every run was evaluated at)."))
    var grid: StepGrid = .union

    @Flag(inversion: .prefixedNo, help: "Compute bootstrap interval bands at every step.")
    var bands = true

    @Option(help: ArgumentHelp(
        "Cut every run's curve after its last evaluation at a step ≤ STEP, as `duet summarize --until` cuts its "
            + "scores; runs first evaluated after STEP are left out, with a warning. (default: whole curves)",
        valueName: "STEP"))
    var until: Int?

    func validate() throws {
        guard smoothing >= 1 else { throw ValidationError("--smoothing must be at least 1, got \(smoothing)") }
        try validateUntil(until)
    }
}

/// The statistic of a learning curve at each step: `--statistic`.
enum CurveStatistic: String, CaseIterable, ExpressibleByArgument {
    case mean, median, iqm

    /// The library's statistic.
    var statistic: ScoreStatistic {
        switch self {
        case .mean: return .mean
        case .median: return .median
        case .iqm: return .interquartileMean
        }
    }
}

extension CurveSet {
    /// What the curves cover, for the command's closing line: "2 arms on 1 task, 10 runs, 21 steps".
    var extent: String {
        let runCount = curves.map(\.aligned.runs.count).reduce(0, +)
        let stepCount = Set(curves.flatMap(\.steps)).count
        return "\(counted(arms.count, "arm")) on \(counted(tasks.count, "task")), \(counted(runCount, "run")), "
            + counted(stepCount, "step")
    }
}

/// "1 run", "3 runs".
func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
