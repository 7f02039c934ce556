import DuetNumerics

/// The critic pass of the actor losses: Qⱼ(s, a) and ∂L/∂a, without the critics' parameter gradients.
///
/// An actor loss back-propagates through a critic only to reach its action input; the critic's own parameters
/// are not updated by it. ``MLP/backward(_:outputGradient:gradient:computingInputGradient:)`` always computes the
/// parameter gradient, which for a 256-256 critic is one of its three large products. This pass runs the same
/// layers (``Dense``, ``LayerNorm``, ReLU, through their public workspace paths) and back-propagates input
/// gradients only: per hidden layer, ∂L/∂y_{l−1} = (∂L/∂y_l ⊙ f′ [through the layer norm]) · W_lᵀ.
extension CriticEnsemble {
    /// Buffers of the pass, reused from one update to the next.
    public struct ActionGradientWorkspace: Sendable {
        /// Per critic, per layer: the layer's output y (after the activation; the last is Q).
        var outputs: [[Matrix<Scalar>]] = []
        /// Per critic, per hidden layer with layer norm: the dense layer's output z (the layer norm's input).
        var preActivations: [[Matrix<Scalar>]] = []
        /// Per critic, per hidden layer with layer norm: the layer norm's cache.
        var layerNormCaches: [[LayerNorm<Scalar>.Cache]] = []
        /// Receives the layer norms' parameter gradients, which are not used.
        var layerNormScratch: [LayerNorm<Scalar>] = []
        /// ∂L/∂y of the current layer and ∂L/∂z below it.
        var outputGradient = Matrix<Scalar>()
        var preActivationGradient = Matrix<Scalar>()
        var normalizedGradient = Matrix<Scalar>()

        /// Empty buffers; the first pass sizes them.
        public init() {}
    }

    /// Runs critic `critic` (j) on `input` ([s, a]), keeping each layer's output for
    /// ``addActionGradient(critic:outputGradient:actionColumns:workspace:into:)``.
    public func forwardForActionGradient(critic: Int, input: Matrix<Scalar>,
                                         workspace: inout ActionGradientWorkspace) {
        let layerCount = networks[0].layers.count
        if workspace.outputs.count != count || workspace.outputs[0].count != layerCount {
            workspace.outputs = Array(repeating: Array(repeating: Matrix(), count: layerCount), count: count)
            workspace.preActivations = workspace.outputs
            workspace.layerNormCaches = Array(repeating: Array(repeating: LayerNorm<Scalar>.Cache(),
                                                               count: layerCount), count: count)
        }
        let network = networks[critic]
        for layer in 0..<layerCount {
            let isHidden = layer < layerCount - 1
            let source = layer == 0 ? input : workspace.outputs[critic][layer - 1]
            if isHidden && network.usesLayerNorm {
                // z = x·W + b, then y = f(γ ⊙ x̂ + β).
                network.layers[layer].forward(source, into: &workspace.preActivations[critic][layer])
                network.layerNorms[layer].forward(workspace.preActivations[critic][layer],
                                                  output: &workspace.outputs[critic][layer],
                                                  cache: &workspace.layerNormCaches[critic][layer])
            } else {
                network.layers[layer].forward(source, into: &workspace.outputs[critic][layer])
            }
            (isHidden ? network.hiddenActivation : network.outputActivation)
                .apply(to: &workspace.outputs[critic][layer])
        }
    }

    /// Qⱼ(s, a) of critic `critic` from its last ``forwardForActionGradient(critic:input:workspace:)``, `batch × 1`.
    public func values(of critic: Int, in workspace: ActionGradientWorkspace) -> Matrix<Scalar> {
        workspace.outputs[critic][networks[critic].layers.count - 1]
    }

    /// Adds ∂L/∂a = (∂L/∂Qⱼ · ∂Qⱼ/∂[s, a]) restricted to the action columns `actionColumns` of the input into
    /// `actionGradient` (`batch × actionColumns.count`, which must already have that shape).
    /// - Parameters:
    ///   - critic: j.
    ///   - outputGradient: ∂L/∂Qⱼ, `batch × 1`.
    public func addActionGradient(critic: Int, outputGradient: Matrix<Scalar>, actionColumns: Range<Int>,
                                  workspace: inout ActionGradientWorkspace, into actionGradient: inout Matrix<Scalar>) {
        let network = networks[critic]
        let layerCount = network.layers.count
        precondition(actionGradient.rows == outputGradient.rows && actionGradient.columns == actionColumns.count,
                     "the action gradient must be \(outputGradient.rows)×\(actionColumns.count)")
        if network.usesLayerNorm && workspace.layerNormScratch.count != network.layerNorms.count {
            workspace.layerNormScratch = network.layerNorms.map { $0.zeroed() }
        }
        // ∂L/∂z of the output layer (identity output for a critic: ∂L/∂Q itself).
        network.outputActivation.backward(output: workspace.outputs[critic][layerCount - 1],
                                          outputGradient: outputGradient, into: &workspace.preActivationGradient)
        for layer in stride(from: layerCount - 1, to: 0, by: -1) {
            // ∂L/∂y_{l−1} = ∂L/∂z_l · W_lᵀ
            Matrix.multiply(workspace.preActivationGradient, network.layers[layer].weight, transposingB: true,
                            into: &workspace.outputGradient)
            // ∂L/∂z_{l−1}: through the activation, then the layer norm.
            let hidden = layer - 1
            network.hiddenActivation.backward(output: workspace.outputs[critic][hidden],
                                              outputGradient: workspace.outputGradient,
                                              into: &workspace.preActivationGradient)
            if network.usesLayerNorm {
                network.layerNorms[hidden].backward(workspace.layerNormCaches[critic][hidden],
                                                    outputGradient: workspace.preActivationGradient,
                                                    gradient: &workspace.layerNormScratch[hidden],
                                                    inputGradient: &workspace.normalizedGradient)
                swap(&workspace.preActivationGradient, &workspace.normalizedGradient)
            }
        }
        // ∂L/∂[s, a] = ∂L/∂z₁ · W₁ᵀ; keep the action columns.
        Matrix.multiply(workspace.preActivationGradient, network.layers[0].weight, transposingB: true,
                        into: &workspace.outputGradient)
        let width = workspace.outputGradient.columns
        let actionCount = actionColumns.count
        let rows = actionGradient.rows
        workspace.outputGradient.withUnsafeBufferPointer { source in
            actionGradient.withUnsafeMutableBufferPointer { target in
                for row in 0..<rows {
                    for k in 0..<actionCount {
                        target[row &* actionCount &+ k] += source[row &* width &+ actionColumns.lowerBound &+ k]
                    }
                }
            }
        }
    }
}
