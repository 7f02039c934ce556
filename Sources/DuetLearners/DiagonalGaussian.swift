import DuetNumerics

/// PPO's unsquashed diagonal Gaussian policy N(μ(s), diag v(s)), in Stable-Baselines3's two forms:
///
/// - **state-independent** (`DiagGaussianDistribution`): vₖ = σₖ², σ = exp(ℓ), ℓ a learned `1 × dim(A)` row;
/// - **gSDE** (`StateDependentNoiseDistribution(full_std=True, squash_output=False, learn_features=False)`):
///   vᵢₖ = Σₕ hᵢₕ²·σₕₖ² + 10⁻⁶ with σ = exp(L), L a learned `H × dim(A)` matrix and h(s) the policy's last hidden
///   features, detached (no gradient reaches h through the variance, as SB3's `learn_features=False`).
///
/// For an action a:
///
///     log π(a|s) = Σₖ [ −(aₖ − μₖ)²/(2vₖ) − ½·log vₖ − ½·log 2π ]
///     H(π(·|s))  = Σₖ [ ½ + ½·log 2π + ½·log vₖ ]
///
/// and, for a loss with ∂L/∂log π = gₗ and ∂L/∂H = gₕ (per state),
///
///     ∂L/∂μₖ = gₗ·(aₖ − μₖ)/vₖ
///     ∂L/∂vₖ = gₗ·((aₖ − μₖ)²/(2vₖ²) − 1/(2vₖ)) + gₕ/(2vₖ)
///     ∂L/∂ℓₖ = Σᵢ ∂L/∂vᵢₖ·2vᵢₖ                      (state-independent)
///     ∂L/∂Lₕₖ = 2σₕₖ²·Σᵢ hᵢₕ²·∂L/∂vᵢₖ                (gSDE)
///
/// Arithmetic is in Double, whatever the scalar of the networks' tensors.
public enum DiagonalGaussian {
    /// gSDE's ε in v = (h ⊙ h)·σ² + ε (SB3's `epsilon`).
    public static let varianceEpsilon = 1e-6
    static let halfLogTwoPi = 0.5 * Double.naturalLogarithm(2 * Double.pi)

    /// The variances vᵢₖ (`batch × dim(A)`, row-major) for log standard deviations `logDeviation`: a `1 × dim(A)`
    /// row (state-independent), or an `H × dim(A)` matrix together with the features `latent` (`batch × H`, gSDE).
    public static func variances<Scalar: BLASScalar>(logDeviation: Matrix<Scalar>, latent: Matrix<Scalar>?,
                                                  batch: Int) -> [Double] {
        let dimension = logDeviation.columns
        var variances = [Double](repeating: 0, count: batch * dimension)
        if let latent {
            precondition(latent.rows == batch && latent.columns == logDeviation.rows,
                         "gSDE: features \(latent.shape) for log σ \(logDeviation.shape)")
            let width = latent.columns
            let weightVariances = (0..<width * dimension).map { index in
                Double.exponential(2 * Double(logDeviation[index / dimension, index % dimension]))
            }
            for row in 0..<batch {
                for h in 0..<width {
                    let feature = Double(latent[row, h])
                    let squared = feature * feature
                    for k in 0..<dimension { variances[row * dimension + k] += squared * weightVariances[h * dimension + k] }
                }
                for k in 0..<dimension { variances[row * dimension + k] += varianceEpsilon }
            }
        } else {
            precondition(logDeviation.rows == 1, "a state-independent log σ is one row, not \(logDeviation.shape)")
            for row in 0..<batch {
                for k in 0..<dimension { variances[row * dimension + k] = Double.exponential(2 * Double(logDeviation[0, k])) }
            }
        }
        return variances
    }

    /// log π(aᵢ|sᵢ) per row for means μ and actions a (`batch × dim(A)` each) and variances v (row-major).
    public static func logProbabilities<Scalar: BLASScalar>(actions: Matrix<Scalar>, means: Matrix<Scalar>,
                                                         variances: [Double]) -> [Double] {
        precondition(actions.shape == means.shape && variances.count == means.count, "Gaussian: shapes differ")
        return (0..<means.rows).map { row in
            var total = 0.0
            for k in 0..<means.columns {
                let v = variances[row * means.columns + k]
                let difference = Double(actions[row, k]) - Double(means[row, k])
                total += -difference * difference / (2 * v) - 0.5 * Double.naturalLogarithm(v) - halfLogTwoPi
            }
            return total
        }
    }

    /// H(π(·|sᵢ)) per row for variances v of `dimension` actions (row-major).
    public static func entropies(variances: [Double], dimension: Int) -> [Double] {
        stride(from: 0, to: variances.count, by: max(dimension, 1)).map { start in
            var total = 0.0
            for k in 0..<dimension { total += 0.5 + halfLogTwoPi + 0.5 * Double.naturalLogarithm(variances[start + k]) }
            return total
        }
    }

    /// ∂L/∂μ (`batch × dim(A)`) and ∂L/∂log σ (log σ's shape) for per-row ∂L/∂log π and ∂L/∂H.
    public static func backward<Scalar: BLASScalar>(actions: Matrix<Scalar>, means: Matrix<Scalar>,
                                                    variances: [Double], logDeviation: Matrix<Scalar>,
                                                    latent: Matrix<Scalar>?, logProbabilityGradient: [Double],
                                                    entropyGradient: [Double])
        -> (meanGradient: Matrix<Scalar>, logDeviationGradient: Matrix<Scalar>)
    {
        let batch = means.rows
        let dimension = means.columns
        var meanGradient = Matrix<Scalar>(rows: batch, columns: dimension)
        var varianceGradient = [Double](repeating: 0, count: batch * dimension)
        for row in 0..<batch {
            let gLog = logProbabilityGradient[row]
            let gEntropy = entropyGradient[row]
            for k in 0..<dimension {
                let index = row * dimension + k
                let v = variances[index]
                let difference = Double(actions[row, k]) - Double(means[row, k])
                meanGradient[row, k] = Scalar(gLog * difference / v)
                varianceGradient[index] = gLog * (difference * difference / (2 * v * v) - 1 / (2 * v))
                    + gEntropy / (2 * v)
            }
        }
        var logDeviationGradient = Matrix<Scalar>(rows: logDeviation.rows, columns: dimension)
        if let latent {
            for h in 0..<logDeviation.rows {
                for k in 0..<dimension {
                    var total = 0.0
                    for row in 0..<batch {
                        let feature = Double(latent[row, h])
                        total += feature * feature * varianceGradient[row * dimension + k]
                    }
                    logDeviationGradient[h, k] = Scalar(2 * Double.exponential(2 * Double(logDeviation[h, k])) * total)
                }
            }
        } else {
            for k in 0..<dimension {
                var total = 0.0
                for row in 0..<batch { total += varianceGradient[row * dimension + k] * 2 * variances[row * dimension + k] }
                logDeviationGradient[0, k] = Scalar(total)
            }
        }
        return (meanGradient, logDeviationGradient)
    }
}
