import Foundation

/// Size and labelling of a figure.
public struct PlotOptions: Sendable, Equatable {
    /// The figure's title; nil for none.
    public var title: String?
    /// The figure's width in pixels; nil for 520 per panel column plus margins.
    public var width: Double?
    /// The figure's height in pixels; nil for 340 per panel row plus the header.
    public var height: Double?
    /// Panels per row; nil for automatic (learning curves: up to 3 tasks per row; diagnostics: one row per task).
    public var columns: Int?
    /// Draw the interval bands (when the curves have them).
    public var showsBands: Bool

    /// Options with the given values; `nil` sizes and columns follow from the panels.
    /// - Precondition: at least one panel column, and a figure of at least 200 × 150 pixels.
    public init(title: String? = nil, width: Double? = nil, height: Double? = nil, columns: Int? = nil,
                showsBands: Bool = true) {
        precondition((columns ?? 1) >= 1, "a figure needs at least one panel column")
        precondition((width ?? 200) >= 200 && (height ?? 150) >= 150, "a figure must be at least 200 × 150 pixels")
        self.title = title
        self.width = width
        self.height = height
        self.columns = columns
        self.showsBands = showsBands
    }
}

/// Learning curves as an SVG figure: one panel per task, one line per arm (the ``CurveOptions/statistic`` at
/// each evaluation step) with its bootstrap band, x in environment steps per learner (k/M ticks), y in
/// evaluation return or normalised score; a legend of arms; notes saying what the line and the band are, how
/// many runs, how learners were combined and what smoothing was applied. Arms keep their colour
/// (``Palette/okabeIto``, in arm-name order) across panels.
///
/// Each line and band is a `path` with `class="line"` or `class="band"` and `data-series="<arm>"`.
public enum LearningCurvePlot {
    /// The SVG text of the figure of `curves`, sized and labelled by `options`.
    public static func svg(_ curves: CurveSet, options: PlotOptions = PlotOptions()) -> String {
        let arms = curves.arms
        let bands = options.showsBands && curves.options.bootstrap != nil
        let panels = curves.tasks.map { task in
            Chart.Panel(
                title: task, xLabel: "environment steps per learner", shortXLabel: "steps per learner",
                yLabel: curves.isNormalised ? "normalised score" : "evaluation return", xIsSteps: true, fixedY: nil,
                series: curves.curves.filter { $0.task == task }.map { curve in
                    Chart.Series(id: curve.arm, colour: Palette.colour(arms.firstIndex(of: curve.arm) ?? 0),
                                 dash: nil, x: curve.steps.map(Double.init), y: curve.center,
                                 band: bands ? curve.intervals : nil)
                })
        }
        let legend = arms.enumerated().map {
            Chart.LegendEntry(label: $0.element, colour: Palette.colour($0.offset), dash: nil, hasBand: bands)
        }
        let statistic = curves.options.statistic.displayName
        let runCounts = curves.curves.map(\.aligned.runs.count)
        var first = "Line: \(statistic) of \(countText(runCounts)) runs per arm"
        if bands, let bootstrap = curves.options.bootstrap {
            first += "; shaded: \(percent(bootstrap.confidence)) bootstrap CI"
        }
        var details: [String] = []
        switch curves.options.selection {
        case let .combined(combination):
            details.append(combination == .mean ? "dual runs: mean of the learners" : "dual runs: better learner")
        case let .learner(index): details.append("learner \(index) only")
        }
        if curves.options.smoothingWindow > 1 {
            details.append("moving average over \(curves.options.smoothingWindow) evaluations")
        }
        if curves.options.grid == .intersection { details.append("steps every run reached") }
        let notes = [first + "; " + details.joined(separator: "; ") + "."]
        return figure(options: options, columns: 3, notes: notes, legend: legend, panels: panels)
    }
}

/// Distillation diagnostics as an SVG figure: for each task, one panel per quantity (by default the action
/// distance between the learners and the fraction of disadvantageous states), x in environment steps per
/// learner, one line per arm and learner (the mean over runs, with the bootstrap band of the mean). Colour marks
/// the arm, the dash pattern the learner (learner 0 solid, 1 dashed, 2 dotted, then again). Fractions use a fixed
/// [0, 1] axis.
///
/// Lines and bands have `data-series="<arm>/learner<k>"`.
public enum DistillationPlot {
    /// The SVG text of the figure of `diagnostics`, sized and labelled by `options`.
    public static func svg(_ diagnostics: DistillationDiagnostics, options: PlotOptions = PlotOptions()) -> String {
        let arms = Array(Set(diagnostics.curves.map(\.arm))).sorted()
        let tasks = Array(Set(diagnostics.curves.map(\.task))).sorted()
        let bands = options.showsBands && diagnostics.options.bootstrap != nil
        let dashes = [nil, "7 4", "2 3"]
        func dash(_ learner: Int) -> String? { dashes[learner % dashes.count] }
        var panels: [Chart.Panel] = []
        for task in tasks {
            for quantity in diagnostics.options.quantities {
                let curves = diagnostics.curves.filter { $0.task == task && $0.quantity == quantity }
                panels.append(Chart.Panel(
                    title: tasks.count > 1 ? "\(task): \(quantity.title)" : quantity.title,
                    xLabel: "environment steps per learner", shortXLabel: "steps per learner",
                    yLabel: quantity.label, xIsSteps: true,
                    fixedY: quantity.isFraction ? (0, 1) : nil,
                    series: curves.map { curve in
                        Chart.Series(id: "\(curve.arm)/learner\(curve.learner)",
                                     colour: Palette.colour(arms.firstIndex(of: curve.arm) ?? 0),
                                     dash: dash(curve.learner), x: curve.steps.map(Double.init), y: curve.mean,
                                     band: bands ? curve.intervals : nil)
                    }))
            }
        }
        var seen = Set<String>()
        var legend: [Chart.LegendEntry] = []
        for curve in diagnostics.curves.sorted(by: { ($0.arm, $0.learner) < ($1.arm, $1.learner) })
        where seen.insert("\(curve.arm)/\(curve.learner)").inserted {
            legend.append(Chart.LegendEntry(label: "\(curve.arm), learner \(curve.learner)",
                                            colour: Palette.colour(arms.firstIndex(of: curve.arm) ?? 0),
                                            dash: dash(curve.learner), hasBand: bands))
        }
        let runCounts = Dictionary(grouping: diagnostics.curves, by: { "\($0.arm)/\($0.task)" })
            .values.compactMap { $0.first?.aligned.runs.count }
        var note = (tasks.count == 1 ? "\(tasks[0]). " : "") + "Line: mean of \(countText(runCounts)) runs per arm"
        if bands, let bootstrap = diagnostics.options.bootstrap {
            note += "; shaded: \(percent(bootstrap.confidence)) bootstrap CI"
        }
        if diagnostics.options.smoothingWindow > 1 {
            note += "; moving average over \(diagnostics.options.smoothingWindow) logged points"
        }
        let notes = [note + "."]
        return figure(options: options, columns: max(1, diagnostics.options.quantities.count), notes: notes,
                      legend: legend, panels: panels)
    }
}

// MARK: Shared

private func figure(options: PlotOptions, columns automatic: Int, notes: [String], legend: [Chart.LegendEntry],
                    panels: [Chart.Panel]) -> String {
    let columns = max(1, min(options.columns ?? automatic, panels.count))
    let width = options.width ?? Double(columns) * Chart.panelWidth + 2 * Chart.margin
    let wrapped = notes.flatMap { wrap($0, width: width - 2 * Chart.margin, size: Chart.noteSize) }
    return Chart(title: options.title, notes: wrapped, legend: legend, panels: panels, width: options.width,
                 height: options.height, columns: columns).svg()
}

/// "n = 10", or "n = 8–10" when groups differ.
private func countText(_ counts: [Int]) -> String {
    guard let low = counts.min(), let high = counts.max() else { return "0" }
    return low == high ? "n = \(low)" : "n = \(low)–\(high)"
}

private func percent(_ confidence: Double) -> String { NumberText.compact(confidence * 100, decimals: 1) + "%" }

private func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

/// `text` broken into lines that fit `width` at font size `size`: whole "; "-separated clauses where they fit,
/// words otherwise.
private func wrap(_ text: String, width: Double, size: Double) -> [String] {
    func fits(_ line: String) -> Bool { Chart.textWidth(line, size: size) <= width }
    var lines: [String] = []
    var current = ""
    let clauses = text.components(separatedBy: "; ")
    for (index, clause) in clauses.enumerated() {
        let piece = index < clauses.count - 1 ? clause + ";" : clause
        let candidate = current.isEmpty ? piece : current + " " + piece
        if fits(candidate) {
            current = candidate
            continue
        }
        if !current.isEmpty { lines.append(current) }
        current = ""
        for word in piece.split(separator: " ") {
            let next = current.isEmpty ? String(word) : current + " " + word
            if !current.isEmpty, !fits(next) {
                lines.append(current)
                current = String(word)
            } else {
                current = next
            }
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}
