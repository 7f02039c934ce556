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

    /// Every objective of the distillation family runs through the same prepare and apply, named by its objective.
    func testDistillTimesEveryObjectiveOfTheFamily() throws {
        for (arguments, name) in [
            (["--objective", "relations"], "distill.td3.3-8-8-1.batch16.relations.step"),
            (["--objective", "relations", "--relation-features", "hidden"], "distill.td3.3-8-8-1.batch16.relations-hidden.step"),
            (["--objective", "layer-relations"], "distill.td3.3-8-8-1.batch16.layer-relations.step"),
            (["--objective", "kl", "--algorithm", "sac"], "distill.sac.3-8-8-1.batch16.kl.step"),
        ] {
            let outcome = try duet(["bench", "distill", "--hidden", "8,8", "--batch", "16", "--steps", "5"] + arguments)
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.standardError)")
            XCTAssert(outcome.standardOutput.contains(name + " "), "\(arguments): \(outcome.standardOutput)")
        }
    }

    /// `duet bench envs --only` times the named environments alone, in the registry's order; an unknown one is
    /// refused naming the accepted identifiers (ArgumentParser's usage lines follow, as for every flag error).
    func testEnvironmentsOnlyTimesTheNamedOnes() throws {
        let outcome = try duet(["bench", "envs", "--only", "Swimmer-v5,Pendulum-v1", "--rounds", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let names = outcome.standardOutput.split(separator: "\n").dropFirst().map { $0.split(separator: " ")[0] }
        XCTAssertEqual(names, ["environment.step.Pendulum-v1", "environment.step.Swimmer-v5"])
        let unknown = try duet(["bench", "envs", "--only", "Swimmer-v4"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssert(unknown.standardError.contains("--only: unknown environment 'Swimmer-v4' (accepted: Pendulum-v1, "),
                  unknown.standardError)
    }

    /// `duet bench update` and `duet bench distill` share their shape options (``Bench/LearnerShape``).
    func testUpdateTakesTheSameShapeOptions() throws {
        let outcome = try duet(["bench", "update", "--algorithm", "sac", "--hidden", "8,4", "--observation", "5",
                                "--action", "2", "--batch", "16", "--updates", "5"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssert(outcome.standardOutput.contains("update.sac.5-8-4-2.batch16 "), outcome.standardOutput)
        for (arguments, message) in [
            (["--algorithm", "ppo"], "--algorithm must be one of ddpg, td3, sac, got 'ppo'"),
            (["--hidden", "0"], "--hidden must be positive integers separated by commas"),
            (["--action", "0"], "--observation and --action must be at least 1"),
            (["--updates", "1"], "--updates at least 5"),
        ] {
            let refused = try duet(["bench", "update"] + arguments)
            XCTAssertNotEqual(refused.status, 0, "\(arguments)")
            XCTAssert(refused.standardError.contains(message), "\(arguments): \(refused.standardError)")
        }
    }

    func testDistillRefusesBadInputInOneLine() throws {
        for (arguments, message) in [
            (["--algorithm", "ppo"], "--algorithm must be one of ddpg, td3, sac, got 'ppo'"),
            (["--hidden", "8,x"], "--hidden must be positive integers separated by commas"),
            (["--steps", "2"], "--steps at least 5"),
            (["--objective", "logits"], "--objective must be one of actions, relations, layer-relations, kl, got 'logits'"),
            (["--objective", "kl"], "--objective kl needs stochastic learners: give --algorithm sac"),
            (["--relation-features", "hidden"], "--relation-features applies only with --objective relations"),
            (["--objective", "relations", "--relation-features", "logits"], "--relation-features must be actions or hidden, got 'logits'"),
        ] {
            let outcome = try duet(["bench", "distill"] + arguments)
            XCTAssertNotEqual(outcome.status, 0, "\(arguments)")
            XCTAssert(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
        }
    }
}
