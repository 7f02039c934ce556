import DuetTestSupport
import Foundation
import XCTest

/// `duet born-again` end to end on a tiny budget: the generations' folders and teachers, the printed finals,
/// continuing a finished study, and bad input.
final class BornAgainCommandTests: CommandTestCase {
    func testHelpText() throws {
        let outcome = try duet(["born-again", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "born-again-help.txt")
    }

    func testGenerationsTeachTheNextAndRerunningKeepsThem() throws {
        let out = scratch.appendingPathComponent("study").path
        let arguments = ["born-again", "experiments/smoke/pendulum-td3-tiny.yaml", "--generations", "2", "--steps",
                         "400", "--seed", "1", "--out", out]
        let first = try duet(arguments)
        XCTAssertEqual(first.status, 0, first.standardError)
        let lines = first.standardOutput.split(separator: "\n").filter { $0.hasPrefix("generation ") }
        XCTAssertEqual(lines.count, 3, first.standardOutput)
        XCTAssertTrue(lines.allSatisfy { $0.contains("final evaluation") }, first.standardOutput)
        for generation in 0...2 {
            let record = try String(contentsOfFile: "\(out)/generation-\(generation)/run.json", encoding: .utf8)
            XCTAssertTrue(record.contains("\"arm\" : \"generation-\(generation)\"")
                          || record.contains("\"arm\":\"generation-\(generation)\""), record)
            if generation > 0 {
                XCTAssertTrue(record.contains("generation-\(generation - 1)"), "generation \(generation)'s teacher")
                XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/generation-\(generation)/distillation.csv"))
            } else {
                XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/generation-0/distillation.csv"))
            }
        }
        let again = try duet(arguments)
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssertEqual(again.standardOutput.components(separatedBy: "already finished").count - 1, 3,
                       again.standardOutput)
    }

    func testBadInputIsOneLineAndLeavesNothing() throws {
        let out = scratch.appendingPathComponent("bad").path
        for (arguments, expected) in [
            (["--generations", "0"], "--generations"),
            (["--generations", "1", "--set", "distillation.objective=pairs"], "distillation.objective"),
            (["--generations", "1", "--set", "distillation.objective=kl"], "distillation.objective"),
        ] {
            let outcome = try duet(["born-again", "experiments/smoke/pendulum-td3-tiny.yaml", "--out", out] + arguments)
            XCTAssertNotEqual(outcome.status, 0)
            XCTAssertTrue(outcome.standardError.contains(expected), outcome.standardError)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(arguments) left a folder")
        }
    }
}
