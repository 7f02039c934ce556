import DuetEnvironments
import DuetExperiments
import DuetNumerics
import DuetRunFormat
import Foundation
import XCTest

/// Checkpoints in process: a run stopped at a step and resumed from its checkpoint ends byte-identical to the
/// uninterrupted run on every registered environment; the checkpoint file round-trips and its reader survives
/// truncation, corruption and random bytes; a checkpoint of another version is refused; a diverged learner
/// stops the run at the checkpoint with an error naming the quantity.
final class CheckpointTests: TrainerTestCase {
    private static let tiny = """
        env: Pendulum-v1
        steps: 300
        evaluation: {every: 150, episodes: 1}
        training: {bufferSize: 1000, learningStarts: 100, updateLogInterval: 50}
        learner: {algorithm: td3, hidden: [8], batchSize: 8, noise: {kind: gaussian, scale: 0.1}}
        checkpoint: {every: 0}
        """

    /// Answers `true` from the `count`-th question on.
    private final class StopAfter: @unchecked Sendable {
        private var asked = 0
        private let count: Int
        private let lock = NSLock()
        init(_ count: Int) { self.count = count }
        func callAsFunction() -> Bool { lock.withLock { asked += 1; return asked >= count } }
    }

    private func stamp(_ configuration: ExperimentConfiguration, seed: UInt64) -> CheckpointStamp {
        CheckpointStamp(duetVersion: "test", configurationFingerprint: configuration.fingerprint, seed: seed)
    }

    /// Trains uninterrupted, then stopped after `stopAt` steps and resumed; returns both folders.
    private func stopAndResume(_ configuration: ExperimentConfiguration, stopAt: Int, name: String,
                               seed: UInt64 = 3) throws -> (full: URL, resumed: URL) {
        let full = try RunFolder.create(at: scratch.appendingPathComponent(name + "-full"))
        _ = try Trainer.run(configuration, seed: seed, folder: full,
                            checkpoints: Checkpointer(every: configuration.checkpoint.every,
                                                      stamp: stamp(configuration, seed: seed), folder: full))
        let url = scratch.appendingPathComponent(name + "-cut")
        let cut = try RunFolder.create(at: url)
        let stop = StopAfter(stopAt)
        XCTAssertThrowsError(try Trainer.run(configuration, seed: seed, folder: cut,
                                             checkpoints: Checkpointer(every: configuration.checkpoint.every,
                                                                       stamp: stamp(configuration, seed: seed),
                                                                       folder: cut),
                                             stopRequested: { stop() })) { error in
            XCTAssert(error is TrainingStopped, "\(error)")
        }
        let checkpoint = try Checkpoint(contentsOf: url.appendingPathComponent(RunFormat.checkpointFile))
        let reopened = RunFolder.reopen(at: url, logLengths: checkpoint.record.logLengths)
        _ = try Trainer.run(configuration, seed: seed, folder: reopened,
                            checkpoints: Checkpointer(every: configuration.checkpoint.every,
                                                      stamp: stamp(configuration, seed: seed), folder: reopened),
                            resuming: checkpoint)
        return (full.url, url)
    }

    private func assertSameLogs(_ left: URL, _ right: URL, _ context: String,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: left.path).filter { $0.hasSuffix(".csv") }
        XCTAssertFalse(files.isEmpty, file: file, line: line)
        for relative in files.sorted() {
            XCTAssertEqual(try contents(left, relative), try contents(right, relative), "\(context): \(relative)",
                           file: file, line: line)
        }
        XCTAssertEqual(FileManager.default.contents(atPath: left.appendingPathComponent("checkpoint.duet").path),
                       FileManager.default.contents(atPath: right.appendingPathComponent("checkpoint.duet").path),
                       "\(context): final checkpoint", file: file, line: line)
    }

    /// Every environment's physical state, time limit and observation survive the checkpoint: stopping in the
    /// middle of an episode and resuming changes no byte of any log.
    func testEveryEnvironmentResumesExactlyFromTheMiddleOfAnEpisode() throws {
        for id in EnvironmentRegistry.identifiers {
            let runs = try stopAndResume(configuration(Self.tiny, ["env=\(id)"]), stopAt: 173, name: id)
            try assertSameLogs(runs.full, runs.resumed, id)
        }
    }

    /// A PPO pair stopped in the middle of a round of its environment copies and of a rollout.
    func testAPPOPairResumesExactlyFromTheMiddleOfARound() throws {
        let yaml = """
            env: Pendulum-v1
            steps: 400
            evaluation: {every: 200, episodes: 1}
            training: {updateLogInterval: 64}
            learner: {algorithm: ppo, hidden: [8], envs: 3, rolloutSteps: 32, batchSize: 24, epochs: 2,
                      observationNormalization: true, rewardNormalization: true}
            distillation: {batchSize: 8, alternationSteps: 100, window: 50}
            checkpoint: {every: 0}
            """
        let runs = try stopAndResume(configuration(yaml), stopAt: 251, name: "ppo")
        try assertSameLogs(runs.full, runs.resumed, "ppo")
    }

    // MARK: The file

    private func smallCheckpoint() throws -> (bytes: [UInt8], checkpoint: Checkpoint) {
        let configuration = try configuration(Self.tiny, ["steps=150"])
        let folder = try RunFolder.create(at: scratch.appendingPathComponent("small"))
        _ = try Trainer.run(configuration, seed: 1, folder: folder,
                            checkpoints: Checkpointer(every: 0, stamp: stamp(configuration, seed: 1), folder: folder))
        let url = folder.file(RunFormat.checkpointFile)
        return ([UInt8](try Data(contentsOf: url)), try Checkpoint(contentsOf: url))
    }

    func testTheFileRoundTrips() throws {
        let (bytes, checkpoint) = try smallCheckpoint()
        XCTAssertEqual(try checkpoint.encoded(), bytes)
        let decoded = try Checkpoint(decoding: bytes, source: "copy")
        XCTAssertEqual(decoded.record, checkpoint.record)
        XCTAssertEqual(decoded.archive.names, checkpoint.archive.names)
        XCTAssertEqual(decoded.record.stepsTaken, [150])
        XCTAssertEqual(decoded.record.logLengths.keys.sorted(),
                       ["learner0/episodes.csv", "learner0/evaluations.csv", "learner0/updates.csv"])
        // Each log's rows and CRC-32 up to its recorded length are those of the file.
        XCTAssertEqual(decoded.record.logContents?.keys.sorted(), decoded.record.logLengths.keys.sorted())
        for (relative, length) in decoded.record.logLengths {
            let log = [UInt8](try Data(contentsOf: scratch.appendingPathComponent("small/" + relative))).prefix(length)
            XCTAssertEqual(decoded.record.logContents?[relative],
                           LogContent(rows: log.filter { $0 == UInt8(ascii: "\n") }.count - 1,
                                      crc32: CRC32Reference.checksum(log)), relative)
        }
    }

    /// The file is streamed as it is encoded (large tensors straight from their memory) and is byte for byte
    /// the in-memory encoding, whose CRC-32 is computed over the whole file at once; the partial file is gone.
    func testTheStreamedFileIsTheInMemoryEncoding() throws {
        let (_, small) = try smallCheckpoint()
        var archive = small.archive
        archive.store(Matrix<Float>(rows: 1000, columns: 33) { row, column in Float(row * 33 + column) / 7 },
                      as: "learner0.experience.large")
        archive.store((0..<50_000).map { Double($0) / 3 }, as: "learner0.experience.reals")
        let checkpoint = Checkpoint(record: small.record, archive: archive)
        let folder = try RunFolder.create(at: scratch.appendingPathComponent("streamed"))
        try checkpoint.write(into: folder)
        let bytes = [UInt8](try Data(contentsOf: folder.file(RunFormat.checkpointFile)))
        XCTAssertEqual(bytes, try checkpoint.encoded())
        XCTAssertEqual(CRC32Reference.checksum(bytes.dropLast(4)[...]),
                       bytes.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        XCTAssertEqual(try Checkpoint(contentsOf: folder.file(RunFormat.checkpointFile)).archive, archive)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file(RunFormat.checkpointPartialFile).path))
    }

    /// Bounded fuzzing of the reader: every truncation, random byte flips, random bytes, and mutations whose
    /// checksum is recomputed (so the record and archive decoders see them) each throw a `CheckpointError`
    /// or decode; none crashes or hangs.
    func testTheReaderSurvivesTruncationCorruptionAndRandomBytes() throws {
        let (bytes, _) = try smallCheckpoint()
        var generator = SystemRandomNumberGenerator()
        func rejects(_ candidate: [UInt8], _ what: String) {
            XCTAssertThrowsError(try Checkpoint(decoding: candidate, source: "fuzz"), what) { error in
                XCTAssert(error is CheckpointError, "\(what): \(error)")
            }
        }
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            rejects(Array(bytes.prefix(length)), "truncated to \(length)")
        }
        for _ in 0..<300 {
            var flipped = bytes
            flipped[Int.random(in: 8..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            rejects(flipped, "a flipped byte")
        }
        for _ in 0..<200 {
            rejects((0..<Int.random(in: 0..<4096, using: &generator)).map { _ in UInt8.random(in: 0...255) },
                    "random bytes")
        }
        for _ in 0..<300 {
            var mutated = bytes
            let end = bytes.count - 4
            mutated[Int.random(in: 20..<end, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            let checksum = CRC32Reference.checksum(mutated[0..<end])
            for byte in 0..<4 { mutated[end + byte] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(byte))) }
            do { _ = try Checkpoint(decoding: mutated, source: "fuzz") } catch {
                XCTAssert(error is CheckpointError, "\(error)")
            }
        }
    }

    func testAnotherDuetVersionIsRefused() throws {
        let url = scratch.appendingPathComponent("versioned")
        let yaml = scratch.appendingPathComponent("tiny.yaml")
        try Self.tiny.write(to: yaml, atomically: true, encoding: .utf8)
        let stop = StopAfter(120)
        let session = TrainingSession(configurationPath: yaml.path, output: url.path, duetVersion: "0.1.0")
        XCTAssertThrowsError(try session.run(stopRequested: { stop() }))
        let status = try JSONDecoder().decode(RunStatus.self, from: Data(contentsOf: url.appendingPathComponent("status.json")))
        XCTAssertEqual(status, RunStatus(state: .stopped, checkpointStep: 120))
        XCTAssertThrowsError(try RunResumption(folder: url.path, duetVersion: "9.9.9").run()) { error in
            XCTAssertEqual("\(error)", url.appendingPathComponent("checkpoint.duet").path
                + ": the checkpoint was written with Duet version 0.1.0, not this Duet, version 9.9.9")
        }
        guard case .finished(_, let step) = try RunResumption(folder: url.path, duetVersion: "0.1.0").run() else {
            return XCTFail("the run did not resume")
        }
        XCTAssertEqual(step, 120)
    }

    /// A checkpoint written before checkpoints recorded each log's rows and CRC-32 (`logContents` absent) still
    /// resumes, to the uninterrupted run's bytes; its logs are checked for length and complete rows only.
    func testACheckpointWithoutLogContentsStillResumes() throws {
        let yaml = scratch.appendingPathComponent("tiny.yaml")
        try Self.tiny.write(to: yaml, atomically: true, encoding: .utf8)
        let full = scratch.appendingPathComponent("contents-full")
        _ = try TrainingSession(configurationPath: yaml.path, output: full.path, duetVersion: "0.1.0").run()
        let url = scratch.appendingPathComponent("contents-cut")
        let stop = StopAfter(170)
        XCTAssertThrowsError(try TrainingSession(configurationPath: yaml.path, output: url.path, duetVersion: "0.1.0")
            .run(stopRequested: { stop() }))
        let file = url.appendingPathComponent(RunFormat.checkpointFile)
        var checkpoint = try Checkpoint(contentsOf: file)
        XCTAssertNotNil(checkpoint.record.logContents)
        checkpoint.record.logContents = nil
        try checkpoint.write(into: RunFolder.reopen(at: url, logLengths: [:]))
        XCTAssertFalse(String(decoding: try Data(contentsOf: file), as: UTF8.self).contains("logContents"))
        guard case .finished(_, let step) = try RunResumption(folder: url.path, duetVersion: "0.1.0").run() else {
            return XCTFail("the run did not resume")
        }
        XCTAssertEqual(step, 170)
        try assertSameLogs(full, url, "resumed from a checkpoint without log contents")
    }

    /// A learner whose parameters diverged stops the run at its first non-finite action, naming the peer, the
    /// quantity and the step, and the last good checkpoint stays.
    func testADivergedLearnerStopsAtTheCheckpointAndKeepsTheLastGoodOne() throws {
        let configuration = try configuration(Self.tiny, ["checkpoint.every=50", "learner.actorLearningRate=1e30", "learner.criticLearningRate=1e30"])
        let folder = try RunFolder.create(at: scratch.appendingPathComponent("diverged"))
        XCTAssertThrowsError(try Trainer.run(configuration, seed: 3, folder: folder,
                                             checkpoints: Checkpointer(every: 50, stamp: stamp(configuration, seed: 3),
                                                                       folder: folder))) { error in
            let text = "\(error)"
            XCTAssert(text.hasPrefix("learner0 at environment step 1"), text)
            XCTAssert(text.contains("exploration action [") && text.contains("nan"), text)
            XCTAssert(text.hasSuffix("is not finite; the last good checkpoint, at step 100, is kept"), text)
        }
        let kept = try Checkpoint(contentsOf: folder.file(RunFormat.checkpointFile))
        XCTAssertGreaterThanOrEqual(kept.record.stepsTaken[0], 50)
    }
}

/// CRC-32 (IEEE), written out here so the fuzz test does not depend on the implementation it checks.
enum CRC32Reference {
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
