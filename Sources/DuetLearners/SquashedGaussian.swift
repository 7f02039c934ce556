import DuetNumerics

/// SAC's policy head: a diagonal Gaussian over pre-squash actions u, squashed into (−1, 1) by tanh, as
/// Stable-Baselines3's `SquashedDiagGaussianDistribution`.
///
/// The actor network outputs 2·dim(A) values per state: the means μ (first dim(A) columns) and the raw log
/// standard deviations (last dim(A) columns), which are clamped to [−20, 2] (SB3's `LOG_STD_MIN`/`LOG_STD_MAX`):
/// ℓ = clamp(ℓ_raw, −20, 2), σ = exp(ℓ). With ε ~ N(0, I) (the reparameterisation trick):
///
///     u = μ + σ ⊙ ε,    a = tanh(u),
///     log π(a|s) = Σₖ [ −εₖ²/2 − ℓₖ − ½·log 2π − log(1 − aₖ² + 10⁻⁶) ].
///
/// The first three terms are the Gaussian density of u (with (u − μ)/σ = ε), the last the change of variables
/// through tanh, with SB3's 10⁻⁶ guard. Gradients flow to μ and ℓ through u; the clamp passes gradient only
/// where −20 ≤ ℓ_raw ≤ 2, as `torch.clamp`.
public enum SquashedGaussian {
    /// Lower clamp of the log standard deviation (SB3's `LOG_STD_MIN`).
    public static let minimumLogStandardDeviation = -20.0
    /// Upper clamp of the log standard deviation (SB3's `LOG_STD_MAX`).
    public static let maximumLogStandardDeviation = 2.0
    /// The guard in log(1 − a² + 10⁻⁶).
    public static let squashEpsilon = 1e-6

    /// One squashed action a = tanh(μ + σε) with σ = exp(clamp(ℓ_raw, −20, 2)).
    @inlinable
    public static func action<Scalar: BLASScalar>(mean: Scalar, rawLogStandardDeviation: Scalar, noise: Scalar)
        -> Scalar {
        let logDeviation = min(max(rawLogStandardDeviation, Scalar(minimumLogStandardDeviation)),
                               Scalar(maximumLogStandardDeviation))
        return Scalar.hyperbolicTangent(mean + Scalar.exponential(logDeviation) * noise)
    }

    /// Draws actions a = tanh(μ + σ ⊙ ε) and their log-probabilities.
    ///
    /// - Parameters:
    ///   - parameters: the actor's output [μ, ℓ_raw], `batch × 2·dim(A)`.
    ///   - noise: ε, `batch × dim(A)`.
    ///   - actions: receives a, `batch × dim(A)`.
    ///   - logProbabilities: receives log π(a|s), `batch × 1`.
    public static func sample<Scalar: BLASScalar>(parameters: Matrix<Scalar>, noise: Matrix<Scalar>,
                                                  actions: inout Matrix<Scalar>,
                                                  logProbabilities: inout Matrix<Scalar>) {
        let batch = parameters.rows
        let dimension = noise.columns
        precondition(parameters.columns == 2 * dimension && noise.rows == batch,
                     "a squashed Gaussian over \(dimension) actions needs \(batch)×\(2 * dimension) parameters, "
                        + "got \(parameters.shape) and noise \(noise.shape)")
        actions.resize(rows: batch, columns: dimension)
        logProbabilities.resize(rows: batch, columns: 1)
        let low = Scalar(minimumLogStandardDeviation)
        let high = Scalar(maximumLogStandardDeviation)
        let guardTerm = Scalar(squashEpsilon)
        let halfLogTwoPi = Scalar(0.5 * Double.naturalLogarithm(2 * Double.pi))
        parameters.withUnsafeBufferPointer { p in
            noise.withUnsafeBufferPointer { e in
                actions.withUnsafeMutableBufferPointer { a in
                    logProbabilities.withUnsafeMutableBufferPointer { logP in
                        for row in 0..<batch {
                            var total: Scalar = 0
                            for k in 0..<dimension {
                                let mean = p[row &* 2 &* dimension &+ k]
                                let logDeviation = min(max(p[row &* 2 &* dimension &+ dimension &+ k], low), high)
                                let epsilon = e[row &* dimension &+ k]
                                let squashed = Scalar.hyperbolicTangent(mean + Scalar.exponential(logDeviation) * epsilon)
                                a[row &* dimension &+ k] = squashed
                                total += -epsilon * epsilon / 2 - logDeviation - halfLogTwoPi
                                    - Scalar.naturalLogarithm(1 - squashed * squashed + guardTerm)
                            }
                            logP[row] = total
                        }
                    }
                }
            }
        }
    }

    /// The deterministic action tanh(μ) for each row of `parameters` (`batch × 2·dim(A)`), into `actions`.
    public static func mode<Scalar: BLASScalar>(parameters: Matrix<Scalar>, into actions: inout Matrix<Scalar>) {
        precondition(parameters.columns % 2 == 0, "squashed-Gaussian parameters have an even number of columns")
        let dimension = parameters.columns / 2
        parameters.copyColumns(0..<dimension, into: &actions)
        actions.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = Scalar.hyperbolicTangent(buffer[index]) }
        }
    }

    /// The gradient with respect to the parameters [μ, ℓ_raw] of a loss L(a, log π), given ∂L/∂a and
    /// ∂L/∂log π, for the sample that ``sample(parameters:noise:actions:logProbabilities:)`` drew.
    ///
    /// With g_u = ∂L/∂a ⊙ (1 − a²) + ∂L/∂log π · 2a(1 − a²)/(1 − a² + 10⁻⁶) (the second term from the tanh
    /// correction): ∂L/∂μ = g_u and ∂L/∂ℓ_raw = (g_u ⊙ σ ⊙ ε − ∂L/∂log π) where the clamp is inactive, else 0
    /// (the Gaussian term −ε²/2 does not depend on μ or σ once u = μ + σε is substituted).
    ///
    /// - Parameters:
    ///   - parameters: the actor's output [μ, ℓ_raw] of the sample, `batch × 2·dim(A)`.
    ///   - noise: the sample's ε, `batch × dim(A)`.
    ///   - actions: the sample's a, `batch × dim(A)`.
    ///   - actionGradient: ∂L/∂a, `batch × dim(A)`, or `nil` when L does not depend on a directly.
    ///   - logProbabilityGradient: ∂L/∂log π, `batch × 1`.
    ///   - parameterGradient: receives ∂L/∂[μ, ℓ_raw], `batch × 2·dim(A)`.
    public static func backward<Scalar: BLASScalar>(parameters: Matrix<Scalar>, noise: Matrix<Scalar>,
                                                    actions: Matrix<Scalar>, actionGradient: Matrix<Scalar>?,
                                                    logProbabilityGradient: Matrix<Scalar>,
                                                    into parameterGradient: inout Matrix<Scalar>) {
        let batch = parameters.rows
        let dimension = noise.columns
        precondition(parameters.columns == 2 * dimension && noise.rows == batch && actions.shape == noise.shape
                        && logProbabilityGradient.rows == batch && logProbabilityGradient.columns == 1
                        && (actionGradient.map { $0.shape == noise.shape } ?? true),
                     "squashed-Gaussian backward: inconsistent shapes")
        parameterGradient.resize(rows: batch, columns: 2 * dimension)
        let low = Scalar(minimumLogStandardDeviation)
        let high = Scalar(maximumLogStandardDeviation)
        let guardTerm = Scalar(squashEpsilon)
        let zeros = Matrix<Scalar>()
        let hasActionGradient = actionGradient != nil
        (actionGradient ?? zeros).withUnsafeBufferPointer { gA in
            parameters.withUnsafeBufferPointer { p in
                noise.withUnsafeBufferPointer { e in
                    actions.withUnsafeBufferPointer { a in
                        logProbabilityGradient.withUnsafeBufferPointer { gLogP in
                            parameterGradient.withUnsafeMutableBufferPointer { g in
                                for row in 0..<batch {
                                    let logProbabilityWeight = gLogP[row]
                                    for k in 0..<dimension {
                                        let index = row &* dimension &+ k
                                        let meanIndex = row &* 2 &* dimension &+ k
                                        let logIndex = meanIndex &+ dimension
                                        let squashed = a[index]
                                        let slope = 1 - squashed * squashed
                                        var gradientU = logProbabilityWeight * 2 * squashed * slope / (slope + guardTerm)
                                        if hasActionGradient { gradientU += gA[index] * slope }
                                        g[meanIndex] = gradientU
                                        let raw = p[logIndex]
                                        if raw >= low && raw <= high {
                                            g[logIndex] = gradientU * Scalar.exponential(raw) * e[index]
                                                - logProbabilityWeight
                                        } else {
                                            g[logIndex] = 0
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
