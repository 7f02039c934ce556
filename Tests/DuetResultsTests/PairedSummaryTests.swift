import DuetRandom
import DuetResults
import Foundation
import XCTest

/// The paired comparison of `Summary`: seeds matched across arms, the differences' statistics, the Wilcoxon test,
/// unpaired seeds reported, and the tests per task.
final class PairedSummaryTests: XCTestCase {
    var folders: RunFolders!

    override func setUpWithError() throws { folders = try RunFolders() }
    override func tearDown() { folders.remove() }

    /// Final returns by seed. distill-on has seed 5 and distill-off seed 7 without a partner.
    static let on: [Int: Double] = [0: -150, 1: -162, 2: -171, 3: -200, 4: -139, 5: -90]
    static let off: [Int: Double] = [0: -180, 1: -160, 2: -190, 3: -226, 4: -140, 7: -400]
    /// on − off for seeds 0…4.
    static let differences: [Double] = [30, -2, 19, 26, 1]

    private func makeRuns(task: String = "Pendulum-v1", offset: Double = 0) throws {
        for (arm, finals) in [("distill-on", Self.on), ("distill-off", Self.off)] {
            for (seed, final) in finals {
                try folders.run("runs/\(task)-\(arm)-\(seed)", arm: arm, seed: seed, task: task,
                                learners: [[(1_000, -1_000), (2_000, final + offset)]])
            }
        }
    }

    private var runs: RunSet { get throws { try RunSet.load(from: [folders.root.appendingPathComponent("runs")]) } }
    private let quick = StratifiedBootstrap(replicates: 1_000)

    func testSeedsArePairedAndTheUnpairedOnesReported() throws {
        try makeRuns()
        let summary = try Summary(runs: try runs, options: SummaryOptions(bootstrap: quick, seed: 4))
        let paired = try XCTUnwrap(summary.comparisons.first).paired
        XCTAssertEqual(paired.pairs.map(\.seed), [0, 1, 2, 3, 4])
        XCTAssertEqual(paired.pairs.map(\.difference), Self.differences)
        XCTAssertEqual(paired.pairings.map(\.unpairedArmSeeds), [[5]])
        XCTAssertEqual(paired.pairings.map(\.unpairedBaselineSeeds), [[7]])
        XCTAssert(paired.hasUnpairedSeeds)

        XCTAssertEqual(paired.meanDifference, 74.0 / 5)
        // IQM of 5: drop one at each end of [−2, 1, 19, 26, 30] → mean(1, 19, 26).
        XCTAssertEqual(paired.interquartileMeanDifference, 46.0 / 3, accuracy: 1e-12)
        // The intervals are the bootstrap's, from the named streams, over the differences alone.
        var meanStream = RandomStream(seed: 4, name: "summary/paired-mean/Pendulum-v1/distill-on/distill-off")
        XCTAssertEqual(paired.meanInterval, quick.interval(of: .mean, scores: [Self.differences], using: &meanStream))
        var iqmStream = RandomStream(seed: 4, name: "summary/paired-iqm/Pendulum-v1/distill-on/distill-off")
        XCTAssertEqual(paired.interquartileMeanInterval,
                       quick.interval(of: .interquartileMean, scores: [Self.differences], using: &iqmStream))
        XCTAssert(paired.meanInterval.contains(paired.meanDifference))
        // Wilcoxon: |d| ranks 5, 2, 3, 4, 1; R− = 2 (the −2), W = 2; no ties or zeros, n = 5 → exact:
        // P(R+ ≤ 2) = #{∅, {1}, {2}}/32 = 3/32, p = 2·3/32.
        let test = try XCTUnwrap(paired.wilcoxon)
        XCTAssertEqual(test, WilcoxonSignedRankTest(Self.differences))
        XCTAssertEqual(test.method, .exact)
        XCTAssertEqual(test.statistic, 2)
        XCTAssertEqual(test.p, 0.1875)
        // The unpaired comparison still uses every run, seeds 5 and 7 included.
        XCTAssertEqual(summary.comparisons[0].armRunCount, 6)
        XCTAssertEqual(summary.comparisons[0].baselineRunCount, 6)
    }

    func testTextCSVAndJSONLabelThePairedStatistics() throws {
        try makeRuns()
        let summary = try Summary(runs: try runs, options: SummaryOptions(bootstrap: quick))
        let text = summary.text()
        XCTAssert(text.contains("\nUnpaired: every run of arm X against every run of baseline Y.\n"), text)
        XCTAssert(text.contains("\nPaired by seed: runs of X and Y with the same seed"), text)
        let lines = text.split(separator: "\n").map(String.init)
        let pairedHeader = try XCTUnwrap(lines.first { $0.contains("pairs") && $0.contains("mean Δ") })
        XCTAssert(pairedHeader.contains("IQM Δ") && pairedHeader.hasSuffix("test"), pairedHeader)
        let pairedRow = try XCTUnwrap(lines.last { $0.hasPrefix("Pendulum-v1  distill-on") })
        XCTAssert(pairedRow.contains(" 14.8 ") && pairedRow.contains("0.188") && pairedRow.hasSuffix("exact"),
                  pairedRow)
        XCTAssert(text.contains("Seeds without a partner, left out of the paired statistics:\n"
                                + "- Pendulum-v1: distill-on 5; distill-off 7\n"), text)

        let paired = summary.pairedCSV().split(separator: "\n").map { $0.split(separator: ",",
                                                                                omittingEmptySubsequences: false) }
        XCTAssertEqual(paired[0].joined(separator: ","),
                       "task,arm,baseline,tasks,pairs,arm_unpaired_seeds,baseline_unpaired_seeds,metric,learners,"
                           + "scale,paired_mean_difference,paired_mean_lower,paired_mean_upper,paired_iqm_difference,"
                           + "paired_iqm_lower,paired_iqm_upper,wilcoxon_statistic,wilcoxon_p,wilcoxon_method,"
                           + "wilcoxon_z")
        XCTAssertEqual(paired[1][0...10].joined(separator: ","),
                       "Pendulum-v1,distill-on,distill-off,1,5,5,7,final,mean,return,14.8")
        XCTAssertEqual(paired[1][16...19].joined(separator: ","), "2,0.1875,exact,")

        XCTAssertEqual(summary.pairsCSV(), """
            task,arm,baseline,seed,metric,learners,scale,arm_score,baseline_score,difference
            Pendulum-v1,distill-on,distill-off,0,final,mean,return,-150,-180,30
            Pendulum-v1,distill-on,distill-off,1,final,mean,return,-162,-160,-2
            Pendulum-v1,distill-on,distill-off,2,final,mean,return,-171,-190,19
            Pendulum-v1,distill-on,distill-off,3,final,mean,return,-200,-226,26
            Pendulum-v1,distill-on,distill-off,4,final,mean,return,-139,-140,1

            """)

        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(summary.json().utf8)) as? [String: Any])
        let comparison = try XCTUnwrap((object["comparisons"] as? [[String: Any]])?.first)
        let pairedObject = try XCTUnwrap(comparison["paired"] as? [String: Any])
        XCTAssertEqual(pairedObject["pairs"] as? Int, 5)
        XCTAssertEqual(pairedObject["mean_difference"] as? Double, 14.8)
        XCTAssertEqual((pairedObject["unpaired_seeds"] as? [String: [Int]])?["arm"], [5])
        XCTAssertEqual((pairedObject["unpaired_seeds"] as? [String: [Int]])?["baseline"], [7])
        XCTAssertEqual((pairedObject["differences"] as? [[String: Any]])?.compactMap { $0["difference"] as? Double },
                       Self.differences)
        let wilcoxon = try XCTUnwrap(pairedObject["wilcoxon"] as? [String: Any])
        XCTAssertEqual(wilcoxon["method"] as? String, "exact")
        XCTAssertEqual(wilcoxon["p"] as? Double, 0.1875)
    }

    /// With two normalised tasks, Welch's and Wilcoxon's tests are per task; the `(all)` row pools the
    /// differences for its intervals (tasks as strata) but has no test.
    func testTestsArePerTaskNotPooled() throws {
        try makeRuns()
        try makeRuns(task: "MountainCarContinuous-v0", offset: 250)
        let options = SummaryOptions(scores: ScoreOptions(normalisation: .builtIn), bootstrap: quick)
        let summary = try Summary(runs: try runs, options: options)
        XCTAssertEqual(summary.comparisons.map { $0.task ?? "(all)" },
                       ["MountainCarContinuous-v0", "Pendulum-v1", "(all)"])
        let scores = try ScoreSet(runs: try runs, options: options.scores)
        for row in summary.comparisons.prefix(2) {
            let task = try XCTUnwrap(row.task)
            XCTAssertEqual(row.welch, WelchTest(scores.values(arm: "distill-on", task: task),
                                                scores.values(arm: "distill-off", task: task)), task)
            XCTAssertEqual(row.paired.wilcoxon,
                           WilcoxonSignedRankTest(row.paired.pairs.map(\.difference)), task)
        }
        let all = try XCTUnwrap(summary.comparisons.last)
        XCTAssertNil(all.welch)
        XCTAssertNil(all.paired.wilcoxon)
        XCTAssertEqual(all.paired.pairs.count, 10)
        XCTAssertEqual(all.paired.differences.map(\.count), [5, 5])
        XCTAssertEqual(all.paired.meanDifference, Statistics.mean(all.paired.differences.flatMap { $0 }),
                       accuracy: 1e-15)
        XCTAssertEqual(summary.pairedCSV().split(separator: "\n").last?.hasSuffix(",,,,"), true)
    }

    func testArmsWithoutCommonSeedsHaveNoPairedStatistics() throws {
        try folders.run("runs/a", arm: "distill-on", seed: 1, learners: [[(1_000, 5)]])
        try folders.run("runs/b", arm: "distill-off", seed: 2, learners: [[(1_000, 3)]])
        let summary = try Summary(runs: try runs, options: SummaryOptions(bootstrap: quick))
        let paired = try XCTUnwrap(summary.comparisons.first).paired
        XCTAssertEqual(paired.pairs.count, 0)
        XCTAssert(paired.meanDifference.isNaN && paired.meanInterval.lower.isNaN)
        XCTAssertNil(paired.wilcoxon)
        XCTAssert(summary.text().contains("- Pendulum-v1: distill-on 1; distill-off 2\n"))
    }
}
