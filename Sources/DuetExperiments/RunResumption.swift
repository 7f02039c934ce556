import DuetConfiguration
import DuetRunFormat
import Foundation

/// `duet resume RUN_DIR`: continues a run from its last complete checkpoint, so that the finished run's logs
/// are byte-identical to those of an uninterrupted run with the same configuration and seed.
///
/// The configuration and seed are the ones in the folder's `run.json`. The checkpoint must have been written by
/// this Duet version for that configuration and seed (each mismatch is refused, saying which). Each log must
/// still hold, up to the length the checkpoint recorded, what it held then (complete rows of the header's
/// fields, and the recorded number of rows and CRC-32), or the resume is refused naming the log and changing
/// nothing; then each log is cut back to that length, dropping rows written after it. A run killed before its
/// first checkpoint starts again from the beginning in the same folder; a finished run is left alone.
public struct RunResumption {
    /// The run folder.
    public var folder: URL
    /// Duet's version, which must match the checkpoint's.
    public var duetVersion: String

    /// A resumption of the run in `folder`.
    public init(folder: String, duetVersion: String) {
        self.folder = URL(fileURLWithPath: folder)
        self.duetVersion = duetVersion
    }

    /// What ``run(progress:stopRequested:)`` did.
    public enum Result {
        /// The run was already finished; nothing was changed.
        case alreadyFinished
        /// The run was continued (from `fromStep`, steps per peer of the first peer; 0 = from the start) and
        /// finished.
        case finished(TrainingSession.Outcome, fromStep: Int)
    }

    /// The run's record in `run.json`: its seed and resolved configuration.
    public func readRecord() throws -> (seed: UInt64, configuration: ExperimentConfiguration, bytes: Data) {
        let path = folder.appendingPathComponent(RunFormat.runRecordFile).path
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw RunFolderError.cannotResume(path: folder.path, reason: "no \(RunFormat.runRecordFile): not a run folder")
        }
        struct StoredRecord: Decodable {
            var seed: UInt64
            var configuration: ExperimentConfiguration
        }
        do {
            let record = try JSONDecoder().decode(StoredRecord.self, from: bytes)
            try record.configuration.validate(at: "configuration")
            return (record.seed, record.configuration, bytes)
        } catch let error as ConfigurationError {
            throw error.attributed(to: path)
        } catch {
            throw RunFolderError.cannotResume(path: path, reason: "not a readable run record (\(error))")
        }
    }

    /// The run's `status.json`, if it has one.
    public func readStatus() -> RunStatus? { RunStatus.read(inFolder: folder) }

    /// Continues the run.
    public func run(progress: ProgressLine? = nil,
                    stopRequested: @escaping @Sendable () -> Bool = { false }) throws -> Result {
        let (seed, configuration, recordBytes) = try readRecord()
        if readStatus()?.state == .finished { return .alreadyFinished }
        let stamp = CheckpointStamp(duetVersion: duetVersion, configurationFingerprint: configuration.fingerprint,
                                    seed: seed)
        let checkpointURL = folder.appendingPathComponent(RunFormat.checkpointFile)
        let partialURL = folder.appendingPathComponent(RunFormat.checkpointPartialFile)
        guard FileManager.default.fileExists(atPath: checkpointURL.path) else {
            try? FileManager.default.removeItem(at: partialURL)
            return try restart(configuration, seed: seed, stamp: stamp, recordBytes: recordBytes,
                               progress: progress, stopRequested: stopRequested)
        }
        let checkpoint = try Checkpoint(contentsOf: checkpointURL)
        try Self.check(checkpoint.record.stamp, against: stamp, path: checkpointURL.path)
        // Every log must still hold what the checkpoint recorded (length, complete rows, and for checkpoints that
        // record them, rows and checksum), checked before any is cut back, so that a refused resume changes
        // nothing.
        for (relative, length) in checkpoint.record.logLengths.sorted(by: { $0.key < $1.key }) {
            try CSVLog.checkResumable(folder.appendingPathComponent(relative), length: length,
                                      content: checkpoint.record.logContents?[relative])
        }
        if let contents = checkpoint.record.logContents {
            for relative in contents.keys.sorted() where checkpoint.record.logLengths[relative] == nil {
                throw CheckpointError.malformed(path: checkpointURL.path,
                                                reason: "it records the content of \(relative) but not its length")
            }
        }
        try? FileManager.default.removeItem(at: partialURL)
        let runFolder = RunFolder.reopen(at: folder, logLengths: checkpoint.record.logLengths)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(RunFormat.errorFile))
        let step = checkpoint.record.stepsTaken.first ?? 0
        try runFolder.writeJSON(RunStatus(state: .running, checkpointStep: step), to: RunFormat.statusFile)
        let checkpoints = Checkpointer(every: configuration.checkpoint.every, stamp: stamp, folder: runFolder,
                                       resumedAt: step)
        let outcome = try TrainingSession.train(configuration, seed: seed, folder: runFolder, checkpoints: checkpoints,
                                                resuming: checkpoint, progress: progress, stopRequested: stopRequested)
        return .finished(outcome, fromStep: step)
    }

    /// A run with no checkpoint yet: trains it again from the start in the same folder, emptied of what the run
    /// wrote (``RunFolder/restarting(at:)``: the user's own files stay), with the same `run.json`.
    private func restart(_ configuration: ExperimentConfiguration, seed: UInt64, stamp: CheckpointStamp,
                         recordBytes: Data, progress: ProgressLine?,
                         stopRequested: @escaping @Sendable () -> Bool) throws -> Result {
        let runFolder = try RunFolder.restarting(at: folder)
        do {
            try recordBytes.write(to: runFolder.file(RunFormat.runRecordFile), options: .atomic)
        } catch {
            throw RunFolderError.cannotWrite(path: runFolder.file(RunFormat.runRecordFile).path,
                                             reason: error.localizedDescription)
        }
        try runFolder.writeJSON(RunStatus(state: .running, checkpointStep: 0), to: RunFormat.statusFile)
        let checkpoints = Checkpointer(every: configuration.checkpoint.every, stamp: stamp, folder: runFolder)
        let outcome = try TrainingSession.train(configuration, seed: seed, folder: runFolder, checkpoints: checkpoints,
                                                resuming: nil, progress: progress, stopRequested: stopRequested)
        return .finished(outcome, fromStep: 0)
    }

    /// Refuses a checkpoint of another version, configuration or seed.
    static func check(_ found: CheckpointStamp, against expected: CheckpointStamp, path: String) throws {
        if found.duetVersion != expected.duetVersion {
            throw CheckpointError.mismatch(path: path, what: "Duet version", checkpoint: found.duetVersion,
                                           run: "this Duet, version \(expected.duetVersion)")
        }
        if let kernels = found.blasKernels, kernels != expected.blasKernels {
            throw CheckpointError.mismatch(
                path: path, what: "OpenBLAS kernels", checkpoint: kernels,
                run: "this process's \(expected.blasKernels ?? "unknown") (resume with the run's kernels: --portable "
                    + "for a portable run, or OPENBLAS_CORETYPE=\(kernels))")
        }
        if found.seed != expected.seed {
            throw CheckpointError.mismatch(path: path, what: "seed", checkpoint: String(found.seed),
                                           run: "seed \(expected.seed) in run.json")
        }
        if found.configurationFingerprint != expected.configurationFingerprint {
            throw CheckpointError.mismatch(path: path, what: "configuration fingerprint",
                                           checkpoint: found.configurationFingerprint,
                                           run: "\(expected.configurationFingerprint) (run.json's configuration was changed)")
        }
    }
}
