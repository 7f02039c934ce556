import DuetNumerics
import DuetRunFormat
import Foundation

/// Writes a run's checkpoints (`checkpoint: {every: N}`): every N environment steps of a peer, when the run is
/// asked to stop, and at its end. Before each write it forces the logs to the disk and records their lengths, rows and
/// checksums, and
/// it checks the learners' parameters: a non-finite one stops the run with an error naming the peer, the entry
/// and the step, and the last good checkpoint stays in place. After each write `status.json` records the step.
public final class Checkpointer: @unchecked Sendable {
    /// Environment steps of a peer between checkpoints; 0 writes only the final one (and one on a stop).
    public let every: Int
    /// What the checkpoints belong to.
    public let stamp: CheckpointStamp
    /// The run folder.
    public let folder: RunFolder
    /// Steps per peer at the last checkpoint written (of the first peer), 0 before the first.
    public private(set) var lastStep = 0
    /// Checkpoints written by this checkpointer.
    public private(set) var written = 0
    /// Wall-clock seconds spent writing them (for `timing.json`).
    public private(set) var seconds = 0.0

    /// A checkpointer for the run in `folder`.
    /// - Parameter resumedAt: the step of the checkpoint a resumed run continues from.
    public init(every: Int, stamp: CheckpointStamp, folder: RunFolder, resumedAt: Int = 0) {
        self.every = every
        self.stamp = stamp
        self.folder = folder
        lastStep = resumedAt
    }

    /// Writes a checkpoint of `peers` and the distil phase at `position`.
    func write(peers: [PeerRun], distillation: DistillationPhase?, position: TrainerPosition) throws {
        let start = monotonicNow()
        defer { seconds += monotonicNow() - start }
        var archive = ParameterArchive<Float>(source: folder.file(RunFormat.checkpointFile).path)
        var states: [PeerRunState] = []
        for peer in peers {
            states.append(peer.store(in: &archive))
            try checkFinite(archive, peer: peer)
        }
        try folder.synchronizeLogs()
        let record = CheckpointRecord(stamp: stamp, stepsTaken: peers.map(\.stepsTaken), position: position,
                                      peers: states, distillation: distillation?.state,
                                      logLengths: folder.logLengths, logContents: folder.logContents)
        try Checkpoint(record: record, archive: archive).write(into: folder)
        lastStep = peers[0].stepsTaken
        written += 1
        try folder.writeJSON(RunStatus(state: .running, checkpointStep: lastStep), to: RunFormat.statusFile)
    }

    /// Throws ``TrainingError/nonFinite(learner:step:quantity:lastCheckpoint:)`` if one of `peer`'s learner
    /// entries holds a NaN or an infinity.
    private func checkFinite(_ archive: ParameterArchive<Float>, peer: PeerRun) throws {
        let prefix = peer.name + ".learner."
        for name in archive.names where name.hasPrefix(prefix) {
            let isFinite: Bool
            switch archive[name] {
            case .tensor(let tensor)?: isFinite = tensor.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) }
            case .reals(let values)?: isFinite = values.allSatisfy(\.isFinite)
            default: isFinite = true
            }
            if !isFinite {
                throw TrainingError.nonFinite(learner: peer.name, step: peer.stepsTaken,
                                              quantity: "parameter '\(name.dropFirst(prefix.count))'",
                                              lastCheckpoint: lastStep)
            }
        }
    }
}

/// Thrown when a run was asked to stop (SIGINT, SIGTERM): the checkpoint was written, and `duet resume`
/// continues the run.
public struct TrainingStopped: Error, CustomStringConvertible {
    /// Environment steps taken by each peer.
    public var stepsTaken: [Int]
    /// Whether a checkpoint was written before stopping.
    public var checkpointWritten: Bool

    /// One line: each peer's step at the stop and, when a checkpoint was written, how to continue.
    public var description: String {
        "stopped at step \(stepsTaken.map(String.init).joined(separator: " / "))"
            + (checkpointWritten ? " after writing a checkpoint; continue with duet resume" : "")
    }
}
