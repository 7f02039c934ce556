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
        XCTAssertTrue(reference.learner.layerNorm)
    }
}
