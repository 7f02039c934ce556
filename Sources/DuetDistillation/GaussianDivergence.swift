import DuetConfiguration
import DuetLearners
import DuetNumerics

/// Which Kullback–Leibler divergence between the peer's Gaussian p̃ and the learner's p the soft-target objective
/// minimises.
public enum KLDirection: String, ConfigurationChoice {
    /// KL(p̃ ‖ p): the learner covers the peer's whole distribution (mode-covering; the usual policy-distillation
    /// choice, Rusu et al. 2016).
    case forward
    /// KL(p ‖ p̃): the learner concentrates where the peer is likely (mode-seeking).
    case reverse
}

/// Soft targets for stochastic peers (after Sucholutsky and Schonlau, "Improving Dataset Distillation"): distil
/// the peer's whole action distribution instead of one action, as the divergence between two diagonal Gaussians
/// (before squashing for SAC, over raw actions for PPO), weighted per state as the action-matching loss is:
///
///     L = Σᵢ wᵢ · Σₖ KLᵢₖ,
///     KL(p̃ ‖ p)ₖ = ℓ − ℓ̃ + (σ̃² + (μ̃ − μ)²)/(2σ²) − ½,   KL(p ‖ p̃)ₖ = ℓ̃ − ℓ + (σ² + (μ − μ̃)²)/(2σ̃²) − ½,
///
/// with ℓ = log σ. Gradients with respect to the learner's μ and ℓ:
/// forward: ∂/∂μ = (μ − μ̃)/σ², ∂/∂ℓ = 1 − (σ̃² + (μ̃ − μ)²)/σ²; reverse: ∂/∂μ = (μ − μ̃)/σ̃², ∂/∂ℓ = σ²/σ̃² − 1.
public enum GaussianDivergence {
    /// KL of one dimension, in `direction`, for the learner's (μ, ℓ) and the peer's (μ̃, ℓ̃).
    public static func divergence(mean: Double, logDeviation: Double, peerMean: Double, peerLogDeviation: Double,
                                  direction: KLDirection) -> Double {
        let variance = Double.exponential(2 * logDeviation)
        let peerVariance = Double.exponential(2 * peerLogDeviation)
        let squaredGap = (mean - peerMean) * (mean - peerMean)
        switch direction {
        case .forward: return logDeviation - peerLogDeviation + (peerVariance + squaredGap) / (2 * variance) - 0.5
        case .reverse: return peerLogDeviation - logDeviation + (variance + squaredGap) / (2 * peerVariance) - 0.5
        }
    }

    /// L for the learner's Gaussians `learner` against the peer's `peer` with per-state `weights`, and ∂L/∂μ,
    /// ∂L/∂ℓ written into `meanGradient` and `logDeviationGradient`.
    /// - Precondition: equal shapes; one weight per row.
    public static func loss<Scalar: BLASScalar>(learner: GaussianReadout<Scalar>, peer: GaussianReadout<Scalar>,
                                                weights: [Double], direction: KLDirection,
                                                meanGradient: inout Matrix<Scalar>,
                                                logDeviationGradient: inout Matrix<Scalar>) -> Double {
        precondition(learner.means.shape == peer.means.shape, "the peer's Gaussians \(peer.means.shape) do not "
                        + "match the learner's \(learner.means.shape)")
        precondition(weights.count == learner.means.rows, "one weight per state")
        let (rows, columns) = (learner.means.rows, learner.means.columns)
        meanGradient = Matrix(rows: rows, columns: columns)
        logDeviationGradient = Matrix(rows: rows, columns: columns)
        var total = 0.0
        for row in 0..<rows {
            for k in 0..<columns {
                let (mean, logDeviation) = (Double(learner.means[row, k]), Double(learner.logDeviations[row, k]))
                let (peerMean, peerLogDeviation) = (Double(peer.means[row, k]), Double(peer.logDeviations[row, k]))
                total += weights[row] * divergence(mean: mean, logDeviation: logDeviation, peerMean: peerMean,
                                                   peerLogDeviation: peerLogDeviation, direction: direction)
                let variance = Double.exponential(2 * logDeviation)
                let peerVariance = Double.exponential(2 * peerLogDeviation)
                let gap = mean - peerMean
                let (dMean, dLog): (Double, Double)
                switch direction {
                case .forward: (dMean, dLog) = (gap / variance, 1 - (peerVariance + gap * gap) / variance)
                case .reverse: (dMean, dLog) = (gap / peerVariance, variance / peerVariance - 1)
                }
                meanGradient[row, k] = Scalar(weights[row] * dMean)
                logDeviationGradient[row, k] = Scalar(weights[row] * dLog)
            }
        }
        return total
    }
}
