import DuetNumerics
import DuetRunFormat
import Foundation

/// Why a run folder could not be created or written.
public enum RunFolderError: Error, Equatable, CustomStringConvertible {
    /// The folder exists and overwriting was not asked for.
    case alreadyExists(path: String)
    /// A file or folder could not be written.
    case cannotWrite(path: String, reason: String)
    /// A run folder cannot be continued from its checkpoint.
    case cannotResume(path: String, reason: String)

    /// The one-line message, naming the folder and what went wrong or what to do.
    public var description: String {
        switch self {
        case let .alreadyExists(path):
            return "\(path): the run folder already exists; choose another --out or pass --overwrite to replace it"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .cannotResume(path, reason):
            return "\(path): cannot resume: \(reason)"
        }
    }
}

/// The folder a run writes its logs into, or a folder inside it (a peer's `learner<i>/`).
///
/// A run folder is created only after its configuration has been fully read and validated, so bad input never
/// leaves a half-written run behind. An existing folder is never touched unless the caller asks to overwrite it;
/// then the old folder is moved aside first and removed only once the new one exists.
///
/// A folder *reopened* for a resume (``reopen(at:logLengths:)``) opens each log where the checkpoint left it
/// instead of creating it. Either way the folder keeps a list of the logs it opened (shared by its subfolders),
/// so a checkpoint can record every log's length.
public struct RunFolder: Sendable {
    /// The folder's location.
    public let url: URL
    /// The run's top folder; logs are named relative to it in checkpoints.
    public let root: URL
    private let logs: LogRegistry

    private init(url: URL, root: URL, logs: LogRegistry) {
        self.url = url
        self.root = root
        self.logs = logs
    }

    /// Creates the folder at `url` (and its parents).
    /// - Parameter overwrite: replace an existing folder at `url`; otherwise an existing folder is an error.
    public static func create(at url: URL, overwrite: Bool = false) throws -> RunFolder {
        let manager = FileManager.default
        let folder = RunFolder(url: url, root: url, logs: LogRegistry(resumeLengths: nil))
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
            return folder
        }
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
        return folder
    }

    /// The existing run folder at `url` emptied of what a run writes, to train it again from the start (`duet
    /// resume` of a run killed before its first checkpoint): the distillation log, the timing, error, status and
    /// checkpoint files, and in each `learner<k>/` its logs and policy files (the folder too once empty).
    /// `run.json` and anything else the user keeps there (notes, analyses, `duet evaluate`'s CSVs) stay.
    public static func restarting(at url: URL) throws -> RunFolder {
        let manager = FileManager.default
        let ownFiles: Set<String> = [RunFormat.distillationFile, RunFormat.timingFile, RunFormat.errorFile,
                                     RunFormat.statusFile, RunFormat.checkpointFile, RunFormat.checkpointPartialFile]
        let learnerFiles: Set<String> = [RunFormat.episodesFile, RunFormat.evaluationsFile, RunFormat.updatesFile,
                                         PolicyFile.finalFile, PolicyFile.bestFile]
        do {
            for name in try manager.contentsOfDirectory(atPath: url.path) {
                let entry = url.appendingPathComponent(name)
                if ownFiles.contains(name) {
                    try manager.removeItem(at: entry)
                } else if name.hasPrefix("learner"), Int(name.dropFirst("learner".count)) != nil {
                    for file in try manager.contentsOfDirectory(atPath: entry.path) where learnerFiles.contains(file) {
                        try manager.removeItem(at: entry.appendingPathComponent(file))
                    }
                    if try manager.contentsOfDirectory(atPath: entry.path).isEmpty { try manager.removeItem(at: entry) }
                }
            }
        } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
        return RunFolder(url: url, root: url, logs: LogRegistry(resumeLengths: nil))
    }

    /// The existing run folder at `url`, for continuing a run: each log it opens is cut to its length in
    /// `logLengths` (paths relative to `url`, as ``logLengths`` gave them) and continued from there.
    public static func reopen(at url: URL, logLengths: [String: Int]) -> RunFolder {
        RunFolder(url: url, root: url, logs: LogRegistry(resumeLengths: logLengths))
    }

    /// The folder `name` inside this one, created unless it exists (when resuming, required to exist).
    public func subfolder(_ name: String) throws -> RunFolder {
        let child = url.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        if logs.isResuming {
            guard FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw RunFolderError.cannotResume(path: child.path, reason: "the folder is missing") }
        } else if !(FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory)
                        && isDirectory.boolValue) {  // a restarted run keeps a learner folder holding user files
            do {
                try FileManager.default.createDirectory(at: child, withIntermediateDirectories: false)
            } catch {
                throw RunFolderError.cannotWrite(path: child.path, reason: error.localizedDescription)
            }
        }
        return RunFolder(url: child, root: root, logs: logs)
    }

    /// The location of `name` inside the folder.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `value` as pretty-printed JSON with sorted keys (stable bytes) to `name`, atomically: into a
    /// temporary file beside it, renamed into place (on a failure, a full disk say, the temporary file is
    /// removed and the previous file stays).
    /// - Throws: ``RunFolderError/cannotWrite(path:reason:)``, saying when the disk is full.
    public func writeJSON<Value: Encodable>(_ value: Value, to name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let destination = file(name)
        let temporary = file(".\(name).partial-\(getpid())")
        do {
            let bytes = Array(try encoder.encode(value) + Data("\n".utf8))
            let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileWriteError.current("open") }
            defer { close(descriptor) }
            try FileWriteError.writeAll(bytes, to: descriptor)
            guard rename(temporary.path, destination.path) == 0 else { throw FileWriteError.current("rename") }
        } catch {
            unlink(temporary.path)
            throw RunFolderError.cannotWrite(path: destination.path, reason: "\(error)")
        }
    }

    /// Opens the CSV log `name` in the folder with the given columns: a new file, or, when resuming, the
    /// existing one cut to its checkpointed length.
    public func log(_ name: String, columns: [String]) throws -> CSVLog {
        let relative = relativePath(of: file(name))
        let log: CSVLog
        if let lengths = logs.resumeLengths {
            guard let length = lengths[relative] else {
                throw RunFolderError.cannotResume(path: file(name).path, reason: "the checkpoint records no such log")
            }
            log = try CSVLog(resuming: file(name), columns: columns, length: length)
        } else {
            log = try CSVLog(url: file(name), columns: columns)
        }
        logs.add(log, as: relative)
        return log
    }

    /// Every log opened through this folder or its subfolders, by path relative to ``root``, with its length.
    public var logLengths: [String: Int] { logs.lengths }

    /// Every log opened through this folder or its subfolders, by path relative to ``root``, with its rows and
    /// the CRC-32 of what it holds.
    public var logContents: [String: LogContent] { logs.contents }

    /// Forces every opened log to the disk.
    public func synchronizeLogs() throws { try logs.synchronize() }

    private func relativePath(of file: URL) -> String {
        let base = root.standardizedFileURL.path
        let path = file.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }
}

/// The logs a run folder opened, shared by the folder and its subfolders.
private final class LogRegistry: @unchecked Sendable {
    /// For a resumed run, the checkpoint's log lengths.
    let resumeLengths: [String: Int]?
    private var logs: [(path: String, log: CSVLog)] = []
    private let lock = NSLock()

    init(resumeLengths: [String: Int]?) { self.resumeLengths = resumeLengths }

    var isResuming: Bool { resumeLengths != nil }

    func add(_ log: CSVLog, as path: String) {
        lock.withLock { logs.append((path, log)) }
    }

    var lengths: [String: Int] {
        lock.withLock { Dictionary(uniqueKeysWithValues: logs.map { ($0.path, $0.log.byteCount) }) }
    }

    var contents: [String: LogContent] {
        lock.withLock {
            Dictionary(uniqueKeysWithValues: logs.map { ($0.path, LogContent(rows: $0.log.rows,
                                                                              crc32: $0.log.checksum.value)) })
        }
    }

    func synchronize() throws {
        for entry in lock.withLock({ logs }) { try entry.log.synchronize() }
    }
}
