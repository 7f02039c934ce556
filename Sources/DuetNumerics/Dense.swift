/// A fully connected layer, y = x·W + b, applied to a batch of row vectors at once.
///
/// W is stored `inputCount × outputCount` (the transpose of PyTorch's `[out × in]` weight), so that for a batch X
/// with one sample per row the forward pass is one `gemm` without transposes, Y = X·W + 1·b. The bias is
/// broadcast into Y first and the product accumulated onto it (β = 1), which costs no extra pass.
///
/// The layer is a value with no hidden state: ``forward(_:)`` returns a ``Cache`` and ``backward(_:outputGradient:)``
/// takes it back. The `into:` variants write into caller-owned matrices and allocate nothing once those are
/// large enough.
public struct Dense<Scalar: BLASScalar>: Sendable, Equatable {
    /// The weight W, `inputCount × outputCount`.
    public var weight: Matrix<Scalar>
    /// The bias b, `1 × outputCount`.
    public var bias: Matrix<Scalar>

    /// The number of inputs (fan_in), the rows of W.
    @inlinable public var inputCount: Int { weight.rows }
    /// The number of outputs (fan_out), the columns of W.
    @inlinable public var outputCount: Int { weight.columns }

    /// A layer with the given parameters.
    /// - Precondition: `bias` is `1 × weight.columns`.
    public init(weight: Matrix<Scalar>, bias: Matrix<Scalar>) {
        precondition(bias.rows == 1 && bias.columns == weight.columns,
                     "a bias for a \(weight.shape) weight must be 1×\(weight.columns), not \(bias.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// A layer mapping `inputCount` inputs to `outputCount` outputs, drawn by `initialization` from `source`.
    public init(inputCount: Int, outputCount: Int, initialization: DenseInitialization = .pytorchDefault,
                using source: inout some RandomSource) {
        let parameters: (weight: Matrix<Scalar>, bias: Matrix<Scalar>) = initialization.parameters(
            inputCount: inputCount, outputCount: outputCount, using: &source)
        self.init(weight: parameters.weight, bias: parameters.bias)
    }

    /// What the backward pass needs from the forward pass: the input X.
    public struct Cache: Sendable {
        /// The batch the layer was applied to, `batch × inputCount`.
        public var input: Matrix<Scalar>

        /// A cache holding `input`.
        public init(input: Matrix<Scalar>) { self.input = input }
    }

    /// Y = X·W + b for a batch X (`batch × inputCount`), and the cache for ``backward(_:outputGradient:)``.
    @inlinable
    public func forward(_ input: Matrix<Scalar>) -> (output: Matrix<Scalar>, cache: Cache) {
        var output = Matrix<Scalar>()
        forward(input, into: &output)
        return (output, Cache(input: input))
    }

    /// Writes Y = X·W + b into `output`, reusing its block.
    /// - Precondition: `input` has `inputCount` columns.
    @inlinable
    public func forward(_ input: Matrix<Scalar>, into output: inout Matrix<Scalar>) {
        precondition(input.columns == inputCount,
                     "a dense layer with \(inputCount) inputs cannot take a \(input.shape) batch")
        output.resize(rows: input.rows, columns: outputCount)
        Kernels<Scalar>.broadcast(row: bias.base, into: output.mutableBase(),
                                  rows: input.rows, columns: outputCount)
        Matrix.multiply(input, weight, beta: 1, into: &output)
    }

    /// The gradients for output gradient ∂L/∂Y: ∂L/∂W = Xᵀ·∂L/∂Y, ∂L/∂b = 1ᵀ·∂L/∂Y (the column sums) and the
    /// input gradient ∂L/∂X = ∂L/∂Y·Wᵀ. The parameter gradient is a `Dense` value.
    @inlinable
    public func backward(_ cache: Cache, outputGradient: Matrix<Scalar>)
        -> (gradient: Dense, inputGradient: Matrix<Scalar>) {
        var gradient = Dense(weight: Matrix(), bias: Matrix(rows: 1, columns: 0))
        var inputGradient = Matrix<Scalar>()
        backward(input: cache.input, outputGradient: outputGradient, gradient: &gradient,
                 inputGradient: &inputGradient)
        return (gradient, inputGradient)
    }

    /// Writes the gradients of ``backward(_:outputGradient:)`` into caller-owned values, reusing their blocks.
    ///
    /// - Parameters:
    ///   - input: the forward pass's input X.
    ///   - outputGradient: ∂L/∂Y, `batch × outputCount`.
    ///   - gradient: receives ∂L/∂W and ∂L/∂b (overwritten, not accumulated).
    ///   - inputGradient: receives ∂L/∂X (see ``backwardParameters(input:outputGradient:gradient:)`` to skip it).
    @inlinable
    public func backward(input: Matrix<Scalar>, outputGradient: Matrix<Scalar>, gradient: inout Dense,
                         inputGradient: inout Matrix<Scalar>) {
        backwardParameters(input: input, outputGradient: outputGradient, gradient: &gradient)
        Matrix.multiply(outputGradient, weight, transposingB: true, into: &inputGradient)
    }

    /// Writes ∂L/∂W = Xᵀ·∂L/∂Y and ∂L/∂b = column sums of ∂L/∂Y into `gradient`, without the input gradient
    /// (for a first layer whose input needs none).
    @inlinable
    public func backwardParameters(input: Matrix<Scalar>, outputGradient: Matrix<Scalar>, gradient: inout Dense) {
        precondition(input.columns == inputCount && outputGradient.columns == outputCount
                        && input.rows == outputGradient.rows,
                     "a \(inputCount)→\(outputCount) dense layer cannot pair input \(input.shape) with "
                        + "output gradient \(outputGradient.shape)")
        Matrix.multiply(input, outputGradient, transposingA: true, into: &gradient.weight)
        gradient.bias.resize(rows: 1, columns: outputCount)
        gradient.bias.fill(with: 0)
        Kernels<Scalar>.addRows(of: outputGradient.base, rows: outputGradient.rows, columns: outputCount,
                                into: gradient.bias.mutableBase())
    }

    /// y = Wᵀx + b for a single input x (batch 1), by one `gemv` call.
    /// - Precondition: `input.count == inputCount`.
    @inlinable
    public func forward(single input: [Scalar]) -> [Scalar] {
        precondition(input.count == inputCount, "a dense layer with \(inputCount) inputs got \(input.count)")
        var output = [Scalar](repeating: 0, count: outputCount)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                forward(single: x, into: y)
            }
        }
        return output
    }

    /// Writes y = Wᵀx + b for a single input x into `output` (one `gemv`, allocation-free).
    /// - Precondition: the buffers have `inputCount` and `outputCount` entries.
    @inlinable
    public func forward(single input: UnsafeBufferPointer<Scalar>, into output: UnsafeMutableBufferPointer<Scalar>) {
        precondition(output.count == outputCount, "a dense layer with \(outputCount) outputs got a buffer of "
                        + "\(output.count)")
        guard let target = output.baseAddress else { return }
        target.update(from: bias.base, count: outputCount)
        weight.multiply(vector: input, transposed: true, beta: 1, into: output)
    }
}
