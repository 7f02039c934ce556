import DuetConfiguration
import DuetExperiments
import Foundation
import XCTest

/// What the trainer tests share: a scratch folder per test, experiment files from YAML, runs into it, and a way
/// to read a run's logs.
class TrainerTestCase: XCTestCase {
    /// The test's scratch folder, removed after it.
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// The experiment of `yaml` with `--set` `overrides`.
    func configuration(_ yaml: String, _ overrides: [String] = []) throws -> ExperimentConfiguration {
        try ConfigurationFile.decode(ExperimentConfiguration.self, fromYAML: yaml, source: "test.yaml",
                                     overrides: overrides)
    }

    /// Trains `configuration` with `seed` into `scratch/name`, the first peer named `learner<slotIndex>`.
    func train(_ configuration: ExperimentConfiguration, seed: UInt64 = 3, name: String,
               slotIndex: Int = 0) throws -> URL {
        let folder = try RunFolder.create(at: scratch.appendingPathComponent(name))
        _ = try Trainer.run(configuration, seed: seed, folder: folder, firstPeerIndex: slotIndex)
        return folder.url
    }

    /// The text of `file` in the run folder `folder`.
    func contents(_ folder: URL, _ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    /// A learner's three logs.
    let learnerLogs = ["episodes.csv", "evaluations.csv", "updates.csv"]

    /// With distillation off, each learner of the pair `yaml` logs exactly what a single learner with the same
    /// configuration and stream names logs, in both schedules.
    func assertDistillationOffLeavesEachLearnerIdenticalToASingleRun(_ yaml: String, file: StaticString = #filePath,
                                                                     line: UInt = #line) throws {
        var single = try configuration(yaml)
        single.distillation = nil
        let singles = try (0..<2).map { try train(single, name: "single-\($0)", slotIndex: $0) }
        for schedule in ["alternate", "lockstep"] {
            let pair = try train(configuration(yaml, ["distillation.enabled=false", "distillation.schedule=\(schedule)"]),
                                 name: "off-\(schedule)")
            for index in 0..<2 {
                for log in learnerLogs {
                    let path = "learner\(index)/" + log
                    XCTAssertEqual(try contents(pair, path), try contents(singles[index], path), "\(schedule): \(path)",
                                   file: file, line: line)
                }
            }
        }
    }
}
