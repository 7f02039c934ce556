/// Formats benchmark measurements as aligned text or a Markdown table.
public enum BenchmarkReport {
    /// The report's lines for `measurements`.
    public static func lines(_ measurements: [BenchmarkMeasurement], markdown: Bool) -> [String] {
        let header = ["benchmark", "time per call", "rate", "calls"]
        let rows = measurements.map { measurement -> [String] in
            [measurement.name, formatDuration(measurement.secondsPerIteration),
             measurement.rate.map { formatRate($0, unit: measurement.work?.unit ?? "") } ?? "",
             String(measurement.iterations)]
        }
        if markdown {
            return ["| " + header.joined(separator: " | ") + " |", "|---|---:|---:|---:|"]
                + rows.map { "| " + $0.joined(separator: " | ") + " |" }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.indices.map { column in
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }

    /// Prints the report to standard output.
    public static func print(_ measurements: [BenchmarkMeasurement], markdown: Bool) {
        for line in lines(measurements, markdown: markdown) { Swift.print(line) }
    }

    /// A duration with a unit that keeps three significant figures (ns, µs, ms or s).
    public static func formatDuration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-6: return threeFigures(seconds * 1e9) + " ns"
        case ..<1e-3: return threeFigures(seconds * 1e6) + " µs"
        case ..<1: return threeFigures(seconds * 1e3) + " ms"
        default: return threeFigures(seconds) + " s"
        }
    }

    /// A rate such as `103 GFLOP/s` or `1.2e+07 steps/s`.
    public static func formatRate(_ rate: Double, unit: String) -> String {
        (rate >= 1e6 ? String(format3(rate)) : threeFigures(rate)) + " \(unit)/s"
    }

    private static func threeFigures(_ value: Double) -> String {
        let rounded: Double
        switch abs(value) {
        case 100...: rounded = value.rounded()
        case 10...: rounded = (value * 10).rounded() / 10
        default: rounded = (value * 100).rounded() / 100
        }
        return abs(value) >= 100 ? String(Int(rounded)) : String(rounded)
    }

    private static func format3(_ value: Double) -> String {
        var exponent = 0
        var mantissa = value
        while abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }
        return "\((mantissa * 100).rounded() / 100)e\(exponent)"
    }
}
