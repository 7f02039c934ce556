import DuetResults
import XCTest

/// Aggregates, quantiles, the probability of improvement and Welch's test against SciPy/NumPy golden values
/// (`Fixtures/statistics.json`, made by `Fixtures/make_fixtures.py`), plus hand-worked cases.
final class StatisticsTests: XCTestCase {
    var fixture: StatisticsFixture!

    override func setUpWithError() throws { fixture = try StatisticsFixture.load() }

    func testAggregatesMatchSciPy() {
        for (index, case_) in fixture.aggregates.enumerated() {
            let pooled = case_.scores.flatMap { $0 }
            let label = "aggregate case \(index) (n = \(pooled.count))"
            XCTAssertEqual(Statistics.mean(pooled), case_.mean, accuracy: 1e-12, label)
            XCTAssertEqual(Statistics.median(pooled), case_.median, accuracy: 1e-12, label)
            XCTAssertEqual(Statistics.interquartileMean(pooled), case_.iqm, accuracy: 1e-12, label)
            XCTAssertEqual(ScoreStatistic.interquartileMean.value(ofTasks: case_.scores), case_.iqm, accuracy: 1e-12)
            XCTAssertEqual(Statistics.optimalityGap(pooled), case_.optimality_gap, accuracy: 1e-12, label)
        }
    }

    func testInterquartileMeanByHand() {
        // n = 8: drop ⌊0.25·8⌋ = 2 from each end of 1…8, average 3, 4, 5, 6 → 4.5.
        XCTAssertEqual(Statistics.interquartileMean([8, 1, 7, 2, 6, 3, 5, 4]), 4.5)
        // n = 7: drop ⌊1.75⌋ = 1 from each end of [-100, 1, 2, 3, 4, 5, 100], average 1…5 → 3.
        XCTAssertEqual(Statistics.interquartileMean([100, 1, 2, 3, 4, 5, -100]), 3)
        // n = 3: nothing dropped, the mean.
        XCTAssertEqual(Statistics.interquartileMean([1, 2, 6]), 3)
        // Optimality gap with γ = 1: max(0, 1 − x) for 0.5, 1.5, 0 → 0.5, 0, 1 → mean 0.5.
        XCTAssertEqual(Statistics.optimalityGap([0.5, 1.5, 0]), 0.5)
        XCTAssertEqual(Statistics.optimalityGap([0.5, 1.5, 0], threshold: 2), (1.5 + 0.5 + 2) / 3)
    }

    func testQuantilesMatchNumPyLinear() {
        for case_ in fixture.quantiles {
            let actual = case_.probabilities.map { Statistics.quantile(sorted: case_.values, probability: $0) }
            assertClose(actual, case_.expected, relative: 1e-14, absolute: 1e-15, "n = \(case_.values.count)")
        }
        // By hand: h = (4 − 1)·0.5 = 1.5 → halfway between 20 and 30.
        XCTAssertEqual(Statistics.quantile(sorted: [10, 20, 30, 40], probability: 0.5), 25)
    }

    func testProbabilityOfImprovementMatchesMannWhitney() {
        for case_ in fixture.improvement {
            XCTAssertEqual(ProbabilityOfImprovement.estimate(case_.x, case_.y), case_.probability, accuracy: 1e-14)
        }
        // By hand: x = [1, 2], y = [1, 0]: pairs (1,1) ½, (1,0) 1, (2,1) 1, (2,0) 1 → 3.5/4.
        XCTAssertEqual(ProbabilityOfImprovement.onTask([1, 2], [1, 0]), 0.875)
        XCTAssertEqual(ProbabilityOfImprovement.onTask([3, 3], [3]), 0.5)
        // Averaged over tasks, each task weighing the same: (1 + 0)/2.
        XCTAssertEqual(ProbabilityOfImprovement.estimate([[5], [0]], [[1, 2, 3], [9]]), 0.5)
    }

    func testWelchMatchesSciPy() {
        for case_ in fixture.welch {
            let test = WelchTest(case_.x, case_.y)
            XCTAssertEqual(test.t, case_.t, accuracy: 1e-10 * abs(case_.t))
            XCTAssertEqual(test.degreesOfFreedom, case_.df, accuracy: 1e-10 * case_.df)
            XCTAssertEqual(test.p, case_.p, accuracy: 1e-9 * case_.p + 1e-300)
        }
    }

    /// SciPy 1.17.1's `ttest_ind(equal_var=False)` where one or both samples have zero variance
    /// (`Fixtures/scipy_statistics.json`): t = ±∞, ν = 1, p = 0 for constant samples with different means; t NaN,
    /// ν = 1, p NaN for equal means. Non-finite values must be identical; finite ones to a relative 1e-10 (SciPy
    /// computes the variance as a mean of squares times n/(n − 1), Duet as a sum over n − 1: an ulp apart).
    func testWelchWithZeroVarianceMatchesSciPy() throws {
        let cases = try SciPyStatisticsFixture.load().welch
        XCTAssertGreaterThanOrEqual(cases.count, 8)
        for case_ in cases {
            let test = WelchTest(case_.x, case_.y)
            for (name, actual, expected) in [("t", test.t, case_.t.value), ("df", test.degreesOfFreedom, case_.df.value),
                                             ("p", test.p, case_.p.value)] {
                let label = "\(case_.name): \(name) = \(actual), SciPy \(expected)"
                if expected.isNaN {
                    XCTAssert(actual.isNaN, label)
                } else if expected.isInfinite || expected == 0 {
                    XCTAssertEqual(actual, expected, label)
                } else {
                    XCTAssertEqual(actual, expected, accuracy: 1e-10 * abs(expected), label)
                }
            }
        }
    }

    func testWelchWithZeroVarianceByHand() {
        let below = WelchTest([1, 1, 1], [2, 2])
        XCTAssertEqual(below.t, -.infinity)
        XCTAssertEqual(below.degreesOfFreedom, 1)
        XCTAssertEqual(below.p, 0)
        XCTAssertEqual(below.meanDifference, -1)
        let equal = WelchTest([1, 1, 1], [1, 1])
        XCTAssert(equal.t.isNaN && equal.p.isNaN)
        XCTAssertEqual(equal.degreesOfFreedom, 1)
        // One constant sample: ν = (s²/n)² / ((s²/n)²/(n − 1)) = n − 1 of the other.
        let oneConstant = WelchTest([1, 1, 1], [1, 2, 3])
        XCTAssertEqual(oneConstant.degreesOfFreedom, 2, accuracy: 1e-15)
        XCTAssertEqual(oneConstant.t, -(3.0).squareRoot(), accuracy: 1e-15)
    }

    func testNumberText() {
        XCTAssertEqual(NumberText.shortest(3), "3")
        XCTAssertEqual(NumberText.shortest(-0.0), "0")
        XCTAssertEqual(NumberText.shortest(0.1), "0.1")
        XCTAssertEqual(NumberText.shortest(.nan), "nan")
        XCTAssertEqual(NumberText.shortest(-.infinity), "-inf")
        XCTAssertEqual(NumberText.fixed(-1.5, decimals: 2), "-1.50")
        XCTAssertEqual(NumberText.fixed(-0.0004, decimals: 3), "0.000")
        XCTAssertEqual(NumberText.fixed(2.5, decimals: 0), "3")
        XCTAssertEqual(NumberText.fixed(1234.5678, decimals: 1), "1234.6")
        XCTAssertEqual(NumberText.fixed(0.05, decimals: 3), "0.050")
        XCTAssertEqual(NumberText.compact(12.50), "12.5")
        XCTAssertEqual(NumberText.compact(-0.001), "0")
        XCTAssertEqual(NumberText.compact(7), "7")
    }
}
