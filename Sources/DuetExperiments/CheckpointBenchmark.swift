import DuetEnvironments
import DuetRandom
import DuetRunFormat
import Foundation

/// Times a real checkpoint of an experiment's peers: each peer collects `transitions` environment steps with
/// uniformly random actions (no learning, so the replay buffer holds exactly that many transitions), then the
/// whole state is checkpointed `rounds` times and read back, in a temporary folder that is removed afterwards.
public enum CheckpointBenchmark {
    /// What one benchmark measured.
    public struct Measurement: Sendable {
        /// The checkpoint file's size in bytes.
        public var bytes: Int
        /// Median seconds to write a checkpoint (state, encoding, `fsync`, rename).
        public var writeSeconds: Double
        /// Median seconds to read and check it (decoding and checksum).
        public var readSeconds: Double
    }

    /// Measures `configuration`'s checkpoint after `transitions` steps per peer.
    public static func run(_ configuration: ExperimentConfiguration, transitions: Int,
                           rounds: Int) throws -> Measurement {
        var collecting = configuration
        collecting.steps = transitions
        collecting.training.learningStarts = transitions + 1
        collecting.training.bufferSize = max(collecting.training.bufferSize, transitions)
        collecting.evaluation.every = transitions + 1
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("duet-checkpoint-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: url) }
        let folder = try RunFolder.create(at: url, overwrite: true)
        let registration = try EnvironmentRegistry.registration(collecting.env)
        let root = RandomStream(seed: 0)
        let peers = try collecting.resolvedPeers.enumerated().map { index, peer in
            try PeerRun(index: index, environment: registration, configuration: peer.learner, training: peer.training,
                        evaluation: collecting.evaluation, root: root, folder: folder, totalSteps: transitions,
                        historyCapacity: collecting.distillation?.window ?? Trainer.onPolicyHistoryDefault)
        }
        for peer in peers { for _ in 0..<transitions { try peer.collectStep() } }
        let checkpointer = Checkpointer(
            every: 0, stamp: CheckpointStamp(duetVersion: "bench", configurationFingerprint: "", seed: 0),
            folder: folder)
        var writes: [Double] = []
        var reads: [Double] = []
        for _ in 0..<rounds {
            let start = monotonicNow()
            try checkpointer.write(peers: peers, distillation: nil, position: TrainerPosition(peer: 0, stepsLeftInTurn: 0))
            writes.append(monotonicNow() - start)
            let readStart = monotonicNow()
            _ = try Checkpoint(contentsOf: folder.file(RunFormat.checkpointFile))
            reads.append(monotonicNow() - readStart)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: folder.file(RunFormat.checkpointFile).path)[.size]
                    as? Int) ?? 0
        return Measurement(bytes: size, writeSeconds: writes.sorted()[rounds / 2],
                           readSeconds: reads.sorted()[rounds / 2])
    }
}
