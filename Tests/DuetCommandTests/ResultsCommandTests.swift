import DuetTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// `duet summarize`, `duet export` and `duet plot` end to end: the built executable on small run folders written
/// here, with the help texts and the summary table snapshot-tested, warnings on standard error, one-line errors,
/// and output files that are written whole or not at all and never replaced without `--overwrite`.
///
/// The snapshots are `Tests/DuetCommandTests/Snapshots/*.txt`. To re-record them after an intended change, run
///
///     DUET_RECORD_SNAPSHOTS=1 OPENBLAS_NUM_THREADS=1 swift test --filter DuetCommandTests.ResultsCommandTests
///
/// then read the diff and commit it with the change.
final class ResultsCommandTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    // MARK: Fixtures

    private func duet(_ arguments: [String]) throws -> DuetExecutable.Outcome {
        try DuetExecutable.run(arguments, in: scratch, environment: ["COLUMNS": "80"])
    }

    /// The absolute path of `name` in the scratch folder.
    private func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    /// Writes `text` to `name` under the scratch folder, creating folders.
    @discardableResult
    private func write(_ text: String, to name: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes a run folder as the trainer does: run.json, each learner's evaluations.csv (from (step, return)
    /// pairs) and episodes.csv, and distillation.csv from (step, learner, fraction, distance) rows if given.
    @discardableResult
    private func writeRun(_ name: String, arm: String, seed: Int, task: String = "Pendulum-v1",
                          learners: [[(step: Int, value: Double)]],
                          distillation: [(step: Int, learner: Int, fraction: Double, distance: Double)]? = nil)
        throws -> String {
        try write("{\"arm\": \"\(arm)\", \"seed\": \(seed), \"env\": \"\(task)\", \"algorithm\": \"td3\"}\n",
                  to: "\(name)/run.json")
        for (index, evaluations) in learners.enumerated() {
            var csv = "step,episodes,return_mean,return_std,return_min,return_max\n"
            for (step, value) in evaluations { csv += "\(step),10,\(value),1.5,\(value - 3),\(value + 3)\n" }
            try write(csv, to: "\(name)/learner\(index)/evaluations.csv")
            try write("step,episode,return,length\n200,0,-1200.5,200\n", to: "\(name)/learner\(index)/episodes.csv")
        }
        if let distillation {
            var csv = "step,learner,loss,mean_disadvantage,fraction_disadvantageous,max_weight,"
                + "effective_sample_size,action_distance\n"
            for row in distillation {
                csv += "\(row.step),\(row.learner),0.5,-0.1,\(row.fraction),2,200,\(row.distance)\n"
            }
            try write(csv, to: "\(name)/distillation.csv")
        }
        return path(name)
    }

    /// Dual Pendulum-v1 runs, seeds 0–4 of arms distill-off and distill-on under `folder`/<arm>/seed-<s>, with
    /// evaluations at steps 0, 2000, …, 10000. Learner k of seed s at evaluation i returns
    /// −1200 + 200·i + 10·((3s + 2k + i) mod 7) without distillation and −1200 + 230·i + 10·((5s + k + i) mod 7)
    /// with it; distill-on runs log distillation at steps 2000, …, 10000.
    @discardableResult
    private func writeExperiment(in folder: String = "runs") throws -> String {
        for seed in 0..<5 {
            for arm in ["distill-off", "distill-on"] {
                let on = arm == "distill-on"
                var learners: [[(step: Int, value: Double)]] = []
                for learner in 0..<2 {
                    learners.append((0..<6).map { i in
                        let wobble = on ? (5 * seed + learner + i) % 7 : (3 * seed + 2 * learner + i) % 7
                        return (step: 2000 * i, value: Double(-1200 + (on ? 230 : 200) * i + 10 * wobble))
                    })
                }
                var distillation: [(step: Int, learner: Int, fraction: Double, distance: Double)] = []
                for i in 1..<6 {
                    for learner in 0..<2 {
                        let fraction = 0.5 - 0.04 * Double(i) + 0.01 * Double(seed)
                        let distance = 0.6 / Double(i) + 0.05 * Double(learner)
                        distillation.append((step: 2000 * i, learner: learner, fraction: fraction, distance: distance))
                    }
                }
                try writeRun("\(folder)/\(arm)/seed-\(seed)", arm: arm, seed: seed, learners: learners,
                             distillation: on ? distillation : nil)
            }
        }
        return path(folder)
    }

    /// Asserts a run failed with `status`, printed nothing on standard output, and printed `Error: <message>` as
    /// its first line on standard error (usage errors add ArgumentParser's usage lines after it; other errors
    /// print that line only).
    private func assertError(_ arguments: [String], _ message: String, status: Int32,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try duet(arguments)
        XCTAssertEqual(outcome.status, status, "\(arguments)", file: file, line: line)
        XCTAssertEqual(outcome.standardOutput, "", "\(arguments)", file: file, line: line)
        if status == 1 {
            XCTAssertEqual(outcome.standardError, "Error: \(message)\n", "\(arguments)", file: file, line: line)
        } else {
            XCTAssertEqual(outcome.standardError.split(separator: "\n").first.map(String.init), "Error: \(message)",
                           "\(arguments)", file: file, line: line)
        }
    }

    /// The names in the scratch folder (hidden ones too), to check nothing was left behind.
    private func scratchListing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
    }

    /// The CSV's rows as fields (header first).
    private func csvRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    // MARK: Help

    func testSummarizeHelp() throws {
        let outcome = try duet(["summarize", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "summarize-help.txt")
    }

    func testExportHelp() throws {
        let outcome = try duet(["export", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "export-help.txt")
    }

    func testPlotHelp() throws {
        let outcome = try duet(["plot", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "plot-help.txt")
    }

    // MARK: summarize

    /// The table on fixed data. Final scores (step 10000, learners averaged): distill-off seeds 0–4 give
    /// −200 + 10·mean((3s + 5) mod 7, (3s + 7) mod 7) = −175, −180, −150, −190, −160 (mean −171, median −175);
    /// distill-on gives −50 + 10·mean((5s + 5) mod 7, (5s + 6) mod 7) = 5, −15, −35, −20, −5 (mean −14,
    /// median −15).
    func testSummaryTableOnFixedData() throws {
        let runs = try writeExperiment()
        let outcome = try duet(["summarize", runs, "--reps", "2000", "--seed", "7"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardError, "")
        try assertSnapshot(outcome.standardOutput, named: "summarize-table.txt")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("Pendulum-v1  distill-off     5  -171.0  -175.0") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("Pendulum-v1  distill-on      5   -14.0   -15.0") }, "\(lines)")
    }

    func testSummaryIsReproducibleForASeedAndChangesWithIt() throws {
        let runs = try writeExperiment()
        let first = try duet(["summarize", runs, "--reps", "500", "--seed", "3", "--format", "json"])
        let again = try duet(["summarize", runs, "--reps", "500", "--seed", "3", "--format", "json"])
        let other = try duet(["summarize", runs, "--reps", "500", "--seed", "4", "--format", "json"])
        XCTAssertEqual(first.status, 0, first.standardError)
        XCTAssertEqual(first.standardOutput, again.standardOutput)
        XCTAssertNotEqual(first.standardOutput, other.standardOutput)
    }

    func testRunFoldersAndFoldersOfRunsGiveTheSameSummary() throws {
        let runs = try writeExperiment()
        let arguments = ["--reps", "500", "--format", "csv"]
        let fromRoot = try duet(["summarize", runs] + arguments)
        let fromArms = try duet(["summarize", runs + "/distill-on", runs + "/distill-off"] + arguments)
        let fromRuns = try duet(["summarize"] + (0..<5).flatMap { ["\(runs)/distill-on/seed-\($0)",
                                                                    "\(runs)/distill-off/seed-\($0)"] } + arguments)
        XCTAssertEqual(fromRoot.status, 0, fromRoot.standardError)
        XCTAssertEqual(fromArms.standardOutput, fromRoot.standardOutput)
        XCTAssertEqual(fromRuns.standardOutput, fromRoot.standardOutput)
    }

    func testSummaryCSVTablesAndJSON() throws {
        let runs = try writeExperiment()
        let arms = try duet(["summarize", runs, "--reps", "500", "--format", "csv"])
        XCTAssertEqual(arms.status, 0, arms.standardError)
        XCTAssertEqual(csvRows(arms.standardOutput).map { $0[0...3].joined(separator: ",") }, [
            "task,arm,tasks,runs", "Pendulum-v1,distill-off,1,5", "Pendulum-v1,distill-on,1,5",
        ])
        XCTAssertEqual(csvRows(arms.standardOutput)[0], ["task", "arm", "tasks", "runs", "metric", "learners", "scale",
                                                         "mean", "median", "iqm", "iqm_lower", "iqm_upper",
                                                         "optimality_gap"])

        let comparisons = try duet(["summarize", runs, "--reps", "500", "--format", "csv", "--table", "comparisons"])
        let comparisonRows = csvRows(comparisons.standardOutput)
        XCTAssertEqual(comparisonRows.first, [
            "task", "arm", "baseline", "tasks", "arm_runs", "baseline_runs", "metric", "learners", "scale",
            "probability_of_improvement", "probability_lower", "probability_upper", "iqm_difference",
            "difference_lower", "difference_upper", "welch_t", "welch_df", "welch_p",
        ])
        XCTAssertEqual(comparisonRows.count, 2)
        XCTAssertEqual(comparisonRows[1][0...2], ["Pendulum-v1", "distill-on", "distill-off"])
        XCTAssertEqual(comparisonRows[1][9], "1")              // every distill-on run beats every distill-off run
        // IQM (the middle three of five): distill-on (−20 − 15 − 5)/3, distill-off (−180 − 175 − 160)/3.
        XCTAssertEqual(try XCTUnwrap(Double(comparisonRows[1][12])), -40.0 / 3 + 515.0 / 3, accuracy: 1e-9)

        let scores = try duet(["summarize", runs, "--format", "csv", "--table", "scores", "--metric", "best"])
        let scoreRows = csvRows(scores.standardOutput)
        XCTAssertEqual(scoreRows.first, ["task", "arm", "seed", "metric", "learners", "scale", "last_step", "return",
                                         "score", "path"])
        XCTAssertEqual(scoreRows.count, 1 + 10)
        XCTAssertEqual(scoreRows[1], ["Pendulum-v1", "distill-off", "0", "best", "mean", "return", "10000", "-175",
                                      "-175", "\(runs)/distill-off/seed-0"])

        let json = try duet(["summarize", runs, "--reps", "500", "--format", "json", "--metric", "auc"])
        XCTAssertEqual(json.status, 0, json.standardError)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8))
            as? [String: Any])
        XCTAssertEqual(object["metric"] as? String, "auc")
        XCTAssertEqual(object["replicates"] as? Int, 500)
        XCTAssertEqual(object["baseline"] as? String, "distill-off")
        XCTAssertEqual((object["arms"] as? [Any])?.count, 2)
        XCTAssertEqual((object["comparisons"] as? [Any])?.count, 1)
        XCTAssertEqual((object["warnings"] as? [Any])?.count, 0)
    }

    // MARK: summarize: the distillation score

    /// The repository root, where `experiments/` lives.
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Trains the tiny TD3 preset on Pendulum-v1 into `name` with hidden layers `hidden` (for its policy file),
    /// then replaces its evaluations with one at step 300 returning `finalReturn`, so scores are hand-computable.
    private func trainPolicy(_ name: String, hidden: String, finalReturn: Double) throws -> String {
        let outcome = try DuetExecutable.run(
            ["train", "experiments/smoke/pendulum-td3-tiny.yaml", "--seed", "1", "--steps", "300", "--out", path(name),
             "--set", "learner.hidden=\(hidden)", "--set", "evaluation.every=100000"],
            in: repository, environment: ["COLUMNS": "80"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("\(name)/learner0/policy-final.duet")))
        try write("step,episodes,return_mean,return_std,return_min,return_max\n"
                  + "300,2,\(finalReturn),1,\(finalReturn - 1),\(finalReturn + 1)\n",
                  to: "\(name)/learner0/evaluations.csv")
        return path(name)
    }

    /// Sets run.json's arm and `configuration.distillation.teacher` (what a teacher-student run records).
    private func link(_ run: String, arm: String, teacher: String) throws {
        let file = URL(fileURLWithPath: run).appendingPathComponent("run.json")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var configuration = try XCTUnwrap(record["configuration"] as? [String: Any])
        var distillation = configuration["distillation"] as? [String: Any] ?? [:]
        distillation["teacher"] = teacher
        distillation["teacherPeer"] = 0
        configuration["distillation"] = distillation
        record["configuration"] = configuration
        record["arm"] = arm
        try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]).write(to: file)
    }

    /// A student (TD3, hidden 32-32) and its teacher (64-64) trained briefly for their policy files, with final
    /// returns −400 and −200 written over their evaluations. Sizes from the policy files' network tensors:
    /// student 3·32 + 32 + 32·32 + 32 + 32·1 + 1 = 1217, teacher 3·64 + 64 + 64·64 + 64 + 64·1 + 1 = 4481, so
    /// S = 1217/4481 = 0.2716. Pendulum-v1's random return −1221: P = (−400 + 1221)/(−200 + 1221) = 821/1021 =
    /// 0.8041. DS = 0.5·0.2716 + 0.5·(1 − 0.8041) = 0.1358 + 0.0979 = 0.2337.
    func testSummarizeShowsTheDistillationScoreOfATeacherStudentRun() throws {
        let teacher = try trainPolicy("teacher", hidden: "[64,64]", finalReturn: -200)
        let student = try trainPolicy("students/s1", hidden: "[32,32]", finalReturn: -400)
        try link(student, arm: "teacher-student", teacher: teacher)

        let table = try duet(["summarize", path("students"), "--reps", "100"])
        XCTAssertEqual(table.status, 0, table.standardError)
        let lines = table.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("Distillation score (after Alkhulaifi et al. 2021)") }, "\(lines)")
        // One run: every replicate is that run, so the interval is the score itself.
        XCTAssertTrue(lines.contains("Pendulum-v1  teacher-student  1 teacher run     1    1217            4481  "
                                     + "0.272  0.804  0.234  [0.234, 0.234]"), table.standardOutput)

        let csv = try duet(["summarize", path("students"), "--reps", "100", "--format", "csv", "--table",
                            "distillation"])
        let rows = csvRows(csv.standardOutput)
        XCTAssertEqual(rows.first, ["task", "arm", "teacher_runs", "reference_arm", "runs", "metric", "learners",
                                    "score_weight", "student_parameters", "teacher_parameters", "size_ratio",
                                    "size_assumed", "return_ratio", "distillation_score", "distillation_score_lower",
                                    "distillation_score_upper", "unavailable"])
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[1][0...9], ["Pendulum-v1", "teacher-student", "1", "", "1", "final", "mean", "0.5",
                                        "1217", "4481"])
        XCTAssertEqual(try XCTUnwrap(Double(rows[1][10])), 1217.0 / 4481, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(Double(rows[1][12])), 821.0 / 1021, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(Double(rows[1][13])), 0.5 * 1217 / 4481 + 0.5 * 200 / 1021, accuracy: 1e-12)

        // a = 1 scores size alone: S = 0.272.
        let sizeOnly = try duet(["summarize", path("students"), "--reps", "100", "--score-weight", "1"])
        XCTAssertTrue(sizeOnly.standardOutput.contains("DS = a·S + (1 − a)·(1 − P), a = 1."))
        XCTAssertTrue(sizeOnly.standardOutput.contains("1217            4481  0.272  0.804  0.272  [0.272, 0.272]\n"),
                      sizeOnly.standardOutput)

        let json = try duet(["summarize", path("students"), "--reps", "100", "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8))
            as? [String: Any])
        let arm = try XCTUnwrap(((object["distillation_score"] as? [String: Any])?["arms"] as? [[String: Any]])?.first)
        XCTAssertEqual(arm["teacher_parameters"] as? Double, 4481)
        XCTAssertEqual(((arm["per_run"] as? [[String: Any]])?.first)?["teacher"] as? String, teacher)

        // A teacher folder that no longer exists: the summary is printed, with the reason in place of the score.
        try FileManager.default.removeItem(atPath: teacher)
        let gone = try duet(["summarize", path("students"), "--reps", "100"])
        XCTAssertEqual(gone.status, 0, gone.standardError)
        XCTAssertTrue(gone.standardOutput.contains("Pendulum-v1  teacher-student     1  -400.0"), gone.standardOutput)
        XCTAssertTrue(gone.standardOutput.contains("score unavailable: Pendulum-v1 teacher-student: teacher folder "
                                                   + "\(teacher) (distillation.teacher of \(student)) no longer "
                                                   + "exists\n"), gone.standardOutput)
    }

    /// The on arm against the off arm as its reference, on the fixed ablation (no policy files, so S = 1 is
    /// assumed). Final returns: distill-off mean −171 (the reference), distill-on mean −14; P̄ =
    /// (−14 + 1221)/(−171 + 1221) = 1207/1050 = 1.1495, DS = 0.5·1 + 0.5·(1 − 1.1495) = 0.4252.
    func testSummarizeScoresTheOnArmAgainstTheOffArmWhenAsked() throws {
        let runs = try writeExperiment()
        let plain = try duet(["summarize", runs, "--reps", "100"])
        XCTAssertFalse(plain.standardOutput.contains("Distillation score"), "only on request without teachers")
        let outcome = try duet(["summarize", runs, "--reps", "100", "--distillation-score"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardOutput.hasPrefix(plain.standardOutput), "the rest is unchanged")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("Pendulum-v1  distill-on  distill-off arm     5")
                          && $0.contains("1.000*  1.150  0.425  [") }, outcome.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("* S = 1 assumed") }, outcome.standardOutput)

        let csv = csvRows(try duet(["summarize", runs, "--reps", "100", "--format", "csv", "--table",
                                    "distillation"]).standardOutput)
        XCTAssertEqual(csv.count, 2)
        XCTAssertEqual(csv[1][0...4], ["Pendulum-v1", "distill-on", "0", "distill-off", "5"])
        XCTAssertEqual(csv[1][11], "true")
        XCTAssertEqual(try XCTUnwrap(Double(csv[1][13])), 0.5 + 0.5 * (1 - 1207.0 / 1050), accuracy: 1e-12)
        // Its interval: resampling five on runs against five off runs, around the score.
        let (lower, upper) = (try XCTUnwrap(Double(csv[1][14])), try XCTUnwrap(Double(csv[1][15])))
        XCTAssertLessThan(lower, upper)
        XCTAssertTrue((lower...upper).contains(0.5 + 0.5 * (1 - 1207.0 / 1050)), "[\(lower), \(upper)]")
    }

    /// Seed 0 of distill-off at step 10000: learner 0 returns −200 + 10·(5 mod 7) = −150, learner 1
    /// −200 + 10·(7 mod 7) = −200; so mean −175, max −150, learner1 −200.
    func testLearnerSelection() throws {
        let runs = try writeExperiment()
        func score(_ learners: String) throws -> String {
            let outcome = try duet(["summarize", runs, "--format", "csv", "--table", "scores", "--learners", learners])
            XCTAssertEqual(outcome.status, 0, outcome.standardError)
            let row = try XCTUnwrap(csvRows(outcome.standardOutput).first { $0.last == "\(runs)/distill-off/seed-0" })
            XCTAssertEqual(row[4], learners)
            return row[8]
        }
        XCTAssertEqual(try score("mean"), "-175")
        XCTAssertEqual(try score("max"), "-150")
        XCTAssertEqual(try score("learner0"), "-150")
        XCTAssertEqual(try score("learner1"), "-200")
        try assertError(["summarize", runs, "--learners", "learner2"],
                        "\(runs)/distill-off/seed-0: has no learner2 (the run has 2 learners)", status: 1)
    }

    /// Pendulum-v1 from the built-in table, (−175 + 1221)/(−152 + 1221) for seed 0 of distill-off; a second task
    /// from the user's table, whose Pendulum-v1 line overrides the built-in one.
    func testNormalisedScoresWithTheBuiltInAndAUserTable() throws {
        let runs = try writeExperiment()
        let builtIn = try duet(["summarize", runs, "--normalise", "--format", "csv", "--table", "scores"])
        XCTAssertEqual(builtIn.status, 0, builtIn.standardError)
        let row = try XCTUnwrap(csvRows(builtIn.standardOutput).first { $0.last == "\(runs)/distill-off/seed-0" })
        XCTAssertEqual(row[5], "normalised")
        XCTAssertEqual(try XCTUnwrap(Double(row[8])), (-175.0 + 1221) / (-152 + 1221), accuracy: 1e-12)

        for seed in 0..<3 {
            try writeRun("runs/cartpole/seed-\(seed)", arm: "distill-on", seed: seed, task: "CartPoleContinuous-v0",
                         learners: [[(0, 20), (2000, Double(300 + 50 * seed))]])
        }
        try assertError(["summarize", runs, "--normalise"],
                        "no normalisation entry for task 'CartPoleContinuous-v0' (known: HalfCheetah-v5, Hopper-v5, "
                            + "InvertedDoublePendulum-v5, InvertedPendulum-v5, MountainCarContinuous-v0, Pendulum-v1, "
                            + "Reacher-v5, Swimmer-v5, Walker2d-v5); supply a CSV with a line 'CartPoleContinuous-v0,<random>,<reference>' "
                            + "(pass that file with --normalisation <file>)", status: 1)
        let table = try write("# measured with duet\ntask,random,reference\nCartPoleContinuous-v0,0,500\n"
                                + "Pendulum-v1,-1200,0\n", to: "normalisation.csv")
        let outcome = try duet(["summarize", runs, "--normalisation", table, "--reps", "500"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasSuffix("normalised (random → 0, reference → 1)."), lines[0])
        XCTAssertTrue(lines.contains { $0.contains("opt. gap") })
        // CartPole distill-on: 300, 350, 400 → 0.6, 0.7, 0.8; gap mean(1 − x) = 0.3.
        XCTAssertTrue(lines.contains { $0.hasPrefix("CartPoleContinuous-v0  distill-on      3  0.700   0.700  0.700")
            && $0.hasSuffix("0.300") }, "\(lines)")
        // Pendulum with the user's line: distill-off median (−175 + 1200)/1200 = 0.854.
        XCTAssertTrue(lines.contains { $0.hasPrefix("Pendulum-v1            distill-off     5  0.857   0.854") },
                      "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("(all)                  distill-on      8") }, "\(lines)")
        try assertError(["summarize", runs, "--optimality-threshold", "0.9"],
                        "--optimality-threshold needs normalised scores (--normalise or --normalisation)", status: 64)
    }

    /// A distill-off run that stopped at step 6000 is named in a warning; included it counts with its score at
    /// step 6000, excluded it does not count.
    func testIncompleteRunsAreWarnedAboutAndCanBeExcluded() throws {
        let runs = try writeExperiment()
        let early = try writeRun("runs/distill-off/seed-5", arm: "distill-off", seed: 5,
                                 learners: [[(0, -1200), (2000, -900), (4000, -700), (6000, -500)]])
        let warning = "warning: \(early): last evaluation at step 6000, before step 10000 reached by other runs of "
            + "its task; "
        let included = try duet(["summarize", runs, "--reps", "500", "--format", "csv"])
        XCTAssertEqual(included.status, 0, included.standardError)
        XCTAssertEqual(included.standardError, warning + "its score comes from step 6000\n")
        XCTAssertEqual(csvRows(included.standardOutput)[1][0...3], ["Pendulum-v1", "distill-off", "1", "6"])

        let excluded = try duet(["summarize", runs, "--reps", "500", "--format", "csv", "--incomplete", "exclude"])
        XCTAssertEqual(excluded.status, 0, excluded.standardError)
        XCTAssertEqual(excluded.standardError, warning + "excluded\n")
        XCTAssertEqual(csvRows(excluded.standardOutput)[1][0...3], ["Pendulum-v1", "distill-off", "1", "5"])
    }

    /// `--until 6000` scores every run as if it had stopped at step 6000: the early run is complete there (no
    /// warning), every score is the evaluation at 6000, and the header and JSON say so.
    func testScoresUpToAStep() throws {
        let runs = try writeExperiment()
        try writeRun("runs/distill-off/seed-5", arm: "distill-off", seed: 5,
                     learners: [[(0, -1200), (2000, -900), (4000, -700), (6000, -500)]])
        let cut = try duet(["summarize", runs, "--reps", "500", "--format", "csv", "--table", "scores",
                            "--until", "6000"])
        XCTAssertEqual(cut.status, 0, cut.standardError)
        XCTAssertEqual(cut.standardError, "")
        let rows = csvRows(cut.standardOutput)
        let lastStep = try XCTUnwrap(rows[0].firstIndex(of: "last_step"))
        XCTAssertEqual(rows.count, 12)
        XCTAssertEqual(Set(rows.dropFirst().map { $0[lastStep] }), ["6000"])
        let text = try duet(["summarize", runs, "--reps", "500", "--until", "6000"])
        XCTAssertTrue(text.standardOutput.contains("Scores: final evaluation return up to step 6000, "),
                      text.standardOutput)
        let json = try duet(["summarize", runs, "--reps", "500", "--format", "json", "--until", "6000"])
        XCTAssertTrue(json.standardOutput.contains("\"until\": 6000"),
                      json.standardOutput)
        let whole = try duet(["summarize", runs, "--reps", "500", "--format", "json"])
        XCTAssertFalse(whole.standardOutput.contains("\"until\""))
    }

    func testSummaryToAFile() throws {
        let runs = try writeExperiment()
        let target = path("summary.json")
        let outcome = try duet(["summarize", runs, "--reps", "500", "--format", "json", "-o", target])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardOutput, "Wrote \(target)\n")
        let printed = try duet(["summarize", runs, "--reps", "500", "--format", "json"])
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), printed.standardOutput)
        try assertError(["summarize", runs, "--reps", "500", "-o", target],
                        "--output \(target): already exists; pass --overwrite to replace it", status: 1)
        XCTAssertEqual(try duet(["summarize", runs, "--reps", "500", "-o", target, "--overwrite"]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("Scores: final evaluation return"))
        XCTAssertEqual(try scratchListing(), ["runs", "summary.json"])
    }

    // MARK: export

    func testExportTidyCSV() throws {
        let runs = try writeExperiment()
        let target = path("curves.csv")
        let outcome = try duet(["export", runs, "-o", target, "--reps", "200"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardOutput, "Wrote \(target): 2 arms on 1 task, 10 runs, 6 steps\n")
        XCTAssertEqual(outcome.standardError, "")
        let rows = csvRows(try String(contentsOfFile: target, encoding: .utf8))
        XCTAssertEqual(rows[0], ["task", "arm", "learners", "scale", "smoothing", "step", "quantity", "seed", "value"])
        // Per arm and step: count, mean, median, iqm, iqm_lower, iqm_upper and five runs.
        XCTAssertEqual(rows.count, 1 + 2 * 6 * 11)
        XCTAssertEqual(rows[1...11].map { $0[6] }, ["count", "mean", "median", "iqm", "iqm_lower", "iqm_upper",
                                                    "run", "run", "run", "run", "run"])
        XCTAssertEqual(rows[1...11].map { $0[7] }, ["", "", "", "", "", "", "0", "1", "2", "3", "4"])
        // distill-off at step 0: learners average −1200 + 10·mean((3s) mod 7, (3s + 2) mod 7); seed 0: −1190.
        XCTAssertEqual(rows[7], ["Pendulum-v1", "distill-off", "mean", "return", "1", "0", "run", "0", "-1190"])
        XCTAssertEqual(rows[1], ["Pendulum-v1", "distill-off", "mean", "return", "1", "0", "count", "", "5"])
    }

    /// `--until 5000` keeps steps 0–4000 of the experiment's 0–10000 (and the wide rows of the cut curve equal
    /// the whole curve's rows at those steps); `plot --until` draws the same steps.
    func testExportAndPlotUpToAStep() throws {
        let runs = try writeExperiment()
        let whole = path("whole.csv")
        let cut = path("cut.csv")
        XCTAssertEqual(try duet(["export", runs, "-o", whole, "--wide", "--no-bands"]).status, 0)
        let outcome = try duet(["export", runs, "-o", cut, "--wide", "--no-bands", "--until", "5000"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardOutput, "Wrote \(cut): 2 arms on 1 task, 10 runs, 3 steps\n")
        let wholeRows = csvRows(try String(contentsOfFile: whole, encoding: .utf8))
        let cutRows = csvRows(try String(contentsOfFile: cut, encoding: .utf8))
        XCTAssertEqual(cutRows, [wholeRows[0]] + wholeRows.dropFirst().filter { Int($0[5])! <= 4000 })
        let svg = path("cut.svg")
        let plot = try duet(["plot", runs, "-o", svg, "--until", "5000", "--reps", "200"])
        XCTAssertEqual(plot.status, 0, plot.standardError)
        XCTAssertEqual(plot.standardOutput, "Wrote \(svg): learning curves, 2 arms on 1 task, 10 runs, 3 steps\n")
    }

    func testExportWideCSVAndOptions() throws {
        let runs = try writeExperiment()
        let wide = path("wide.csv")
        let outcome = try duet(["export", runs, "-o", wide, "--wide", "--statistic", "mean", "--reps", "200",
                                "--smoothing", "3", "--learners", "max", "--normalise"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let rows = csvRows(try String(contentsOfFile: wide, encoding: .utf8))
        XCTAssertEqual(rows[0], ["task", "arm", "learners", "scale", "smoothing", "step", "count", "mean", "median",
                                 "iqm", "mean_lower", "mean_upper"])
        XCTAssertEqual(rows.count, 1 + 2 * 6)
        XCTAssertEqual(rows[1][0...6], ["Pendulum-v1", "distill-off", "max", "normalised", "3", "0", "5"])

        let plain = path("plain.csv")
        XCTAssertEqual(try duet(["export", runs, "-o", plain, "--wide", "--no-bands"]).status, 0)
        XCTAssertEqual(csvRows(try String(contentsOfFile: plain, encoding: .utf8))[0],
                       ["task", "arm", "learners", "scale", "smoothing", "step", "count", "mean", "median", "iqm"])
        XCTAssertEqual(try scratchListing(), ["plain.csv", "runs", "wide.csv"])
    }

    func testExportIsReproducible() throws {
        let runs = try writeExperiment()
        XCTAssertEqual(try duet(["export", runs, "-o", path("a.csv"), "--reps", "300", "--seed", "5"]).status, 0)
        XCTAssertEqual(try duet(["export", runs, "-o", path("b.csv"), "--reps", "300", "--seed", "5"]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("a.csv"))),
                       try Data(contentsOf: URL(fileURLWithPath: path("b.csv"))))
    }

    // MARK: Output files

    func testAnExistingOutputIsReplacedOnlyWithOverwrite() throws {
        let runs = try writeExperiment()
        let target = try write("keep me\n", to: "curves.csv")
        try assertError(["export", runs, "-o", target, "--reps", "100"],
                        "--output \(target): already exists; pass --overwrite to replace it", status: 1)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep me\n")
        let svg = try write("<svg/>\n", to: "curves.svg")
        try assertError(["plot", runs, "-o", svg, "--reps", "100"],
                        "--output \(svg): already exists; pass --overwrite to replace it", status: 1)
        XCTAssertEqual(try String(contentsOfFile: svg, encoding: .utf8), "<svg/>\n")

        XCTAssertEqual(try duet(["export", runs, "-o", target, "--reps", "100", "--overwrite"]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("task,arm,learners,"))
        XCTAssertEqual(try scratchListing(), ["curves.csv", "curves.svg", "runs"])
    }

    /// A run with a malformed evaluations.csv stops the command with an error naming the file and line, before
    /// any output is written: no file, no temporary file.
    func testAFailureLeavesNoOutputBehind() throws {
        let runs = try writeExperiment()
        let bad = try write("step,episodes,return_mean,return_std,return_min,return_max\n0,10,-1200,1,-1203,-1197\n"
                                + "2000,10,fast,1,0,0\n", to: "runs/broken/seed-9/learner0/evaluations.csv")
        try write("{\"arm\": \"distill-off\", \"seed\": 9, \"env\": \"Pendulum-v1\"}\n",
                  to: "runs/broken/seed-9/run.json")
        let message = "\(bad):3: column 'return_mean': 'fast' is not a number"
        try assertError(["export", runs, "-o", path("curves.csv")], message, status: 1)
        try assertError(["plot", runs, "-o", path("curves.svg")], message, status: 1)
        try assertError(["summarize", runs, "-o", path("summary.txt")], message, status: 1)
        XCTAssertEqual(try scratchListing(), ["runs"])
    }

    func testOutputFolderMustExistAndOutputMustNotBeAFolder() throws {
        let runs = try writeExperiment()
        let nested = path("figures/curves.svg")
        try assertError(["plot", runs, "-o", nested],
                        "--output \(nested): the folder \(path("figures")) does not exist", status: 1)
        try assertError(["export", runs, "-o", runs], "--output \(runs): is a folder; give a file name", status: 1)
        XCTAssertEqual(try scratchListing(), ["runs"])
    }

    // MARK: plot

    func testPlotLearningCurves() throws {
        let runs = try writeExperiment()
        let target = path("curves.svg")
        let outcome = try duet(["plot", runs, "-o", target, "--title", "Pendulum, TD3", "--width", "640",
                                "--height", "400", "--reps", "200", "--statistic", "median", "--smoothing", "2"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardOutput,
                       "Wrote \(target): learning curves, 2 arms on 1 task, 10 runs, 6 steps\n")
        XCTAssertEqual(outcome.standardError, "")
        let svg = try String(contentsOfFile: target, encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg"), svg)
        XCTAssertTrue(svg.contains("width=\"640\"") && svg.contains("height=\"400\""))
        XCTAssertTrue(svg.contains("Pendulum, TD3"))
        XCTAssertTrue(svg.contains("Line: median of n = 5 runs per arm"))
        XCTAssertTrue(svg.contains("moving average over 2 evaluations"))
        for arm in ["distill-off", "distill-on"] {
            XCTAssertTrue(svg.contains("class=\"line\" data-series=\"\(arm)\"")
                || svg.contains("data-series=\"\(arm)\" class=\"line\""), arm)
            XCTAssertTrue(svg.contains("class=\"band\""))
        }
        XCTAssertNoThrow(try XMLDocument(xmlString: svg))

        let plain = path("plain.svg")
        XCTAssertEqual(try duet(["plot", runs, "-o", plain, "--no-bands", "--normalise"]).status, 0)
        let plainSVG = try String(contentsOfFile: plain, encoding: .utf8)
        XCTAssertFalse(plainSVG.contains("class=\"band\""))
        XCTAssertTrue(plainSVG.contains("normalised score"))
    }

    func testPlotDistillationDiagnostics() throws {
        let runs = try writeExperiment()
        let target = path("distillation.svg")
        let outcome = try duet(["plot", "--distillation", runs, "-o", target, "--reps", "200"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardOutput, "Wrote \(target): distillation diagnostics of 5 runs\n")
        XCTAssertEqual(outcome.standardError, (0..<5).map {
            "warning: \(runs)/distill-off/seed-\($0): no distillation.csv; left out of the distillation diagnostics\n"
        }.joined())
        let svg = try String(contentsOfFile: target, encoding: .utf8)
        XCTAssertTrue(svg.contains("Action distance between the learners"))
        XCTAssertTrue(svg.contains("Disadvantageous states"))
        XCTAssertTrue(svg.contains("data-series=\"distill-on/learner0\""))
        XCTAssertTrue(svg.contains("data-series=\"distill-on/learner1\""))
        XCTAssertFalse(svg.contains("data-series=\"distill-off"))

        let loss = path("loss.svg")
        XCTAssertEqual(try duet(["plot", "--distillation", "\(runs)/distill-on", "-o", loss, "--quantity", "loss",
                                 "--no-bands"]).status, 0)
        let lossSVG = try String(contentsOfFile: loss, encoding: .utf8)
        XCTAssertTrue(lossSVG.contains("Distillation loss"))
        XCTAssertFalse(lossSVG.contains("Action distance"))

        let none = try duet(["plot", "--distillation", "\(runs)/distill-off", "-o", path("none.svg")])
        XCTAssertEqual(none.status, 1)
        XCTAssertEqual(none.standardOutput, "")
        XCTAssertEqual(none.standardError.split(separator: "\n").last,
                       "Error: none of the 5 runs has a distillation log (distillation.csv); nothing to plot")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("none.svg")))
    }

    // MARK: Bad arguments and bad data

    func testUsageErrorsNameTheFlag() throws {
        let runs = try writeExperiment()
        let svg = path("x.svg")
        let cases: [([String], String)] = [
            (["summarize", runs, "--reps", "0"], "--reps must be at least 1, got 0"),
            (["summarize", runs, "--confidence", "1"],
             "--confidence must be between 0 and 1 (exclusive), e.g. 0.95, got 1"),
            (["summarize", runs, "--table", "scores"], "--table applies only to --format csv"),
            (["summarize", runs, "--overwrite"], "--overwrite applies only with --output"),
            (["summarize", runs, "--score-weight", "1.5"],
             "--score-weight must be between 0 and 1 (inclusive), e.g. 0.5, got 1.5"),
            (["summarize", runs, "--score-weight=-0.1"],
             "--score-weight must be between 0 and 1 (inclusive), e.g. 0.5, got -0.1"),
            (["summarize", runs, "--score-weight", "nan"],
             "--score-weight must be between 0 and 1 (inclusive), e.g. 0.5, got nan"),
            (["summarize", runs, "--until=-1"], "--until must be a step ≥ 0, e.g. 300000, got -1"),
            (["export", runs, "-o", path("x.csv"), "--until=-5"], "--until must be a step ≥ 0, e.g. 300000, got -5"),
            (["plot", runs, "-o", svg, "--distillation", "--until", "100"],
             "--until applies to learning curves, not to --distillation"),
            (["summarize", runs, "--metric", "last"],
             "The value 'last' is invalid for '--metric <metric>'. Please provide one of 'final', 'auc' or 'best'."),
            (["summarize", runs, "--learners", "both"], "The value 'both' is invalid for '--learners <learners>'"),
            (["summarize"], "Missing expected argument '<runs> ...'"),
            (["export", runs], "Missing expected argument '--output <file>'"),
            (["export", runs, "-o", path("x.csv"), "--smoothing", "0"], "--smoothing must be at least 1, got 0"),
            (["plot", runs, "-o", path("x.png")],
             "--output \(path("x.png")): the figure is SVG, so the file name must end in .svg (convert it afterwards, "
                + "e.g. rsvg-convert -o figure.png figure.svg)"),
            (["plot", runs, "-o", svg, "--width", "150"], "--width must be at least 200 pixels, got 150"),
            (["plot", runs, "-o", svg, "--height", "100.5"], "--height must be at least 150 pixels, got 100.5"),
            (["plot", runs, "-o", svg, "--columns", "0"], "--columns must be at least 1, got 0"),
            (["plot", runs, "-o", svg, "--quantity", "loss"], "--quantity applies only to --distillation"),
            (["plot", runs, "-o", svg, "--distillation", "--statistic", "mean"],
             "--statistic applies to learning curves, not to --distillation"),
            (["plot", runs, "-o", svg, "--distillation", "--normalise"],
             "--normalise applies to learning curves, not to --distillation"),
            (["plot", runs, "-o", svg, "--distillation", "--quantity", "loss", "--quantity", "loss"],
             "--quantity loss is given more than once"),
        ]
        for (arguments, message) in cases { try assertError(arguments, message, status: 64) }
        XCTAssertEqual(try scratchListing(), ["runs"])
    }

    func testDataErrorsAreOneLineNamingTheFile() throws {
        let runs = try writeExperiment()
        let missing = path("nowhere")
        try assertError(["summarize", missing], "\(missing): missing (expected a folder of runs)", status: 1)
        let empty = path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try assertError(["export", empty, "-o", path("x.csv")],
                        "\(empty): no run folders found (a run folder contains run.json)", status: 1)
        try assertError(["summarize", runs, "--baseline", "distill-maybe"],
                        "no run belongs to arm 'distill-maybe' (arms found: distill-off, distill-on)", status: 1)
        try assertError(["summarize", runs, "\(runs)/distill-on/seed-0"],
                        "\(runs)/distill-on/seed-0: same arm 'distill-on', task 'Pendulum-v1' and seed 0 as "
                            + "\(runs)/distill-on/seed-0; remove one of them", status: 1)
        let table = try write("task,random,reference\nPendulum-v1,-100,-100\n", to: "normalisation.csv")
        try assertError(["summarize", runs, "--normalisation", table],
                        "\(table):2: task 'Pendulum-v1': reference equals random, so scores cannot be normalised",
                        status: 1)
        let runJSON = try write("{\"arm\": \"distill-on\", \"seed\": 7}\n", to: "runs/odd/seed-7/run.json")
        try assertError(["plot", runs, "-o", path("x.svg")], "\(runJSON): missing required key 'env'", status: 1)
        XCTAssertEqual(try scratchListing(), ["empty", "normalisation.csv", "runs"])
    }
}
