import Foundation

/// The Wilcoxon signed-rank test of paired differences dᵢ = xᵢ − yᵢ (two-sided), as SciPy 1.17.1's
/// `scipy.stats.wilcoxon(d)` computes it with its defaults (`zero_method="wilcox"`, `correction=False`,
/// `alternative="two-sided"`, `method="auto"`).
///
/// **Statistic.** Zero differences are dropped (Wilcoxon's treatment); the n′ non-zero |dᵢ| are ranked 1…n′, ties
/// getting the average of their ranks. R+ and R− are the sums of the ranks of the positive and of the negative
/// differences (R+ + R− = n′(n′ + 1)/2), and the reported statistic is W = min(R+, R−).
///
/// **Method**, chosen as SciPy's `"auto"` does, from n (the number of differences, zeros included):
/// - n > 50: the normal approximation.
/// - n ≤ 50 without ties or zeros: the exact null distribution of R+ (each of the 2ⁿ sign patterns equally
///   likely); p = 2·min(P(R+ ≥ r), P(R+ ≤ r)), at most 1.
/// - n ≤ 13 with ties or zeros: SciPy's exhaustive permutation test, which flips the signs of the differences in
///   all 2ⁿ ways and compares R+ of each with the observed one. The same p = 2·min(P(R+ ≥ r), P(R+ ≤ r)), at
///   most 1, over the sums of random subsets of the tied ranks. SciPy counts a null value as equal to the
///   observed one within 100·ε·|r|; rank sums are multiples of ½, so that changes nothing and Duet compares
///   exactly. (SciPy 1.17.1 falls back to the normal approximation with ties or zeros only above n = 13.)
/// - 13 < n ≤ 50 with ties or zeros: the normal approximation.
///
/// The exact and permutation p-values are counts over 2ⁿ′ sign patterns, computed here in integers; SciPy's are
/// sums of powers of two below 2⁵³, hence exact in floating point too, so both agree to the last bit.
///
/// **Normal approximation** (no continuity correction, SciPy's default): with tie groups of sizes tⱼ among the
/// non-zero |dᵢ|,
///
///     z = (R+ − n′(n′ + 1)/4) / σ,   σ = √((n′(n′ + 1)(2n′ + 1) − Σⱼ (tⱼ³ − tⱼ)/2) / 24),   p = 2·Φ(−|z|)
///
/// with Φ computed as SciPy's `ndtr` does (from `erf` for |z| < 1, else `erfc`). With every difference zero,
/// σ = 0 and z and p are NaN, as in SciPy.
///
/// **Undefined cases.** A single difference of zero, which SciPy refuses (its permutation test needs two
/// values), gives p = NaN; so does a NaN difference (SciPy's `nan_policy="propagate"`).
public struct WilcoxonSignedRankTest: Sendable, Equatable {
    /// How the p-value was computed.
    public enum Method: String, Sendable, Hashable {
        /// The exact null distribution (no ties, no zeros, n ≤ 50).
        case exact
        /// The exhaustive sign-flip permutation test (ties or zeros, n ≤ 13).
        case permutation
        /// The normal approximation without continuity correction.
        case normal
    }

    /// W = min(R+, R−).
    public var statistic: Double
    /// R+, the sum of the ranks of the positive differences.
    public var positiveRankSum: Double
    /// R−, the sum of the ranks of the negative differences.
    public var negativeRankSum: Double
    /// The two-sided p-value.
    public var p: Double
    /// The method of the p-value.
    public var method: Method
    /// z = (R+ − n′(n′ + 1)/4) / σ for the normal approximation (positive when the differences tend to be
    /// positive); nil for the other methods.
    public var z: Double?
    /// n, the number of differences, zeros included.
    public var count: Int
    /// How many differences are zero (and dropped).
    public var zeroCount: Int
    /// Whether non-zero |dᵢ| are tied.
    public var hasTies: Bool

    /// The largest n with the exact distribution (SciPy's `auto` threshold).
    public static let largestExactCount = 50
    /// The largest n with the permutation test when there are ties or zeros (2ⁿ ≤ SciPy's 9999 resamples).
    public static let largestPermutationCount = 13

    /// Tests the paired differences `differences` (X − Y per pair).
    /// - Precondition: at least one difference.
    public init(_ differences: [Double]) {
        precondition(!differences.isEmpty, "the Wilcoxon signed-rank test needs at least one difference")
        count = differences.count
        z = nil
        if differences.contains(where: \.isNaN) {
            (statistic, positiveRankSum, negativeRankSum, p) = (.nan, .nan, .nan, .nan)
            (method, zeroCount, hasTies) = (.normal, 0, false)
            return
        }
        let nonZero = differences.filter { $0 != 0 }
        zeroCount = differences.count - nonZero.count
        let ranking = Self.rank(nonZero.map(abs))
        hasTies = ranking.tieSizes.contains { $0 > 1 }
        var positive = 0.0
        var negative = 0.0
        for (value, rank) in zip(nonZero, ranking.ranks) {
            if value > 0 { positive += rank } else { negative += rank }
        }
        (positiveRankSum, negativeRankSum, statistic) = (positive, negative, min(positive, negative))

        let exactCase = !hasTies && zeroCount == 0
        if count > Self.largestExactCount || (!exactCase && count > Self.largestPermutationCount) {
            method = .normal
            let z = Self.normalZ(positiveRankSum: positive, nonZeroCount: nonZero.count, tieSizes: ranking.tieSizes)
            self.z = z
            p = 2 * Self.standardNormalCumulative(-abs(z))
        } else {
            method = exactCase ? .exact : .permutation
            // Rank sums are multiples of ½: doubled, they are integers.
            p = count < 2 && !exactCase ? .nan
                : Self.signFlipPValue(doubledRanks: ranking.ranks.map { Int(2 * $0) },
                                      doubledObserved: Int(2 * positive))
        }
    }

    // MARK: Pieces

    /// Average ranks (1-based) of `values` in their order, and the sizes of the groups of equal values.
    static func rank(_ values: [Double]) -> (ranks: [Double], tieSizes: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieSizes: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let averageRank = Double(start + 1) + Double(end - start - 1) / 2
            for position in start..<end { ranks[order[position]] = averageRank }
            tieSizes.append(end - start)
            start = end
        }
        return (ranks, tieSizes)
    }

    /// Two-sided p-value 2·min(P(S ≥ r), P(S ≤ r)), at most 1, where S is the sum of a uniformly random subset
    /// of the ranks (each sign pattern equally likely). Ranks and r are given doubled, so average ranks are
    /// integers; the null distribution is counted exactly (n ≤ 50, counts below 2⁵³).
    static func signFlipPValue(doubledRanks: [Int], doubledObserved: Int) -> Double {
        let total = doubledRanks.reduce(0, +)
        var counts = [UInt64](repeating: 0, count: total + 1)
        counts[0] = 1
        var reached = 0
        for rank in doubledRanks {
            for sum in stride(from: reached, through: 0, by: -1) where counts[sum] > 0 {
                counts[sum + rank] += counts[sum]
            }
            reached += rank
        }
        var atMost: UInt64 = 0
        var atLeast: UInt64 = 0
        for (sum, count) in counts.enumerated() {
            if sum <= doubledObserved { atMost += count }
            if sum >= doubledObserved { atLeast += count }
        }
        let patterns = Double(sign: .plus, exponent: doubledRanks.count, significand: 1)  // 2ⁿ′
        return min(1, 2 * Double(min(atMost, atLeast)) / patterns)
    }

    /// z of the normal approximation, in SciPy's order of operations.
    static func normalZ(positiveRankSum: Double, nonZeroCount: Int, tieSizes: [Int]) -> Double {
        let n = Double(nonZeroCount)
        let mean = n * (n + 1) * 0.25
        let tieCorrection = tieSizes.reduce(0.0) { sum, size in
            let t = Double(size)
            return sum + (t * t * t - t)
        }
        let deviation = ((n * (n + 1) * (2 * n + 1) - tieCorrection / 2) / 24).squareRoot()
        return (positiveRankSum - mean) / deviation
    }

    /// Φ(x), the standard normal distribution function, as SciPy's `ndtr` (Cephes) computes it: ½ + ½·erf(x/√2)
    /// for |x| < 1, else ½·erfc(|x|/√2) (subtracted from 1 for x > 0). NaN in, NaN out.
    public static func standardNormalCumulative(_ x: Double) -> Double {
        let scaled = x * 0.70710678118654752440  // x/√2
        let magnitude = abs(scaled)
        if magnitude < 0.70710678118654752440 { return 0.5 + 0.5 * erf(scaled) }
        let tail = 0.5 * erfc(magnitude)
        return scaled > 0 ? 1 - tail : tail
    }
}
