import Foundation

/// An axis range with "nice" ticks: a step of 1, 2 or 5 times a power of ten, bounds on multiples of the step.
///
/// ```swift
/// let scale = NiceScale(covering: 0, 19_000)       // ticks 0, 5000, 10000, 15000, 20000
/// scale.stepLabel(15_000)                           // "15k"
/// NiceScale(covering: -1234, -150).label(-1000)     // "−1000" (with a typographic minus)
/// ```
public struct NiceScale: Sendable, Equatable {
    /// The axis's lower bound, a multiple of ``step`` at or below the data.
    public var lower: Double
    /// The axis's upper bound, a multiple of ``step`` at or above the data.
    public var upper: Double
    /// The mantissa of the step: 1, 2 or 5.
    public var mantissa: Int
    /// The power of ten of the step.
    public var exponent: Int

    /// The distance between ticks, mantissa · 10^exponent.
    public var step: Double { Double(mantissa) * pow(10, Double(exponent)) }

    /// A scale covering [`low`, `high`] with about `targetTickCount` intervals: the step is the 1-2-5 value
    /// nearest (on a log scale) to (high − low) / targetTickCount, so the count is within a factor of about 1.6. An empty range is widened (by 10% of its magnitude, or to [0, 1] at zero).
    /// - Precondition: both bounds are finite, `low` ≤ `high`, `targetTickCount` ≥ 1.
    public init(covering low: Double, _ high: Double, targetTickCount: Int = 5) {
        precondition(low.isFinite && high.isFinite && low <= high, "a scale needs finite bounds in order")
        precondition(targetTickCount >= 1, "a scale needs at least one interval")
        var low = low
        var high = high
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            if low == 0 { high = 1 } else { low -= pad; high += pad }
        }
        let raw = (high - low) / Double(targetTickCount)
        var exponent = Int(log10(raw).rounded(.down))
        let fraction = raw / pow(10, Double(exponent))
        // The 1-2-5 step nearest the raw step on a log scale (boundaries at √2, √10 and √50).
        let mantissa: Int
        switch fraction {
        case ..<1.414_213_562: mantissa = 1
        case ..<3.162_277_660: mantissa = 2
        case ..<7.071_067_812: mantissa = 5
        default:
            mantissa = 1
            exponent += 1
        }
        self.mantissa = mantissa
        self.exponent = exponent
        let step = Double(mantissa) * pow(10, Double(exponent))
        // A small tolerance keeps a bound that is a multiple of the step up to rounding from adding a tick.
        self.lower = ((low / step) + 1e-9).rounded(.down) * step
        self.upper = ((high / step) - 1e-9).rounded(.up) * step
    }

    /// The tick values from ``lower`` to ``upper``.
    public var ticks: [Double] {
        let first = Int((lower / step).rounded())
        let last = Int((upper / step).rounded())
        return (first...last).map { Double($0 * mantissa) * pow(10, Double(exponent)) }
    }

    /// Decimals that show every tick exactly.
    public var decimals: Int { max(0, -exponent) }

    /// A tick value as text with the scale's decimals and a typographic minus (U+2212).
    public func label(_ value: Double) -> String {
        Self.typographicMinus(NumberText.fixed(value, decimals: decimals))
    }

    /// A step count as text with a k (thousands) or M (millions) suffix chosen from the axis's upper bound:
    /// `0`, `2.5k`, `20k`, `1.5M`.
    public func stepLabel(_ value: Double) -> String {
        let (unit, suffix, power): (Double, String, Int) =
            upper >= 1e6 ? (1e6, "M", 6) : upper >= 1e3 ? (1e3, "k", 3) : (1, "", 0)
        if value == 0 { return "0" }
        let text = NumberText.fixed(value / unit, decimals: max(0, power - exponent))
        return Self.typographicMinus(Self.trimmed(text)) + suffix
    }

    /// `text` without trailing zeros after a decimal point.
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }

    static func typographicMinus(_ text: String) -> String {
        text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text
    }
}
