import DuetTestSupport
import Foundation
import XCTest

/// `duet bench distill`: one row each for prepare, apply and the whole step, with the shapes in the name; bad
/// input is one line. (Timings themselves are never asserted.)
final class BenchCommandTests: CommandTestCase {
    func testDistillPrintsPrepareApplyAndStep() throws {
        let outcome = try duet(["bench", "distill", "--hidden", "8,8", "--batch", "16", "--steps", "5"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let names = outcome.standardOutput.split(separator: "\n").dropFirst().map { $0.split(separator: " ")[0] }
        XCTAssertEqual(names, ["distill.td3.3-8-8-1.batch16.prepare", "distill.td3.3-8-8-1.batch16.apply",
                               "distill.td3.3-8-8-1.batch16.step"])
        let sac = try duet(["bench", "distill", "--algorithm", "sac", "--hidden", "8", "--steps", "5", "--markdown"])
        XCTAssertEqual(sac.status, 0, sac.standardError)
        XCTAssert(sac.standardOutput.contains("distill.sac.3-8-1.batch64.step"), sac.standardOutput)
    }

    func testDistillRefusesBadInputInOneLine() throws {
        for (arguments, message) in [
            (["--algorithm", "ppo"], "--algorithm must be one of ddpg, td3, sac, got 'ppo'"),
            (["--hidden", "8,x"], "--hidden must be positive integers separated by commas"),
            (["--steps", "2"], "--steps at least 5"),
        ] {
            let outcome = try duet(["bench", "distill"] + arguments)
            XCTAssertNotEqual(outcome.status, 0, "\(arguments)")
            XCTAssert(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
        }
    }
}
