import DuetResults
import Foundation
import XCTest

final class SummaryTests: XCTestCase {
    var folders: RunFolders!

    override func setUpWithError() throws { folders = try RunFolders() }
    override func tearDown() { folders.remove() }

    static let on: [Double] = [-150, -160, -170, -200, -140]
    static let off: [Double] = [-180, -190, -160, -220, -300]

    /// Two dual-run arms on Pendulum-v1 (learner returns ±10 around the listed pair means) and, if asked, on
    /// MountainCarContinuous-v0.
    private func makeRuns(withMountainCar: Bool = false) throws -> RunSet {
        for (arm, finals) in [("distill-on", Self.on), ("distill-off", Self.off)] {
            for (seed, final) in finals.enumerated() {
                try folders.run("runs/\(arm)-\(seed)", arm: arm, seed: seed,
                                learners: [[(10_000, -900), (20_000, final - 10)], [(10_000, -800), (20_000, final + 10)]])
                if withMountainCar {
                    try folders.run("runs/mc-\(arm)-\(seed)", arm: arm, seed: seed, task: "MountainCarContinuous-v0",
                                    learners: [[(50_000, -5), (100_000, arm == "distill-on" ? 90 : Double(seed) * 20)]])
                }
            }
        }
        return try RunSet.load(from: [folders.root.appendingPathComponent("runs")])
    }

    private var quick: StratifiedBootstrap { StratifiedBootstrap(replicates: 2_000) }

    func testRawSummaryOfTwoArms() throws {
        let summary = try Summary(runs: try makeRuns(), options: SummaryOptions(bootstrap: quick, seed: 3))
        XCTAssertEqual(summary.baseline, "distill-off")
        XCTAssertEqual(summary.arms.map(\.arm), ["distill-off", "distill-on"])
        let on = try XCTUnwrap(summary.arms.first { $0.arm == "distill-on" })
        XCTAssertEqual(on.task, "Pendulum-v1")
        XCTAssertEqual(on.runCount, 5)
        XCTAssertEqual(on.mean, -164)
        XCTAssertEqual(on.median, -160)
        // IQM of 5 runs: drop ⌊1.25⌋ = 1 at each end of [−200, −170, −160, −150, −140] → mean of the middle 3.
        XCTAssertEqual(on.interquartileMean, -160)
        XCTAssert(on.interquartileMeanInterval.lower <= -160 && on.interquartileMeanInterval.upper >= -160)
        XCTAssertNil(on.optimalityGap)

        XCTAssertEqual(summary.comparisons.count, 1)
        let comparison = summary.comparisons[0]
        XCTAssertEqual(comparison.arm, "distill-on")
        XCTAssertEqual(comparison.baseline, "distill-off")
        // Wins of each `on` run over the 5 `off` runs: 5, 4.5 (a tie at −160), 4, 2, 5 → 20.5 / 25.
        XCTAssertEqual(comparison.probabilityOfImprovement, 0.82, accuracy: 1e-15)
        XCTAssert(comparison.probabilityInterval.contains(0.82))
        // IQM(off) = mean(−220, −190, −180) = −196.67, difference 36.67.
        XCTAssertEqual(comparison.interquartileMeanDifference, -160 + 590.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(comparison.welch, WelchTest(Self.on, Self.off))
    }

    func testMaxCombinationTakesTheBetterLearner() throws {
        let options = SummaryOptions(scores: ScoreOptions(selection: .combined(.max)), bootstrap: quick)
        let summary = try Summary(runs: try makeRuns(), options: options)
        XCTAssertEqual(summary.arms.first { $0.arm == "distill-on" }?.mean, -154)
    }

    func testNormalisedSummaryOverTwoTasks() throws {
        let options = SummaryOptions(scores: ScoreOptions(normalisation: .builtIn), bootstrap: quick)
        let summary = try Summary(runs: try makeRuns(withMountainCar: true), options: options)
        let aggregate = try XCTUnwrap(summary.arms.first { $0.task == nil && $0.arm == "distill-on" })
        XCTAssertEqual(aggregate.taskCount, 2)
        XCTAssertEqual(aggregate.runCount, 10)
        let pendulum = Self.on.map { ($0 + 1221) / 1069 }
        let mountainCar = [Double](repeating: (90 + 33) / 126.5, count: 5)
        XCTAssertEqual(aggregate.mean, (pendulum + mountainCar).reduce(0, +) / 10, accuracy: 1e-12)
        XCTAssertEqual(aggregate.optimalityGap ?? .nan,
                       Statistics.optimalityGap(pendulum + mountainCar), accuracy: 1e-12)
        XCTAssertEqual(summary.comparisons.map { $0.task ?? "(all)" },
                       ["MountainCarContinuous-v0", "Pendulum-v1", "(all)"])
        let all = try XCTUnwrap(summary.comparisons.last)
        // Average over tasks of the per-task probabilities.
        XCTAssertEqual(all.probabilityOfImprovement,
                       (summary.comparisons[0].probabilityOfImprovement + 0.82) / 2, accuracy: 1e-15)
    }

    func testRenderingsAreStableAndParseable() throws {
        let runs = try makeRuns()
        let options = SummaryOptions(bootstrap: quick, seed: 9)
        let first = try Summary(runs: runs, options: options)
        let second = try Summary(runs: runs, options: options)
        XCTAssertEqual(first.text(), second.text())
        XCTAssertEqual(first.json(), second.json())
        XCTAssertEqual(first.armsCSV(), second.armsCSV())

        let text = first.text()
        XCTAssert(text.hasPrefix("Scores: final evaluation return, dual runs' learners combined by mean, raw returns."))
        XCTAssert(text.contains("2000 replicates, seed 9"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("task ") })
        XCTAssert(header.contains("IQM 95% CI"))
        let onRow = try XCTUnwrap(lines.first { $0.hasPrefix("Pendulum-v1  distill-on ") })
        XCTAssert(onRow.contains("-164.0") && onRow.contains("-160.0"), onRow)
        // Columns line up: the arm column starts at the same offset on every row of the arm table.
        let offset = header.range(of: "arm")?.lowerBound.utf16Offset(in: header)
        XCTAssertEqual(onRow.range(of: "distill-on")?.lowerBound.utf16Offset(in: onRow), offset)
        XCTAssert(text.contains("0.820"))

        let json = first.json()
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["metric"] as? String, "final")
        XCTAssertEqual(object["replicates"] as? Int, 2000)
        XCTAssertEqual((object["arms"] as? [Any])?.count, 2)
        let keys = ["\"metric\"", "\"learners\"", "\"scale\"", "\"confidence\"", "\"arms\"", "\"comparisons\"",
                    "\"warnings\""].map { json.range(of: $0)?.lowerBound }
        XCTAssertEqual(keys.compactMap { $0 }, keys.compactMap { $0 }.sorted(), "fixed key order")
        XCTAssert(json.contains("\"probability_of_improvement\": 0.82"))

        XCTAssert(first.armsCSV().hasPrefix(
            "task,arm,tasks,runs,metric,learners,scale,mean,median,iqm,iqm_lower,iqm_upper,optimality_gap\n"
                + "Pendulum-v1,distill-off,1,5,final,mean,return,-210,-190,"))
        XCTAssert(first.comparisonsCSV().split(separator: "\n")[1].hasPrefix(
            "Pendulum-v1,distill-on,distill-off,1,5,5,final,mean,return,0.82,"))
    }

    func testBaselineChoiceAndErrors() throws {
        let runs = try makeRuns()
        let summary = try Summary(runs: runs, options: SummaryOptions(bootstrap: quick, baseline: "distill-on"))
        XCTAssertEqual(summary.comparisons.map(\.arm), ["distill-off"])
        XCTAssertEqual(summary.comparisons[0].probabilityOfImprovement, 1 - 0.82, accuracy: 1e-15)
        assertOneLineError(["'distill-maybe'", "distill-off, distill-on"]) {
            _ = try Summary(runs: runs, options: SummaryOptions(bootstrap: self.quick, baseline: "distill-maybe"))
        }
        assertOneLineError(["'Pendulum-v1'", "known: MountainCar-v0", "Pendulum-v1,<random>,<reference>"]) {
            let table = NormalisationTable(["MountainCar-v0": NormalisationEntry(random: 0, reference: 1)])
            _ = try Summary(runs: runs, options: SummaryOptions(scores: ScoreOptions(normalisation: table)))
        }
    }

    /// A sweep with arms: each setting's `distill-on` (and `single`) against that setting's own `distill-off`, not
    /// the first setting's; a setting without an off arm is not compared; `--baseline` still names one arm.
    func testEachSweepSettingIsComparedWithItsOwnOffArm() throws {
        let settings: [(String, [Double], [Double])] = [
            ("alpha=0.5", [-150, -160, -170], [-300, -310, -320]),
            ("alpha=1", [-400, -410, -420], [-100, -110, -120]),
        ]
        for (setting, on, off) in settings {
            for (arm, finals) in [("distill-on", on), ("distill-off", off)] {
                for (seed, final) in finals.enumerated() {
                    try folders.run("sweep/\(setting)/\(arm)/seed-\(seed)", arm: "\(setting)/\(arm)", seed: seed,
                                    learners: [[(20_000, final)]])
                }
            }
        }
        try folders.run("sweep/alpha=2/distill-on/seed-0", arm: "alpha=2/distill-on", seed: 0,
                        learners: [[(20_000, -1)]])
        try folders.run("sweep/alpha=1/single/seed-0", arm: "alpha=1/single", seed: 0, learners: [[(20_000, -50)]])
        let runs = try RunSet.load(from: [folders.root.appendingPathComponent("sweep")])
        let summary = try Summary(runs: runs, options: SummaryOptions(bootstrap: quick))
        XCTAssertEqual(summary.baselineRule, .perSetting)
        XCTAssertNil(summary.baseline)
        let pairs = summary.comparisons.map { "\($0.arm) vs \($0.baseline)" }
        XCTAssertEqual(pairs, ["alpha=0.5/distill-on vs alpha=0.5/distill-off", "alpha=1/distill-on vs alpha=1/distill-off",
                               "alpha=1/single vs alpha=1/distill-off"])
        // Paired by seed within the setting: on − off = +150 for alpha=0.5, −300 for alpha=1.
        XCTAssertEqual(summary.comparisons[0].paired.pairs.map(\.difference), [150, 150, 150])
        XCTAssertEqual(summary.comparisons[1].paired.pairs.map(\.difference), [-300, -300, -300])
        XCTAssertEqual(summary.baseline(of: "alpha=1/single"), "alpha=1/distill-off")
        XCTAssertNil(summary.baseline(of: "alpha=2/distill-on"))
        XCTAssertNil(summary.baseline(of: "alpha=1/distill-off"))
        XCTAssert(summary.text().contains("Baselines: each sweep setting's arms against that setting's own distill-off."))
        XCTAssert(summary.json().contains("\"baseline\": null,\n  \"baseline_rule\": \"per-setting\","))

        let one = try Summary(runs: runs, options: SummaryOptions(bootstrap: quick, baseline: "alpha=1/distill-off"))
        XCTAssertEqual(one.baselineRule, .one("alpha=1/distill-off"))
        XCTAssertEqual(one.comparisons.count, 5)
        XCTAssert(one.comparisons.allSatisfy { $0.baseline == "alpha=1/distill-off" })
        XCTAssertFalse(one.json().contains("baseline_rule"))
    }

    func testTheDefaultBaselineRule() {
        XCTAssertNil(BaselineRule.default(arms: ["distill-on"]))
        XCTAssertEqual(BaselineRule.default(arms: ["distill-on", "distill-off"]), .one("distill-off"))
        XCTAssertEqual(BaselineRule.default(arms: ["b", "a"]), .one("a"))
        XCTAssertEqual(BaselineRule.default(arms: ["k=1/distill-on", "k=2/distill-on"]), .one("k=1/distill-on"))
        XCTAssertEqual(BaselineRule.default(arms: ["k=1/distill-on", "k=1/distill-off"]), .perSetting)
        XCTAssertEqual(BaselineRule.default(arms: ["distill-off", "k=1/distill-on", "k=1/distill-off"]),
                       .one("distill-off"))
    }

    func testWarningsAppearInTheReport() throws {
        try folders.run("runs/a", arm: "A", seed: 1, learners: [[(1000, 1), (2000, 2)]])
        try folders.run("runs/b", arm: "A", seed: 2, learners: [[(1000, 3)]])
        let summary = try Summary(runs: try RunSet.load(from: [folders.root.appendingPathComponent("runs")]),
                                  options: SummaryOptions(bootstrap: quick))
        XCTAssertNil(summary.baseline)
        XCTAssert(summary.text().contains("Warnings:\n- "))
        XCTAssert(summary.text().contains("runs/b: last evaluation at step 1000, before step 2000"))
        XCTAssertFalse(summary.text(includingWarnings: false).contains("Warnings:"))
    }
}
