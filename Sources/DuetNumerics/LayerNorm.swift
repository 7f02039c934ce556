/// Layer normalisation over the features of each sample (Ba, Kiros and Hinton 2016), as PyTorch's
/// `nn.LayerNorm(n)`.
///
/// For each row z of a batch: μ = mean(z), σ² = mean((z − μ)²) (the biased variance), x̂ = (z − μ)/√(σ² + ε),
/// y = γ ⊙ x̂ + β, with a learned gain γ (initially 1) and bias β (initially 0).
public struct LayerNorm<Scalar: BLASScalar>: Sendable, Equatable {
    /// The gain γ, `1 × count`.
    public var gain: Matrix<Scalar>
    /// The bias β, `1 × count`.
    public var bias: Matrix<Scalar>
    /// The variance floor ε (PyTorch's default 10⁻⁵). Not a trained parameter.
    public var epsilon: Scalar

    /// The number of features normalised together.
    @inlinable public var count: Int { gain.columns }

    /// Normalisation over `count` features with γ = 1, β = 0.
    public init(count: Int, epsilon: Scalar = 1e-5) {
        self.init(gain: Matrix(rows: 1, columns: count, repeating: 1), bias: Matrix(rows: 1, columns: count),
                  epsilon: epsilon)
    }

    /// Normalisation with the given parameters.
    /// - Precondition: `gain` and `bias` are both `1 × n`; ε > 0.
    public init(gain: Matrix<Scalar>, bias: Matrix<Scalar>, epsilon: Scalar = 1e-5) {
        precondition(gain.rows == 1 && gain.shape == bias.shape,
                     "layer-norm gain \(gain.shape) and bias \(bias.shape) must be equal 1×n rows")
        precondition(epsilon > 0, "layer-norm ε must be positive, got \(epsilon)")
        self.gain = gain
        self.bias = bias
        self.epsilon = epsilon
    }

    /// What the backward pass needs from the forward pass.
    public struct Cache: Sendable {
        /// The normalised input x̂, `batch × count`.
        public var normalized: Matrix<Scalar>
        /// 1/√(σ² + ε) for each row, `batch × 1`.
        public var inverseDeviations: Matrix<Scalar>

        /// An empty cache, to be filled by ``LayerNorm/forward(_:output:cache:)``.
        public init() {
            normalized = Matrix()
            inverseDeviations = Matrix()
        }
    }

    /// y = γ ⊙ x̂ + β for a batch (`batch × count`), and the cache for ``backward(_:outputGradient:)``.
    @inlinable
    public func forward(_ input: Matrix<Scalar>) -> (output: Matrix<Scalar>, cache: Cache) {
        var output = Matrix<Scalar>()
        var cache = Cache()
        forward(input, output: &output, cache: &cache)
        return (output, cache)
    }

    /// Writes y into `output` and x̂, 1/√(σ² + ε) into `cache`, reusing their blocks.
    /// - Precondition: `input` has `count` columns.
    @inlinable
    public func forward(_ input: Matrix<Scalar>, output: inout Matrix<Scalar>, cache: inout Cache) {
        precondition(input.columns == count, "a layer norm over \(count) features cannot take a \(input.shape) batch")
        cache.normalized.assign(input)
        cache.inverseDeviations.resize(rows: input.rows, columns: 1)
        output.resize(rows: input.rows, columns: count)
        Kernels<Scalar>.layerNormForward(cache.normalized.mutableBase(), output: output.mutableBase(),
                                         inverseDeviations: cache.inverseDeviations.mutableBase(),
                                         gain: gain.base, bias: bias.base, epsilon: epsilon,
                                         activation: .identity, rows: input.rows, columns: count)
    }

    /// The gradients for output gradient ∂L/∂y: ∂L/∂γ = Σ_rows ∂L/∂y ⊙ x̂, ∂L/∂β = Σ_rows ∂L/∂y, and
    /// ∂L/∂z = (1/√(σ² + ε))·(g − mean(g) − x̂·mean(g ⊙ x̂)) per row with g = ∂L/∂y ⊙ γ.
    @inlinable
    public func backward(_ cache: Cache, outputGradient: Matrix<Scalar>)
        -> (gradient: LayerNorm, inputGradient: Matrix<Scalar>) {
        var gradient = zeroed()
        var inputGradient = Matrix<Scalar>()
        backward(cache, outputGradient: outputGradient, gradient: &gradient, inputGradient: &inputGradient)
        return (gradient, inputGradient)
    }

    /// Writes the gradients of ``backward(_:outputGradient:)`` into caller-owned values (overwritten, not
    /// accumulated), reusing their blocks.
    @inlinable
    public func backward(_ cache: Cache, outputGradient: Matrix<Scalar>, gradient: inout LayerNorm,
                         inputGradient: inout Matrix<Scalar>) {
        precondition(outputGradient.shape == cache.normalized.shape,
                     "a layer-norm gradient \(outputGradient.shape) does not match its cache \(cache.normalized.shape)")
        gradient.gain.resize(rows: 1, columns: count)
        gradient.bias.resize(rows: 1, columns: count)
        gradient.gain.fill(with: 0)
        gradient.bias.fill(with: 0)
        gradient.epsilon = epsilon
        inputGradient.assign(outputGradient)
        let target = inputGradient.mutableBase()
        Kernels<Scalar>.layerNormBackward(target, normalized: cache.normalized.base, output: UnsafePointer(target),
                                          inverseDeviations: cache.inverseDeviations.base,
                                          gain: gain.base, activation: .identity,
                                          gainGradient: gradient.gain.mutableBase(),
                                          biasGradient: gradient.bias.mutableBase(), inputBiasGradient: nil,
                                          rows: outputGradient.rows, columns: count)
    }
}
