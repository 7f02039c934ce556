import DuetConfiguration
import DuetExperiments
import DuetRandom
import DuetRunFormat
import Foundation
import XCTest

/// The dual trainer's distillation schedule end to end: the reference's order (one step after each update,
/// before its target step), the peer's states, the cadence, the window, the block's settings reaching the
/// learners, the same diagnostic estimator in both arms, the same environment seed, and pairs of every
/// off-policy algorithm.
final class DistillationTrainerTests: TrainerTestCase {
    /// Learning starts at step 100, half-way through learner 0's first 200-step turn, so learner 0 learns
    /// without a peer to distil from until learner 1 has collected states.
    private static let pair = """
        env: Pendulum-v1
        steps: 600
        evaluation: {every: 200, episodes: 2}
        training: {bufferSize: 10000, learningStarts: 100, updateLogInterval: 100}
        learner: {algorithm: td3, hidden: [16, 16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}
        distillation: {alpha: 1.0, batchSize: 16, alternationSteps: 200}
        """

    private func pair(_ overrides: [String] = []) throws -> ExperimentConfiguration {
        try configuration(Self.pair, overrides)
    }

    /// `distillation.csv` as rows keyed by column name.
    private func distillationRows(_ run: URL) throws -> [[String: String]] {
        let lines = try contents(run, "distillation.csv").split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false)
                .map(String.init)))
        }
    }

    /// The events of one run of `configuration`, and the run folder.
    private func trainRecordingEvents(_ configuration: ExperimentConfiguration, name: String) throws
        -> [TrainerEvent] {
        var events: [TrainerEvent] = []
        let folder = try RunFolder.create(at: scratch.appendingPathComponent(name))
        _ = try Trainer.run(configuration, seed: 3, folder: folder, events: { events.append($0) })
        return events
    }

    private func peer(of event: TrainerEvent) -> Int {
        switch event {
        case let .update(peer), let .distillation(peer), let .updateFinished(peer): peer
        }
    }

    /// The flagship preset's shape (updates in blocks: here 5 every 10 steps): each update is followed by one
    /// distillation step and then its target step, as the reference interleaves them, never all updates first.
    func testOneDistillationStepAfterEachUpdateBeforeItsTargetStep() throws {
        let events = try trainRecordingEvents(pair(["training.trainFrequency=10", "training.gradientSteps=5"]),
                                              name: "order")
        for index in 0..<2 {
            let mine = events.filter { peer(of: $0) == index }
            XCTAssertFalse(mine.isEmpty)
            var position = 0
            var distilled = 0
            while position < mine.count {
                XCTAssertEqual(mine[position], .update(peer: index), "event \(position) of learner \(index)")
                if mine[position + 1] == .distillation(peer: index) {
                    distilled += 1
                    position += 1
                }
                XCTAssertEqual(mine[position + 1], .updateFinished(peer: index))
                position += 2
            }
            let updates = mine.filter { $0 == .update(peer: index) }.count
            // 500 learning steps of each learner, 5 updates every 10 steps.
            XCTAssertEqual(updates, 250)
            // Learner 1 always has learner 0's states; learner 0 distils from its second turn on (steps 200–600).
            XCTAssertEqual(distilled, index == 1 ? 250 : 200, "learner \(index)")
        }
    }

    /// Learner 0's first turn has no peer states (learner 1 has not stepped), so it learns without distilling and
    /// logs no distillation row; it would distil there if the trainer handed it its own buffer. Learner 1 distils
    /// from its first update on. So learner 0's first turn is the same in both arms.
    func testNoDistillationInLearner0sFirstTurnAndEachDistilsFromItsPeer() throws {
        let on = try train(pair(), name: "on")
        let off = try train(pair(["distillation.enabled=false"]), name: "off")
        let rows = try distillationRows(on)
        XCTAssertFalse(rows.contains { $0["learner"] == "0" && Int($0["step"]!)! <= 200 })
        let learner1 = rows.filter { $0["learner"] == "1" }
        XCTAssertEqual(learner1.prefix(2).map { $0["step"]! }, ["100", "200"])
        XCTAssertEqual(learner1.prefix(2).map { $0["distillation_steps"]! }, ["0", "100"],
                       "learner 1 distils after each of its updates (steps 101–200)")
        let firstTurnUpdates = try contents(on, "learner0/updates.csv").split(separator: "\n").prefix(2)
        XCTAssertEqual(firstTurnUpdates, try contents(off, "learner0/updates.csv").split(separator: "\n").prefix(2))
        XCTAssertEqual(firstTurnUpdates.last?.hasPrefix("200,100,"), true, "learner 0 learned in its first turn")
        let evaluations = { (run: URL) in try self.contents(run, "learner0/evaluations.csv").split(separator: "\n") }
        XCTAssertEqual(try evaluations(on).prefix(2), try evaluations(off).prefix(2))
        XCTAssertNotEqual(try evaluations(on).last, try evaluations(off).last)
    }

    /// `every: 3`: one distillation step after every third update, the remainder carried across intervals, so
    /// learner 1 (which always has a peer) takes ⌊updates/3⌋ steps.
    func testEveryKUpdatesOneStep() throws {
        let run = try train(pair(["distillation.every=3"]), name: "every")
        let steps = try distillationRows(run).filter { $0["learner"] == "1" }
            .compactMap { Int($0["distillation_steps"]!) }.reduce(0, +)
        let updates = try contents(run, "learner1/updates.csv").split(separator: "\n").dropFirst()
            .compactMap { Int($0.split(separator: ",")[1]) }.reduce(0, +)
        XCTAssertEqual(updates, 500)
        XCTAssertEqual(steps, updates / 3)
    }

    /// `window: 1`: every state of a batch is the peer's newest, so ξ is one value per batch (its quartiles
    /// agree and the fraction with ξ > 0 is 0 or 1); with the whole buffer they spread.
    func testWindowReachesTheDistillationBatches() throws {
        let recent = try distillationRows(train(pair(["distillation.window=1"]), name: "window"))
        XCTAssertFalse(recent.isEmpty)
        func spread(_ row: [String: String]) -> Double {
            Double(row["disadvantage_q3"]!)! - Double(row["disadvantage_q1"]!)!
        }
        // One state in every row of the batch: ξ agrees up to the rounding of the batched network passes.
        for row in recent { XCTAssertLessThan(abs(spread(row)), 1e-5, "\(row)") }
        let whole = try distillationRows(train(pair(), name: "whole"))
        XCTAssert(whole.allSatisfy { spread($0) > 1e-3 })
    }

    /// The block's learning rate and gradient clip are the learners': the same run as giving them in the
    /// learner block, and a different run from the defaults.
    func testTheBlocksLearningRateAndClipReachTheLearners() throws {
        let viaBlock = try train(pair(["distillation.learningRate=0.003", "distillation.gradientClip=0.5"]),
                                 name: "block")
        let viaLearner = try train(pair(["learner.distillationLearningRate=0.003",
                                         "learner.distillationGradientClip=0.5"]), name: "learner")
        let defaults = try train(pair(), name: "defaults")
        let rateOnly = try train(pair(["distillation.learningRate=0.003"]), name: "rate-only")
        for file in ["distillation.csv", "learner0/evaluations.csv", "learner1/updates.csv"] {
            XCTAssertEqual(try contents(viaBlock, file), try contents(viaLearner, file), file)
        }
        XCTAssertNotEqual(try contents(viaBlock, "learner1/evaluations.csv"),
                          try contents(defaults, "learner1/evaluations.csv"))
        XCTAssertNotEqual(try contents(viaBlock, "distillation.csv"), try contents(rateOnly, "distillation.csv"))
    }

    /// Both arms draw the same diagnostic batches from their own stream: the rows fall on the same steps, the
    /// off arm takes no step, and the on arm's steps match its updates one for one (learner 1, which always has a
    /// peer). Learner 1's first row (step 100, before its first update) comes before anyone has distilled, and
    /// there every column agrees between the arms: the same estimator on the same batch.
    func testBothArmsLogTheSameDiagnosticEstimator() throws {
        let on = try distillationRows(train(pair(), name: "on"))
        let offRun = try train(pair(["distillation.enabled=false"]), name: "off")
        let off = try distillationRows(offRun)
        XCTAssertEqual(on.map { [$0["step"]!, $0["learner"]!] }, off.map { [$0["step"]!, $0["learner"]!] })
        XCTAssert(off.allSatisfy { $0["distillation_steps"] == "0" && $0["step_loss"] == "nan" })
        var updatesAt: [String: String] = [:]
        for line in try contents(offRun, "learner1/updates.csv").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            updatesAt[fields[0]] = fields[1]
        }
        let learner1 = on.filter { $0["learner"] == "1" }
        XCTAssertEqual(learner1.map { $0["distillation_steps"]! }, learner1.map { updatesAt[$0["step"]!] ?? "0" })
        let onFirst = try XCTUnwrap(learner1.first)
        let offFirst = try XCTUnwrap(off.first { $0["learner"] == "1" })
        XCTAssertEqual(onFirst["step"], "100")
        XCTAssertEqual(onFirst["distillation_steps"], "0")
        XCTAssertEqual(onFirst, offFirst)
        XCTAssertNotEqual(learner1.last, off.last { $0["learner"] == "1" })
    }

    /// The diagnostic batches draw from their own stream, so how often they are drawn (one per update-log
    /// interval) changes no learning: with distillation on, intervals of 100 and of 50 steps give the same
    /// episodes and evaluations (they would not if the diagnostics shared the distillation stream).
    func testDiagnosticBatchesLeaveTheLearningAlone() throws {
        let coarse = try train(pair(), name: "coarse")
        let fine = try train(pair(["training.updateLogInterval=50"]), name: "fine")
        XCTAssertGreaterThan(try distillationRows(fine).count, try distillationRows(coarse).count)
        for file in ["learner0/episodes.csv", "learner0/evaluations.csv", "learner1/episodes.csv",
                     "learner1/evaluations.csv"] {
            XCTAssertEqual(try contents(coarse, file), try contents(fine, file), file)
        }
    }

    /// `sameEnvironmentSeed`: both learners' environments draw learner 0's stream names, so after the run both
    /// environment streams are in the same state (Pendulum draws only at resets, and both learners reset alike);
    /// without it they differ.
    func testSameEnvironmentSeedGivesBothLearnersLearner0sEnvironmentStreams() throws {
        func environmentStreams(_ overrides: [String], name: String) throws -> [RandomStreamState] {
            let folder = try RunFolder.create(at: scratch.appendingPathComponent(name))
            let stamp = CheckpointStamp(duetVersion: "test", configurationFingerprint: "test", seed: 3,
                                        blasKernels: nil)
            let checkpoints = Checkpointer(every: 0, stamp: stamp, folder: folder)
            _ = try Trainer.run(pair(overrides), seed: 3, folder: folder, checkpoints: checkpoints)
            let checkpoint = try Checkpoint(contentsOf: folder.url.appendingPathComponent(RunFormat.checkpointFile))
            return checkpoint.record.peers.map { $0.streams[1] }
        }
        let same = try environmentStreams(["distillation.sameEnvironmentSeed=true"], name: "same")
        XCTAssertEqual(same[0], same[1])
        let own = try environmentStreams([], name: "own")
        XCTAssertNotEqual(own[0], own[1])
        XCTAssertEqual(own[0], same[0], "learner 0's environment is the same either way")
    }

    /// DDPG pairs, SAC pairs and a TD3–SAC pair through the trainer: reproducible, distillation off leaves each
    /// learner as it is alone, and on changes the learning.
    func testPairsOfEveryOffPolicyAlgorithm() throws {
        let pairs = [
            ("ddpg", Self.pair.replacingOccurrences(of: "algorithm: td3", with: "algorithm: ddpg")),
            ("sac", Self.pair.replacingOccurrences(of: "algorithm: td3, hidden: [16, 16], batchSize: 16, "
                                                       + "noise: {kind: gaussian, scale: 0.1}",
                                                   with: "algorithm: sac, hidden: [16, 16], batchSize: 16")),
            ("td3-sac", Self.pair.replacingOccurrences(
                of: "distillation:",
                with: "peer: {algorithm: sac, hidden: [16, 16], batchSize: 16}\ndistillation:")),
        ]
        let base = scratch!
        for (name, yaml) in pairs {
            scratch = base.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let first = try train(configuration(yaml), name: "\(name)-1")
            let second = try train(configuration(yaml), name: "\(name)-2")
            let off = try train(configuration(yaml, ["distillation.enabled=false"]), name: "\(name)-off")
            for file in ["distillation.csv", "learner0/evaluations.csv", "learner1/evaluations.csv"] {
                XCTAssertEqual(try contents(first, file), try contents(second, file), "\(name): \(file)")
            }
            XCTAssertNotEqual(try contents(first, "learner1/evaluations.csv"),
                              try contents(off, "learner1/evaluations.csv"), "\(name): distillation changed nothing")
            if name != "td3-sac" {
                try assertDistillationOffLeavesEachLearnerIdenticalToASingleRun(yaml)
                continue
            }
            // The mixed pair: the SAC peer alone under learner 1's stream names logs what it logs off.
            var alone = try configuration(yaml)
            alone.distillation = nil
            alone.learner = try XCTUnwrap(alone.peer)
            alone.peer = nil
            let single = try train(alone, name: "sac-alone", slotIndex: 1)
            for log in learnerLogs {
                XCTAssertEqual(try contents(off, "learner1/" + log), try contents(single, "learner1/" + log), log)
            }
        }
    }

    /// `target: sample` with SAC peers and `optimizer: shared` with off-policy peers are accepted and change the
    /// run; `target: sample` with a deterministic peer and a critic-based estimate with a PPO peer are refused.
    func testFidelityOptionsAreAcceptedWhereTheyApplyAndRefusedElsewhere() throws {
        let sac = Self.pair.replacingOccurrences(
            of: "algorithm: td3, hidden: [16, 16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}",
            with: "algorithm: sac, hidden: [16, 16], batchSize: 16")
        let mean = try train(configuration(sac), name: "sac-mean")
        let sampled = try train(configuration(sac, ["distillation.target=sample"]), name: "sac-sample")
        XCTAssertNotEqual(try contents(mean, "learner1/evaluations.csv"), try contents(sampled, "learner1/evaluations.csv"))
        let shared = try train(pair(["distillation.optimizer=shared"]), name: "td3-shared")
        XCTAssertNotEqual(try contents(shared, "learner1/evaluations.csv"),
                          try contents(train(pair(), name: "td3-separate"), "learner1/evaluations.csv"))
        for estimate in ["own-critic", "min-critics"] {
            XCTAssertNoThrow(try train(pair(["distillation.valueEstimate=\(estimate)",
                                             "distillation.xiScale=standardize"]), name: estimate))
        }
        func refusal(_ yaml: String, _ overrides: [String]) -> String {
            do {
                _ = try configuration(yaml, overrides)
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        let deterministic = refusal(Self.pair, ["distillation.target=sample"])
        XCTAssert(deterministic.contains("target") && deterministic.contains("ppo, sac"), deterministic)
        let ppo = refusal(Self.pair.replacingOccurrences(
            of: "learner: {algorithm: td3, hidden: [16, 16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}",
            with: "learner: {algorithm: ppo, rolloutSteps: 64, batchSize: 32}"), ["distillation.valueEstimate=own-critic"])
        XCTAssert(ppo.contains("valueEstimate") && ppo.contains("own-action"), ppo)
        let scale = refusal(Self.pair, ["distillation.xiScale=zscore"])
        XCTAssert(scale.contains("xiScale") && scale.contains("standardize"), scale)
    }
}
