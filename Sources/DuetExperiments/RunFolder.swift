import Foundation

/// Why a run folder could not be created or written.
public enum RunFolderError: Error, Equatable, CustomStringConvertible {
    /// The folder exists and overwriting was not asked for.
    case alreadyExists(path: String)
    /// A file or folder could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .alreadyExists(path):
            return "\(path): the run folder already exists; choose another --out or pass --overwrite to replace it"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}

/// The folder a run writes its logs into.
///
/// A run folder is created only after its configuration has been fully read and validated, so bad input never
/// leaves a half-written run behind. An existing folder is never touched unless the caller asks to overwrite it;
/// then the old folder is moved aside first and removed only once the new one exists.
public struct RunFolder: Sendable {
    /// The folder's location.
    public let url: URL

    /// Creates the folder at `url` (and its parents).
    /// - Parameter overwrite: replace an existing folder at `url`; otherwise an existing folder is an error.
    public static func create(at url: URL, overwrite: Bool = false) throws -> RunFolder {
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path) {
            guard overwrite else { throw RunFolderError.alreadyExists(path: url.path) }
            let aside = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).replaced-\(ProcessInfo.processInfo.processIdentifier)")
            do {
                try manager.moveItem(at: url, to: aside)
                try manager.createDirectory(at: url, withIntermediateDirectories: true)
                try manager.removeItem(at: aside)
            } catch {
                throw RunFolderError.cannotWrite(path: url.path, reason: error.localizedDescription)
            }
            return RunFolder(url: url)
        }
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
        return RunFolder(url: url)
    }

    /// The location of `name` inside the folder.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `value` as pretty-printed JSON with sorted keys (stable bytes) to `name`.
    public func writeJSON<Value: Encodable>(_ value: Value, to name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try (encoder.encode(value) + Data("\n".utf8)).write(to: file(name), options: .atomic)
        } catch {
            throw RunFolderError.cannotWrite(path: file(name).path, reason: error.localizedDescription)
        }
    }

    /// Opens a new CSV log `name` in the folder with the given columns.
    public func log(_ name: String, columns: [String]) throws -> CSVLog {
        try CSVLog(url: file(name), columns: columns)
    }
}
