import DuetConfiguration
import DuetExperiments
import Foundation
import XCTest

/// Training loops end to end on tiny Pendulum runs: determinism, ablation isolation, and the effect of
/// distillation. Small networks keep each run under a second in release builds.
final class TrainerTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    private static let tinyPair = """
        env: Pendulum-v1
        steps: 600
        evaluation: {every: 200, episodes: 2}
        training: {bufferSize: 10000, learningStarts: 200, updateLogInterval: 100}
        learner: {algorithm: td3, hidden: [32, 32], batchSize: 32, noise: {kind: gaussian, scale: 0.1}}
        distillation: {alpha: 1.0, batchSize: 32, alternationSteps: 200}
        """

    private func configuration(_ yaml: String = tinyPair, _ overrides: [String] = []) throws -> ExperimentConfiguration {
        try ConfigurationFile.decode(ExperimentConfiguration.self, fromYAML: yaml, source: "test.yaml",
                                     overrides: overrides)
    }

    private func train(_ configuration: ExperimentConfiguration, seed: UInt64 = 3, name: String,
                       slotIndex: Int = 0) throws -> URL {
        let folder = try RunFolder.create(at: scratch.appendingPathComponent(name))
        if configuration.isDual {
            _ = try DualTrainer.run(configuration, seed: seed, folder: folder)
        } else {
            _ = try SingleLearnerTrainer.run(configuration, seed: seed, folder: folder, slotIndex: slotIndex)
        }
        return folder.url
    }

    private func contents(_ folder: URL, _ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    private let learnerLogs = ["episodes.csv", "evaluations.csv", "updates.csv"]

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
        var single = try configuration()
        single.distillation = nil
        let singles = try (0..<2).map { try train(single, name: "single-\($0)", slotIndex: $0) }
        for schedule in ["alternate", "lockstep"] {
            let pair = try train(configuration(Self.tinyPair, ["distillation.enabled=false",
                                                               "distillation.schedule=\(schedule)"]),
                                 name: "off-\(schedule)")
            for index in 0..<2 {
                for file in learnerLogs {
                    let path = "learner\(index)/" + file
                    XCTAssertEqual(try contents(pair, path), try contents(singles[index], path), "\(schedule): \(path)")
                }
            }
        }
    }

    /// Distillation draws from its own streams and acts only after learning starts, so a run with distillation
    /// on matches the run with it off up to the first distillation step, and differs after.
    func testDistillationOnChangesNothingBeforeTheFirstDistillationStep() throws {
        let on = try train(configuration(), name: "on")
        let off = try train(configuration(Self.tinyPair, ["distillation.enabled=false"]), name: "off")
        for index in 0..<2 {
            // Learning (and so distillation) starts after step 200: episode 1 and the evaluation at step 200 agree.
            let onEpisodes = try contents(on, "learner\(index)/episodes.csv").split(separator: "\n")
            let offEpisodes = try contents(off, "learner\(index)/episodes.csv").split(separator: "\n")
            XCTAssertEqual(onEpisodes.prefix(2), offEpisodes.prefix(2))
            let onEvaluations = try contents(on, "learner\(index)/evaluations.csv").split(separator: "\n")
            let offEvaluations = try contents(off, "learner\(index)/evaluations.csv").split(separator: "\n")
            XCTAssertEqual(onEvaluations.prefix(2), offEvaluations.prefix(2))
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
            return last.compactMap { Double($0[7]) }.reduce(0, +) / Double(last.count)
        }
        let distanceOn = try finalDistance(on)
        let distanceOff = try finalDistance(off)
        XCTAssertLessThan(distanceOn, 0.5 * distanceOff, "on: \(distanceOn), off: \(distanceOff)")
    }

    func testDistillationLogHasTheDocumentedColumns() throws {
        let pair = try train(configuration(), name: "columns")
        XCTAssertEqual(try contents(pair, "distillation.csv").split(separator: "\n").first,
                       "step,learner,loss,mean_disadvantage,fraction_disadvantageous,max_weight,"
                           + "effective_sample_size,action_distance")
    }
}
