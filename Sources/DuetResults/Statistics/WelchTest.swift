import DuetRandom

/// Welch's unequal-variances t-test of the difference of two means (SciPy's `ttest_ind(x, y, equal_var=False)`).
///
/// With sample means x̄, ȳ, unbiased variances s_x², s_y² and sizes n_x, n_y, and vₓ = s_x²/n_x, v_y = s_y²/n_y:
///
///     t = (x̄ − ȳ) / √(vₓ + v_y)
///     ν = (vₓ + v_y)² / (vₓ²/(n_x − 1) + v_y²/(n_y − 1))        (Welch–Satterthwaite)
///     p = 2 · P(T_ν > |t|)                                         (two-sided, Student's t with ν degrees of freedom)
///
/// Henderson et al. (AAAI 2018) show that with 5 seeds per arm this test often reports differences between
/// two identical algorithms: read it with the bootstrap intervals, not instead of them.
///
/// When both samples have zero variance the test is undefined: t is ±∞ (different means) or NaN (equal means),
/// and ν and p are NaN, as in SciPy.
public struct WelchTest: Sendable, Equatable {
    /// The t statistic; positive when x̄ > ȳ.
    public var t: Double
    /// The Welch–Satterthwaite degrees of freedom ν.
    public var degreesOfFreedom: Double
    /// The two-sided p-value.
    public var p: Double
    /// x̄ − ȳ.
    public var meanDifference: Double

    /// Tests the samples `x` and `y`.
    /// - Precondition: each has at least two values.
    public init(_ x: [Double], _ y: [Double]) {
        precondition(x.count >= 2 && y.count >= 2,
                     "Welch's t-test needs at least two values per sample, got \(x.count) and \(y.count)")
        let meanX = Statistics.mean(x)
        let meanY = Statistics.mean(y)
        let shareX = Statistics.sampleVariance(x) / Double(x.count)
        let shareY = Statistics.sampleVariance(y) / Double(y.count)
        let combined = shareX + shareY
        meanDifference = meanX - meanY
        t = meanDifference / combined.squareRoot()
        degreesOfFreedom = combined * combined
            / (shareX * shareX / Double(x.count - 1) + shareY * shareY / Double(y.count - 1))
        if degreesOfFreedom > 0, !t.isNaN {
            p = min(1, 2 * Distributions.studentTUpperTail(abs(t), degreesOfFreedom: degreesOfFreedom))
        } else {
            p = .nan
        }
    }
}
