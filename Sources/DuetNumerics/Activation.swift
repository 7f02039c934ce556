/// An element-wise activation function f, applied after a layer.
///
/// Each derivative is written in terms of the activation's output y = f(x), so a forward pass only has to keep
/// its output for the backward pass.
public enum Activation: String, Sendable, Hashable, Codable, CaseIterable {
    /// f(x) = x; f′ = 1.
    case identity
    /// f(x) = max(x, 0); f′ = 1 where y > 0, else 0 (the subgradient 0 at x = 0, as PyTorch).
    case relu
    /// f(x) = tanh x; f′ = 1 − y². In Float, tanh is a vectorised approximation within 7 ulps
    /// (``BLASScalar/fastHyperbolicTangent(_:)``).
    case tanh

    /// f applied to every element of `input`.
    @inlinable
    public func forward<Scalar: BLASScalar>(_ input: Matrix<Scalar>) -> Matrix<Scalar> {
        var output = input
        apply(to: &output)
        return output
    }

    /// Applies f in place to every element of `values`.
    @inlinable
    public func apply<Scalar: BLASScalar>(to values: inout Matrix<Scalar>) {
        guard self != .identity else { return }
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            Kernels<Scalar>.activate(self, base, count: buffer.count)
        }
    }

    /// The input gradient ∂L/∂x = ∂L/∂y ⊙ f′, from the forward pass's output y and the output gradient ∂L/∂y.
    /// - Precondition: `output` and `outputGradient` have the same shape.
    @inlinable
    public func backward<Scalar: BLASScalar>(output: Matrix<Scalar>, outputGradient: Matrix<Scalar>)
        -> Matrix<Scalar> {
        var inputGradient = Matrix<Scalar>()
        backward(output: output, outputGradient: outputGradient, into: &inputGradient)
        return inputGradient
    }

    /// Writes ∂L/∂x = ∂L/∂y ⊙ f′ into `inputGradient`, reusing its block (allocation-free when it is large enough).
    /// - Precondition: `output` and `outputGradient` have the same shape.
    @inlinable
    public func backward<Scalar: BLASScalar>(output: Matrix<Scalar>, outputGradient: Matrix<Scalar>,
                                             into inputGradient: inout Matrix<Scalar>) {
        precondition(output.shape == outputGradient.shape,
                     "activation output \(output.shape) and its gradient \(outputGradient.shape) differ in shape")
        inputGradient.resize(rows: output.rows, columns: output.columns)
        Kernels<Scalar>.activationBackward(self, output: output.base, gradient: outputGradient.base,
                                           into: inputGradient.mutableBase(), count: output.count)
    }
}
