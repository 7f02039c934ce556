import DuetNumerics
import DuetRandom

/// The policy networks of the off-policy learners, as Stable-Baselines3 builds them: ReLU hidden layers
/// (optionally layer-normed, as the reference DDPG), PyTorch's default `Linear` initialisation.
public enum ActorNetwork {
    /// The deterministic actor μ(s) of DDPG and TD3: `[dim(S), hidden…, dim(A)]` with a tanh output, so actions
    /// lie in (−1, 1)ᵈ.
    public static func deterministic<Scalar: BLASScalar>(observationDimension: Int, actionDimension: Int,
                                                         hidden: [Int], layerNorm: Bool,
                                                         using source: inout some RandomSource) -> MLP<Scalar> {
        MLP(widths: [observationDimension] + hidden + [actionDimension], hiddenActivation: .relu,
            outputActivation: .tanh, usesLayerNorm: layerNorm, using: &source)
    }

    /// SAC's actor (see ``SACPolicy``). Without gSDE: `[dim(S), hidden…, 2·dim(A)]` with a linear output holding
    /// the means μ and the raw log standard deviations ℓ side by side (SB3's `mu` and `log_std` heads as one
    /// layer). With gSDE: `[dim(S), hidden…, dim(A)]` for μ, and log σ_W (`H × dim(A)`, H the last hidden width,
    /// or dim(S) with no hidden layer) filled with L₀, as SB3's `proba_distribution_net`.
    public static func sacPolicy<Scalar: BLASScalar>(observationDimension: Int, actionDimension: Int, hidden: [Int],
                                                     layerNorm: Bool,
                                                     stateDependentExploration: StateDependentExplorationConfiguration?,
                                                     using source: inout some RandomSource) -> SACPolicy<Scalar> {
        guard let settings = stateDependentExploration else {
            return SACPolicy(network: MLP(widths: [observationDimension] + hidden + [2 * actionDimension],
                                          hiddenActivation: .relu, outputActivation: .identity,
                                          usesLayerNorm: layerNorm, using: &source))
        }
        let network = MLP<Scalar>(widths: [observationDimension] + hidden + [actionDimension], hiddenActivation: .relu,
                                  outputActivation: .identity, usesLayerNorm: layerNorm, using: &source)
        let featureWidth = hidden.last ?? observationDimension
        return SACPolicy(network: network,
                         explorationLogStandardDeviation: Matrix(rows: featureWidth, columns: actionDimension,
                                                                 repeating: Scalar(settings.initialLogStandardDeviation)),
                         meanClip: settings.meanClip > 0 ? Scalar(settings.meanClip) : nil)
    }

    /// A ``RandomSource`` drawing from `stream`, for the network initialisers.
    public static func randomSource(_ stream: RandomStream) -> RandomDraws {
        RandomDraws(uniform: { stream.uniform() }, gaussian: { stream.gaussian() })
    }
}

extension MLP where Scalar == Float {
    /// The network's output for one input, through the batch-1 `gemv` path with caller-owned buffers.
    func output(for input: [Float], buffers: inout InferenceBuffers) -> [Float] {
        var output = [Float](repeating: 0, count: outputCount)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                forward(single: source, into: target, buffers: &buffers)
            }
        }
        return output
    }
}
