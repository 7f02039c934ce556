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
/// **Zero variance**, as SciPy 1.17.1 reports it (checked by `scripts/reference/scipy_statistics_fixtures.py`):
/// - Both samples constant, different means: the denominator is 0, so t = ±∞ (the sign of x̄ − ȳ); ν is 0/0,
///   which SciPy replaces by 1 ("it doesn't matter what df is as long as it's not NaN"); p = 0.
/// - Both samples constant, equal means: t = 0/0 = NaN, ν = 1 (the same replacement), p = NaN.
/// - One sample constant: nothing special; ν reduces to n − 1 of the other sample (e.g. x = [1, 1, 1],
///   y = [1, 2, 3] gives t = −1.732, ν = 2, p = 0.225), and equal means give t = 0, p = 1.
/// "Constant" means a computed variance of exactly 0: three copies of 0.1 have a mean that differs from 0.1 in
/// the last bit and hence a tiny positive variance, which gives t ≈ −2·10¹⁶ against [0.3, 0.3] in SciPy as here.
public struct WelchTest: Sendable, Equatable {
    /// The t statistic; positive when x̄ > ȳ.
    public var t: Double
    /// The Welch–Satterthwaite degrees of freedom ν (1 when both variances are 0, as SciPy).
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
        let satterthwaite = combined * combined
            / (shareX * shareX / Double(x.count - 1) + shareY * shareY / Double(y.count - 1))
        degreesOfFreedom = satterthwaite.isNaN ? 1 : satterthwaite  // 0/0 when both variances are 0, as SciPy
        if t.isNaN {
            p = .nan
        } else if t.isInfinite {
            p = 0
        } else {
            p = min(1, 2 * Distributions.studentTUpperTail(abs(t), degreesOfFreedom: degreesOfFreedom))
        }
    }
}
