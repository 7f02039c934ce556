import Foundation

/// An append-only CSV table with a fixed column order, flushed after every row.
///
/// Learning logs (`episodes.csv`, `evaluations.csv`, `updates.csv`, `distillation.csv`) are written through this
/// type. Numbers are formatted by ``CSVLog/format(_:)-(Double)`` (Swift's shortest round-trip form), so the same
/// values always give the same bytes: runs with the same seed produce byte-identical files.
public final class CSVLog {
    /// The column names, in order.
    public let columns: [String]
    /// Where the table is written.
    public let url: URL
    private let handle: FileHandle

    /// Creates the file at `url` (which must not exist) and writes the header line.
    /// - Throws: ``RunFolderError/cannotWrite(path:reason:)`` if the file exists or cannot be created.
    public init(url: URL, columns: [String]) throws {
        precondition(!columns.isEmpty, "a CSV log needs at least one column")
        self.url = url
        self.columns = columns
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url)
        else {
            throw RunFolderError.cannotWrite(path: url.path, reason: "cannot create the file")
        }
        self.handle = handle
        try writeLine(columns.joined(separator: ","))
    }

    deinit { try? handle.close() }

    /// Appends one row; `values` are in column order and already formatted.
    /// - Precondition: one value per column.
    public func append(_ values: [String]) throws {
        precondition(values.count == columns.count,
                     "\(url.lastPathComponent): \(values.count) values for \(columns.count) columns")
        try writeLine(values.joined(separator: ","))
    }

    /// Appends one row of numbers.
    public func append(_ values: [Double]) throws { try append(values.map(CSVLog.format)) }

    private func writeLine(_ line: String) throws {
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// A number as CSV text: integers without a fraction, others in Swift's shortest round-trip form;
    /// `nan`, `inf` and `-inf` as pandas reads them.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// An integer as CSV text.
    public static func format(_ value: Int) -> String { String(value) }

    /// A flag as CSV text (`true` / `false`).
    public static func format(_ value: Bool) -> String { value ? "true" : "false" }
}
