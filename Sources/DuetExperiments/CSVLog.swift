import Foundation

/// An append-only CSV table with a fixed column order, flushed after every row.
///
/// Learning logs (`episodes.csv`, `evaluations.csv`, `updates.csv`, `distillation.csv`) are written through this
/// type. Numbers are formatted by ``CSVLog/format(_:)-(Double)`` (Swift's shortest round-trip form), so the same
/// values always give the same bytes: runs with the same seed produce byte-identical files.
///
/// Each row is one `write` of a whole line, so a process killed at any moment leaves only complete rows (or,
/// at worst, the last row cut, which a resume truncates away: a checkpoint records ``byteCount``).
public final class CSVLog {
    /// The column names, in order.
    public let columns: [String]
    /// Where the table is written.
    public let url: URL
    /// Bytes written so far, header included: the file's length.
    public private(set) var byteCount = 0
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

    /// Reopens the table at `url` to continue it after its first `length` bytes, as a checkpoint recorded
    /// them: anything written after the checkpoint is cut off, and the next row is appended there.
    /// - Throws: ``RunFolderError/cannotResume(path:reason:)`` if the file is missing, shorter than `length`,
    ///   or does not start with this table's header.
    public init(resuming url: URL, columns: [String], length: Int) throws {
        self.url = url
        self.columns = columns
        let header = Data((columns.joined(separator: ",") + "\n").utf8)
        guard let handle = try? FileHandle(forUpdating: url) else {
            throw RunFolderError.cannotResume(path: url.path, reason: "the log is missing or not writable")
        }
        do {
            let size = try handle.seekToEnd()
            guard size >= UInt64(length) else {
                throw RunFolderError.cannotResume(
                    path: url.path, reason: "the log holds \(size) bytes, fewer than the checkpoint's \(length)")
            }
            try handle.seek(toOffset: 0)
            guard length >= header.count, try handle.read(upToCount: header.count) == header else {
                throw RunFolderError.cannotResume(path: url.path, reason: "the log's header is not \(columns.joined(separator: ","))")
            }
            try handle.truncate(atOffset: UInt64(length))
            try handle.seekToEnd()
        } catch let error as RunFolderError {
            try? handle.close()
            throw error
        } catch {
            try? handle.close()
            throw RunFolderError.cannotResume(path: url.path, reason: error.localizedDescription)
        }
        self.handle = handle
        byteCount = length
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

    /// Forces the rows written so far to the disk (`fsync`), before a checkpoint records ``byteCount``.
    public func synchronize() throws {
        do { try handle.synchronize() } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    private func writeLine(_ line: String) throws {
        let bytes = Data((line + "\n").utf8)
        do {
            try FaultInjection.beforeLogWrite(url)
            try handle.write(contentsOf: bytes)
        } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: (error as? FaultInjection.InjectedFailure)?.reason
                                                ?? error.localizedDescription)
        }
        byteCount += bytes.count
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
