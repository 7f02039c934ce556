import DuetExperiments
import Foundation
import XCTest

/// Every committed experiment file is valid, so a preset can never rot unnoticed.
final class ExperimentFilesTests: XCTestCase {
    private var experimentsFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("experiments")
    }

    func testEveryExperimentFileLoadsAndValidates() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: experimentsFolder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        for file in files {
            XCTAssertNoThrow(try ConfigurationFile.load(ExperimentConfiguration.self,
                                                        from: experimentsFolder.appendingPathComponent(file).path),
                             file)
        }
    }

    func testThePresetsSayWhatTheirCommentsSay() throws {
        let td3 = try ConfigurationFile.load(ExperimentConfiguration.self,
                                             from: experimentsFolder.appendingPathComponent("pendulum-td3.yaml").path)
        XCTAssertEqual(td3.learner.hidden, [400, 300])
        XCTAssertEqual(td3.learner.discount, 0.98)
        XCTAssertEqual(td3.training.learningStarts, 10_000)
        XCTAssertNil(td3.distillation)
        let reference = try ConfigurationFile.load(
            ExperimentConfiguration.self,
            from: experimentsFolder.appendingPathComponent("pendulum-dpd-ddpg-reference-code.yaml").path)
        XCTAssertEqual(reference.distillation?.weighting, .referenceDDPG)
        XCTAssertEqual(reference.distillation?.valueEstimate, .peerAction)
        XCTAssertEqual(reference.learner.hidden, [64, 64])
        XCTAssertEqual(reference.learner.offPolicySettings?.layerNorm, true)
    }

    /// The example under "Experiment files" in the README is a valid file, so the documentation cannot drift.
    func testTheReadmeExampleIsAValidExperimentFile() throws {
        let readme = experimentsFolder.deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try XCTUnwrap(text.range(of: "## Experiment files"))
        let opening = try XCTUnwrap(text.range(of: "```yaml\n", range: section.upperBound..<text.endIndex))
        let closing = try XCTUnwrap(text.range(of: "```", range: opening.upperBound..<text.endIndex))
        let example = String(text[opening.upperBound..<closing.lowerBound])
        let configuration = try ConfigurationFile.decode(ExperimentConfiguration.self, fromYAML: example,
                                                         source: "README.md")
        guard case let .sac(peer) = configuration.peer else { return XCTFail("the README's peer is SAC") }
        XCTAssertEqual(peer.stateDependentExploration?.initialLogStandardDeviation, -3)
        XCTAssertEqual(configuration.distillation?.enabled, true)
    }

    func testTheMountainCarSACPresetUsesTheZoosStateDependentExploration() throws {
        let sac = try ConfigurationFile.load(ExperimentConfiguration.self,
                                             from: experimentsFolder.appendingPathComponent("mountaincar-sac.yaml").path)
        guard case let .sac(learner) = sac.learner else { return XCTFail("the preset's learner is SAC") }
        XCTAssertEqual(learner.stateDependentExploration?.initialLogStandardDeviation, -3.67)
        XCTAssertEqual(learner.hidden, [64, 64])
        XCTAssertEqual(learner.entropyCoefficient, 0.1)
        XCTAssertFalse(learner.entropyTuning)
    }
}
