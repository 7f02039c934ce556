import DuetResults
import XCTest

/// Runs of different lengths or with missing evaluation rows: values are compared only at the same step, each
/// step's count says how many runs contributed, and incomplete runs are reported (never silently misaligned).
final class AlignmentTests: XCTestCase {
    var folders: RunFolders!
    var runs: RunSet!

    /// Arm A: r1 complete (1000…4000), r2 ends early (no 4000), r3 lacks step 2000. Arm B: r4 complete.
    override func setUpWithError() throws {
        folders = try RunFolders()
        try folders.run("runs/r1", arm: "A", seed: 1, learners: [[(1000, 1), (2000, 2), (3000, 3), (4000, 4)]])
        try folders.run("runs/r2", arm: "A", seed: 2, learners: [[(1000, 10), (2000, 20), (3000, 30)]])
        try folders.run("runs/r3", arm: "A", seed: 3, learners: [[(1000, 100), (3000, 300), (4000, 400)]])
        try folders.run("runs/r4", arm: "B", seed: 1, learners: [[(1000, 5), (2000, 6), (3000, 7), (4000, 8)]])
        runs = try RunSet.load(from: [folders.root.appendingPathComponent("runs")])
    }

    override func tearDown() { folders.remove() }

    private func curve(_ set: CurveSet, arm: String) throws -> AggregateCurve {
        try XCTUnwrap(set.curves.first { $0.arm == arm })
    }

    func testUnionGridKeepsEveryStepAndCountsContributors() throws {
        let set = try CurveSet(runs: runs, options: CurveOptions(bootstrap: nil))
        let a = try curve(set, arm: "A")
        XCTAssertEqual(a.steps, [1000, 2000, 3000, 4000])
        XCTAssertEqual(a.counts, [3, 2, 3, 2])
        // Step 2000: only r1 (2) and r2 (20); r3's neighbouring values (100, 300) are not used.
        XCTAssertEqual(a.mean, [37, 11, 111, 202])
        XCTAssertEqual(a.aligned.values.map { $0[1] }, [2, 20, nil])
        XCTAssertEqual(a.aligned.values.map { $0[3] }, [4, nil, 400])
    }

    func testIntersectionGridKeepsOnlyStepsEveryRunHas() throws {
        let set = try CurveSet(runs: runs, options: CurveOptions(grid: .intersection, bootstrap: nil))
        let a = try curve(set, arm: "A")
        XCTAssertEqual(a.steps, [1000, 3000])
        XCTAssertEqual(a.counts, [3, 3])
        XCTAssertEqual(a.mean, [37, 111])
    }

    func testFinalScoresReportRunsThatEndEarlyOrLackSteps() throws {
        let scores = try ScoreSet(runs: runs, options: ScoreOptions(metric: .final))
        XCTAssertEqual(scores.values(arm: "A", task: "Pendulum-v1"), [4, 30, 400])
        XCTAssertEqual(scores.scores.first { $0.metadata.seed == 2 && $0.metadata.arm == "A" }?.lastStep, 3000)
        let messages = scores.warnings.map(\.description)
        XCTAssertEqual(messages.count, 2, "\(messages)")
        XCTAssert(messages.contains { $0.contains("runs/r2") && $0.contains("step 3000") && $0.contains("step 4000")
            && $0.contains("its score comes from step 3000") }, "\(messages)")
        XCTAssert(messages.contains { $0.contains("runs/r3") && $0.contains("lacks 1 evaluation step")
            && $0.contains("step 2000") }, "\(messages)")
    }

    func testExcludingIncompleteRunsDependsOnTheMetric() throws {
        // For `final` only ending early matters; r3's gap does not change its last evaluation.
        let final = try ScoreSet(runs: runs, options: ScoreOptions(metric: .final, incompleteRuns: .exclude))
        XCTAssertEqual(final.values(arm: "A", task: "Pendulum-v1"), [4, 400])
        XCTAssert(final.warnings.contains { $0.description.contains("runs/r2") && $0.description.hasSuffix("excluded") })
        // For `auc` (mean over evaluations) and `best`, a missing step changes the score: r3 is excluded too.
        let auc = try ScoreSet(runs: runs, options: ScoreOptions(metric: .auc, incompleteRuns: .exclude))
        XCTAssertEqual(auc.values(arm: "A", task: "Pendulum-v1"), [2.5])
        let best = try ScoreSet(runs: runs, options: ScoreOptions(metric: .best))
        XCTAssertEqual(best.values(arm: "A", task: "Pendulum-v1"), [4, 30, 400])
        XCTAssertEqual(best.values(arm: "B", task: "Pendulum-v1"), [8])
    }

    func testScoresUpToAStepCutEveryCurveThereBeforeTheMetricAndTheCompletenessCheck() throws {
        // Up to step 3000 every run of arm A reaches the task's last step (3000), so r2 no longer ends early;
        // r3 still lacks 2000. final: the evaluation at 3000; auc: the mean up to 3000; best likewise.
        let final = try ScoreSet(runs: runs, options: ScoreOptions(metric: .final, until: 3000))
        XCTAssertEqual(final.values(arm: "A", task: "Pendulum-v1"), [3, 30, 300])
        XCTAssertEqual(final.values(arm: "B", task: "Pendulum-v1"), [7])
        XCTAssertEqual(final.scores.map(\.lastStep), [3000, 3000, 3000, 3000])
        XCTAssertEqual(final.warnings.map(\.description).filter { $0.contains("ends") || $0.contains("before") }, [])
        let auc = try ScoreSet(runs: runs, options: ScoreOptions(metric: .auc, until: 3000))
        XCTAssertEqual(auc.values(arm: "A", task: "Pendulum-v1"), [2, 20, 200])
        // A step between evaluations takes the last one before it: 2500 → 2000 (r3: 1000, which it has).
        let between = try ScoreSet(runs: runs, options: ScoreOptions(metric: .final, until: 2500))
        XCTAssertEqual(between.values(arm: "A", task: "Pendulum-v1"), [2, 20, 100])
        XCTAssertEqual(between.options.metricPhrase, "final evaluation return up to step 2500")
        // Past the last step nothing is cut: the same scores as whole curves.
        let whole = try ScoreSet(runs: runs, options: ScoreOptions(metric: .final))
        let past = try ScoreSet(runs: runs, options: ScoreOptions(metric: .final, until: 1_000_000))
        XCTAssertEqual(past.scores, whole.scores)
        XCTAssertEqual(past.warnings, whole.warnings)
    }

    func testRunsFirstEvaluatedAfterTheStepAreLeftOutWithAWarning() throws {
        try folders.run("runs/r5", arm: "B", seed: 2, learners: [[(2000, 60), (4000, 80)]])
        let runs = try RunSet.load(from: [folders.root.appendingPathComponent("runs")])
        let scores = try ScoreSet(runs: runs, options: ScoreOptions(metric: .final, until: 1500))
        XCTAssertEqual(scores.values(arm: "B", task: "Pendulum-v1"), [5])
        XCTAssertEqual(scores.values(arm: "A", task: "Pendulum-v1"), [1, 10, 100])
        let messages = scores.warnings.map(\.description)
        XCTAssertEqual(messages.filter { $0.contains("runs/r5") }.count, 1, "\(messages)")
        XCTAssert(messages.contains { $0.hasSuffix("runs/r5: first evaluation at step 2000, after step 1500 (--until); excluded") },
                  "\(messages)")
    }

    func testCurvesUpToAStepKeepOnlyTheEvaluationsThereAndLeaveOutRunsNotYetEvaluated() throws {
        try folders.run("runs/r5", arm: "B", seed: 2, learners: [[(3000, 70), (4000, 90)]])
        let runs = try RunSet.load(from: [folders.root.appendingPathComponent("runs")])
        let set = try CurveSet(runs: runs, options: CurveOptions(bootstrap: nil, until: 2500))
        let a = try curve(set, arm: "A")
        XCTAssertEqual(a.steps, [1000, 2000])
        XCTAssertEqual(a.counts, [3, 2])
        XCTAssertEqual(a.mean, [37, 11])
        let b = try curve(set, arm: "B")
        XCTAssertEqual(b.steps, [1000, 2000])
        XCTAssertEqual(b.counts, [1, 1])
        XCTAssert(set.warnings.contains { $0.description.hasSuffix(
            "runs/r5: first evaluation at step 3000, after step 2500 (--until); excluded") }, "\(set.warnings)")
        // Smoothing comes after the cut and looks back only: the cut curve is the whole curve's prefix.
        let smoothedCut = try CurveSet(runs: runs, options: CurveOptions(smoothingWindow: 2, bootstrap: nil, until: 3000))
        let smoothedWhole = try CurveSet(runs: runs, options: CurveOptions(smoothingWindow: 2, bootstrap: nil))
        XCTAssertEqual(try curve(smoothedCut, arm: "A").mean, Array(try curve(smoothedWhole, arm: "A").mean.prefix(3)))
    }

    func testDualRunsCombineLearnersOnlyAtCommonSteps() throws {
        try folders.run("dual/d", arm: "D", seed: 1,
                        learners: [[(1000, 1), (2000, 3)], [(1000, 5)]])
        let set = try RunSet.load(from: [folders.root.appendingPathComponent("dual")])
        let curve = try set.runs[0].curve(.combined(.mean))
        XCTAssertEqual(curve.steps, [1000])
        XCTAssertEqual(curve.values, [3])
        XCTAssertEqual(curve.warnings.count, 1)
        XCTAssert(curve.warnings[0].description.contains("learner0 2, learner1 1"))
        // Learner 0 alone keeps both of its evaluations.
        XCTAssertEqual(try set.runs[0].curve(.learner(0)).steps, [1000, 2000])
    }

    func testSmoothingIsATrailingMovingAveragePerRun() throws {
        let smoothed = RunCurve(path: "p", metadata: RunLabel(arm: "A", seed: 1, task: "T"),
                                steps: [1, 2, 3, 4], values: [1, 2, 3, 4]).smoothed(window: 2)
        XCTAssertEqual(smoothed.values, [1, 1.5, 2.5, 3.5])
        // Smoothing happens per run before alignment, so r2's early end is not smoothed into r1.
        let set = try CurveSet(runs: runs, options: CurveOptions(smoothingWindow: 2, bootstrap: nil))
        let a = try curve(set, arm: "A")
        XCTAssertEqual(a.aligned.values[0], [1, 1.5, 2.5, 3.5])
        XCTAssertEqual(a.aligned.values[2], [100, nil, 200, 350])
    }

    func testBandsAreComputedAtEveryStepFromTheRunsPresent() throws {
        let options = CurveOptions(bootstrap: StratifiedBootstrap(replicates: 300), seed: 4)
        let first = try CurveSet(runs: runs, options: options)
        let second = try CurveSet(runs: runs, options: options)
        let a = try curve(first, arm: "A")
        XCTAssertEqual(a.intervals?.count, 4)
        for (index, interval) in (a.intervals ?? []).enumerated() {
            let values = a.aligned.values(at: index)
            XCTAssert(interval.lower >= values.min()! && interval.upper <= values.max()!)
        }
        XCTAssertEqual(first.curves, second.curves, "seeded bands are reproducible")
    }

    func testNormalisedCurvesUseTheTable() throws {
        let table = NormalisationTable(["Pendulum-v1": NormalisationEntry(random: 0, reference: 10)])
        let set = try CurveSet(runs: runs, options: CurveOptions(normalisation: table, bootstrap: nil))
        XCTAssertEqual(try curve(set, arm: "B").mean, [0.5, 0.6, 0.7, 0.8])
        let missing = NormalisationTable(["Other-v0": NormalisationEntry(random: 0, reference: 1)])
        assertOneLineError(["'Pendulum-v1'", "Other-v0"]) {
            _ = try CurveSet(runs: self.runs, options: CurveOptions(normalisation: missing, bootstrap: nil))
        }
    }
}
