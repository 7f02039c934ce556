import DuetConfiguration
import DuetExperiments
import DuetEnvironments
import DuetLearners
import DuetRandom
import Foundation
import XCTest

/// Saved policies (issue 15): every algorithm's policy survives save → load bit for bit and acts exactly as its
/// learner; the NumPy reader (`scripts/read_policy.py`) acts as Duet to 1e-6; a run keeps its final and best
/// policies, and the shelf recovers the best so far from the evaluation log, as a resume needs.
final class SavedPolicyTests: TrainerTestCase {
    /// The repository root, where `scripts/` lives.
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// One learner of each algorithm and policy form, with observation statistics where the form has them.
    private let learnerFiles: [(name: String, yaml: String)] = [
        ("td3 normalised", "env: HalfCheetah-v5\nlearner: {algorithm: td3, hidden: [32, 16], observationNormalization: true}"),
        ("ddpg layer-normed", "env: Pendulum-v1\nlearner: {algorithm: ddpg, hidden: [16, 16], layerNorm: true, observationNormalization: true}"),
        ("sac", "env: Hopper-v5\nlearner: {algorithm: sac, hidden: [24, 24], observationNormalization: true}"),
        ("sac gSDE", "env: Pendulum-v1\nlearner: {algorithm: sac, hidden: [16], stateDependentExploration: {meanClip: 0.5}}"),
        ("ppo normalised", "env: Pendulum-v1\nlearner: {algorithm: ppo, hidden: [16, 16], observationNormalization: true}"),
        ("ppo gSDE", "env: MountainCarContinuous-v0\nlearner: {algorithm: ppo, hidden: [8], stateDependentExploration: true}"),
    ]

    /// A freshly drawn learner of `yaml` that has observed 64 random observations, its action function and its
    /// policy, with the environment's observation dimension.
    private func learner(_ yaml: String) throws -> (act: ([Float]) -> [Float], policy: SavedPolicy, dimension: Int) {
        let experiment = try configuration(yaml)
        let registration = try EnvironmentRegistry.registration(experiment.env)
        let dimension = registration.observationDimension
        let stream = RandomStream(seed: 11)
        let initialization = stream.child("initialization")
        let seen = (0..<64).map { _ in (0..<dimension).map { _ in Float(stream.gaussian() * 2 + 0.5) } }
        switch experiment.resolvedPeers[0].learner {
        case let .ppo(ppo):
            let space = registration.make().actionSpace
            var learner = PPO(observationDimension: dimension, actionLow: space.low, actionHigh: space.high,
                              configuration: ppo, initialization: initialization)
            for observation in seen { learner.observe(Array(repeating: observation, count: ppo.envs)) }
            let trained = learner
            return ({ trained.deterministicAction(for: $0) }, trained.savedPolicy, dimension)
        case let other:
            var learner = makeLearner(configuration: other, observationDimension: dimension,
                                      actionDimension: registration.actionDimension, initialization: initialization)
            for observation in seen { learner.observe(observation) }
            let trained = learner
            let policy = try XCTUnwrap((trained as? any PolicyExporting)?.savedPolicy)
            return ({ trained.deterministicAction(for: $0) }, policy, dimension)
        }
    }

    /// Observations spread wider than the ones observed, so that normalisation clips some.
    private func observations(_ dimension: Int, count: Int = 200) -> [[Float]] {
        let stream = RandomStream(seed: 5)
        return (0..<count).map { _ in (0..<dimension).map { _ in Float(stream.gaussian() * 6) } }
    }

    func testSaveLoadActIsBitIdenticalForEveryAlgorithm() throws {
        for (name, yaml) in learnerFiles {
            let (act, policy, dimension) = try learner(yaml)
            let record = PolicyFile(policy: policy, step: 1234, evaluationMean: -5.25, evaluationReturns: [-5, -5.5])
            let url = scratch.appendingPathComponent("\(name).duet")
            try record.write(to: url)
            let loaded = try PolicyFile(contentsOf: url)
            XCTAssertEqual(loaded, record, name)
            for observation in observations(dimension) {
                let expected = act(observation)
                XCTAssertEqual(policy.action(for: observation).map(\.bitPattern), expected.map(\.bitPattern), name)
                XCTAssertEqual(loaded.policy.action(for: observation).map(\.bitPattern), expected.map(\.bitPattern),
                               name)
            }
        }
    }

    func testTheNumPyReaderActsAsDuet() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import numpy"]
        check.standardError = FileHandle.nullDevice
        do { try check.run() } catch { throw XCTSkip("python3 is not installed: the NumPy reader cannot run here") }
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            throw XCTSkip("python3 has no numpy (pip install numpy): the NumPy reader cannot run here")
        }
        for (name, yaml) in learnerFiles {
            let (act, policy, dimension) = try learner(yaml)
            let file = scratch.appendingPathComponent("\(name).duet")
            try PolicyFile(policy: policy, step: 1, evaluationMean: nil, evaluationReturns: []).write(to: file)
            let inputs = observations(dimension, count: 50)
            let table = scratch.appendingPathComponent("\(name).csv")
            try inputs.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
                .write(to: table, atomically: true, encoding: .utf8)
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            reader.arguments = ["python3", repository.appendingPathComponent("scripts/read_policy.py").path, file.path,
                                "--observations", table.path]
            let output = Pipe()
            reader.standardOutput = output
            try reader.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            reader.waitUntilExit()
            XCTAssertEqual(reader.terminationStatus, 0, name)
            let rows = text.split(separator: "\n").map { $0.split(separator: ",").compactMap { Double($0) } }
            XCTAssertEqual(rows.count, inputs.count, name)
            var largest = 0.0
            for (row, observation) in zip(rows, inputs) {
                let expected = act(observation)
                XCTAssertEqual(row.count, expected.count, name)
                for (value, reference) in zip(row, expected) { largest = max(largest, abs(value - Double(reference))) }
            }
            XCTAssertLessThanOrEqual(largest, 1e-6, "\(name): the reader differs from Duet by \(largest)")
        }
    }

    func testARunKeepsItsFinalAndBestPolicies() throws {
        let run = try train(configuration("""
            env: Pendulum-v1
            steps: 600
            evaluation: {every: 200, episodes: 2}
            training: {bufferSize: 10000, learningStarts: 200, updateLogInterval: 100}
            learner: {algorithm: td3, hidden: [32, 32], batchSize: 32}
            """), name: "td3")
        let rows = try PolicyShelf.evaluations(in: run.appendingPathComponent("learner0/evaluations.csv"))
        XCTAssertEqual(rows.map(\.step), [200, 400, 600])
        let final = try PolicyFile(contentsOf: run.appendingPathComponent("learner0/policy-final.duet"))
        XCTAssertEqual(final.step, 600)
        XCTAssertEqual(final.evaluationMean, rows.last?.mean)
        XCTAssertEqual(final.evaluationReturns.count, 2)
        XCTAssertEqual(final.policy.algorithm, .td3)
        let best = try PolicyFile(contentsOf: run.appendingPathComponent("learner0/policy-best.duet"))
        let bestMean = rows.map(\.mean).max()
        XCTAssertEqual(best.evaluationMean, bestMean)
        XCTAssertEqual(best.step, rows.first { $0.mean == bestMean }?.step)
        if best.step == 600 { XCTAssertEqual(best, final) } else { XCTAssertNotEqual(best.policy, final.policy) }
    }

    /// The shelf reads the best mean back from `evaluations.csv` (as a resume finds it, cut to the checkpoint) and
    /// rewrites the best policy only for a strictly better evaluation.
    func testTheShelfRecoversTheBestFromTheEvaluationLog() throws {
        let folder = try RunFolder.create(at: scratch.appendingPathComponent("run"))
        try """
            step,episodes,return_mean,return_std,return_min,return_max
            200,2,-900.5,1,-901.5,-899.5
            400,2,-300.25,0,-300.25,-300.25
            600,2,-450,0,-450,-450

            """.write(to: folder.file("evaluations.csv"), atomically: true, encoding: .utf8)
        let shelf = try PolicyShelf(folder: folder, peer: "learner0")
        XCTAssertEqual(shelf.bestMean, -300.25)
        let (_, policy, _) = try learner(learnerFiles[0].yaml)
        let learner = try makeLearner(configuration: configuration(learnerFiles[0].yaml).resolvedPeers[0].learner,
                                      observationDimension: policy.observationDimension,
                                      actionDimension: policy.actionDimension,
                                      initialization: RandomStream(seed: 1))
        let best = folder.file(PolicyFile.bestFile)
        try shelf.didEvaluate(returns: [-300.25, -300.25], step: 800, learner: learner)
        XCTAssertFalse(FileManager.default.fileExists(atPath: best.path), "a tie is not an improvement")
        try shelf.didEvaluate(returns: [-100, -200], step: 1000, learner: learner)
        let kept = try PolicyFile(contentsOf: best)
        XCTAssertEqual(kept.step, 1000)
        XCTAssertEqual(kept.evaluationMean, -150)
        XCTAssertEqual(kept.evaluationReturns, [-100, -200])
        try shelf.keepFinal(step: 1000, learner: learner)
        XCTAssertEqual(try PolicyFile(contentsOf: folder.file(PolicyFile.finalFile)), kept)
    }

    func testBadPolicyFilesAreOneLineNamingTheFile() throws {
        let missing = scratch.appendingPathComponent("none.duet")
        XCTAssertThrowsError(try PolicyFile(contentsOf: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing.path): no policy file (no such file)")
        }
        let text = scratch.appendingPathComponent("text.duet")
        try "hello".write(to: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PolicyFile(contentsOf: text)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(text.path): not a readable policy file: "), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }
}
