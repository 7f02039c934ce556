import DuetNumerics

/// The dual-policy-distillation objective on a batch of the peer's states (Lai et al. 2020, Eq. 11/12, in the
/// form of the reference code):
///
///     L = Σᵢ wᵢ · meanₖ (μ(sᵢ)ₖ − ãᵢₖ)²,    ∂L/∂μ(sᵢ)ₖ = 2wᵢ(μ(sᵢ)ₖ − ãᵢₖ)/K,
///
/// with K = dim(A), ã the peer's actions and w the trainer's per-state weights (already normalised over the
/// batch when the configuration asks for it). Targets and weights are constants: no gradient reaches them.
public enum DistillationLoss {
    /// L for `prediction` μ(s) against `targets` ã with per-row `weights` w, and ∂L/∂μ written into `gradient`.
    /// - Precondition: `prediction` and `targets` have the same shape; one weight per row.
    public static func weightedSquaredError<Scalar: BLASScalar>(prediction: Matrix<Scalar>, targets: Matrix<Scalar>,
                                                                weights: [Scalar],
                                                                gradient: inout Matrix<Scalar>) -> Double {
        precondition(prediction.shape == targets.shape,
                     "distillation targets \(targets.shape) do not match the actions \(prediction.shape)")
        precondition(weights.count == prediction.rows,
                     "\(weights.count) distillation weights for \(prediction.rows) states")
        let rows = prediction.rows
        let columns = prediction.columns
        gradient.resize(rows: rows, columns: columns)
        guard columns > 0 else { return 0 }
        let scale = 2 / Scalar(columns)
        var total = 0.0
        prediction.withUnsafeBufferPointer { predicted in
            targets.withUnsafeBufferPointer { wanted in
                gradient.withUnsafeMutableBufferPointer { output in
                    for row in 0..<rows {
                        let weight = weights[row]
                        var rowTotal = 0.0
                        for column in 0..<columns {
                            let index = row &* columns &+ column
                            let difference = predicted[index] - wanted[index]
                            rowTotal += Double(difference) * Double(difference)
                            output[index] = scale * weight * difference
                        }
                        total += Double(weight) * rowTotal / Double(columns)
                    }
                }
            }
        }
        return total
    }
}
