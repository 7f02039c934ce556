import DuetResults
import XCTest

/// The Wilcoxon signed-rank test against SciPy 1.17.1's `wilcoxon` (`Fixtures/scipy_statistics.json`, made by
/// `scripts/reference/scipy_statistics_fixtures.py`), plus hand-worked cases.
///
/// Tolerances: the statistic, the method, and the exact and permutation p-values must be equal to the last bit
/// (both sides count sign patterns, and SciPy's sums of powers of two are exact); the normal approximation's z
/// and p to a relative 1e-12 (the only difference is the `erf`/`erfc` of the C library against Cephes').
final class WilcoxonTests: XCTestCase {
    var fixture: SciPyStatisticsFixture!

    override func setUpWithError() throws { fixture = try SciPyStatisticsFixture.load() }

    func testFixtureIsFromThePinnedSciPy() {
        XCTAssert(fixture.generator.contains("scipy 1.17.1"), fixture.generator)
        XCTAssertGreaterThanOrEqual(fixture.wilcoxon.count, 20)
        let methods = Set(fixture.wilcoxon.compactMap(\.method))
        XCTAssertEqual(methods, ["exact", "permutation", "normal"], "every method SciPy picks is covered")
    }

    func testMatchesSciPy() {
        for case_ in fixture.wilcoxon where case_.error == nil {
            let test = WilcoxonSignedRankTest(case_.differences)
            let label = "\(case_.name) (n = \(case_.differences.count))"
            guard let statistic = case_.statistic?.value, let p = case_.p?.value else {
                XCTFail("\(label): the fixture lacks the statistic or p")
                continue
            }
            XCTAssertEqual(test.method.rawValue, case_.method, label)
            XCTAssertEqual(test.statistic, statistic, label)
            XCTAssertEqual(test.positiveRankSum + test.negativeRankSum,
                           Double((test.count - test.zeroCount) * (test.count - test.zeroCount + 1)) / 2, label)
            if case_.method == "normal" {
                // The fixture's |z| and p against Duet's, whatever method Duet chose (a wrong choice fails above).
                let z = test.z ?? .nan
                let absZ = case_.abs_z?.value ?? .nan
                if p.isNaN {
                    XCTAssert(test.p.isNaN && z.isNaN, "\(label): p \(test.p), z \(z)")
                } else {
                    XCTAssertEqual(abs(z), absZ, accuracy: 1e-12 * absZ, label)
                    XCTAssertEqual(test.p, p, accuracy: 1e-12 * p, label)
                }
            } else {
                XCTAssertEqual(test.p, p, label)  // counts of sign patterns: equal to the last bit
                XCTAssertNil(test.z, label)
            }
        }
    }

    func testASingleZeroDifferenceIsUndefined() throws {
        // SciPy raises (its permutation test needs two values); Duet reports NaN.
        let refused = try XCTUnwrap(fixture.wilcoxon.first { $0.error != nil })
        XCTAssertEqual(refused.differences, [0])
        let test = WilcoxonSignedRankTest([0])
        XCTAssertEqual(test.method, .permutation)
        XCTAssert(test.p.isNaN)
        XCTAssertEqual(test.statistic, 0)
    }

    func testByHand() {
        // All five positive: R+ = 15, W = 0; only 1 of the 2⁵ sign patterns reaches 15, so p = 2 · 1/32.
        let allPositive = WilcoxonSignedRankTest([5, 1, 4, 2, 3])
        XCTAssertEqual(allPositive.method, .exact)
        XCTAssertEqual(allPositive.positiveRankSum, 15)
        XCTAssertEqual(allPositive.statistic, 0)
        XCTAssertEqual(allPositive.p, 0.0625)
        // [1, 2, 2, 3, −1]: |d| ranks 1.5, 3.5, 3.5, 5, 1.5 (two ties), R− = 1.5. Sums of random subsets of
        // {1.5, 1.5, 3.5, 3.5, 5} at most 1.5: ∅, {1.5}, {1.5} → 3 of 32; p = 2 · 3/32 = 0.1875, by permutation.
        let tied = WilcoxonSignedRankTest([1, 2, 2, 3, -1])
        XCTAssertEqual(tied.method, .permutation)
        XCTAssert(tied.hasTies)
        XCTAssertEqual(tied.statistic, 1.5)
        XCTAssertEqual(tied.negativeRankSum, 1.5)
        XCTAssertEqual(tied.p, 0.1875)
        // A zero is dropped from the ranks but still forces the permutation test, and still counts towards n.
        let withZero = WilcoxonSignedRankTest([0, 1, 2, 3, 4, 5])
        XCTAssertEqual(withZero.zeroCount, 1)
        XCTAssertEqual(withZero.count, 6)
        XCTAssertEqual(withZero.method, .permutation)
        XCTAssertEqual(withZero.p, 0.0625)
        // Signs reversed: the same W and p (two-sided).
        let negated = WilcoxonSignedRankTest([-5, -1, -4, -2, -3])
        XCTAssertEqual(negated.statistic, 0)
        XCTAssertEqual(negated.p, allPositive.p)
    }

    func testMethodThresholds() {
        let distinct = { (n: Int) in (1...n).map { Double($0) * (($0 % 3 == 0) ? -1 : 1) } }
        XCTAssertEqual(WilcoxonSignedRankTest(distinct(50)).method, .exact)
        XCTAssertEqual(WilcoxonSignedRankTest(distinct(51)).method, .normal)
        let tied = { (n: Int) in [1.0] + distinct(n - 1) }  // 1 appears twice
        XCTAssertEqual(WilcoxonSignedRankTest(tied(13)).method, .permutation)
        XCTAssertEqual(WilcoxonSignedRankTest(tied(14)).method, .normal)
        XCTAssertEqual(WilcoxonSignedRankTest([0] + distinct(12)).method, .permutation)
        XCTAssertEqual(WilcoxonSignedRankTest([0] + distinct(13)).method, .normal)
    }

    func testNormalApproximationByHand() throws {
        // n′ = 60 without ties or zeros, all positive: z = (1830 − 915) / √(60·61·121/24) with no correction.
        let test = WilcoxonSignedRankTest((1...60).map(Double.init))
        XCTAssertEqual(test.method, .normal)
        let z = try XCTUnwrap(test.z)
        XCTAssertEqual(z, 915 / (60.0 * 61 * 121 / 24).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(test.p, 2 * WilcoxonSignedRankTest.standardNormalCumulative(-z), accuracy: 0)
        XCTAssertEqual(WilcoxonSignedRankTest.standardNormalCumulative(0), 0.5)
        XCTAssertEqual(WilcoxonSignedRankTest.standardNormalCumulative(-1.959963984540054), 0.025, accuracy: 1e-15)
        XCTAssertEqual(WilcoxonSignedRankTest.standardNormalCumulative(1.959963984540054), 0.975, accuracy: 1e-15)
    }

    func testNaNDifferencePropagates() {
        let test = WilcoxonSignedRankTest([1, .nan, 3])
        XCTAssert(test.p.isNaN && test.statistic.isNaN)
    }
}

