import DuetNumerics
import Foundation

/// An append-only CSV table with a fixed column order, flushed after every row.
///
/// Learning logs (`episodes.csv`, `evaluations.csv`, `updates.csv`, `distillation.csv`) are written through this
/// type. Numbers are formatted by ``CSVLog/format(_:)-(Double)`` (Swift's shortest round-trip form), so the same
/// values always give the same bytes: runs with the same seed produce byte-identical files.
///
/// Each row is one `write` of a whole line, so a process killed at any moment leaves only complete rows (or,
/// at worst, the last row cut, which a resume truncates away: a checkpoint records ``byteCount``). A row that
/// fails to be written (a full disk) is cut off again before the error is thrown.
public final class CSVLog {
    /// The column names, in order.
    public let columns: [String]
    /// Where the table is written.
    public let url: URL
    /// Bytes written so far, header included: the file's length.
    public private(set) var byteCount = 0
    /// Rows written so far after the header (for a resumed log, its rows at the checkpoint included).
    public var rows: Int { max(0, lines - 1) }
    /// The CRC-32 of the file's bytes so far, kept up row by row (each row checksummed once).
    public private(set) var checksum = RunningCRC32()
    private var lines = 0
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
    /// them: anything written after the checkpoint is cut off, and the next row is appended there. The bytes
    /// kept are read once, for their rows and checksum (``checkResumable(_:length:content:)`` checked them).
    /// - Throws: ``RunFolderError/cannotResume(path:reason:)`` if the file is missing, shorter than `length`,
    ///   or does not start with this table's header.
    public init(resuming url: URL, columns: [String], length: Int) throws {
        self.url = url
        self.columns = columns
        let header = Array((columns.joined(separator: ",") + "\n").utf8)
        guard let handle = try? FileHandle(forUpdating: url) else {
            throw RunFolderError.cannotResume(path: url.path, reason: "the log is missing or not writable")
        }
        var keptChecksum = RunningCRC32()
        var keptLines = 0
        do {
            let size = try handle.seekToEnd()
            guard size >= UInt64(length) else {
                throw RunFolderError.cannotResume(
                    path: url.path, reason: "the log holds \(size) bytes, fewer than the checkpoint's \(length)")
            }
            try handle.seek(toOffset: 0)
            let kept = [UInt8](try handle.read(upToCount: length) ?? Data())
            guard kept.count == length, kept.starts(with: header) else {
                throw RunFolderError.cannotResume(path: url.path, reason: "the log's header is not \(columns.joined(separator: ","))")
            }
            kept.withUnsafeBytes { keptChecksum.add($0) }
            keptLines = kept.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
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
        checksum = keptChecksum
        lines = keptLines
    }

    /// Checks, before anything is cut, that the log at `url` still holds what a checkpoint recorded in its first
    /// `length` bytes: text (no control or invalid UTF-8 bytes), lines of the header's number of fields, ending
    /// with a whole line at `length`; and, when the checkpoint recorded `content` (Duet since checkpoints
    /// record it), that many rows with that CRC-32.
    /// - Throws: ``RunFolderError/cannotResume(path:reason:)`` naming the file and what is wrong.
    public static func checkResumable(_ url: URL, length: Int, content: LogContent?) throws {
        func refuse(_ reason: String) -> RunFolderError { .cannotResume(path: url.path, reason: reason) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
        else { throw refuse("the log is missing") }
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw refuse("the log is not readable") }
        defer { try? handle.close() }
        let bytes: [UInt8]
        do {
            let size = try handle.seekToEnd()
            guard size >= UInt64(length) else {
                throw refuse("the log holds \(size) bytes, fewer than the checkpoint's \(length) (rows were deleted "
                             + "or the log was cut)")
            }
            try handle.seek(toOffset: 0)
            bytes = [UInt8](try handle.read(upToCount: length) ?? Data())
        } catch let error as RunFolderError {
            throw error
        } catch {
            throw refuse("the log is not readable (\(error.localizedDescription))")
        }
        guard bytes.count == length else { throw refuse("the log could not be read to byte \(length)") }
        var headerFields: Int?
        var line = 1, fields = 1, lineStart = 0
        var quoted = false, nonASCII = false
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "\n"):
                if nonASCII, String(validating: bytes[lineStart..<index], as: UTF8.self) == nil {
                    throw refuse("line \(line) holds bytes that are not UTF-8 text: the log was damaged before the "
                                 + "checkpoint")
                }
                if let headerFields, fields != headerFields {
                    throw refuse("line \(line) has \(fields) fields, not the header's \(headerFields): a row was cut "
                                 + "or damaged before the checkpoint")
                }
                headerFields = headerFields ?? fields
                line += 1
                fields = 1
                lineStart = index + 1
                quoted = false
                nonASCII = false
            case UInt8(ascii: ","):
                if !quoted { fields += 1 }
            case UInt8(ascii: "\""):
                quoted.toggle()
            case 0..<0x20, 0x7F:
                throw refuse("line \(line) holds the control byte 0x" + String(byte, radix: 16, uppercase: true)
                             + ", not CSV text: the log was damaged before the checkpoint")
            case 0x80...:
                nonASCII = true
            default:
                break
            }
        }
        if let content, line - 2 != content.rows {
            throw refuse("its first \(length) bytes hold \(max(0, line - 2)) complete rows, not the checkpoint's "
                         + "\(content.rows): a row was deleted or added before the checkpoint")
        }
        guard bytes.last == UInt8(ascii: "\n") else {
            throw refuse("byte \(length), where the checkpoint's last row ended, is not the end of a line: a row was "
                         + "cut, deleted or added before the checkpoint")
        }
        if let content {
            let crc = CRC32.checksum(of: bytes)
            guard crc == content.crc32 else {
                throw refuse("its first \(length) bytes are not those the checkpoint recorded (CRC-32 "
                             + Self.hex(crc) + ", recorded " + Self.hex(content.crc32)
                             + "): the log was changed before the checkpoint")
            }
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
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

    /// Writes one line with `write(2)`. On a failure (a full disk can take part of the line) the file is cut
    /// back to its complete rows, so it never ends in a partial row, and the error names the file.
    private func writeLine(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        let descriptor = handle.fileDescriptor
        do {
            try FaultInjection.beforeLogWrite(url)
            try FileWriteError.writeAll(bytes, to: descriptor)
        } catch {
            _ = ftruncate(descriptor, off_t(byteCount))
            _ = lseek(descriptor, off_t(byteCount), SEEK_SET)
            throw RunFolderError.cannotWrite(path: url.path, reason: "\(error)")
        }
        byteCount += bytes.count
        bytes.withUnsafeBytes { checksum.add($0) }
        lines += 1
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
