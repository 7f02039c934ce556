import DuetNumerics

/// Generalised state-dependent exploration (gSDE; Raffin, Kober and Stulp, "Smooth Exploration for Robotic
/// Reinforcement Learning", CoRL 2021), squashed by tanh, as Stable-Baselines3's
/// `StateDependentNoiseDistribution(full_std=True, use_expln=False, learn_features=True, squash_output=True)`.
///
/// The noise is linear in the policy's last hidden features h(s) (`batch × H`), through an exploration matrix
/// W (`H × dim(A)`) that is drawn once and then held for many steps, so the perturbation of an action changes
/// smoothly with the state instead of being fresh white noise at every step:
///
///     W = σ_W ⊙ E,   σ_W = exp(L),   E ~ N(0, I)        (L: the learned log standard deviations, H × dim(A))
///     n = h·W,       u = μ + n,       a = tanh(u)
///     v = (h ⊙ h)·(σ_W ⊙ σ_W) + 10⁻⁶                       (the variance of n over W, per action)
///     log π(a|s) = Σₖ [ −nₖ²/(2vₖ) − ½·log vₖ − ½·log 2π − log(1 − aₖ² + 10⁻⁶) ]
///
/// μ is the actor's mean head, clipped to [−c, c] (SB3's `clip_mean`, c = 2) before it is used. Gradients reach
/// μ through u; h and L through both n and v (SB3's `learn_features=True`). SB3 evaluates the Gaussian term at
/// atanh(clamp(a)) − μ, which is n up to rounding: its gradient with respect to μ vanishes, and so it does here.
public enum StateDependentNoise {
    /// The ε in v = (h ⊙ h)·σ_W² + ε (SB3's `epsilon`).
    public static let varianceEpsilon = 1e-6
    /// The guard in log(1 − a² + 10⁻⁶).
    public static let squashEpsilon = 1e-6

    /// W = exp(L) ⊙ E, into `matrix` (`H × dim(A)`).
    public static func explorationMatrix<Scalar: BLASScalar>(logStandardDeviation: Matrix<Scalar>,
                                                             standardNormal: Matrix<Scalar>,
                                                             into matrix: inout Matrix<Scalar>) {
        precondition(logStandardDeviation.shape == standardNormal.shape,
                     "gSDE: log σ_W is \(logStandardDeviation.shape) but E is \(standardNormal.shape)")
        matrix.resize(rows: standardNormal.rows, columns: standardNormal.columns)
        logStandardDeviation.withUnsafeBufferPointer { logDeviation in
            standardNormal.withUnsafeBufferPointer { e in
                matrix.withUnsafeMutableBufferPointer { w in
                    for index in w.indices { w[index] = Scalar.exponential(logDeviation[index]) * e[index] }
                }
            }
        }
    }

    /// c·clamp(μ/c, −1, 1) for each mean, into `clipped` (no clip when `clip` is `nil`).
    public static func clipMeans<Scalar: BLASScalar>(_ means: Matrix<Scalar>, clip: Scalar?,
                                                     into clipped: inout Matrix<Scalar>) {
        clipped.assign(means)
        guard let clip else { return }
        clipped.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = min(max(buffer[index], -clip), clip) }
        }
    }

    /// The buffers of one draw: what the backward pass needs besides the inputs.
    public struct Draw<Scalar: BLASScalar>: Sendable {
        /// W, `H × dim(A)`.
        public internal(set) var explorationMatrix = Matrix<Scalar>()
        /// n = h·W, `batch × dim(A)`.
        public internal(set) var noise = Matrix<Scalar>()
        /// v, `batch × dim(A)`.
        public internal(set) var variances = Matrix<Scalar>()
        /// a = tanh(μ + n), `batch × dim(A)`.
        public internal(set) var actions = Matrix<Scalar>()
        /// log π(a|s), `batch × 1`.
        public internal(set) var logProbabilities = Matrix<Scalar>()
        var squaredLatent = Matrix<Scalar>()
        var variancesOfWeights = Matrix<Scalar>()

        /// Empty buffers; the first draw sizes them.
        public init() {}
    }

    /// Draws a = tanh(μ + h·W) with log π(a|s), for means μ (already clipped, `batch × dim(A)`), features h
    /// (`batch × H`), log σ_W (`H × dim(A)`) and an exploration matrix W (`H × dim(A)`).
    public static func sample<Scalar: BLASScalar>(means: Matrix<Scalar>, latent: Matrix<Scalar>,
                                                  logStandardDeviation: Matrix<Scalar>,
                                                  explorationMatrix: Matrix<Scalar>, into draw: inout Draw<Scalar>) {
        let batch = means.rows
        let dimension = means.columns
        precondition(latent.rows == batch && logStandardDeviation.rows == latent.columns
                        && logStandardDeviation.columns == dimension
                        && explorationMatrix.shape == logStandardDeviation.shape,
                     "gSDE: inconsistent shapes μ \(means.shape), h \(latent.shape), log σ_W "
                        + "\(logStandardDeviation.shape), W \(explorationMatrix.shape)")
        draw.explorationMatrix.assign(explorationMatrix)
        Matrix.multiply(latent, explorationMatrix, into: &draw.noise)
        draw.squaredLatent.assign(latent)
        draw.squaredLatent.withUnsafeMutableBufferPointer { h in
            for index in h.indices { h[index] *= h[index] }
        }
        draw.variancesOfWeights.resize(rows: logStandardDeviation.rows, columns: dimension)
        logStandardDeviation.withUnsafeBufferPointer { logDeviation in
            draw.variancesOfWeights.withUnsafeMutableBufferPointer { variance in
                for index in variance.indices { variance[index] = Scalar.exponential(2 * logDeviation[index]) }
            }
        }
        Matrix.multiply(draw.squaredLatent, draw.variancesOfWeights, into: &draw.variances)
        draw.actions.resize(rows: batch, columns: dimension)
        draw.logProbabilities.resize(rows: batch, columns: 1)
        let epsilon = Scalar(varianceEpsilon)
        let guardTerm = Scalar(squashEpsilon)
        let halfLogTwoPi = Scalar(0.5 * Double.naturalLogarithm(2 * Double.pi))
        means.withUnsafeBufferPointer { mu in
            draw.noise.withUnsafeBufferPointer { n in
                draw.variances.withUnsafeMutableBufferPointer { v in
                    draw.actions.withUnsafeMutableBufferPointer { a in
                        draw.logProbabilities.withUnsafeMutableBufferPointer { logP in
                            for row in 0..<batch {
                                var total: Scalar = 0
                                for k in 0..<dimension {
                                    let index = row &* dimension &+ k
                                    v[index] += epsilon
                                    let squashed = Scalar.hyperbolicTangent(mu[index] + n[index])
                                    a[index] = squashed
                                    total += -n[index] * n[index] / (2 * v[index])
                                        - Scalar.naturalLogarithm(v[index]) / 2 - halfLogTwoPi
                                        - Scalar.naturalLogarithm(1 - squashed * squashed + guardTerm)
                                }
                                logP[row] = total
                            }
                        }
                    }
                }
            }
        }
    }

    /// The gradients of a loss L(a, log π) with respect to the (clipped) means μ, the features h and log σ_W,
    /// given ∂L/∂a (or `nil`) and ∂L/∂log π, for the draw that `sample` made. With g_u = ∂L/∂a ⊙ (1 − a²) + ∂L/∂log π · 2a(1 − a²)/(1 − a² + 10⁻⁶):
    ///
    ///     ∂L/∂μ = g_u
    ///     ∂L/∂n = g_u − ∂L/∂log π · n/v,       ∂L/∂v = ∂L/∂log π · (n²/(2v²) − 1/(2v))
    ///     ∂L/∂h = ∂L/∂n·Wᵀ + 2h ⊙ (∂L/∂v·(σ_W²)ᵀ)
    ///     ∂L/∂L = (hᵀ·∂L/∂n) ⊙ W + 2·((h ⊙ h)ᵀ·∂L/∂v) ⊙ σ_W²
    ///
    /// (∂W/∂L = W, ∂σ_W²/∂L = 2σ_W²). The log σ_W gradient sums over the batch; the other two are per row.
    public static func backward<Scalar: BLASScalar>(
        means: Matrix<Scalar>, latent: Matrix<Scalar>, draw: Draw<Scalar>, actionGradient: Matrix<Scalar>?,
        logProbabilityGradient: Matrix<Scalar>, meanGradient: inout Matrix<Scalar>,
        latentGradient: inout Matrix<Scalar>, logStandardDeviationGradient: inout Matrix<Scalar>,
        workspace: inout BackwardWorkspace<Scalar>
    ) {
        let batch = means.rows
        let dimension = means.columns
        precondition(draw.actions.shape == means.shape && latent.rows == batch
                        && logProbabilityGradient.rows == batch && logProbabilityGradient.columns == 1
                        && (actionGradient.map { $0.shape == means.shape } ?? true),
                     "gSDE backward: inconsistent shapes")
        meanGradient.resize(rows: batch, columns: dimension)
        workspace.noiseGradient.resize(rows: batch, columns: dimension)
        workspace.varianceGradient.resize(rows: batch, columns: dimension)
        let guardTerm = Scalar(squashEpsilon)
        let zeros = Matrix<Scalar>()
        let hasActionGradient = actionGradient != nil
        (actionGradient ?? zeros).withUnsafeBufferPointer { gA in
            draw.actions.withUnsafeBufferPointer { a in
                draw.noise.withUnsafeBufferPointer { n in
                    draw.variances.withUnsafeBufferPointer { v in
                        logProbabilityGradient.withUnsafeBufferPointer { gLogP in
                            meanGradient.withUnsafeMutableBufferPointer { gMu in
                                workspace.noiseGradient.withUnsafeMutableBufferPointer { gN in
                                    workspace.varianceGradient.withUnsafeMutableBufferPointer { gV in
                                        for row in 0..<batch {
                                            let weight = gLogP[row]
                                            for k in 0..<dimension {
                                                let index = row &* dimension &+ k
                                                let squashed = a[index]
                                                let slope = 1 - squashed * squashed
                                                var gradientU = weight * 2 * squashed * slope / (slope + guardTerm)
                                                if hasActionGradient { gradientU += gA[index] * slope }
                                                gMu[index] = gradientU
                                                gN[index] = gradientU - weight * n[index] / v[index]
                                                gV[index] = weight * (n[index] * n[index] / (2 * v[index] * v[index])
                                                    - 1 / (2 * v[index]))
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
        // ∂L/∂h = ∂L/∂n·Wᵀ + 2h ⊙ (∂L/∂v·(σ_W²)ᵀ)
        Matrix.multiply(workspace.noiseGradient, draw.explorationMatrix, transposingB: true, into: &latentGradient)
        Matrix.multiply(workspace.varianceGradient, draw.variancesOfWeights, transposingB: true,
                        into: &workspace.latentProduct)
        latent.withUnsafeBufferPointer { h in
            workspace.latentProduct.withUnsafeBufferPointer { product in
                latentGradient.withUnsafeMutableBufferPointer { gH in
                    for index in gH.indices { gH[index] += 2 * h[index] * product[index] }
                }
            }
        }
        // ∂L/∂L = (hᵀ·∂L/∂n) ⊙ W + 2·((h ⊙ h)ᵀ·∂L/∂v) ⊙ σ_W²
        Matrix.multiply(latent, workspace.noiseGradient, transposingA: true, into: &logStandardDeviationGradient)
        Matrix.multiply(draw.squaredLatent, workspace.varianceGradient, transposingA: true,
                        into: &workspace.weightProduct)
        draw.explorationMatrix.withUnsafeBufferPointer { w in
            draw.variancesOfWeights.withUnsafeBufferPointer { variance in
                workspace.weightProduct.withUnsafeBufferPointer { product in
                    logStandardDeviationGradient.withUnsafeMutableBufferPointer { gL in
                        for index in gL.indices {
                            gL[index] = gL[index] * w[index] + 2 * product[index] * variance[index]
                        }
                    }
                }
            }
        }
    }

    /// Intermediate buffers of the backward pass, reused from one update to the next.
    public struct BackwardWorkspace<Scalar: BLASScalar>: Sendable {
        var noiseGradient = Matrix<Scalar>()
        var varianceGradient = Matrix<Scalar>()
        var latentProduct = Matrix<Scalar>()
        var weightProduct = Matrix<Scalar>()

        /// Empty buffers; the first backward pass sizes them.
        public init() {}
    }
}
