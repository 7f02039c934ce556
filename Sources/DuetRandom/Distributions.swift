import CGSL

/// Cumulative distribution functions of continuous distributions, from GSL (`gsl_cdf.h`).
///
/// Only this module imports GSL, so statistics code elsewhere (Welch's t-test in `DuetResults`) reaches the
/// distributions through here.
public enum Distributions {
    /// P(T ≤ `t`) for Student's t distribution with ν = `degreesOfFreedom` (`gsl_cdf_tdist_P`).
    ///
    /// ν need not be an integer (Welch–Satterthwaite degrees of freedom are not). NaN in, NaN out.
    /// - Precondition: ν > 0.
    public static func studentTCumulative(_ t: Double, degreesOfFreedom: Double) -> Double {
        precondition(degreesOfFreedom > 0, "Student's t needs positive degrees of freedom, got \(degreesOfFreedom)")
        if t.isNaN { return .nan }
        GSLRuntime.prepare()
        return gsl_cdf_tdist_P(t, degreesOfFreedom)
    }

    /// P(T > `t`) for Student's t distribution with ν = `degreesOfFreedom` (`gsl_cdf_tdist_Q`).
    ///
    /// Computed directly rather than as 1 − P, so tail probabilities far below machine epsilon stay accurate
    /// (a two-sided p-value is `2 · studentTUpperTail(|t|, ν)`). NaN in, NaN out.
    /// - Precondition: ν > 0.
    public static func studentTUpperTail(_ t: Double, degreesOfFreedom: Double) -> Double {
        precondition(degreesOfFreedom > 0, "Student's t needs positive degrees of freedom, got \(degreesOfFreedom)")
        if t.isNaN { return .nan }
        GSLRuntime.prepare()
        return gsl_cdf_tdist_Q(t, degreesOfFreedom)
    }
}
