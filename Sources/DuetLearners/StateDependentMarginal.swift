import DuetNumerics

/// gSDE's action distribution over its exploration matrix, as the soft-target objective (`objective: kl`) reads
/// it. With W held, a gSDE action is a deterministic function of the state; over W ~ N(0, σ_W²) each pre-squash
/// (SAC) or raw (PPO) action is Gaussian,
///
///     uᵢₖ ~ N(μᵢₖ, vᵢₖ),   vᵢₖ = Σₕ hᵢₕ²·σₕₖ² + 10⁻⁶,   σ = exp(L)
///
/// with h(s) the policy's last hidden features and L the learned log σ_W (`H × dim(A)`): the Normal that
/// Stable-Baselines3's `StateDependentNoiseDistribution.proba_distribution` builds and scores actions with, and
/// the v of ``DiagonalGaussian`` and ``StateDependentNoise``. Its log standard deviation is log σᵢₖ = ½·log vᵢₖ;
/// for a loss with ∂L/∂log σᵢₖ = gᵢₖ,
///
///     ∂L/∂vᵢₖ = gᵢₖ / (2vᵢₖ)
///     ∂L/∂Lₕₖ = 2σₕₖ²·Σᵢ hᵢₕ²·∂L/∂vᵢₖ
///     ∂L/∂hᵢₕ = 2hᵢₕ·Σₖ σₕₖ²·∂L/∂vᵢₖ
///
/// The last only for a learner that trains its features through v (SAC, SB3's `learn_features=True`); PPO's
/// gSDE detaches them (`learn_features=False`), in its own loss and so in distillation. Arithmetic in Double.
public enum StateDependentMarginal {
    /// The marginal Gaussian N(μ, v) per state for means μ (`N × dim(A)`), features h (`N × H`) and log σ_W
    /// (`H × dim(A)`).
    public static func readout<Scalar: BLASScalar>(means: Matrix<Scalar>, latent: Matrix<Scalar>,
                                                   logStandardDeviation: Matrix<Scalar>) -> GaussianReadout<Scalar> {
        let variances = DiagonalGaussian.variances(logDeviation: logStandardDeviation, latent: latent,
                                                   batch: means.rows)
        let dimension = means.columns
        return GaussianReadout(means: means, logDeviations: Matrix(rows: means.rows, columns: dimension) { row, k in
            Scalar(0.5 * Double.naturalLogarithm(variances[row * dimension + k]))
        })
    }

    /// ∂L/∂L (log σ_W's shape) and, when `computingLatentGradient`, ∂L/∂h (`N × H`) for ∂L/∂log σ per state
    /// `logDeviationGradient` (`N × dim(A)`) of the ``readout(means:latent:logStandardDeviation:)`` of `latent`
    /// and `logStandardDeviation`.
    public static func backward<Scalar: BLASScalar>(latent: Matrix<Scalar>, logStandardDeviation: Matrix<Scalar>,
                                                    logDeviationGradient: Matrix<Scalar>,
                                                    computingLatentGradient: Bool)
        -> (logStandardDeviationGradient: Matrix<Scalar>, latentGradient: Matrix<Scalar>?)
    {
        let batch = latent.rows, width = latent.columns, dimension = logStandardDeviation.columns
        precondition(logDeviationGradient.rows == batch && logDeviationGradient.columns == dimension,
                     "gSDE marginal: ∂L/∂log σ is \(logDeviationGradient.shape), not \(batch)×\(dimension)")
        let variances = DiagonalGaussian.variances(logDeviation: logStandardDeviation, latent: latent, batch: batch)
        let varianceGradient = (0..<batch * dimension).map { index in
            Double(logDeviationGradient[index / dimension, index % dimension]) / (2 * variances[index])
        }
        let weightVariances = (0..<width * dimension).map { index in
            Double.exponential(2 * Double(logStandardDeviation[index / dimension, index % dimension]))
        }
        let logStandardDeviationGradient = Matrix<Scalar>(rows: width, columns: dimension) { h, k in
            var total = 0.0
            for row in 0..<batch {
                let feature = Double(latent[row, h])
                total += feature * feature * varianceGradient[row * dimension + k]
            }
            return Scalar(2 * weightVariances[h * dimension + k] * total)
        }
        guard computingLatentGradient else { return (logStandardDeviationGradient, nil) }
        let latentGradient = Matrix<Scalar>(rows: batch, columns: width) { row, h in
            var total = 0.0
            for k in 0..<dimension { total += weightVariances[h * dimension + k] * varianceGradient[row * dimension + k] }
            return Scalar(2 * Double(latent[row, h]) * total)
        }
        return (logStandardDeviationGradient, latentGradient)
    }
}
