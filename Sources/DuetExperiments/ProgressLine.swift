import Foundation

/// A one-line progress display on standard error, redrawn in place when standard error is a terminal and
/// silent otherwise (logs and CI output stay clean).
public final class ProgressLine {
    private let isEnabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    /// A progress line, shown only if standard error is a terminal (or `force` is set).
    public init(force: Bool = false) {
        isEnabled = force || isatty(STDERR_FILENO) != 0
    }

    /// Redraws the line at most ten times a second.
    /// - Parameters:
    ///   - done: steps done so far; `total`: steps in the run.
    ///   - detail: extra text (episodes, last return).
    public func update(done: Int, total: Int, detail: String) {
        guard isEnabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * done / total : 100
        let line = "\r\(done)/\(total) steps (\(percent)%)  \(detail)  \(Int(rate)) steps/s  ETA \(Self.clock(remaining))"
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    /// Ends the line with a newline, if it was shown.
    public func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
    }
}
