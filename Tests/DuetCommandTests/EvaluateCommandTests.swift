import DuetTestSupport
import Foundation
import XCTest

/// `duet evaluate` end to end on tiny trained runs: with the run's seed and episode count it plays exactly the
/// run's own last evaluation (a run whose only evaluation is its last), for TD3 and for a PPO pair (normalised
/// observations, clipped Gaussian means); stochastic episodes (SAC, and gSDE policies of PPO and SAC) repeat
/// with the seed and differ from deterministic ones; kept policies survive a kill and `duet resume` byte for byte; every
/// kind of bad input is one line naming the flag or file, with nothing written.
final class EvaluateCommandTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-evaluate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// The repository root, where `experiments/` lives.
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    private func duet(_ arguments: [String], fault: String? = nil) throws -> DuetExecutable.Outcome {
        try DuetExecutable.run(arguments, in: repository,
                               environment: ["COLUMNS": "80"].merging(fault.map { ["DUET_FAULT": $0] } ?? [:]) { $1 })
    }

    private func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    /// Trains `config` into `name` with `extra` arguments; its only evaluation is its last.
    private func train(_ config: String, _ name: String, _ extra: [String] = []) throws -> String {
        let outcome = try duet(["train", config, "--seed", "4", "--out", path(name), "--set", "evaluation.every=100000"]
                               + extra)
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        return path(name)
    }

    /// The rows of a CSV file after its header, split into fields.
    private func rows(_ file: String) throws -> [[String]] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
    }

    /// A number as the run's logs write it (CSVLog.format).
    private func logged(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// Asserts that evaluating peer `peer` of `run` with the defaults plays the run's last evaluation.
    private func assertEvaluationRepeatsTheRun(_ run: String, peer: Int, file: StaticString = #filePath,
                                               line: UInt = #line) throws {
        let outcome = try duet(["evaluate", run, "--peer", "\(peer)"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError, file: file, line: line)
        let csv = "\(run)/learner\(peer)/evaluate-final-seed4.csv"
        XCTAssertTrue(outcome.standardOutput.hasSuffix("wrote \(csv)\n"), outcome.standardOutput, file: file, line: line)
        let returns = try rows(csv).map { try XCTUnwrap(Double($0[1])) }
        let logged = try XCTUnwrap(try rows("\(run)/learner\(peer)/evaluations.csv").last)
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)
        XCTAssertEqual([String(returns.count), self.logged(mean), self.logged(variance.squareRoot()),
                        self.logged(returns.min() ?? .nan), self.logged(returns.max() ?? .nan)],
                       Array(logged[1...5]), "learner\(peer)", file: file, line: line)
    }

    func testHelpText() throws {
        let outcome = try duet(["evaluate", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "evaluate-help.txt")
    }

    func testEvaluationRepeatsTheRunsOwnLastEvaluation() throws {
        let td3 = try train("experiments/smoke/pendulum-td3-tiny.yaml", "td3", ["--set", "evaluation.episodes=3"])
        try assertEvaluationRepeatsTheRun(td3, peer: 0)
        let ppo = try train("experiments/smoke/pendulum-ppo-tiny.yaml", "ppo")
        try assertEvaluationRepeatsTheRun(ppo, peer: 0)
        try assertEvaluationRepeatsTheRun(ppo, peer: 1)

        // The report: the policy, then mean, std and IQM, then the intervals, then the CSV.
        let outcome = try duet(["evaluate", td3, "--policy", "best", "--episodes", "5", "--seed", "9"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, outcome.standardOutput)
        XCTAssertTrue(lines[0].hasPrefix("learner0 best policy (TD3, kept at step 600, its evaluation mean "), "\(lines[0])")
        XCTAssertTrue(lines[0].hasSuffix("): 5 deterministic episodes on Pendulum-v1, seed 9"), "\(lines[0])")
        XCTAssertTrue(lines[1].hasPrefix("return mean ") && lines[1].contains("  std ") && lines[1].contains("  IQM "))
        XCTAssertTrue(lines[2].hasPrefix("95% intervals: mean ["), "\(lines[2])")
        let table = try rows("\(td3)/learner0/evaluate-best-seed9.csv")
        XCTAssertEqual(table.map { $0[0] }, ["1", "2", "3", "4", "5"])
        XCTAssertEqual(Set(table.map { $0[2] }), ["200"], "Pendulum's episodes are all truncated at 200 steps")
        XCTAssertEqual(try duet(["evaluate", td3, "--policy", "best", "--episodes", "5", "--seed", "9"]).standardOutput,
                       outcome.standardOutput, "the same seed gives the same report")

        // Stochastic episodes of a SAC policy differ from its deterministic ones, and repeat with the seed.
        let sac = try train("experiments/smoke/pendulum-sac-tiny.yaml", "sac")
        try assertEvaluationRepeatsTheRun(sac, peer: 0)
        let stochastic = try duet(["evaluate", sac, "--stochastic", "--csv", path("s.csv")])
        XCTAssertEqual(stochastic.status, 0, stochastic.standardError)
        XCTAssertNotEqual(try rows(path("s.csv")).map { $0[1] },
                          try rows("\(sac)/learner0/evaluate-final-seed4.csv").map { $0[1] })
        XCTAssertEqual(try duet(["evaluate", sac, "--stochastic", "--csv", path("s.csv")]).standardOutput,
                       stochastic.standardOutput)
        try assertStochasticEpisodes(ppo, peer: 1)
    }

    /// Asserts that `--stochastic` episodes of peer `peer` of `run` repeat with the seed, differ from the
    /// deterministic ones (`evaluate-final-seed4.csv`, already written) and from another seed's.
    private func assertStochasticEpisodes(_ run: String, peer: Int, file: StaticString = #filePath,
                                          line: UInt = #line) throws {
        let outcome = try duet(["evaluate", run, "--peer", "\(peer)", "--stochastic"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError, file: file, line: line)
        XCTAssertTrue(outcome.standardOutput.contains(" stochastic episodes on "), outcome.standardOutput,
                      file: file, line: line)
        let csv = "\(run)/learner\(peer)/evaluate-final-seed4-stochastic.csv"
        let returns = try rows(csv).map { $0[1] }
        XCTAssertNotEqual(returns, try rows("\(run)/learner\(peer)/evaluate-final-seed4.csv").map { $0[1] },
                          "stochastic episodes differ from deterministic ones", file: file, line: line)
        XCTAssertEqual(try duet(["evaluate", run, "--peer", "\(peer)", "--stochastic"]).standardOutput,
                       outcome.standardOutput, "the same seed gives the same episodes", file: file, line: line)
        XCTAssertEqual(try rows(csv).map { $0[1] }, returns, file: file, line: line)
        let other = try duet(["evaluate", run, "--peer", "\(peer)", "--stochastic", "--seed", "5"])
        XCTAssertEqual(other.status, 0, other.standardError, file: file, line: line)
        XCTAssertNotEqual(try rows("\(run)/learner\(peer)/evaluate-final-seed5-stochastic.csv").map { $0[1] }, returns,
                          "another seed, other draws", file: file, line: line)
    }

    /// gSDE policies (a PPO pair's, SAC's) are evaluated stochastically: one exploration matrix per episode, the
    /// episodes repeat with the seed and differ from the deterministic ones.
    func testStochasticEvaluationOfGSDEPolicies() throws {
        let ppo = try train("experiments/smoke/pendulum-ppo-tiny.yaml", "ppo")
        try assertEvaluationRepeatsTheRun(ppo, peer: 0)
        try assertStochasticEpisodes(ppo, peer: 0)
        let sac = try train("experiments/smoke/pendulum-sac-tiny.yaml", "sac-gsde",
                            ["--set", "learner.stateDependentExploration.meanClip=2"])
        let record = try String(contentsOfFile: "\(sac)/run.json", encoding: .utf8)
        XCTAssertTrue(record.contains("stateDependentExploration"), "the SAC run explores with gSDE")
        try assertEvaluationRepeatsTheRun(sac, peer: 0)
        try assertStochasticEpisodes(sac, peer: 0)
    }

    /// A run killed between checkpoints and resumed keeps the same final and best policies, byte for byte.
    func testKeptPoliciesSurviveAKillAndResume() throws {
        let arguments = { (folder: String) in
            ["train", "experiments/smoke/pendulum-td3-tiny.yaml", "--seed", "2", "--out", folder,
             "--set", "checkpoint.every=250", "--set", "evaluation.every=150"]
        }
        let full = try duet(arguments(path("full")))
        XCTAssertEqual(full.status, 0, full.standardError)
        let killed = try duet(arguments(path("cut")), fault: "kill-at-step=480")
        XCTAssertEqual(killed.status, 9, killed.standardError)
        let resumed = try duet(["resume", path("cut")])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        for name in ["policy-final.duet", "policy-best.duet", "evaluations.csv"] {
            let left = FileManager.default.contents(atPath: path("full/learner0/\(name)"))
            XCTAssertNotNil(left, name)
            XCTAssertEqual(left, FileManager.default.contents(atPath: path("cut/learner0/\(name)")), name)
        }
    }

    // MARK: Bad input

    /// Asserts a failed run printed exactly one line, `Error: <message>`, exited with 1 and wrote nothing.
    private func assertError(_ arguments: [String], _ message: String, file: StaticString = #filePath,
                             line: UInt = #line) throws {
        let before = try FileManager.default.subpathsOfDirectory(atPath: scratch.path).sorted()
        let outcome = try duet(arguments)
        XCTAssertEqual(outcome.status, 1, "\(arguments)", file: file, line: line)
        XCTAssertEqual(outcome.standardOutput, "", "\(arguments)", file: file, line: line)
        XCTAssertEqual(outcome.standardError, "Error: \(message)\n", "\(arguments)", file: file, line: line)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: scratch.path).sorted(), before,
                       "\(arguments) wrote something", file: file, line: line)
    }

    func testBadInputIsOneLineNamingTheFlagOrFile() throws {
        let run = try train("experiments/smoke/pendulum-td3-tiny.yaml", "td3", ["--steps", "300"])
        try assertError(["evaluate", path("nowhere")],
                        "\(path("nowhere")): not a run folder (no run.json); give a folder that `duet train` wrote")
        try assertError(["evaluate", run, "--peer", "3"], "--peer 3: \(run) has no learner3; its peers are 0")
        try assertError(["evaluate", run, "--policy", "worst"], "--policy worst: unknown policy; accepted: final, best")
        let accepted = "Pendulum-v1, MountainCarContinuous-v0, CartPoleContinuous-v0, CartPoleSwingUp-v0, "
            + "AcrobotContinuous-v0, InvertedPendulum-v5, InvertedDoublePendulum-v5, Reacher-v5, Swimmer-v5, "
            + "Hopper-v5, HalfCheetah-v5, Walker2d-v5"
        try assertError(["evaluate", run, "--env", "Pendulum"],
                        "--env Pendulum: unknown environment 'Pendulum'; accepted: \(accepted)")
        try assertError(["evaluate", run, "--env", "Hopper-v5"],
                        "--env Hopper-v5: its observations have 11 values and its actions 3, the policy takes 3 and gives 1")
        try assertError(["evaluate", run, "--stochastic"],
                        "--stochastic: this TD3 policy has no distribution to draw from; stochastic evaluation is for "
                            + "SAC and PPO policies")
        try assertError(["evaluate", run, "--csv", path("missing/out.csv")],
                        "--csv \(path("missing/out.csv")): cannot write the file (no such folder, or it is not writable)")

        // A run folder without kept policies (as runs made before them): the file, and the accepted --policy values.
        let old = path("old")
        try FileManager.default.createDirectory(atPath: old + "/learner0", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: run + "/run.json", toPath: old + "/run.json")
        try assertError(["evaluate", old, "--policy", "best"],
                        "\(old)/learner0/policy-best.duet: no policy file (the run has not finished, or was made "
                            + "before Duet kept policies; --policy accepts final, best)")
        let usage = try duet(["evaluate", run, "--episodes", "0"])
        XCTAssertEqual(usage.status, 64)
        XCTAssertTrue(usage.standardError.hasPrefix("Error: --episodes must be 1 to 100000, got 0\n"), usage.standardError)
    }
}
