import DuetNumerics
import DuetRunFormat
import Foundation

/// Everything needed to continue a run exactly: each peer's learner (networks and targets, optimiser moments,
/// observation statistics, noise processes), replay buffer or rollouts, environment states with their time
/// limits, every named random stream, episode and update counters and log accumulators; the distil phase's
/// cadence and intervals; the trainer's position in its schedule; and each log's length. The final checkpoint
/// of a run doubles as its trained model.
///
/// The file `checkpoint.duet`, version 1 (all integers little-endian):
///
/// | offset     | size | content                                                         |
/// |------------|------|-----------------------------------------------------------------|
/// | 0          | 8    | magic `DUETCKPT`                                                |
/// | 8          | 4    | format version, UInt32 (1)                                      |
/// | 12         | 8    | length J of the record, UInt64                                  |
/// | 20         | J    | the ``CheckpointRecord`` as JSON (UTF-8, sorted keys)           |
/// | 20 + J     | 8    | length A of the archive, UInt64                                 |
/// | 28 + J     | A    | the tensors, a ``ParameterArchive`` in its own format           |
/// | 28 + J + A | 4    | CRC-32 (IEEE) of every byte before it                           |
///
/// The record's `logContents` (each log's rows and CRC-32) was added within version 1 as an optional key:
/// checkpoints without it still read and resume.
///
/// It is written atomically: streamed to `checkpoint.duet.partial` as it is encoded, `fsync`ed, renamed over the
/// previous checkpoint (which stays complete until then), and the folder `fsync`ed.
public struct Checkpoint: Sendable {
    /// The plain-data part.
    public var record: CheckpointRecord
    /// The tensors, under `learner<i>.learner.*`, `learner<i>.environment.*` and `learner<i>.experience.*`.
    public var archive: ParameterArchive<Float>

    /// The format version this build writes and reads.
    public static let formatVersion: UInt32 = 1
    static let magic = Array("DUETCKPT".utf8)

    /// A checkpoint from its parts.
    public init(record: CheckpointRecord, archive: ParameterArchive<Float>) {
        self.record = record
        self.archive = archive
    }

    // MARK: Writing

    /// The checkpoint in the file format, built in memory: the bytes ``write(into:)`` streams to the file.
    public func encoded() throws -> [UInt8] {
        let json = try Array(Self.encoder.encode(record))
        let tensors = archive.encoded()
        var bytes = Self.magic
        bytes.reserveCapacity(32 + json.count + tensors.count)
        Self.append(Self.formatVersion, to: &bytes)
        Self.append(UInt64(json.count), to: &bytes)
        bytes += json
        Self.append(UInt64(tensors.count), to: &bytes)
        bytes += tensors
        Self.append(CRC32.checksum(of: bytes), to: &bytes)
        return bytes
    }

    /// Writes the checkpoint into `folder` atomically, replacing the previous one only once it is complete: the
    /// file is streamed to `checkpoint.duet.partial` as it is encoded (the archive straight from the tensors'
    /// memory, never the whole file in memory; each byte checksummed once), `fsync`ed, renamed over
    /// `checkpoint.duet`, and the folder `fsync`ed.
    /// - Throws: ``RunFolderError/cannotWrite(path:reason:)``, saying when the disk is full; the previous
    ///   checkpoint is then intact and the partial file removed.
    public func write(into folder: RunFolder) throws {
        let partial = folder.file(RunFormat.checkpointPartialFile)
        let destination = folder.file(RunFormat.checkpointFile)
        do {
            let ordinal = try FaultInjection.beforeCheckpointWrite()
            try stream(to: partial, killHalfway: FaultInjection.killsDuringCheckpoint(ordinal))
            guard rename(partial.path, destination.path) == 0 else { throw FileWriteError.current("rename") }
            try Self.synchronizeDirectory(folder.url)
        } catch {
            unlink(partial.path)
            throw RunFolderError.cannotWrite(path: destination.path, reason: "\(error)")
        }
    }

    /// Streams the file format to `url` and `fsync`s it; with `killHalfway` (a fault-injection test) the process
    /// is killed once half of the bytes are written.
    private func stream(to url: URL, killHalfway: Bool) throws {
        var head = Self.magic
        let json = try Array(Self.encoder.encode(record))
        Self.append(Self.formatVersion, to: &head)
        Self.append(UInt64(json.count), to: &head)
        head += json
        let archiveCount = archive.encodedByteCount
        Self.append(UInt64(archiveCount), to: &head)
        let total = head.count + archiveCount + 4
        let halfway = killHalfway ? total / 2 : Int.max
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileWriteError.current("open") }
        defer { close(descriptor) }
        var offset = 0
        func output(_ bytes: UnsafeRawBufferPointer) throws {
            if offset + bytes.count > halfway {
                try FileWriteError.writeAll(UnsafeRawBufferPointer(rebasing: bytes[..<(halfway - offset)]),
                                            to: descriptor)
                FaultInjection.killNow()
            }
            try FileWriteError.writeAll(bytes, to: descriptor)
            offset += bytes.count
        }
        var checksum = RunningCRC32()
        head.withUnsafeBytes { checksum.add($0) }
        try head.withUnsafeBytes { try output($0) }
        checksum.add(try archive.encode(to: { try output($0) }))
        var trailer: [UInt8] = []
        Self.append(checksum.value, to: &trailer)
        try trailer.withUnsafeBytes { try output($0) }
        guard offset == total else { throw FileWriteError(description: "wrote \(offset) bytes, not \(total)", code: 0) }
        guard fsync(descriptor) == 0 else { throw FileWriteError.current("fsync") }
    }

    // MARK: Reading

    /// Reads and checks the checkpoint at `url`: magic, version, length (truncation), checksum (corruption),
    /// then the record and the archive.
    /// - Throws: ``CheckpointError``, naming the file.
    public init(contentsOf url: URL) throws {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.unreadable(path: path)
        }
        try self.init(decoding: [UInt8](data), source: path)
    }

    /// Decodes the file format; `source` names it in errors.
    public init(decoding bytes: [UInt8], source: String) throws {
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else {
            throw CheckpointError.notACheckpoint(path: source)
        }
        let version = UInt32(Self.integer(bytes, at: 8, size: 4))
        guard version == Self.formatVersion else {
            throw CheckpointError.unsupportedVersion(path: source, found: version, supported: Self.formatVersion)
        }
        let jsonLength = Self.integer(bytes, at: 12, size: 8)
        guard jsonLength <= UInt64(bytes.count), bytes.count >= 28 + Int(jsonLength) else {
            throw CheckpointError.truncated(path: source)
        }
        let archiveStart = 28 + Int(jsonLength)
        let archiveLength = Self.integer(bytes, at: archiveStart - 8, size: 8)
        guard archiveLength <= UInt64(bytes.count), bytes.count >= archiveStart + Int(archiveLength) + 4 else {
            throw CheckpointError.truncated(path: source)
        }
        let end = archiveStart + Int(archiveLength)
        guard bytes.count == end + 4 else { throw CheckpointError.corrupted(path: source) }
        guard UInt32(Self.integer(bytes, at: end, size: 4)) == CRC32.checksum(of: bytes[0..<end]) else {
            throw CheckpointError.corrupted(path: source)
        }
        do {
            record = try Self.decoder.decode(CheckpointRecord.self, from: Data(bytes[20..<(archiveStart - 8)]))
        } catch {
            throw CheckpointError.malformed(path: source, reason: "its record does not decode (\(error))")
        }
        do {
            archive = try ParameterArchive<Float>(decoding: Array(bytes[archiveStart..<end]), source: source)
        } catch {
            throw CheckpointError.malformed(path: source, reason: "\(error)")
        }
    }

    // MARK: Bytes

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf",
                                                                      negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf",
                                                                        negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func integer(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    private static func synchronizeDirectory(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw FileWriteError.current("open") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileWriteError.current("fsync") }
    }
}

/// A checkpoint's plain data: what made it, where the trainer is, and each peer's counters and streams.
public struct CheckpointRecord: Sendable, Equatable, Codable {
    /// What the checkpoint belongs to.
    public var stamp: CheckpointStamp
    /// Environment steps taken by each peer.
    public var stepsTaken: [Int]
    /// Where the trainer is in its schedule.
    public var position: TrainerPosition
    /// Each peer's state besides its archive entries.
    public var peers: [PeerRunState]
    /// The distil phase's state, for runs with a distillation block.
    public var distillation: DistillationPhaseState?
    /// Each log's length in bytes, by path relative to the run folder; a resume cuts each log to it.
    public var logLengths: [String: Int]
    /// Each log's rows and CRC-32 up to its length in ``logLengths``, by the same paths: a resume refuses a log
    /// whose content before the checkpoint was changed. `nil` in checkpoints written before they were recorded,
    /// which still resume, their logs checked for length and complete rows only.
    public var logContents: [String: LogContent]? = nil
}

/// What a log held at a checkpoint, besides its length.
public struct LogContent: Sendable, Equatable, Codable {
    /// Rows after the header.
    public var rows: Int
    /// The CRC-32 of the log's bytes, header included, up to the checkpoint.
    public var crc32: UInt32

    /// A log's content record.
    public init(rows: Int, crc32: UInt32) {
        self.rows = rows
        self.crc32 = crc32
    }
}

/// What a checkpoint must match to be continued: Duet's version, the configuration and the seed.
public struct CheckpointStamp: Sendable, Equatable, Codable {
    /// Duet's version that wrote it.
    public var duetVersion: String
    /// A fingerprint of the resolved configuration (``ExperimentConfiguration/fingerprint``).
    public var configurationFingerprint: String
    /// The run's root seed.
    public var seed: UInt64
    /// The OpenBLAS kernels the run computed with (`openblas_get_corename`): other kernels round differently.
    public var blasKernels: String?

    /// Creates a stamp; `blasKernels` defaults to the kernels this process uses.
    public init(duetVersion: String, configurationFingerprint: String, seed: UInt64,
                blasKernels: String? = BLASRuntime.coreName) {
        self.duetVersion = duetVersion
        self.configurationFingerprint = configurationFingerprint
        self.seed = seed
        self.blasKernels = blasKernels
    }
}

/// Where the trainer is in its schedule. Under `alternate`, the peer whose turn it is and the steps left in
/// its turn; under `lockstep` every peer is at the same step, and the position is `(0, 0)`.
public struct TrainerPosition: Sendable, Equatable, Codable {
    /// The peer whose turn it is.
    public var peer: Int
    /// Steps left in that peer's turn.
    public var stepsLeftInTurn: Int

    /// Creates a position.
    public init(peer: Int, stepsLeftInTurn: Int) {
        self.peer = peer
        self.stepsLeftInTurn = stepsLeftInTurn
    }
}

/// Why a checkpoint cannot be read or continued; every description is one line naming the file.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file is missing or unreadable.
    case unreadable(path: String)
    /// The file does not start with `DUETCKPT`.
    case notACheckpoint(path: String)
    /// Another format version.
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    /// The file is shorter than its lengths say.
    case truncated(path: String)
    /// The checksum does not match.
    case corrupted(path: String)
    /// The content does not decode or does not fit the run.
    case malformed(path: String, reason: String)
    /// The checkpoint belongs to another configuration, version or seed.
    case mismatch(path: String, what: String, checkpoint: String, run: String)

    /// The one-line message, naming the checkpoint file and what is wrong with it.
    public var description: String {
        switch self {
        case let .unreadable(path): return "\(path): no checkpoint to resume from (missing or unreadable)"
        case let .notACheckpoint(path): return "\(path): not a Duet checkpoint (no DUETCKPT header)"
        case let .unsupportedVersion(path, found, supported):
            return "\(path): checkpoint format version \(found); this Duet reads version \(supported)"
        case let .truncated(path): return "\(path): the checkpoint is truncated"
        case let .corrupted(path): return "\(path): the checkpoint is corrupted (checksum mismatch)"
        case let .malformed(path, reason): return "\(path): the checkpoint is malformed: \(reason)"
        case let .mismatch(path, what, checkpoint, run):
            return "\(path): the checkpoint was written with \(what) \(checkpoint), not \(run)"
        }
    }
}
