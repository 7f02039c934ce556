import DuetResults
import XCTest

/// Holm's step-down adjustment against hand-worked values, and the summary's use of it: several arms against one
/// baseline on a task get `p Holm` columns; a single comparison is left as it was.
final class HolmAdjustmentTests: XCTestCase {
    var folders: RunFolders!

    override func setUpWithError() throws { folders = try RunFolders() }
    override func tearDown() { folders.remove() }

    func testHandWorkedAdjustment() {
        // Sorted 0.005, 0.01, 0.03, 0.04 with m = 4: 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06,
        // max(0.06, 1·0.04) = 0.06; back in input order.
        let adjusted = HolmAdjustment.adjusted([0.01, 0.04, 0.03, 0.005])
        for (value, expected) in zip(adjusted, [0.03, 0.06, 0.06, 0.02]) { XCTAssertEqual(value, expected, accuracy: 1e-15) }
        // Capped at 1, and monotone in the sorted order.
        XCTAssertEqual(HolmAdjustment.adjusted([0.6, 0.7]), [1, 1])
        // An undefined test is not counted in m and stays undefined: m = 2 here.
        let withNaN = HolmAdjustment.adjusted([0.02, .nan, 0.04])
        XCTAssertEqual(withNaN[0], 0.04, accuracy: 1e-15)
        XCTAssert(withNaN[1].isNaN)
        XCTAssertEqual(withNaN[2], 0.04, accuracy: 1e-15)
        XCTAssertEqual(HolmAdjustment.adjusted([0.3]), [0.3])
        XCTAssertEqual(HolmAdjustment.adjusted([]), [])
    }

    func testSeveralArmsAgainstOneBaselineGetAdjustedPValues() throws {
        let finals: [String: [Double]] = [
            "distill-off": [-200, -210, -190, -205, -195], "a": [-150, -160, -155, -170, -140],
            "b": [-190, -205, -180, -200, -185], "c": [-199, -212, -188, -204, -196],
        ]
        for (arm, values) in finals {
            for (seed, final) in values.enumerated() {
                for folder in ["runs"] + (["a", "distill-off"].contains(arm) ? ["pair"] : []) {
                    try folders.run("\(folder)/\(arm)-\(seed)", arm: arm, seed: seed, task: "Pendulum-v1",
                                    learners: [[(1_000, -1_000), (2_000, final)]])
                }
            }
        }
        let runs = try RunSet.load(from: [folders.root.appendingPathComponent("runs")])
        let summary = try Summary(runs: runs, options: SummaryOptions(bootstrap: StratifiedBootstrap(replicates: 200)))
        XCTAssertEqual(summary.comparisons.map(\.arm), ["a", "b", "c"])
        let welch = summary.comparisons.map { $0.welch!.p }
        XCTAssertEqual(summary.comparisons.map { $0.welchHolmP! }, HolmAdjustment.adjusted(welch))
        let wilcoxon = summary.comparisons.map { $0.paired.wilcoxon!.p }
        XCTAssertEqual(summary.comparisons.map { $0.wilcoxonHolmP! }, HolmAdjustment.adjusted(wilcoxon))
        let text = summary.text()
        XCTAssert(text.contains("p Holm: p after Holm's step-down adjustment"), text)
        XCTAssertEqual(text.components(separatedBy: "p Holm").count - 1, 4, text)  // two notes, two headers
        XCTAssert(summary.comparisonsCSV().hasPrefix(
            "task,arm,baseline,tasks,arm_runs,baseline_runs,metric,learners,scale,probability_of_improvement,"
                + "probability_lower,probability_upper,iqm_difference,difference_lower,difference_upper,welch_t,welch_df,"
                + "welch_p,welch_p_holm\n"))
        XCTAssert(summary.pairedCSV().split(separator: "\n")[0].hasSuffix(",wilcoxon_z,wilcoxon_p_holm"))
        XCTAssertEqual(summary.json().components(separatedBy: "\"p_holm\"").count - 1, 6)

        // One arm against the baseline: nothing to adjust, and the outputs are as before.
        let single = try Summary(runs: try RunSet.load(from: [folders.root.appendingPathComponent("pair")]),
                                 options: SummaryOptions(bootstrap: StratifiedBootstrap(replicates: 200)))
        XCTAssertNil(single.comparisons[0].welchHolmP)
        XCTAssertFalse(single.text().contains("Holm"))
        XCTAssert(single.comparisonsCSV().split(separator: "\n")[0].hasSuffix(",welch_p"))
        XCTAssertFalse(single.json().contains("p_holm"))
    }
}
