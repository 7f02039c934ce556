/// Batch-1 inference: one sample through the network by `gemv`, the path an actor takes at every environment step.
///
/// A matrix-vector product is about five times faster than `gemm` with one row on some x86 kernels, and the
/// buffers are reused, so the only costs are the BLAS calls and one pass per layer.
extension MLP {
    /// Two buffers of the network's largest width that the batch-1 path ping-pongs between; caller-owned, so
    /// the network itself stays a plain value.
    public struct InferenceBuffers: Sendable {
        /// The buffer the odd layers write to.
        @usableFromInline var first = Matrix<Scalar>()
        /// The buffer the even layers write to.
        @usableFromInline var second = Matrix<Scalar>()

        /// Empty buffers; the first call sizes them.
        public init() {}
    }

    /// The network's output for one input (`inputCount` entries).
    /// - Precondition: `input.count == inputCount`.
    @inlinable
    public func forward(single input: [Scalar]) -> [Scalar] {
        precondition(input.count == inputCount, "an MLP with \(inputCount) inputs got \(input.count)")
        var buffers = InferenceBuffers()
        var output = [Scalar](repeating: 0, count: outputCount)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                forward(single: source, into: target, buffers: &buffers)
            }
        }
        return output
    }

    /// Writes the network's output for one input into `output`; allocation-free once `buffers` have been used
    /// with this network.
    /// - Precondition: `input` has `inputCount` entries and `output` has `outputCount`.
    @inlinable
    public func forward(single input: UnsafeBufferPointer<Scalar>, into output: UnsafeMutableBufferPointer<Scalar>,
                        buffers: inout InferenceBuffers) {
        precondition(input.count == inputCount && output.count == outputCount,
                     "an MLP \(inputCount)→\(outputCount) got buffers of \(input.count) and \(output.count)")
        let width = maximumWidth
        buffers.first.resize(rows: 1, columns: width)
        buffers.second.resize(rows: 1, columns: width)
        let scratch = (buffers.first.mutableBase(), buffers.second.mutableBase())
        guard var source = input.baseAddress, let destination = output.baseAddress else { return }
        let layerCount = layers.count
        for index in 0..<layerCount {
            let layer = layers[index]
            let count = layer.outputCount
            let isHidden = index < layerCount - 1
            let target = isHidden ? (index % 2 == 0 ? scratch.0 : scratch.1) : destination
            // y = Wᵀx + b: b first, then gemv accumulates onto it (β = 1).
            target.update(from: layer.bias.base, count: count)
            Scalar.gemv(transpose: true, m: layer.inputCount, n: count, alpha: 1, a: layer.weight.base,
                        lda: count, x: source, beta: 1, y: target)
            if isHidden && usesLayerNorm {
                // x̂ and y overwrite z in place (each element is read before it is written).
                var inverseDeviation: Scalar = 0
                let layerNorm = layerNorms[index]
                Kernels<Scalar>.layerNormForward(target, output: target, inverseDeviations: &inverseDeviation,
                                                 gain: layerNorm.gain.base, bias: layerNorm.bias.base,
                                                 epsilon: layerNorm.epsilon, activation: hiddenActivation,
                                                 rows: 1, columns: count)
            } else {
                Kernels<Scalar>.activate(isHidden ? hiddenActivation : outputActivation, target, count: count)
            }
            source = UnsafePointer(target)
        }
    }
}
