import DuetRandom
import DuetResults
import XCTest

/// Stratified bootstrap intervals against a naive NumPy implementation fed the same indices
/// (`Fixtures/make_fixtures.py`, "replay"), and Duet's own seeded intervals against exact bootstrap distributions
/// ("exact").
final class BootstrapTests: XCTestCase {
    var fixture: StatisticsFixture!

    override func setUpWithError() throws { fixture = try StatisticsFixture.load() }

    func testInterquartileMeanIntervalReplaysNumPy() {
        let replay = fixture.replay.iqm
        let bootstrap = StratifiedBootstrap(replicates: replay.replicates)
        var source = ReplayedIndices(replay.indices)
        let values = bootstrap.replicateValues(of: replay.scores, using: &source) {
            ScoreStatistic.interquartileMean.value(ofTasks: $0)
        }
        XCTAssertEqual(source.position, replay.indices.count, "every recorded index is used, in order")
        assertClose(values, replay.values, relative: 1e-12)
        var again = ReplayedIndices(replay.indices)
        let interval = bootstrap.interval(of: .interquartileMean, scores: replay.scores, using: &again)
        XCTAssertEqual(interval.lower, replay.lower, accuracy: 1e-12)
        XCTAssertEqual(interval.upper, replay.upper, accuracy: 1e-12)
        XCTAssert(interval.contains(replay.estimate))
    }

    func testProbabilityOfImprovementIntervalReplaysNumPy() {
        let replay = fixture.replay.improvement
        XCTAssertEqual(ProbabilityOfImprovement.estimate(replay.x, replay.y), replay.estimate, accuracy: 1e-14)
        let bootstrap = StratifiedBootstrap(replicates: replay.replicates)
        var source = ReplayedIndices(replay.indices)
        let values = bootstrap.replicateValues(of: replay.x, replay.y, using: &source) {
            ProbabilityOfImprovement.estimate($0, $1)
        }
        XCTAssertEqual(source.position, replay.indices.count)
        assertClose(values, replay.values, relative: 1e-12)
        var again = ReplayedIndices(replay.indices)
        let interval = ProbabilityOfImprovement.interval(replay.x, replay.y, bootstrap: bootstrap, using: &again)
        XCTAssertEqual(interval.lower, replay.lower, accuracy: 1e-12)
        XCTAssertEqual(interval.upper, replay.upper, accuracy: 1e-12)
    }

    func testInterquartileMeanDifferenceIntervalReplaysNumPy() {
        let replay = fixture.replay.iqm_difference
        let bootstrap = StratifiedBootstrap(replicates: replay.replicates)
        var source = ReplayedIndices(replay.indices)
        let interval = bootstrap.intervalOfDifference(.interquartileMean, replay.x, replay.y, using: &source)
        XCTAssertEqual(source.position, replay.indices.count)
        XCTAssertEqual(interval.lower, replay.lower, accuracy: 1e-12)
        XCTAssertEqual(interval.upper, replay.upper, accuracy: 1e-12)
    }

    func testPerformanceProfileAndBandsReplayNumPy() {
        let replay = fixture.replay.profile
        var source = ReplayedIndices(replay.indices)
        let profile = PerformanceProfile(scores: replay.scores, thresholds: replay.thresholds,
                                         bootstrap: StratifiedBootstrap(replicates: replay.replicates), using: &source)
        XCTAssertEqual(source.position, replay.indices.count)
        assertClose(profile.fractions, replay.fractions, relative: 1e-14)
        assertClose(profile.bands?.map(\.lower) ?? [], replay.lower, relative: 1e-12)
        assertClose(profile.bands?.map(\.upper) ?? [], replay.upper, relative: 1e-12)
    }

    func testPerformanceProfileByHand() {
        // Task 0: 2 of 4 runs above 0.5; task 1: 1 of 2 → (0.5 + 0.5)/2. At τ = 0.9: (0 + 1/2)/2.
        let profile = PerformanceProfile(scores: [[0.1, 0.5, 0.6, 0.8], [0.2, 1.0]], thresholds: [0.5, 0.9])
        XCTAssertEqual(profile.fractions, [0.5, 0.25])
        XCTAssertEqual(PerformanceProfile.thresholds(from: 0, to: 1, count: 5), [0, 0.25, 0.5, 0.75, 1])
    }

    /// Duet's own seeded intervals land between the exact bootstrap distribution's 2nd and 3rd percentiles
    /// (lower) and 97th and 98th (upper): with R = 20,000 the quantile level's standard error is about 0.0011,
    /// so the ±0.5-point brackets are about 4.5 standard errors wide.
    func testSeededIntervalsMatchExactBootstrapDistributions() {
        let bootstrap = StratifiedBootstrap(replicates: 20_000)
        let exact = fixture.exact.iqm
        var stream = RandomStream(seed: 11, name: "test/exact-iqm")
        let interval = bootstrap.interval(of: .interquartileMean, scores: exact.scores, using: &stream)
        assertBracketed(interval, exact.percentiles)

        let improvement = fixture.exact.improvement
        var other = RandomStream(seed: 12, name: "test/exact-improvement")
        let probability = ProbabilityOfImprovement.interval(improvement.x, improvement.y, bootstrap: bootstrap,
                                                            using: &other)
        assertBracketed(probability, improvement.percentiles)
    }

    private func assertBracketed(_ interval: ConfidenceInterval, _ percentiles: [String: Double],
                                 file: StaticString = #filePath, line: UInt = #line) {
        let p = { (key: String) in percentiles[key] ?? .nan }
        XCTAssert(interval.lower >= p("2.0") - 1e-12 && interval.lower <= p("3.0") + 1e-12,
                  "lower \(interval.lower) outside [\(p("2.0")), \(p("3.0"))]", file: file, line: line)
        XCTAssert(interval.upper >= p("97.0") - 1e-12 && interval.upper <= p("98.0") + 1e-12,
                  "upper \(interval.upper) outside [\(p("97.0")), \(p("98.0"))]", file: file, line: line)
    }

    func testSameSeedSameInterval() {
        let scores = [[0.1, 0.4, 0.35, 0.8, 0.9], [0.3, 0.2, 0.6]]
        let bootstrap = StratifiedBootstrap(replicates: 2_000)
        var first = RandomStream(seed: 5, name: "interval")
        var second = RandomStream(seed: 5, name: "interval")
        var third = RandomStream(seed: 6, name: "interval")
        let a = bootstrap.interval(of: .interquartileMean, scores: scores, using: &first)
        let b = bootstrap.interval(of: .interquartileMean, scores: scores, using: &second)
        let c = bootstrap.interval(of: .interquartileMean, scores: scores, using: &third)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    /// Stratification: every resample keeps each task's run count and draws only from that task.
    func testResamplesStayWithinTheirTask() {
        var stream = RandomStream(seed: 1, name: "strata")
        StratifiedBootstrap(replicates: 200).forEachReplicate(of: [[1, 2, 3], [10, 20], [100]], using: &stream) {
            XCTAssertEqual($0.map(\.count), [3, 2, 1])
            XCTAssert($0[0].allSatisfy { [1, 2, 3].contains($0) })
            XCTAssert($0[1].allSatisfy { [10, 20].contains($0) })
            XCTAssertEqual($0[2], [100])
        }
    }

    func testDefaults() {
        XCTAssertEqual(StratifiedBootstrap().replicates, 50_000)
        XCTAssertEqual(StratifiedBootstrap().confidence, 0.95)
        XCTAssertEqual(StratifiedBootstrap().probabilities.lower, 0.025, accuracy: 1e-15)
        XCTAssertEqual(StratifiedBootstrap().probabilities.upper, 0.975, accuracy: 1e-15)
    }
}
