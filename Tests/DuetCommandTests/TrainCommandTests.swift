import DuetTestSupport
import Foundation
import XCTest

/// `duet train`, `duet ablate` and `duet quickstart` end to end on tiny budgets: help texts snapshot-tested,
/// CSV headers, one-line errors that leave no run folder, and the main job writing its table and figures.
final class TrainCommandTests: CommandTestCase {
    private func header(_ file: String) throws -> Substring? {
        try String(contentsOfFile: path(file), encoding: .utf8).split(separator: "\n").first
    }

    func testHelpTexts() throws {
        for command in ["train", "ablate", "quickstart"] {
            let outcome = try duet([command, "--help"])
            XCTAssertEqual(outcome.status, 0)
            try assertSnapshot(outcome.standardOutput, named: "\(command)-help.txt")
        }
        XCTAssertEqual(try duet(["--version"]).standardOutput, "duet 0.1.0\n")
    }

    /// Without a thread count in the environment, `duet` uses one BLAS thread (the logs equal a run with
    /// `OPENBLAS_NUM_THREADS=1`, on a model wide enough that a threaded product would split); a count set is
    /// respected (`duet bench core` reports it).
    func testOneBLASThreadUnlessTheEnvironmentChooses() throws {
        let threads: Set<String> = ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"]
        let arguments = ["train", "experiments/smoke/pendulum-td3-tiny.yaml", "--steps", "600",
                         "--set", "learner.hidden=[256,256]", "--set", "learner.batchSize=256",
                         "--set", "training.learningStarts=300"]
        let pinned = try duet(arguments + ["--out", path("pinned")])
        XCTAssertEqual(pinned.status, 0, pinned.standardError)
        let unset = try duet(arguments + ["--out", path("unset")], unsetting: threads)
        XCTAssertEqual(unset.status, 0, unset.standardError)
        for file in ["learner0/episodes.csv", "learner0/evaluations.csv", "learner0/updates.csv"] {
            XCTAssertEqual(FileManager.default.contents(atPath: path("unset/\(file)")),
                           FileManager.default.contents(atPath: path("pinned/\(file)")), file)
        }
        let chosen = try duet(["bench", "core", "--rounds", "1"], environment: ["OPENBLAS_NUM_THREADS": "2"])
        XCTAssert(chosen.standardOutput.hasPrefix("OpenBLAS core "), chosen.standardOutput)
        XCTAssert(chosen.standardOutput.split(separator: "\n")[0].contains(", 2 thread(s)"), chosen.standardOutput)
        let defaulted = try duet(["bench", "core", "--rounds", "1"], unsetting: threads)
        XCTAssert(defaulted.standardOutput.split(separator: "\n")[0].contains(", 1 thread(s)"), defaulted.standardOutput)
    }

    func testTrainWritesTheDocumentedFiles() throws {
        let outcome = try duet(["train", "experiments/smoke/pendulum-dual-tiny.yaml", "--seed", "1", "--out",
                                path("pair"), "--steps", "300"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(try header("pair/learner0/episodes.csv"), "step,episode,return,length")
        XCTAssertEqual(try header("pair/learner1/evaluations.csv"),
                       "step,episodes,return_mean,return_std,return_min,return_max")
        XCTAssertEqual(try header("pair/learner0/updates.csv"), "step,updates,critic_loss,actor_loss,q_mean")
        XCTAssertEqual(try header("pair/distillation.csv"),
                       "step,learner,peer,loss,mean_disadvantage,fraction_disadvantageous,max_weight,"
                           + "effective_sample_size,action_distance,distillation_steps,step_loss,"
                           + "step_mean_disadvantage,step_fraction_disadvantageous,step_max_weight,"
                           + "step_effective_sample_size,step_action_distance,own_value_mean,peer_value_mean,"
                           + "disadvantage_q1,disadvantage_median,disadvantage_q3")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("pair/run.json"))))
            as? [String: Any]
        XCTAssertEqual(record?["arm"] as? String, "distill-on")
        XCTAssertEqual(record?["seed"] as? Int, 1)
        XCTAssertEqual(record?["learners"] as? Int, 2)
        XCTAssertNotNil(record?["configuration"])
        XCTAssert(FileManager.default.fileExists(atPath: path("pair/timing.json")))
    }

    /// Three heterogeneous peers (TD3, SAC, DDPG with their own sizes and cadences) through `duet train`,
    /// `summarize` and `plot`, both arms.
    func testThreeHeterogeneousPeersEndToEnd() throws {
        for arm in ["--distill", "--no-distill"] {
            let outcome = try duet(["train", "experiments/smoke/pendulum-three-peers-tiny.yaml", "--seed", "2",
                                    "--out", path("three/\(arm)"), arm])
            XCTAssertEqual(outcome.status, 0, outcome.standardError)
        }
        XCTAssertEqual(try header("three/--distill/learner1/updates.csv"),
                       "step,updates,critic_loss,actor_loss,entropy_coefficient,entropy_coefficient_loss,entropy")
        let record = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: path("three/--distill/run.json")))) as? [String: Any]
        XCTAssertEqual(record?["learners"] as? Int, 3)
        let rows = try String(contentsOfFile: path("three/--distill/distillation.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        XCTAssertEqual(Set(rows.map { $0.split(separator: ",")[1] }), ["0", "1", "2"])
        XCTAssert(rows.allSatisfy { $0.split(separator: ",")[2] == "best" })
        let summary = try duet(["summarize", path("three"), "--reps", "200"])
        XCTAssertEqual(summary.status, 0, summary.standardError)
        XCTAssert(summary.standardOutput.contains("distill-on") && summary.standardOutput.contains("distill-off"),
                  summary.standardOutput)
        for flags in [[String](), ["--distillation"]] {
            let figure = path("three\(flags.count).svg")
            let plot = try duet(["plot", path("three"), "--output", figure, "--reps", "200"] + flags)
            XCTAssertEqual(plot.status, 0, plot.standardError)
            XCTAssert(try String(contentsOfFile: figure, encoding: .utf8).hasPrefix("<svg"))
        }
    }

    func testBadInputIsOneLineAndLeavesNoRunFolder() throws {
        try "learner: {algorithm: td3, hiden: [64]}\n".write(toFile: path("bad.yaml"), atomically: true, encoding: .utf8)
        let cases: [(arguments: [String], message: String)] = [
            (["train", path("bad.yaml"), "--out", path("run")],
             "Error: \(path("bad.yaml")): unknown key 'learner.hiden'; did you mean 'hidden'?"),
            (["train", path("missing.yaml"), "--out", path("run")],
             "Error: \(path("missing.yaml")): cannot read the file: no such file"),
            (["train", "experiments/smoke/pendulum-td3-tiny.yaml", "--out", path("run"), "--set", "env=Pendulum-v2"],
             "Error: --set env=Pendulum-v2: 'env' = Pendulum-v2 is not accepted (accepted: Pendulum-v1,"),
            (["train", "experiments/smoke/pendulum-td3-tiny.yaml", "--out", path("run"), "--distill"],
             "Error: --distill: 'distillation' = absent is not accepted"),
            (["ablate", "experiments/smoke/pendulum-td3-tiny.yaml", "--out", path("run")],
             "Error: experiments/smoke/pendulum-td3-tiny.yaml: 'distillation' = absent is not accepted"),
            (["ablate", "experiments/smoke/pendulum-dual-tiny.yaml", "--seeds", "3-1", "--out", path("run")],
             "Error: --seeds: 'seeds' = '3-1' is not accepted (accepted: a list of seeds and ranges such as 0-9 or 1,3,5)"),
        ]
        for (arguments, message) in cases {
            let outcome = try duet(arguments)
            XCTAssertNotEqual(outcome.status, 0, arguments.joined(separator: " "))
            XCTAssert(outcome.standardError.hasPrefix(message), "\(arguments): \(outcome.standardError)")
            XCTAssertEqual(outcome.standardError.split(separator: "\n").count, 1, outcome.standardError)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("run")), "\(arguments) left a run folder")
        }
    }

    func testAnExistingRunFolderIsKept() throws {
        try FileManager.default.createDirectory(atPath: path("run"), withIntermediateDirectories: true)
        try "mine".write(toFile: path("run/notes.txt"), atomically: true, encoding: .utf8)
        let outcome = try duet(["train", "experiments/smoke/pendulum-td3-tiny.yaml", "--out", path("run")])
        XCTAssertEqual(outcome.status, 1)
        XCTAssert(outcome.standardError.contains("already exists"), outcome.standardError)
        XCTAssertEqual(try String(contentsOfFile: path("run/notes.txt"), encoding: .utf8), "mine")
    }

    /// The main job on a tiny budget: both arms over two seeds, then the table, curves and figures.
    func testQuickstartOnATinyBudget() throws {
        let outcome = try duet(["quickstart", "--config", "experiments/smoke/pendulum-dual-tiny.yaml", "--seeds", "0-1",
                                "--steps", "400", "--out", path("study")])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssert(outcome.standardOutput.contains("Pendulum-v1  distill-off"), outcome.standardOutput)
        XCTAssert(outcome.standardOutput.contains("P(X > Y)"))
        for file in ["summary.txt", "curves.csv", "curves.svg", "distillation.svg",
                     "distill-on/seed-0/run.json", "distill-off/seed-1/learner1/evaluations.csv"] {
            XCTAssert(FileManager.default.fileExists(atPath: path("study/" + file)), file)
        }
        XCTAssert(try String(contentsOfFile: path("study/curves.svg"), encoding: .utf8).hasPrefix("<svg"))
    }
}
