/// The backward pass of an ``MLP``.
extension MLP {
    /// The parameter gradient ∂L/∂θ (an `MLP` of the same layout) and the input gradient ∂L/∂X, for the output
    /// gradient ∂L/∂Y (`batch × outputCount`) of the forward pass that made `cache`.
    @inlinable
    public func backward(_ cache: Cache, outputGradient: Matrix<Scalar>)
        -> (gradient: MLP, inputGradient: Matrix<Scalar>) {
        var cache = cache
        var gradient = zeroed()
        backward(&cache, outputGradient: outputGradient, gradient: &gradient)
        return (gradient, cache.inputGradient)
    }

    /// The backward pass into caller-owned values (allocation-free once they have seen the batch size).
    ///
    /// For each layer from the output down: ∂L/∂z = ∂L/∂y ⊙ f′ (through the layer norm when there is one),
    /// ∂L/∂W = Xᵀ·∂L/∂z, ∂L/∂b = column sums of ∂L/∂z, and ∂L/∂X = ∂L/∂z·Wᵀ, which is the previous layer's ∂L/∂y.
    ///
    /// - Parameters:
    ///   - cache: the cache of the forward pass to differentiate; its backward buffers are reused, and the input
    ///     gradient is left in `cache.inputGradient`.
    ///   - outputGradient: ∂L/∂Y, `batch × outputCount`.
    ///   - gradient: receives ∂L/∂θ, overwritten (not accumulated); if its layout differs from the network's it
    ///     is replaced by a zeroed copy of the network first (start with `model.zeroed()`).
    ///   - computingInputGradient: whether to compute ∂L/∂X (skipping it saves one product, when the input
    ///     needs no gradient).
    ///   - lastHiddenGradient: an extra ∂L/∂h added to the gradient reaching the last hidden layer's output h
    ///     (``Cache/lastHiddenActivation``), for a loss that also reads h directly (gSDE's state-dependent
    ///     noise does); `batch × width of the last hidden layer`.
    ///   - hiddenGradients: extra gradients ∂L/∂hₗ added to the gradient reaching hidden layer l's output hₗ
    ///     (``Cache/hiddenActivations``), one entry per hidden layer (`nil` for none), for a loss that reads the
    ///     hidden layers directly (relational distillation does); empty for none.
    /// - Precondition: `outputGradient` is `batch × outputCount` for the cache's batch; a `lastHiddenGradient`
    ///   needs a hidden layer and the matching shape; `hiddenGradients` is empty or has one entry per hidden
    ///   layer, each `nil` or of its layer's shape.
    @inlinable
    public func backward(_ cache: inout Cache, outputGradient: Matrix<Scalar>, gradient: inout MLP,
                         computingInputGradient: Bool = true, lastHiddenGradient: Matrix<Scalar>? = nil,
                         hiddenGradients: [Matrix<Scalar>?] = []) {
        let layerCount = layers.count
        let batch = cache.batchSize
        precondition(cache.activations.count == layerCount, "backward needs the cache of a forward pass")
        precondition(outputGradient.rows == batch && outputGradient.columns == outputCount,
                     "the output gradient must be \(batch)×\(outputCount), not \(outputGradient.shape)")
        precondition(lastHiddenGradient == nil || layerCount > 1, "a last hidden gradient needs a hidden layer")
        precondition(hiddenGradients.isEmpty || hiddenGradients.count == layerCount - 1,
                     "\(hiddenGradients.count) hidden gradients for \(layerCount - 1) hidden layers")
        if !gradient.hasSameShapes(as: self) { gradient = zeroed() }
        for index in stride(from: layerCount - 1, through: 0, by: -1) {
            let width = layers[index].outputCount
            let isHidden = index < layerCount - 1
            // ∂L/∂z into the layer's gradient buffer; for hidden layers the buffer already holds ∂L/∂y.
            if !isHidden {
                cache.gradients[index].resize(rows: batch, columns: width)
                Kernels<Scalar>.activationBackward(
                    outputActivation, output: cache.activations[index].base, gradient: outputGradient.base,
                    into: cache.gradients[index].mutableBase(), count: batch * width)
            } else if usesLayerNorm {
                gradient.layerNorms[index].gain.fill(with: 0)
                gradient.layerNorms[index].bias.fill(with: 0)
                gradient.layers[index].bias.fill(with: 0)
                Kernels<Scalar>.layerNormBackward(
                    cache.gradients[index].mutableBase(), normalized: cache.normalized[index].base,
                    output: cache.activations[index].base, inverseDeviations: cache.inverseDeviations[index].base,
                    gain: layerNorms[index].gain.base, activation: hiddenActivation,
                    gainGradient: gradient.layerNorms[index].gain.mutableBase(),
                    biasGradient: gradient.layerNorms[index].bias.mutableBase(),
                    inputBiasGradient: gradient.layers[index].bias.mutableBase(), rows: batch, columns: width)
            } else {
                let buffer = cache.gradients[index].mutableBase()
                Kernels<Scalar>.activationBackward(hiddenActivation, output: cache.activations[index].base,
                                                   gradient: buffer, into: buffer, count: batch * width)
            }
            let preActivationGradient = cache.gradients[index]
            let input = index == 0 ? cache.storedInput : cache.activations[index - 1]
            Matrix.multiply(input, preActivationGradient, transposingA: true, into: &gradient.layers[index].weight)
            if !(isHidden && usesLayerNorm) {
                gradient.layers[index].bias.fill(with: 0)
                Kernels<Scalar>.addRows(of: preActivationGradient.base, rows: batch, columns: width,
                                        into: gradient.layers[index].bias.mutableBase())
            }
            if index > 0 {
                Matrix.multiply(preActivationGradient, layers[index].weight, transposingB: true,
                                into: &cache.gradients[index - 1])
                if index == layerCount - 1, let extra = lastHiddenGradient {
                    precondition(extra.shape == cache.gradients[index - 1].shape,
                                 "the last hidden gradient must be \(cache.gradients[index - 1].shape), not \(extra.shape)")
                    Kernels<Scalar>.add(extra.base, into: cache.gradients[index - 1].mutableBase(), count: extra.count)
                }
                if !hiddenGradients.isEmpty, let extra = hiddenGradients[index - 1] {
                    precondition(extra.shape == cache.gradients[index - 1].shape,
                                 "hidden gradient \(index - 1) must be \(cache.gradients[index - 1].shape), not \(extra.shape)")
                    Kernels<Scalar>.add(extra.base, into: cache.gradients[index - 1].mutableBase(), count: extra.count)
                }
            } else if computingInputGradient {
                Matrix.multiply(preActivationGradient, layers[index].weight, transposingB: true,
                                into: &cache.storedInputGradient)
            } else {
                cache.storedInputGradient.resize(rows: 0, columns: inputCount)
            }
        }
    }
}

extension MLP {
    /// Whether `other` has the same layers, layer norms and tensor shapes (cheaper than
    /// ``ParameterGroup/hasSameLayout(as:)`` on the hot path).
    @inlinable
    func hasSameShapes(as other: MLP) -> Bool {
        guard layers.count == other.layers.count && layerNorms.count == other.layerNorms.count else { return false }
        for index in layers.indices {
            guard layers[index].weight.shape == other.layers[index].weight.shape,
                  layers[index].bias.shape == other.layers[index].bias.shape else { return false }
        }
        for index in layerNorms.indices {
            guard layerNorms[index].gain.shape == other.layerNorms[index].gain.shape,
                  layerNorms[index].bias.shape == other.layerNorms[index].bias.shape else { return false }
        }
        return true
    }
}
