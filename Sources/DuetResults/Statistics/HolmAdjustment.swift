/// Holm's step-down adjustment of p-values for multiple comparisons (Holm, "A simple sequentially rejective
/// multiple test procedure", Scandinavian Journal of Statistics 6, 1979), as statsmodels' `multipletests(p,
/// method="holm")` computes it.
///
/// With the m defined p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of the i-th is
/// p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎): rejecting where p̃ ≤ α controls the family-wise error rate
/// at α whatever the tests' dependence (an ablation's arms share their baseline, so their tests are dependent).
/// It is uniformly more powerful than Bonferroni's m·p.
public enum HolmAdjustment {
    /// The adjusted p-values, in the order of `pValues`. A NaN p-value (an undefined test) stays NaN and is not
    /// counted in m; ties keep their input order, which leaves the adjusted values unchanged.
    public static func adjusted(_ pValues: [Double]) -> [Double] {
        let defined = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        let m = defined.count
        var result = pValues.map { $0.isNaN ? Double.nan : 0 }
        var running = 0.0
        for (rank, index) in defined.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            result[index] = running
        }
        return result
    }
}
