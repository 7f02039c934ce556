/// A multilayer perceptron built from a list of widths: Dense → [LayerNorm] → f for each hidden layer, then
/// Dense → g for the output layer.
///
/// `MLP(widths: [17, 256, 256, 6], ...)` has three dense layers (17→256, 256→256, 256→6). With
/// `usesLayerNorm`, every hidden dense layer is followed by a ``LayerNorm`` before its activation, as in the
/// reference DDPG networks (64-64 with LayerNorm and ReLU). Typical heads: an actor with a tanh output, a critic
/// or value network with an identity output.
///
/// The network is a value with no hidden state. ``forward(_:)`` returns the output and a ``Cache``;
/// ``backward(_:outputGradient:)`` returns the parameter gradient (an `MLP` of the same layout) and the input
/// gradient. For training loops, ``forward(_:cache:)`` and
/// ``backward(_:outputGradient:gradient:computingInputGradient:)`` reuse a caller-owned cache and gradient and allocate nothing once these have seen the batch size; the
/// hidden layers' bias, normalisation and activation are fused into one pass per row.
public struct MLP<Scalar: BLASScalar>: Sendable, Equatable {
    /// The dense layers, input to output.
    public var layers: [Dense<Scalar>]
    /// One layer norm per hidden layer (`layers.count − 1` of them), or none.
    public var layerNorms: [LayerNorm<Scalar>]
    /// The activation f after each hidden layer.
    public var hiddenActivation: Activation
    /// The activation g after the output layer.
    public var outputActivation: Activation

    /// The network from its parts.
    /// - Precondition: at least one layer; consecutive widths agree; `layerNorms` is empty or has one layer norm
    ///   per hidden layer, of that layer's width.
    public init(layers: [Dense<Scalar>], layerNorms: [LayerNorm<Scalar>] = [],
                hiddenActivation: Activation = .relu, outputActivation: Activation = .identity) {
        precondition(!layers.isEmpty, "an MLP needs at least one layer")
        for index in layers.indices.dropFirst() {
            precondition(layers[index].inputCount == layers[index - 1].outputCount,
                         "layer \(index) takes \(layers[index].inputCount) inputs but layer \(index - 1) gives "
                            + "\(layers[index - 1].outputCount)")
        }
        precondition(layerNorms.isEmpty || layerNorms.count == layers.count - 1,
                     "an MLP with \(layers.count - 1) hidden layers cannot use \(layerNorms.count) layer norms")
        for (index, layerNorm) in layerNorms.enumerated() {
            precondition(layerNorm.count == layers[index].outputCount,
                         "layer norm \(index) covers \(layerNorm.count) features, not \(layers[index].outputCount)")
        }
        self.layers = layers
        self.layerNorms = layerNorms
        self.hiddenActivation = hiddenActivation
        self.outputActivation = outputActivation
    }

    /// A network with the given widths (input first, output last), drawn from `source`.
    ///
    /// - Parameters:
    ///   - widths: the input width, the hidden widths and the output width, e.g. `[17, 256, 256, 6]`.
    ///   - hiddenActivation: f, after each hidden layer (ReLU by default).
    ///   - outputActivation: g, after the output layer (identity by default; tanh for a bounded actor).
    ///   - usesLayerNorm: put a ``LayerNorm`` (γ = 1, β = 0, ε = 10⁻⁵) between each hidden dense layer and f.
    ///   - hiddenInitialization: how the hidden dense layers are drawn.
    ///   - outputInitialization: how the output dense layer is drawn (e.g. ``DenseInitialization/smallUniform``).
    ///   - source: the random source; layers are drawn input to output.
    /// - Precondition: at least two widths, all positive.
    public init(widths: [Int], hiddenActivation: Activation = .relu, outputActivation: Activation = .identity,
                usesLayerNorm: Bool = false, hiddenInitialization: DenseInitialization = .pytorchDefault,
                outputInitialization: DenseInitialization = .pytorchDefault, using source: inout some RandomSource) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 },
                     "an MLP needs at least an input and an output width, all positive; got \(widths)")
        var layers: [Dense<Scalar>] = []
        for index in 0..<(widths.count - 1) {
            let isOutput = index == widths.count - 2
            layers.append(Dense(inputCount: widths[index], outputCount: widths[index + 1],
                                initialization: isOutput ? outputInitialization : hiddenInitialization,
                                using: &source))
        }
        let layerNorms = usesLayerNorm ? widths.dropFirst().dropLast().map { LayerNorm<Scalar>(count: $0) } : []
        self.init(layers: layers, layerNorms: layerNorms, hiddenActivation: hiddenActivation,
                  outputActivation: outputActivation)
    }

    /// The widths, input first: `[inputCount, hidden..., outputCount]`.
    public var widths: [Int] { [layers[0].inputCount] + layers.map(\.outputCount) }

    /// The number of inputs.
    @inlinable public var inputCount: Int { layers[0].inputCount }

    /// The number of outputs.
    @inlinable public var outputCount: Int { layers[layers.count - 1].outputCount }

    /// Whether each hidden layer is followed by a layer norm.
    @inlinable public var usesLayerNorm: Bool { !layerNorms.isEmpty }

    /// The largest width, the size of the batch-1 path's buffers.
    @inlinable public var maximumWidth: Int { layers.reduce(layers[0].inputCount) { Swift.max($0, $1.outputCount) } }
}

extension MLP {
    /// What the backward pass needs from the forward pass, and the backward pass's own buffers.
    ///
    /// A cache is caller-owned state, not the network's: pass one `inout` to ``MLP/forward(_:cache:)`` and
    /// ``MLP/backward(_:outputGradient:gradient:computingInputGradient:)`` on every step and neither allocates
    /// once it has seen the largest batch. Reading ``output`` or ``inputGradient`` shares their blocks; let
    /// such copies go before the next step, or that step has to copy them.
    public struct Cache: Sendable {
        /// The network's input X, copied (so that the caller may refill its own batch matrix freely).
        @usableFromInline var storedInput = Matrix<Scalar>()
        /// Per hidden layer with layer norm: the normalised pre-activation x̂.
        @usableFromInline var normalized: [Matrix<Scalar>] = []
        /// Per hidden layer with layer norm: 1/√(σ² + ε) per row.
        @usableFromInline var inverseDeviations: [Matrix<Scalar>] = []
        /// Per layer: its activation's output (the last is the network's output).
        @usableFromInline var activations: [Matrix<Scalar>] = []
        /// Per layer: the backward pass's ∂L/∂(pre-activation) buffer.
        @usableFromInline var gradients: [Matrix<Scalar>] = []
        /// ∂L/∂X from the last backward pass.
        @usableFromInline var storedInputGradient = Matrix<Scalar>()

        /// An empty cache; the first forward pass sizes it.
        public init() {}

        /// The input X of the last forward pass.
        @inlinable public var input: Matrix<Scalar> { storedInput }

        /// The output of the last forward pass, `batch × outputCount` (empty before the first).
        @inlinable public var output: Matrix<Scalar> { activations.last ?? Matrix() }

        /// The output h of the last hidden layer in the last forward pass (after its activation),
        /// `batch × width`; the input when the network has no hidden layer.
        @inlinable public var lastHiddenActivation: Matrix<Scalar> {
            activations.count > 1 ? activations[activations.count - 2] : storedInput
        }

        /// The outputs h₁ … h_{L−1} of the hidden layers in the last forward pass (after their activations), first
        /// to last, each `batch × width`; empty for a network without hidden layers.
        @inlinable public var hiddenActivations: [Matrix<Scalar>] { Array(activations.dropLast()) }

        /// The input gradient ∂L/∂X of the last backward pass, `batch × inputCount` (empty before the first, or
        /// when it was not asked for).
        @inlinable public var inputGradient: Matrix<Scalar> { storedInputGradient }

        /// The batch size of the last forward pass.
        @inlinable public var batchSize: Int { storedInput.rows }

        /// Takes `other`'s last forward pass (its input, layer outputs and layer-norm statistics) as this cache's
        /// own, keeping this cache's backward buffers: a backward pass from here is the one `other` would take.
        /// The forward's buffers are shared with `other` (copy-on-write); the backward pass only reads them.
        @inlinable
        public mutating func adoptForward(of other: Cache) {
            storedInput = other.storedInput
            normalized = other.normalized
            inverseDeviations = other.inverseDeviations
            activations = other.activations
            if gradients.count != activations.count {
                gradients = Array(repeating: Matrix(), count: activations.count)
            }
        }

        /// Gives the cache one buffer per layer (allocating only when the layer count changes).
        @inlinable
        mutating func prepare(layerCount: Int) {
            guard activations.count != layerCount else { return }
            normalized = Array(repeating: Matrix(), count: layerCount)
            inverseDeviations = Array(repeating: Matrix(), count: layerCount)
            activations = Array(repeating: Matrix(), count: layerCount)
            gradients = Array(repeating: Matrix(), count: layerCount)
        }
    }

    /// The output for a batch X (`batch × inputCount`, one sample per row), and the cache for
    /// ``backward(_:outputGradient:)``.
    @inlinable
    public func forward(_ input: Matrix<Scalar>) -> (output: Matrix<Scalar>, cache: Cache) {
        var cache = Cache()
        forward(input, cache: &cache)
        return (cache.output, cache)
    }

    /// The forward pass into a caller-owned cache (allocation-free once the cache has seen the batch size); the
    /// output is `cache.output`.
    /// - Precondition: `input` has `inputCount` columns.
    @inlinable
    public func forward(_ input: Matrix<Scalar>, cache: inout Cache) {
        precondition(input.columns == inputCount, "an MLP with \(inputCount) inputs cannot take a \(input.shape) batch")
        let layerCount = layers.count
        let batch = input.rows
        cache.prepare(layerCount: layerCount)
        cache.storedInput.assign(input)
        for index in 0..<layerCount {
            let layer = layers[index]
            let source = index == 0 ? cache.storedInput : cache.activations[index - 1]
            let isHidden = index < layerCount - 1
            if isHidden && usesLayerNorm {
                // z = X·W + b into the x̂ buffer, then x̂ and y = f(γ ⊙ x̂ + β) in one pass per row.
                layer.forward(source, into: &cache.normalized[index])
                cache.inverseDeviations[index].resize(rows: batch, columns: 1)
                cache.activations[index].resize(rows: batch, columns: layer.outputCount)
                let layerNorm = layerNorms[index]
                Kernels<Scalar>.layerNormForward(
                    cache.normalized[index].mutableBase(), output: cache.activations[index].mutableBase(),
                    inverseDeviations: cache.inverseDeviations[index].mutableBase(),
                    gain: layerNorm.gain.base, bias: layerNorm.bias.base, epsilon: layerNorm.epsilon,
                    activation: hiddenActivation, rows: batch, columns: layer.outputCount)
            } else {
                layer.forward(source, into: &cache.activations[index])
                (isHidden ? hiddenActivation : outputActivation).apply(to: &cache.activations[index])
            }
        }
    }
}
