import DuetRandom
import XCTest

/// Student's t CDF against SciPy 1.17.1. The golden values were printed by
///
///     from scipy import stats
///     for t, df in cases: print(t, df, stats.t.cdf(t, df), stats.t.sf(t, df))
///
/// (`sf` is SciPy's upper tail, 1 − CDF computed directly).
final class DistributionsTests: XCTestCase {
    /// (t, ν, P(T ≤ t), P(T > t)).
    let cases: [(Double, Double, Double, Double)] = [
        (0.0, 1.0, 0.5, 0.5),
        (1.0, 1.0, 0.75, 0.25000000000000006),
        (-2.5, 3.0, 0.04385332350403278, 0.9561466764959672),
        (2.0, 4.5, 0.9458710464094375, 0.054128953590562495),
        (0.7, 10.0, 0.7500562149135578, 0.2499437850864422),
        (-1.3, 17.25, 0.10535215593270998, 0.89464784406729),
        (3.5, 30.0, 0.9992615962811778, 0.0007384037188221266),
        (12.0, 7.3, 0.9999977221073852, 2.277892614785275e-06),
        (-40.0, 2.0, 0.0003122073360923703, 0.9996877926639076),
        (1.96, 1_000_000.0, 0.9750019662073651, 0.024998033792634926),
        (5.0, 2.2, 0.9845155171550906, 0.01548448284490948),
        (60.0, 8.0, 0.9999999999966924, 3.3075579239574145e-12),
        (-60.0, 8.0, 3.3075579239574145e-12, 0.9999999999966924),
        (25.0, 30.0, 1.0, 6.045911190643518e-22),
    ]

    func testCumulativeAndUpperTailMatchSciPy() {
        for (t, degrees, lower, upper) in cases {
            let cumulative = Distributions.studentTCumulative(t, degreesOfFreedom: degrees)
            let tail = Distributions.studentTUpperTail(t, degreesOfFreedom: degrees)
            // Relative tolerance 1e-9: the far tails (1e-12, 1e-22) must be accurate relative to their size.
            XCTAssertEqual(cumulative, lower, accuracy: 1e-9 * lower, "P(T ≤ \(t)), ν = \(degrees)")
            XCTAssertEqual(tail, upper, accuracy: 1e-9 * upper, "P(T > \(t)), ν = \(degrees)")
        }
    }

    func testTailsAreComplementaryAndSymmetric() {
        for t in stride(from: -6.0, through: 6.0, by: 0.75) {
            for degrees in [1.0, 2.5, 9.0, 120.0] {
                let cumulative = Distributions.studentTCumulative(t, degreesOfFreedom: degrees)
                XCTAssertEqual(cumulative + Distributions.studentTUpperTail(t, degreesOfFreedom: degrees), 1,
                               accuracy: 1e-14)
                XCTAssertEqual(cumulative, Distributions.studentTUpperTail(-t, degreesOfFreedom: degrees),
                               accuracy: 1e-14)
            }
        }
    }

    func testNaNGivesNaN() {
        XCTAssert(Distributions.studentTCumulative(.nan, degreesOfFreedom: 3).isNaN)
        XCTAssert(Distributions.studentTUpperTail(.nan, degreesOfFreedom: 3).isNaN)
    }

    func testInfiniteArgumentsGiveTheLimits() {
        XCTAssertEqual(Distributions.studentTCumulative(.infinity, degreesOfFreedom: 4), 1)
        XCTAssertEqual(Distributions.studentTUpperTail(.infinity, degreesOfFreedom: 4), 0)
        XCTAssertEqual(Distributions.studentTCumulative(-.infinity, degreesOfFreedom: 4), 0)
    }
}
