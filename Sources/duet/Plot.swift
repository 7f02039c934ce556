import ArgumentParser
import DuetResults

/// `duet plot`: learning curves, or distillation diagnostics, as an SVG figure. Parsing only; the work is in
/// DuetResults (`CurveSet` and `LearningCurvePlot`, `DistillationDiagnostics` and `DistillationPlot`).
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Learning curves per arm with interval bands, or distillation diagnostics, as an SVG figure.",
        discussion: """
            Learning curves (the default): one panel per task, one line per arm: --statistic of the runs \
            evaluated at each step, with its bootstrap interval as a shaded band; x is environment steps per \
            learner, y the evaluation return (or the normalised score). A sweep's folder (duet sweep) gives one \
            line per setting and arm: each run's arm is its settings, e.g. learner.batchSize=64/distill-on.

            Distillation diagnostics (--distillation): from each run's distillation.csv, for each task one \
            panel per --quantity, one line per arm and learner (learner 0 solid, learner 1 dashed, learner 2 dotted, then again): the mean \
            over runs with its bootstrap band. Runs without distillation.csv are left out with a warning.

            The bands' random streams descend from --seed, so the same runs and seed give the same file. \
            Warnings about the runs go to standard error, one per line. To look at a figure as an image: \
            rsvg-convert -o figure.png figure.svg.

            \(RunSelection.normalisationHelp)
            """)

    @OptionGroup var input: RunSelection

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp(
        "The SVG file to write (its name ends in .svg).", valueName: "file"))
    var output: String

    @Flag(help: "Plot the distillation diagnostics instead of the learning curves.")
    var distillation = false

    @Option(help: ArgumentHelp(
        "The line of a learning curve at each step: mean, median or iqm (interquartile mean, the default).",
        valueName: "statistic"))
    var statistic: CurveStatistic?

    @Option(help: ArgumentHelp(
        "A column of distillation.csv to plot with --distillation; repeatable. Without it: action_distance "
            + "and fraction_disadvantageous.", valueName: "column"))
    var quantity: [DistillationQuantity] = []

    @OptionGroup var curves: CurveAggregation

    @Option(help: ArgumentHelp("The figure's title. (default: none)", valueName: "text"))
    var title: String?

    @Option(help: ArgumentHelp(
        "The figure's width in pixels, at least 200. (default: 520 per panel column plus margins)",
        valueName: "pixels"))
    var width: Double?

    @Option(help: ArgumentHelp(
        "The figure's height in pixels, at least 150. (default: 340 per panel row plus the header)",
        valueName: "pixels"))
    var height: Double?

    @Option(help: ArgumentHelp(
        "Panels per row. (default: up to 3 tasks per row for learning curves; one row per task for --distillation)",
        valueName: "n"))
    var columns: Int?

    @Option(help: ArgumentHelp(
        "Bootstrap replicates per step. (default: \(CurveOptions.defaultReplicates); "
            + "\(DiagnosticsOptions.defaultReplicates) with --distillation)", valueName: "n"))
    var reps: Int?

    @Option(help: ArgumentHelp("Confidence level of the bands, between 0 and 1.", valueName: "level"))
    var confidence: Double = 0.95

    @Option(help: ArgumentHelp("Root seed of the bands' random streams.", valueName: "n"))
    var seed: UInt64 = 0

    @Flag(help: "Replace the output file if it exists.")
    var overwrite = false

    func validate() throws {
        guard output.lowercased().hasSuffix(".svg") else {
            throw ValidationError("--output \(output): the figure is SVG, so the file name must end in .svg "
                + "(convert it afterwards, e.g. rsvg-convert -o figure.png figure.svg)")
        }
        try validateBootstrap(reps: reps ?? 1, confidence: confidence)
        if let width, !(width >= 200 && width.isFinite) {
            throw ValidationError("--width must be at least 200 pixels, got \(NumberText.shortest(width))")
        }
        if let height, !(height >= 150 && height.isFinite) {
            throw ValidationError("--height must be at least 150 pixels, got \(NumberText.shortest(height))")
        }
        if let columns, columns < 1 { throw ValidationError("--columns must be at least 1, got \(columns)") }
        if distillation {
            let curveOnly = [("--statistic", statistic != nil), ("--learners", input.learners != nil),
                             ("--normalise", input.normalise), ("--normalisation", input.normalisation != nil),
                             ("--until", curves.until != nil)]
            if let given = curveOnly.first(where: { $0.1 }) {
                throw ValidationError("\(given.0) applies to learning curves, not to --distillation")
            }
            if let repeated = quantity.first(where: { item in quantity.filter { $0 == item }.count > 1 }) {
                throw ValidationError("--quantity \(repeated.rawValue) is given more than once")
            }
        } else if !quantity.isEmpty {
            throw ValidationError("--quantity applies only to --distillation")
        }
    }

    func run() throws {
        try OutputFile.check(output, overwrite: overwrite)
        let figure = PlotOptions(title: title, width: width, height: height, columns: columns,
                                 showsBands: curves.bands)
        let svg: String
        let summary: String
        if distillation {
            let runs = try input.loadRuns(readingDistillation: true)
            let options = DiagnosticsOptions(
                quantities: quantity.isEmpty ? DiagnosticsOptions().quantities : quantity, grid: curves.grid,
                smoothingWindow: curves.smoothing,
                bootstrap: curves.bands
                    ? StratifiedBootstrap(replicates: reps ?? DiagnosticsOptions.defaultReplicates,
                                          confidence: confidence)
                    : nil,
                seed: seed)
            let diagnostics = DistillationDiagnostics(runs: runs, options: options)
            reportWarnings(diagnostics.warnings)
            guard !diagnostics.curves.isEmpty else {
                throw CommandError("none of the \(counted(runs.runs.count, "run")) has a distillation log "
                    + "(distillation.csv); nothing to plot")
            }
            svg = DistillationPlot.svg(diagnostics, options: figure)
            let runCount = Set(diagnostics.curves.flatMap { $0.aligned.runs.map(\.path) }).count
            summary = "distillation diagnostics of \(counted(runCount, "run"))"
        } else {
            let runs = try input.loadRuns()
            let options = CurveOptions(
                selection: input.selection, grid: curves.grid, smoothingWindow: curves.smoothing,
                normalisation: try input.normalisationTable(), statistic: (statistic ?? .iqm).statistic,
                bootstrap: curves.bands
                    ? StratifiedBootstrap(replicates: reps ?? CurveOptions.defaultReplicates, confidence: confidence)
                    : nil,
                seed: seed, until: curves.until)
            let curveSet = try input.explainingNormalisation { try CurveSet(runs: runs, options: options) }
            reportWarnings(curveSet.warnings)
            svg = LearningCurvePlot.svg(curveSet, options: figure)
            summary = "learning curves, \(curveSet.extent)"
        }
        try OutputFile.write(svg, to: output, overwrite: overwrite)
        print("Wrote \(output): \(summary)")
    }
}
