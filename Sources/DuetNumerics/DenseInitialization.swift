/// How a ``Dense`` layer's weight W and bias b are first drawn.
///
/// fan_in is the layer's input count, fan_out its output count. Draws fill W in PyTorch's `[out × in]` order
/// (output by output), then b, from one caller-owned ``RandomSource``, so a seed fixes the weights exactly.
public enum DenseInitialization: Sendable, Hashable {
    /// PyTorch's default for `nn.Linear`: `kaiming_uniform_(a = √5)` for W, which is U(−1/√fan_in, 1/√fan_in),
    /// and U(−1/√fan_in, 1/√fan_in) for b.
    case pytorchDefault
    /// Glorot (Xavier) uniform: W ~ U(−g·√(6/(fan_in + fan_out)), +g·√(6/(fan_in + fan_out))) with gain g, b = 0
    /// (Glorot and Bengio 2010; Keras's default).
    case glorotUniform(gain: Double = 1)
    /// Orthogonal W scaled by gain g, b = 0 (Saxe et al. 2014; PyTorch's `orthogonal_`, used by Stable-Baselines3
    /// with g = √2 for hidden layers, 0.01 for a policy's output layer and 1 for a value head).
    case orthogonal(gain: Double)
    /// W and b both ~ U(−bound, bound); see ``smallUniform``.
    case uniform(bound: Double)

    /// U(−3·10⁻³, 3·10⁻³) for W and b: the DDPG paper's output-layer initialisation (Lillicrap et al. 2016), which
    /// keeps initial actions and Q-values near zero.
    public static var smallUniform: DenseInitialization { .uniform(bound: 3e-3) }

    /// A weight (`inputCount × outputCount`) and bias (`1 × outputCount`) drawn from `source`.
    /// - Precondition: both counts are positive.
    public func parameters<Scalar: BLASScalar>(
        inputCount: Int, outputCount: Int, using source: inout some RandomSource
    ) -> (weight: Matrix<Scalar>, bias: Matrix<Scalar>) {
        precondition(inputCount > 0 && outputCount > 0,
                     "a dense layer needs positive sizes, got \(inputCount) → \(outputCount)")
        var weight = Matrix<Scalar>(rows: inputCount, columns: outputCount)
        var bias = Matrix<Scalar>(rows: 1, columns: outputCount)
        let fanIn = Double(inputCount)
        let fanOut = Double(outputCount)

        /// Fills W (in PyTorch's order) and then, if `biasBound` is given, b with uniform draws.
        func fillUniform(weightBound: Double, biasBound: Double?) {
            for output in 0..<outputCount {
                for input in 0..<inputCount {
                    weight[input, output] = Scalar(source.nextUniform(from: -weightBound, to: weightBound))
                }
            }
            guard let biasBound else { return }
            for output in 0..<outputCount {
                bias[0, output] = Scalar(source.nextUniform(from: -biasBound, to: biasBound))
            }
        }

        switch self {
        case .pytorchDefault:
            let bound = 1 / fanIn.squareRoot()
            fillUniform(weightBound: bound, biasBound: bound)
        case .glorotUniform(let gain):
            fillUniform(weightBound: gain * (6 / (fanIn + fanOut)).squareRoot(), biasBound: nil)
        case .orthogonal(let gain):
            let orthogonal = Self.orthogonalRows(count: outputCount, length: inputCount, using: &source)
            for output in 0..<outputCount {
                for input in 0..<inputCount {
                    weight[input, output] = Scalar(gain * orthogonal[output &* inputCount &+ input])
                }
            }
        case .uniform(let bound):
            fillUniform(weightBound: bound, biasBound: bound)
        }
        return (weight, bias)
    }
}
