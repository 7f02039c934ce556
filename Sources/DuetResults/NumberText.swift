/// Number formatting with fixed, platform-independent output, for CSV, JSON, tables and SVG.
///
/// Nothing here goes through a locale or `printf`, so the same values give the same bytes on every machine, which
/// is what lets results and figures be snapshot-tested.
public enum NumberText {
    /// The shortest text that reads back as the same `Double`: integers without a fraction (`12`, `-3`), others
    /// in Swift's shortest round-trip form (`0.1`, `1e-05`); `nan`, `inf`, `-inf` as pandas reads them.
    /// The same rules as `CSVLog.format` in DuetExperiments, so a run's logs and its exports agree.
    public static func shortest(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `value` rounded half away from zero to `decimals` places, always with that many places (`-1.50`);
    /// never `-0.00`. `nan`, `inf`, `-inf` for non-finite values. Beyond about 1e15 the shortest form is used.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 12, "decimals must be in 0...12, got \(decimals)")
        if !value.isFinite { return shortest(value) }
        var power: Int64 = 1
        for _ in 0..<decimals { power *= 10 }
        let scaled = (abs(value) * Double(power)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return shortest(value) }
        let units = Int64(scaled)
        let sign = value < 0 && units != 0 ? "-" : ""
        let whole = String(units / power)
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % power)
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// ``fixed(_:decimals:)`` without trailing zeros or a trailing point (`12.5`, `3`): compact SVG coordinates.
    public static func compact(_ value: Double, decimals: Int = 2) -> String {
        var text = fixed(value, decimals: decimals)
        guard value.isFinite, text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
