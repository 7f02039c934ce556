import DuetConfiguration
import DuetExperiments
import Foundation
import XCTest

/// Training loops end to end on tiny Pendulum runs: determinism, ablation isolation, and the effect of
/// distillation. Small networks keep each run under a second in release builds.
final class TrainerTests: TrainerTestCase {
    private static let tinyPair = """
        env: Pendulum-v1
        steps: 600
        evaluation: {every: 200, episodes: 2}
        training: {bufferSize: 10000, learningStarts: 200, updateLogInterval: 100}
        learner: {algorithm: td3, hidden: [32, 32], batchSize: 32, noise: {kind: gaussian, scale: 0.1}}
        distillation: {alpha: 1.0, batchSize: 32, alternationSteps: 200}
        """

    private func configuration(_ overrides: [String] = []) throws -> ExperimentConfiguration {
        try configuration(Self.tinyPair, overrides)
    }

    func testSingleRunLogsAreByteIdenticalForTheSameSeed() throws {
        var single = try configuration()
        single.distillation = nil
        let first = try train(single, name: "a")
        let second = try train(single, name: "b")
        for file in learnerLogs {
            XCTAssertEqual(try contents(first, "learner0/" + file), try contents(second, "learner0/" + file), file)
        }
        XCTAssertNotEqual(try contents(first, "learner0/evaluations.csv"),
                          try contents(try train(single, seed: 4, name: "c"), "learner0/evaluations.csv"))
    }

    func testBothSchedulesAreByteIdenticalAcrossRuns() throws {
        for schedule in ["alternate", "lockstep"] {
            let pair = try configuration(Self.tinyPair, ["distillation.schedule=\(schedule)"])
            let first = try train(pair, name: "\(schedule)-1")
            let second = try train(pair, name: "\(schedule)-2")
            for file in ["distillation.csv"] + learnerLogs.flatMap({ ["learner0/" + $0, "learner1/" + $0] }) {
                XCTAssertEqual(try contents(first, file), try contents(second, file), "\(schedule): \(file)")
            }
        }
    }

    /// With distillation off, each learner of a pair logs exactly what a single learner with the same
    /// configuration and stream names logs, whatever the schedule.
    func testDistillationOffLeavesEachLearnerIdenticalToASingleRun() throws {
        try assertDistillationOffLeavesEachLearnerIdenticalToASingleRun(Self.tinyPair)
    }

    /// Distillation draws from its own streams and acts only after learning starts, so a run with distillation
    /// on matches the run with it off up to the first distillation step, and differs after. Learning starts at
    /// step 100 here, so learner 0 learns for half of its first turn without distilling (learner 1 has no states
    /// yet): its distillation stream stays untouched and that learning agrees in both arms.
    func testDistillationOnChangesNothingBeforeTheFirstDistillationStep() throws {
        let on = try train(configuration(["training.learningStarts=100"]), name: "on")
        let off = try train(configuration(Self.tinyPair, ["distillation.enabled=false", "training.learningStarts=100"]),
                            name: "off")
        let onUpdates = try contents(on, "learner0/updates.csv").split(separator: "\n")
        let offUpdates = try contents(off, "learner0/updates.csv").split(separator: "\n")
        XCTAssertEqual(onUpdates.prefix(2), offUpdates.prefix(2), "learner 0's first turn (updates to step 200)")
        XCTAssertEqual(onUpdates.prefix(2).last?.hasPrefix("200,100,"), true)
        XCTAssertNotEqual(onUpdates.last, offUpdates.last)
        // Learner 0's first turn agrees: episode 1 and the evaluation at step 200.
        let onEpisodes = try contents(on, "learner0/episodes.csv").split(separator: "\n")
        let offEpisodes = try contents(off, "learner0/episodes.csv").split(separator: "\n")
        XCTAssertEqual(onEpisodes.prefix(2), offEpisodes.prefix(2))
        for index in 0..<2 {
            let onEvaluations = try contents(on, "learner\(index)/evaluations.csv").split(separator: "\n")
            let offEvaluations = try contents(off, "learner\(index)/evaluations.csv").split(separator: "\n")
            if index == 0 { XCTAssertEqual(onEvaluations.prefix(2), offEvaluations.prefix(2)) }
            XCTAssertNotEqual(onEvaluations.last, offEvaluations.last, "distillation changed nothing")
        }
    }

    /// Strong uniform distillation pulls the two actors together: the mean distance between their actions on
    /// the distillation batches ends lower than without distillation.
    func testDistillationPullsTheLearnersActionsTogether() throws {
        let settings = ["distillation.weighting=uniform", "distillation.learningRate=0.003", "steps=1000"]
        let on = try train(configuration(Self.tinyPair, settings), name: "pull-on")
        let off = try train(configuration(Self.tinyPair, settings + ["distillation.enabled=false"]), name: "pull-off")
        func finalDistance(_ folder: URL) throws -> Double {
            let rows = try contents(folder, "distillation.csv").split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").map(String.init) }
            let last = rows.suffix(4)  // the last two intervals of both learners
            return last.compactMap { Double($0[8]) }.reduce(0, +) / Double(last.count)
        }
        let distanceOn = try finalDistance(on)
        let distanceOff = try finalDistance(off)
        XCTAssertLessThan(distanceOn, 0.5 * distanceOff, "on: \(distanceOn), off: \(distanceOff)")
    }

    func testDistillationLogHasTheDocumentedColumns() throws {
        let pair = try train(configuration(), name: "columns")
        XCTAssertEqual(try contents(pair, "distillation.csv").split(separator: "\n").first,
                       "step,learner,peer,loss,mean_disadvantage,fraction_disadvantageous,max_weight,"
                           + "effective_sample_size,action_distance,distillation_steps,step_loss,"
                           + "step_mean_disadvantage,step_fraction_disadvantageous,step_max_weight,"
                           + "step_effective_sample_size,step_action_distance,own_value_mean,peer_value_mean,"
                           + "disadvantage_q1,disadvantage_median,disadvantage_q3")
    }

    // MARK: k peers

    /// Three TD3 peers of different widths, listed under `peers:`, the third with its own cadence.
    private static func threePeers(selection: String, schedule: String) -> String {
        """
        env: Pendulum-v1
        steps: 400
        evaluation: {every: 200, episodes: 1}
        training: {bufferSize: 10000, learningStarts: 100, updateLogInterval: 100}
        peers:
          - learner: {algorithm: td3, hidden: [16, 16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}
          - learner: {algorithm: ddpg, hidden: [24], batchSize: 16}
          - learner: {algorithm: sac, hidden: [16, 16], batchSize: 16}
            training: {bufferSize: 5000, learningStarts: 150, trainFrequency: 2, gradientSteps: 2,
                       updateLogInterval: 100}
        distillation: {alpha: 1.0, batchSize: 8, alternationSteps: 100, schedule: \(schedule),
                       peerSelection: \(selection)}
        """
    }

    func testThreePeerRunsAreByteIdenticalAcrossRunsInBothSchedules() throws {
        for schedule in ["alternate", "lockstep"] {
            for selection in ["best", "all", "ring"] {
                let peers = try configuration(Self.threePeers(selection: selection, schedule: schedule))
                XCTAssertEqual(peers.peerCount, 3)
                let first = try train(peers, name: "three-\(schedule)-\(selection)-1")
                let second = try train(peers, name: "three-\(schedule)-\(selection)-2")
                let files = ["distillation.csv"] + learnerLogs.flatMap { file in
                    (0..<3).map { "learner\($0)/" + file }
                }
                for file in files {
                    XCTAssertEqual(try contents(first, file), try contents(second, file),
                                   "\(schedule), \(selection): \(file)")
                }
                // Each peer's rows name whom it distilled from: the next peer in a ring, else the selection.
                let peerColumn = try contents(first, "distillation.csv").split(separator: "\n").dropFirst()
                    .map { $0.split(separator: ",").map(String.init) }
                XCTAssertFalse(peerColumn.isEmpty)
                for row in peerColumn {
                    let learner = try XCTUnwrap(Int(row[1]))
                    XCTAssertEqual(row[2], selection == "ring" ? String((learner + 1) % 3) : selection)
                }
            }
        }
    }

    /// With distillation off, each of three heterogeneous peers (own algorithm, sizes and cadence) logs exactly
    /// what it logs trained alone under the same stream names, in both schedules.
    func testDistillationOffLeavesEachOfThreePeersIdenticalToASingleRun() throws {
        let three = try configuration(Self.threePeers(selection: "best", schedule: "alternate"))
        guard let peers = three.peers else { return XCTFail("the file lists peers") }
        let singles = try peers.indices.map { index -> URL in
            var alone = three
            alone.distillation = nil
            alone.peers = [peers[index]]
            alone.learner = peers[index].learner
            return try train(alone, name: "alone-\(index)", slotIndex: index)
        }
        for schedule in ["alternate", "lockstep"] {
            let run = try train(configuration(Self.threePeers(selection: "best", schedule: schedule),
                                              ["distillation.enabled=false"]), name: "three-off-\(schedule)")
            for index in peers.indices {
                for file in learnerLogs {
                    let path = "learner\(index)/" + file
                    XCTAssertEqual(try contents(run, path), try contents(singles[index], path), "\(schedule): \(path)")
                }
            }
        }
    }

    /// The third peer's own `training:` block is the one in force for it; the others use the file's.
    func testEachPeerKeepsItsOwnCadence() throws {
        let peers = try configuration(Self.threePeers(selection: "best", schedule: "alternate"))
        let resolved = peers.resolvedPeers
        XCTAssertEqual(resolved.map(\.training.trainFrequency), [1, 1, 2])
        XCTAssertEqual(resolved.map(\.training.bufferSize), [10000, 10000, 5000])
        XCTAssertEqual(resolved.map(\.learner.algorithm), [.td3, .ddpg, .sac])
        let run = try train(peers, name: "cadence")
        // 400 steps, learning after step 150, two updates every second step: 250 updates, logged per 100 steps.
        let updates = try contents(run, "learner2/updates.csv").split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",")[1] }
        XCTAssertEqual(updates.compactMap { Int($0) }.reduce(0, +), 250)
    }

    /// The two-peer shorthand and the same pair under `peers:` are the same run.
    func testPeersListEqualsTheLearnerAndPeerShorthand() throws {
        let shorthand = try train(configuration(), name: "shorthand")
        let listed = try train(configuration("""
            env: Pendulum-v1
            steps: 600
            evaluation: {every: 200, episodes: 2}
            training: {bufferSize: 10000, learningStarts: 200, updateLogInterval: 100}
            peers:
              - learner: {algorithm: td3, hidden: [32, 32], batchSize: 32, noise: {kind: gaussian, scale: 0.1}}
              - learner: {algorithm: td3, hidden: [32, 32], batchSize: 32, noise: {kind: gaussian, scale: 0.1}}
            distillation: {alpha: 1.0, batchSize: 32, alternationSteps: 200}
            """), name: "listed")
        for file in ["distillation.csv"] + learnerLogs.flatMap({ ["learner0/" + $0, "learner1/" + $0] }) {
            XCTAssertEqual(try contents(shorthand, file), try contents(listed, file), file)
        }
    }

    func testPeersConfigurationErrors() throws {
        func message(_ yaml: String) -> String {
            do {
                _ = try configuration(yaml)
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        let both = message("""
            learner: {algorithm: td3}
            peers: [{learner: {algorithm: td3}}, {learner: {algorithm: sac}}]
            distillation: {}
            """)
        XCTAssert(both.contains("peers") && both.contains("not both"), both)
        let noDistillation = message("peers: [{learner: {algorithm: td3}}, {learner: {algorithm: sac}}]")
        XCTAssert(noDistillation.contains("peers") && noDistillation.contains("distillation block"), noDistillation)
        let lonely = message("peers: [{learner: {algorithm: td3}}]\ndistillation: {}")
        XCTAssert(lonely.contains("at least two peers"), lonely)
        let typo = message("peers: [{learner: {algorithm: td3}, trainin: {}}, {learner: {algorithm: td3}}]\n"
                           + "distillation: {}")
        XCTAssert(typo.contains("trainin") && typo.contains("training"), typo)
        let selection = message("peers: [{}, {}, {}]\ndistillation: {peerSelection: worst}")
        XCTAssert(selection.contains("peerSelection") && selection.contains("best"), selection)
    }
}
