import DuetConfiguration
import DuetEnvironments
import DuetExperiments
import Foundation
import XCTest

/// Bad input never leaves a run folder behind, and existing folders are never lost.
final class TrainingSessionTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    private func write(_ yaml: String, to name: String = "exp.yaml") throws -> String {
        let url = scratch.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func session(_ path: String, overrides: [String] = [], distill: Bool? = nil) -> TrainingSession {
        TrainingSession(configurationPath: path, overrides: overrides, seed: 0,
                        output: scratch.appendingPathComponent("run").path, distill: distill, duetVersion: "test")
    }

    private func assertFailsWithoutRunFolder(_ yaml: String, overrides: [String] = [], distill: Bool? = nil,
                                             message expected: String, file: StaticString = #filePath,
                                             line: UInt = #line) throws {
        let path = try write(yaml)
        XCTAssertThrowsError(try session(path, overrides: overrides, distill: distill).run(), file: file, line: line) {
            XCTAssertEqual(String(describing: $0), expected.replacingOccurrences(of: "FILE", with: path),
                           file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run").path),
                       "a run folder was left behind", file: file, line: line)
    }

    func testEachKindOfBadFileIsOneClearLineAndLeavesNoRunFolder() throws {
        try assertFailsWithoutRunFolder("env: Pendulum-v9", message:
            "FILE: 'env' = Pendulum-v9 is not accepted (accepted: "
                + EnvironmentRegistry.identifiers.joined(separator: ", ") + ")")
        try assertFailsWithoutRunFolder("stepz: 10", message:
            "FILE: unknown key 'stepz'; did you mean 'steps'? (accepted keys here: env, steps, evaluation, "
                + "training, learner, peer, peers, distillation, checkpoint)")
        let empty = "FILE: not a valid experiment file: the file is empty (give at least the environment, e.g. "
            + "env: Pendulum-v1; every other key has a default)"
        try assertFailsWithoutRunFolder("", message: empty)
        try assertFailsWithoutRunFolder("# only a comment\n", message: empty)
        try assertFailsWithoutRunFolder("checkpoint: {every: -5}",
                                        message: "FILE: 'checkpoint.every' = -5 is not accepted (accepted: an integer "
                                            + "≥ 0 (0: only the final checkpoint))")
        try assertFailsWithoutRunFolder("steps: ten", message: "FILE: 'steps': expected an integer, found 'ten'")
        try assertFailsWithoutRunFolder("steps: 0", message: "FILE: 'steps' = 0 is not accepted (accepted: an integer ≥ 1)")
        try assertFailsWithoutRunFolder("learner: {algorithm: a2c}", message:
            "FILE: 'learner.algorithm' = a2c is not accepted (accepted: ddpg, td3, sac, ppo)")
        try assertFailsWithoutRunFolder("distillation: {weighting: soft}", message:
            "FILE: 'distillation.weighting' = soft is not accepted (accepted: disadvantage, indicator, uniform, "
                + "reference-ddpg, reference-ppo)")
        try assertFailsWithoutRunFolder("steps: 10", distill: true, message:
            "--distill: 'distillation' = absent is not accepted (accepted: an experiment file with a distillation "
                + "block (FILE trains one learner))")
        try assertFailsWithoutRunFolder("steps: 10", overrides: ["training.learningStarts=-1"], message:
            "--set training.learningStarts=-1: 'training.learningStarts' = -1 is not accepted (accepted: an integer ≥ 0)")
    }

    func testUnreadableFileIsNamed() {
        let missing = scratch.appendingPathComponent("missing.yaml").path
        XCTAssertThrowsError(try session(missing).run()) {
            XCTAssertEqual(String(describing: $0), "\(missing): cannot read the file: no such file")
        }
    }

    func testAnExistingRunFolderIsRefusedAndKept() throws {
        let existing = scratch.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: existing.appendingPathComponent("notes.txt"))
        let path = try write("steps: 10")
        XCTAssertThrowsError(try session(path).run()) { XCTAssert(String(describing: $0).contains("already exists")) }
        XCTAssertEqual(try String(contentsOf: existing.appendingPathComponent("notes.txt"), encoding: .utf8), "mine")
    }

    /// An output folder that cannot be created (here: below a regular file, which fails even for root) is one
    /// line naming the folder, and the file in the way is untouched.
    func testAnUnwritableOutputFolderIsOneLineAndChangesNothing() throws {
        let blocker = scratch.appendingPathComponent("a-file")
        try Data("keep".utf8).write(to: blocker)
        let path = try write("steps: 10")
        let output = blocker.appendingPathComponent("run").path
        let session = TrainingSession(configurationPath: path, seed: 0, output: output, duetVersion: "test")
        XCTAssertThrowsError(try session.run()) { error in
            let text = String(describing: error)
            XCTAssert(text.hasPrefix(output + ": cannot write: "), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
        XCTAssertEqual(try String(contentsOf: blocker, encoding: .utf8), "keep")
    }

    /// Configurations that cannot fit in memory are refused before anything is allocated or written, with the
    /// estimate, what dominates it and the machine's memory (the cases found crashing with "failed to allocate").
    func testConfigurationsTooLargeForTheMachineAreRefusedUpFront() throws {
        let limit = ResourceError.format(ResourceEstimate.physicalMemory)
        for (yaml, largest) in [
            ("learner: {algorithm: td3, hidden: [100000000, 100000000]}", "learner0's networks"),
            ("training: {bufferSize: 900000000000}", "learner0's replay buffer"),
            ("distillation: {batchSize: 100000000}", "learner0's batches"),
            ("learner: {algorithm: ppo, envs: 1000, rolloutSteps: 100000000}", "learner0's rollouts"),
        ] {
            let path = try write(yaml)
            XCTAssertThrowsError(try session(path).run()) { error in
                let text = String(describing: error)
                XCTAssert(text.hasPrefix(path + ": the run needs about "), text)
                XCTAssert(text.contains("(mostly \(largest)), more than this machine's \(limit); reduce"), text)
                XCTAssertFalse(text.contains("\n"))
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run").path))
        }
        // Every preset fits comfortably.
        let presets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("experiments")
        for name in try FileManager.default.contentsOfDirectory(atPath: presets.path) where name.hasSuffix(".yaml") {
            let configuration = try ConfigurationFile.load(ExperimentConfiguration.self,
                                                           from: presets.appendingPathComponent(name).path)
            XCTAssertLessThan(try ResourceEstimate.bytes(for: configuration).total, 4e9, name)
        }
    }
}
