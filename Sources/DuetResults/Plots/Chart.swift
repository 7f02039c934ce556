/// A figure of line charts with bands, laid out on a grid of panels under a title, notes and a legend, and
/// rendered to SVG text with fixed number formatting (two decimals at most), so the same data give the same bytes.
///
/// Layout works from estimated text widths (0.6 em per character for the sans-serif font), so tick labels,
/// axis labels and legend entries get room without measuring fonts.
struct Chart {
    struct Series {
        /// The `data-series` attribute of the series' elements (stable, for tests and post-processing).
        var id: String
        var colour: String
        /// A stroke dash pattern, nil for solid.
        var dash: String?
        var x: [Double]
        /// nil where the series has no value (the line is broken there).
        var y: [Double?]
        /// The band's bounds at each x, nil where there is none.
        var band: [ConfidenceInterval?]?
    }

    struct Panel {
        var title: String?
        var xLabel: String
        /// A shorter x label for panels too narrow for ``xLabel``.
        var shortXLabel: String?
        var yLabel: String
        /// Label x ticks as step counts (k, M).
        var xIsSteps: Bool
        /// A fixed y range (e.g. [0, 1] for fractions), else the data's nice range.
        var fixedY: (lower: Double, upper: Double)?
        var series: [Series]
    }

    struct LegendEntry {
        var label: String
        var colour: String
        var dash: String?
        var hasBand: Bool
    }

    var title: String?
    /// Lines of small print under the title (what the line and the band are).
    var notes: [String]
    var legend: [LegendEntry]
    var panels: [Panel]
    var width: Double?
    var height: Double?
    var columns: Int

    // MARK: Style

    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
    static let margin = 16.0
    /// The automatic size of one panel.
    static let panelWidth = 520.0
    static let panelHeight = 340.0
    static let titleSize = 16.0
    static let noteSize = 12.0
    static let legendSize = 12.0
    static let panelTitleSize = 13.0
    static let axisLabelSize = 13.0
    static let tickLabelSize = 11.0
    static let tickLength = 4.0
    static let textColour = "#222222"
    static let mutedColour = "#555555"
    static let gridColour = "#E6E6E6"
    static let axisColour = "#444444"

    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }

    /// `size`, reduced (to 9 at the least, in half-pixel steps) until `text` fits `room`.
    static func fittedSize(_ text: String, size: Double, within room: Double) -> Double {
        var fitted = size
        while fitted > 9, textWidth(text, size: fitted) > room { fitted -= 0.5 }
        return fitted
    }

    /// `value` for an SVG attribute: at most two decimals, no trailing zeros.
    static func number(_ value: Double) -> String { NumberText.compact(value, decimals: 2) }

    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    // MARK: Rendering

    func svg() -> String {
        let columns = max(1, min(self.columns, panels.count))
        let rows = max(1, (panels.count + columns - 1) / columns)
        let width = self.width ?? Double(columns) * Self.panelWidth + 2 * Self.margin
        let legendRows = layOutLegend(width: width)
        var headerHeight = Self.margin
        if title != nil { headerHeight += 22 }
        headerHeight += Double(notes.count) * 17
        if !legend.isEmpty { headerHeight += 6 + Double(legendRows.count) * 20 }
        let height = self.height ?? headerHeight + Double(rows) * Self.panelHeight + 12

        var svg = SVGText()
        svg.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("width", Self.number(width)),
                         ("height", Self.number(height)),
                         ("viewBox", "0 0 \(Self.number(width)) \(Self.number(height))"),
                         ("font-family", Self.fontFamily)])
        svg.element("title", [], text: title ?? "Duet figure")
        svg.element("rect", [("width", "100%"), ("height", "100%"), ("fill", "#FFFFFF")])

        // Header: title, notes, legend.
        var cursor = Self.margin
        if let title {
            svg.element("text", [("x", Self.number(Self.margin)), ("y", Self.number(cursor + Self.titleSize - 2)),
                                 ("font-size", Self.number(Self.titleSize)), ("font-weight", "600"),
                                 ("fill", Self.textColour), ("class", "figure-title")], text: title)
            cursor += 22
        }
        for note in notes {
            svg.element("text", [("x", Self.number(Self.margin)), ("y", Self.number(cursor + Self.noteSize)),
                                 ("font-size", Self.number(Self.noteSize)), ("fill", Self.mutedColour),
                                 ("class", "note")], text: note)
            cursor += 17
        }
        if !legend.isEmpty {
            cursor += 6
            svg.open("g", [("class", "legend")])
            for row in legendRows {
                var x = Self.margin
                let middle = cursor + 10
                for index in row {
                    let entry = legend[index]
                    if entry.hasBand {
                        svg.element("rect", [("x", Self.number(x)), ("y", Self.number(middle - 6)), ("width", "26"),
                                             ("height", "12"), ("fill", entry.colour), ("fill-opacity", "0.2")])
                    }
                    var line = [("x1", Self.number(x)), ("y1", Self.number(middle)), ("x2", Self.number(x + 26)),
                                ("y2", Self.number(middle)), ("stroke", entry.colour), ("stroke-width", "2.5")]
                    if let dash = entry.dash { line.append(("stroke-dasharray", dash)) }
                    svg.element("line", line)
                    svg.element("text", [("x", Self.number(x + 32)), ("y", Self.number(middle + 4)),
                                         ("font-size", Self.number(Self.legendSize)), ("fill", Self.textColour)],
                                text: entry.label)
                    x += Self.legendEntryWidth(entry)
                }
                cursor += 20
            }
            svg.close("g")
        }

        // Panels.
        let top = headerHeight + 4
        let cellWidth = (width - 2 * Self.margin) / Double(columns)
        let cellHeight = (height - top - 8) / Double(rows)
        for (index, panel) in panels.enumerated() {
            let left = Self.margin + Double(index % columns) * cellWidth
            let cellTop = top + Double(index / columns) * cellHeight
            render(panel, index: index, into: &svg, left: left, top: cellTop, width: cellWidth, height: cellHeight)
        }
        svg.close("svg")
        return svg.text
    }

    static func legendEntryWidth(_ entry: LegendEntry) -> Double {
        32 + textWidth(entry.label, size: legendSize) + 20
    }

    /// Legend entries grouped into rows that fit the figure's width.
    func layOutLegend(width: Double) -> [[Int]] {
        var rows: [[Int]] = []
        var current: [Int] = []
        var used = 0.0
        for (index, entry) in legend.enumerated() {
            let entryWidth = Self.legendEntryWidth(entry)
            if !current.isEmpty, used + entryWidth > width - 2 * Self.margin {
                rows.append(current)
                current = []
                used = 0
            }
            current.append(index)
            used += entryWidth
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    private func render(_ panel: Panel, index: Int, into svg: inout SVGText, left: Double, top: Double,
                        width: Double, height: Double) {
        // Scales from the data (lines and bands).
        var xs: [Double] = []
        var ys: [Double] = []
        for series in panel.series {
            for (position, x) in series.x.enumerated() {
                if let y = series.y[position], y.isFinite { xs.append(x); ys.append(y) }
                if let band = series.band?[position] {
                    for bound in [band.lower, band.upper] where bound.isFinite { xs.append(x); ys.append(bound) }
                }
            }
        }
        // Axis limits: x from 0 (or the smallest step, if negative) to the last step, exactly; y the data's range
        // padded by 5% at each end (or the fixed range). Ticks are the nice values within the limits, as many as
        // fit: about 4 along x and 5 along y, fewer when labels would crowd (x labels at least 14 px apart, y
        // ticks at least 20 px apart).
        let xLow = min(0, xs.min() ?? 0)
        let xHigh = max(xs.max() ?? 1, xLow + 1)
        let yRange: (lower: Double, upper: Double)
        if let fixed = panel.fixedY {
            yRange = fixed
        } else {
            let low = ys.min() ?? 0
            let high = ys.max() ?? 1
            let pad = high > low ? (high - low) * 0.05 : max(abs(low) * 0.1, 1)
            yRange = (low - pad, high + pad)
        }
        let titleSpace = panel.title == nil ? 8.0 : 26.0
        let plotTop = top + titleSpace
        let plotBottom = top + height - 50
        let plotHeight = plotBottom - plotTop
        var yScale = NiceScale(covering: yRange.lower, yRange.upper, targetTickCount: 5)
        for target in stride(from: 5, through: 1, by: -1) {
            yScale = NiceScale(covering: yRange.lower, yRange.upper, targetTickCount: target)
            if yScale.step / (yRange.upper - yRange.lower) * plotHeight >= 20 { break }
        }
        let yTicks = yScale.ticks.filter { $0 >= yRange.lower - 1e-12 && $0 <= yRange.upper + 1e-12 }
        let yLabels = yTicks.map { yScale.label($0) }
        let yLabelWidth = yLabels.map { Self.textWidth($0, size: Self.tickLabelSize) }.max() ?? 0
        let plotLeft = left + 20 + 6 + yLabelWidth + Self.tickLength + 4

        func xTickLabels(_ scale: NiceScale) -> (ticks: [Double], labels: [String]) {
            let ticks = scale.ticks.filter { $0 >= xLow - 1e-9 && $0 <= xHigh + 1e-9 }
            return (ticks, ticks.map { panel.xIsSteps ? scale.stepLabel($0) : scale.label($0) })
        }
        var xScale = NiceScale(covering: xLow, xHigh, targetTickCount: 4)
        var (xTicks, xLabels) = xTickLabels(xScale)
        for target in stride(from: 4, through: 1, by: -1) {
            xScale = NiceScale(covering: xLow, xHigh, targetTickCount: target)
            (xTicks, xLabels) = xTickLabels(xScale)
            let widest = xLabels.map { Self.textWidth($0, size: Self.tickLabelSize) }.max() ?? 0
            let spacing = xScale.step / (xHigh - xLow) * (left + width - 20 - plotLeft)
            if spacing >= widest + 14 { break }
        }
        let lastXLabel = Self.textWidth(xLabels.last ?? "", size: Self.tickLabelSize)
        let plotRight = left + width - max(14, lastXLabel / 2 + 4)
        let plotWidth = plotRight - plotLeft
        func px(_ x: Double) -> Double { plotLeft + (x - xLow) / (xHigh - xLow) * plotWidth }
        func py(_ y: Double) -> Double {
            plotBottom - (y - yRange.lower) / (yRange.upper - yRange.lower) * plotHeight
        }

        svg.open("g", [("class", "panel"), ("data-panel", String(index))])
        if let title = panel.title {
            // Start at the plot's left edge if the title fits there, else further left, else smaller.
            let available = left + width - 8 - plotLeft
            let titleWidth = Self.textWidth(title, size: Self.panelTitleSize)
            let x = titleWidth <= available ? plotLeft : max(left + 4, plotLeft - (titleWidth - available))
            let size = Self.fittedSize(title, size: Self.panelTitleSize, within: left + width - 8 - x)
            svg.element("text", [("x", Self.number(x)), ("y", Self.number(top + Self.panelTitleSize + 2)),
                                 ("font-size", Self.number(size)), ("font-weight", "600"),
                                 ("fill", Self.textColour), ("class", "panel-title")], text: title)
        }
        let clip = "plot-area-\(index)"
        svg.open("clipPath", [("id", clip)])
        svg.element("rect", [("x", Self.number(plotLeft)), ("y", Self.number(plotTop - 1)),
                             ("width", Self.number(plotWidth)), ("height", Self.number(plotHeight + 2))])
        svg.close("clipPath")

        // Grid.
        svg.open("g", [("class", "grid"), ("stroke", Self.gridColour), ("stroke-width", "1")])
        for tick in yTicks {
            svg.element("line", [("x1", Self.number(plotLeft)), ("y1", Self.number(py(tick))),
                                 ("x2", Self.number(plotRight)), ("y2", Self.number(py(tick)))])
        }
        svg.close("g")

        // Bands, then lines on top.
        svg.open("g", [("class", "bands"), ("clip-path", "url(#\(clip))")])
        for series in panel.series {
            guard let band = series.band else { continue }
            for segment in Self.segments(count: series.x.count, present: { band[$0] != nil }) {
                var points: [String] = []
                for position in segment {
                    if let interval = band[position] {
                        points.append("\(Self.number(px(series.x[position]))),\(Self.number(py(interval.upper)))")
                    }
                }
                for position in segment.reversed() {
                    if let interval = band[position] {
                        points.append("\(Self.number(px(series.x[position]))),\(Self.number(py(interval.lower)))")
                    }
                }
                svg.element("path", [("class", "band"), ("data-series", series.id),
                                     ("d", "M" + points.joined(separator: "L") + "Z"), ("fill", series.colour),
                                     ("fill-opacity", "0.2"), ("stroke", "none")])
            }
        }
        svg.close("g")
        svg.open("g", [("class", "lines"), ("clip-path", "url(#\(clip))"), ("fill", "none"),
                       ("stroke-width", "2"), ("stroke-linejoin", "round"), ("stroke-linecap", "round")])
        for series in panel.series {
            for segment in Self.segments(count: series.x.count, present: { series.y[$0] != nil }) {
                let points = segment.compactMap { position -> String? in
                    guard let y = series.y[position] else { return nil }
                    return "\(Self.number(px(series.x[position]))),\(Self.number(py(y)))"
                }
                if points.count == 1, let position = segment.first, let y = series.y[position] {
                    svg.element("circle", [("class", "point"), ("data-series", series.id),
                                           ("cx", Self.number(px(series.x[position]))), ("cy", Self.number(py(y))),
                                           ("r", "2.5"), ("fill", series.colour)])
                    continue
                }
                var attributes = [("class", "line"), ("data-series", series.id),
                                  ("d", "M" + points.joined(separator: "L")), ("stroke", series.colour)]
                if let dash = series.dash { attributes.append(("stroke-dasharray", dash)) }
                svg.element("path", attributes)
            }
        }
        svg.close("g")

        // Axes, ticks and labels.
        svg.open("g", [("class", "axes"), ("stroke", Self.axisColour), ("stroke-width", "1")])
        svg.element("line", [("x1", Self.number(plotLeft)), ("y1", Self.number(plotBottom)),
                             ("x2", Self.number(plotRight)), ("y2", Self.number(plotBottom))])
        svg.element("line", [("x1", Self.number(plotLeft)), ("y1", Self.number(plotTop)),
                             ("x2", Self.number(plotLeft)), ("y2", Self.number(plotBottom))])
        for tick in xTicks {
            svg.element("line", [("x1", Self.number(px(tick))), ("y1", Self.number(plotBottom)),
                                 ("x2", Self.number(px(tick))), ("y2", Self.number(plotBottom + Self.tickLength))])
        }
        for tick in yTicks {
            svg.element("line", [("x1", Self.number(plotLeft - Self.tickLength)), ("y1", Self.number(py(tick))),
                                 ("x2", Self.number(plotLeft)), ("y2", Self.number(py(tick)))])
        }
        svg.close("g")
        svg.open("g", [("class", "tick-labels"), ("font-size", Self.number(Self.tickLabelSize)),
                       ("fill", Self.textColour)])
        for (tick, label) in zip(xTicks, xLabels) {
            svg.element("text", [("x", Self.number(px(tick))),
                                 ("y", Self.number(plotBottom + Self.tickLength + 3 + Self.tickLabelSize)),
                                 ("text-anchor", "middle")], text: label)
        }
        for (tick, label) in zip(yTicks, yLabels) {
            svg.element("text", [("x", Self.number(plotLeft - Self.tickLength - 4)),
                                 ("y", Self.number(py(tick) + Self.tickLabelSize * 0.35)),
                                 ("text-anchor", "end")], text: label)
        }
        svg.close("g")
        // Axis labels: the short x label if the full one is wider than the panel; both shrink (to 9 px at least)
        // rather than run into a neighbouring panel.
        let xRoom = width - 12
        let xLabel = Self.textWidth(panel.xLabel, size: Self.axisLabelSize) > xRoom
            ? panel.shortXLabel ?? panel.xLabel : panel.xLabel
        svg.element("text", [("class", "axis-label"), ("x", Self.number((plotLeft + plotRight) / 2)),
                             ("y", Self.number(plotBottom + 38)), ("text-anchor", "middle"),
                             ("font-size", Self.number(Self.fittedSize(xLabel, size: Self.axisLabelSize, within: xRoom))),
                             ("fill", Self.textColour)],
                    text: xLabel)
        let yLabelX = left + 14
        let yLabelY = (plotTop + plotBottom) / 2
        let yLabelSize = Self.fittedSize(panel.yLabel, size: Self.axisLabelSize, within: plotHeight + 20)
        svg.element("text", [("class", "axis-label"), ("x", Self.number(yLabelX)), ("y", Self.number(yLabelY)),
                             ("text-anchor", "middle"), ("font-size", Self.number(yLabelSize)),
                             ("fill", Self.textColour),
                             ("transform", "rotate(-90 \(Self.number(yLabelX)) \(Self.number(yLabelY)))")],
                    text: panel.yLabel)
        svg.close("g")
    }

    /// Runs of consecutive positions where `present` holds.
    static func segments(count: Int, present: (Int) -> Bool) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        for position in 0..<count {
            if present(position) {
                current.append(position)
            } else if !current.isEmpty {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

/// SVG (XML) text built element by element, one element per line, indented by nesting.
struct SVGText {
    private(set) var text = ""
    private var depth = 0

    private func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(Chart.escaped($0.1))\"" }.joined()
    }

    mutating func open(_ tag: String, _ pairs: [(String, String)]) {
        text += String(repeating: "  ", count: depth) + "<\(tag)\(attributes(pairs))>\n"
        depth += 1
    }

    mutating func close(_ tag: String) {
        depth -= 1
        text += String(repeating: "  ", count: depth) + "</\(tag)>\n"
    }

    mutating func element(_ tag: String, _ pairs: [(String, String)], text content: String? = nil) {
        let indent = String(repeating: "  ", count: depth)
        if let content {
            text += indent + "<\(tag)\(attributes(pairs))>\(Chart.escaped(content))</\(tag)>\n"
        } else {
            text += indent + "<\(tag)\(attributes(pairs))/>\n"
        }
    }
}
