import Foundation

/// What can go wrong in the numeric core at run time: reading and writing parameter archives.
///
/// Shape bugs in the arithmetic are programming errors and stop the program by `precondition` instead. Every
/// case names its source (a file path, or `<memory>`), so a one-line ``description`` tells the user which file
/// and which tensor is at fault.
public enum NumericsError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file could not be written.
    case unwritableFile(path: String, reason: String)
    /// The archive ends before its declared length (an interrupted write, a partial copy).
    case truncatedArchive(source: String, expectedBytes: Int, actualBytes: Int)
    /// The data does not start with the `DUET` magic bytes: not a Duet parameter archive.
    case notAnArchive(source: String, leadingBytes: [UInt8])
    /// The archive was written in a format version this build cannot read.
    case unsupportedArchiveVersion(source: String, version: UInt32, supported: UInt32)
    /// The stored CRC-32 does not match the data: the archive is corrupt.
    case checksumMismatch(source: String, stored: UInt32, computed: UInt32)
    /// The archive holds a different scalar type (e.g. Float64 data read as Float32).
    case scalarTypeMismatch(source: String, stored: String, expected: String)
    /// The archive's structure is inconsistent although its checksum matches (a writer bug).
    case malformedArchive(source: String, reason: String)
    /// No entry has this name.
    case missingEntry(source: String, name: String)
    /// The entry exists but is a tensor where an integer was expected, or the reverse.
    case entryKindMismatch(source: String, name: String, expected: String)
    /// The stored tensor's shape differs from the shape of the tensor it is loaded into.
    case shapeMismatch(source: String, name: String, stored: MatrixShape, expected: MatrixShape)

    /// One line naming the source, the entry when there is one, and what was wrong.
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read the file: \(reason)"
        case let .unwritableFile(path, reason):
            return "\(path): cannot write the file: \(reason)"
        case let .truncatedArchive(source, expected, actual):
            return "\(source): truncated parameter archive: \(actual) bytes, expected \(expected)"
        case let .notAnArchive(source, leading):
            let shown = leading.map { String($0, radix: 16) }.joined(separator: " ")
            return "\(source): not a Duet parameter archive (starts with bytes [\(shown)], not \"DUET\")"
        case let .unsupportedArchiveVersion(source, version, supported):
            return "\(source): parameter archive format version \(version) is not supported (this build reads "
                + "versions 1 to \(supported))"
        case let .checksumMismatch(source, stored, computed):
            return "\(source): corrupt parameter archive: CRC-32 is \(hex(computed)), the file records \(hex(stored))"
        case let .scalarTypeMismatch(source, stored, expected):
            return "\(source): parameter archive holds \(stored) values, expected \(expected)"
        case let .malformedArchive(source, reason):
            return "\(source): malformed parameter archive: \(reason)"
        case let .missingEntry(source, name):
            return "\(source): parameter archive has no entry '\(name)'"
        case let .entryKindMismatch(source, name, expected):
            return "\(source): entry '\(name)' is not \(expected)"
        case let .shapeMismatch(source, name, stored, expected):
            return "\(source): tensor '\(name)' is \(stored) in the archive, expected \(expected)"
        }
    }

    /// The same as ``description``, for `localizedDescription`.
    public var errorDescription: String? { description }
}

/// `0x1234abcd`.
private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
