import DuetTestSupport
import Foundation
import XCTest

/// `duet distill-set` end to end on a tiny trained run: it writes the set, the learning curve, the evaluation and
/// the summary, the same bytes for the same seed; every kind of bad input is one line naming the flag or file,
/// with nothing written.
final class DistillSetCommandTests: CommandTestCase {
    /// A tiny TD3 run on Pendulum-v1 (seconds in release).
    private func train() throws -> String {
        let outcome = try duet(["train", "experiments/smoke/pendulum-td3-tiny.yaml", "--seed", "3", "--out", path("run"),
                                "--steps", "300"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        return path("run")
    }

    /// A small but complete distillation: K = 3, a 3-8-1 student, 10 steps, 6 outer iterations, 2 students.
    private func small(_ run: String, _ extra: [String]) -> [String] {
        ["distill-set", run, "--states", "3", "--hidden", "8", "--steps", "10", "--iterations", "6",
         "--teacher-episodes", "1", "--students", "2", "--episodes", "1"] + extra
    }

    func testHelpText() throws {
        let outcome = try duet(["distill-set", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "distill-set-help.txt")
    }

    func testDistillSetWritesTheSetAndItsEvaluationReproducibly() throws {
        let run = try train()
        let outcome = try duet(small(run, ["--seed", "5"]))
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let folder = "\(run)/learner0/distill-set-K3-seed5"
        XCTAssertTrue(outcome.standardOutput.hasSuffix("wrote \(folder)\n"), outcome.standardOutput)
        XCTAssertTrue(outcome.standardOutput.hasPrefix("learner0 final policy (TD3, kept at step 300) on Pendulum-v1, "
                                                       + "seed 5: K = 3 states from 200 teacher states (1 episodes)\n"),
                      outcome.standardOutput)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["distillation.csv", "evaluation.csv", "state-set.duet", "summary.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(run)/learner0")
                        .filter { $0.contains("partial") }, [], "no temporary folder is left")
        let archive = try XCTUnwrap(FileManager.default.contents(atPath: "\(folder)/state-set.duet"))
        XCTAssertEqual(Array(archive.prefix(4)), Array("DUET".utf8))

        let curve = try String(contentsOfFile: "\(folder)/distillation.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(curve.first, "iteration,imitation_loss")
        XCTAssertEqual(curve.count, 7)
        let evaluation = try String(contentsOfFile: "\(folder)/evaluation.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(evaluation.first, "arm,student,mean_return,imitation_loss")
        XCTAssertEqual(evaluation.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") },
                       ["synthetic,0", "real,0", "teacher,0", "synthetic,1", "real,1", "teacher,1"])
        let summary = try String(contentsOfFile: "\(folder)/summary.txt", encoding: .utf8)
        XCTAssertTrue(outcome.standardOutput.hasPrefix(summary))
        for arm in ["synthetic ", "real ", "teacher ", "synthetic - real "] {
            XCTAssertTrue(summary.contains("\n\(arm)"), "\(arm) in\n\(summary)")
        }

        // The same seed into another folder: the same bytes.
        let again = try duet(small(run, ["--seed", "5", "--out", path("again")]))
        XCTAssertEqual(again.status, 0, again.standardError)
        for name in ["state-set.duet", "distillation.csv", "evaluation.csv", "summary.txt"] {
            XCTAssertEqual(FileManager.default.contents(atPath: "\(folder)/\(name)"),
                           FileManager.default.contents(atPath: path("again/\(name)")), name)
        }
        // The teacher's and the real states' rows do not depend on the distillation; the kept set starts a block.
        let longer = try duet(small(run, ["--seed", "5", "--iterations", "60", "--out", path("longer")]))
        XCTAssertEqual(longer.status, 0, longer.standardError)
        let other = try String(contentsOfFile: path("longer/evaluation.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(other.filter { $0.hasPrefix("teacher,") }, evaluation.filter { $0.hasPrefix("teacher,") })
        XCTAssertEqual(other.filter { $0.hasPrefix("real,") }, evaluation.filter { $0.hasPrefix("real,") })
        XCTAssertTrue(["0", "25", "50"].contains { longer.standardOutput.contains("kept set's (after \($0) steps)") },
                      longer.standardOutput)
        XCTAssertTrue(summary.contains("mean per block of 25: first "), summary)
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
        let run = try train()
        try assertError(small(path("nowhere"), []),
                        "\(path("nowhere")): not a run folder (no run.json); give a folder that `duet train` wrote")
        try assertError(["distill-set", run, "--states", "0"], "--states must be 1 to 100000, got 0")
        try assertError(["distill-set", run, "--states=-2"], "--states must be 1 to 100000, got -2")
        try assertError(small(run, ["--policy", "worst"]), "--policy worst: unknown policy; accepted: final, best")
        try assertError(small(run, ["--peer", "3"]), "--peer 3: \(run) has no learner3; its peers are 0")
        try assertError(small(run, ["--hidden", "64,x"]),
                        "--hidden 64,x: give positive widths separated by commas, e.g. 64,64")
        try assertError(small(run, ["--steps=-1"]), "--steps must be 0 to 100000, got -1")
        try assertError(small(run, ["--learning-rate", "0"]), "--learning-rate must be positive, got 0.0")
        try assertError(small(run, ["--students", "0"]), "--students must be 1 to 10000, got 0")
        try assertError(small(run, ["--episodes", "0"]), "--episodes must be 1 to 100000, got 0")
        try assertError(small(run, ["--out", path("missing/set")]),
                        "--out \(path("missing/set")): cannot write there (no such folder, or it is not writable)")
        try assertError(small(run, ["--out", run]), "--out \(run): already exists; remove it or choose another folder")
        try assertError(["distill-set", run, "--states", "500", "--teacher-episodes", "2"],
                        "--states 500: more than the 400 teacher states of --teacher-episodes 2; raise "
                            + "--teacher-episodes or lower --states")
    }
}
