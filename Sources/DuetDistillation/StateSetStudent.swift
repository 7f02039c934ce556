// The student of a distilled state set: a fresh tanh-output network trained only on the K labelled states, by
// T steps of full-batch gradient descent with step size η on the Gaussian negative log-likelihood of its action
// under each soft label (up to constants):
//
//   ℓ(θ; X, M, ρ) = (1/K) Σ_k Σ_j w_kj·(f_θ(x_k)_j − m_kj)²/2,   w_kj = 1/s_kj² = exp(−2ρ_kj)
//   θ_{t+1} = θ_t − η·∇_θ ℓ(θ_t; X, M, ρ),   t = 0 … T − 1
//
// Plain gradient descent (no momentum, no mini-batches) makes the inner loop a smooth, deterministic function
// of the set and of θ_0, which is what the unrolled meta-gradient differentiates; a seed fixes θ_0. The network
// reads standardised states x̃ = (x − μ_S) ⊙ c_S (μ_S and c_S = 1/σ_S from the teacher's states, fixed), so that a
// state's components weigh alike whatever their units (Pendulum's angular velocity spans ±8, its cosine ±1);
// sets and gradients stay in raw units, ∂/∂x = c_S ⊙ ∂/∂x̃.
import DuetLearners
import DuetNumerics
import DuetRandom

/// How a student is built and trained on a ``StateSet``.
public struct StateSetStudent: Sendable, Equatable {
    /// The network's widths, `[dim(S), hidden…, dim(A)]`.
    public var widths: [Int]
    /// f, the hidden activation (`relu` as the off-policy actors, or `tanh`); the output is tanh.
    public var hiddenActivation: Activation
    /// T, the gradient steps of the student's training.
    public var steps: Int
    /// η, the student's step size.
    public var learningRate: Double
    /// μ_S, subtracted from each state before the network (dim(S) values).
    public var inputMean: [Double]
    /// c_S = 1/σ_S, multiplying each centred state (dim(S) values).
    public var inputScale: [Double]

    /// A student description; by default it reads raw states (μ_S = 0, c_S = 1).
    /// - Precondition: at least an input and an output width, all positive; `steps` ≥ 0; `learningRate` > 0; one
    ///   finite mean and positive scale per input.
    public init(widths: [Int], hiddenActivation: Activation = .relu, steps: Int, learningRate: Double,
                inputMean: [Double]? = nil, inputScale: [Double]? = nil) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "a student needs positive widths")
        precondition(steps >= 0 && learningRate > 0, "a student needs steps ≥ 0 and a positive step size")
        self.widths = widths
        self.hiddenActivation = hiddenActivation
        self.steps = steps
        self.learningRate = learningRate
        self.inputMean = inputMean ?? Array(repeating: 0, count: widths[0])
        self.inputScale = inputScale ?? Array(repeating: 1, count: widths[0])
        precondition(self.inputMean.count == widths[0] && self.inputScale.count == widths[0]
                        && self.inputMean.allSatisfy(\.isFinite) && self.inputScale.allSatisfy { $0 > 0 && $0.isFinite },
                     "a student needs one finite mean and one positive scale per input")
    }

    /// x̃ = (x − μ_S) ⊙ c_S for each row of `states`.
    public func standardized(_ states: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: states.rows, columns: states.columns) { row, column in
            (states[row, column] - inputMean[column]) * inputScale[column]
        }
    }

    /// θ_0: a fresh network drawn from `stream` with PyTorch's default `Linear` initialisation, as the actors.
    public func initialNetwork(using stream: RandomStream) -> MLP<Double> {
        var source = ActorNetwork.randomSource(stream)
        return MLP(widths: widths, hiddenActivation: hiddenActivation, outputActivation: .tanh, using: &source)
    }

    /// θ_T: `initial` trained on `set` for T steps.
    public func trained(on set: StateSet, from initial: MLP<Double>) -> MLP<Double> {
        var network = initial
        let weights = set.weights
        for _ in 0..<steps { network = step(network, on: set, weights: weights) }
        return network
    }

    /// θ_0, θ_1, …, θ_T: every network of the training, the last being ``trained(on:from:)``'s.
    public func trajectory(on set: StateSet, from initial: MLP<Double>) -> [MLP<Double>] {
        var networks = [initial]
        let weights = set.weights
        for _ in 0..<steps { networks.append(step(networks[networks.count - 1], on: set, weights: weights)) }
        return networks
    }

    /// One step θ − η·∇_θ ℓ(θ).
    func step(_ network: MLP<Double>, on set: StateSet, weights: Matrix<Double>) -> MLP<Double> {
        let activations = StudentPasses.activations(of: network, for: standardized(set.states))
        let residual = Self.residual(activations[activations.count - 1], set.means)
        let gradient = StudentPasses.backward(of: network, activations: activations,
                                              outputGradient: Self.outputGradient(residual: residual, weights: weights))
        var next = network
        next.add(gradient.parameters, scaledBy: -learningRate)
        return next
    }

    /// ℓ(θ; X, M, ρ) for `network`.
    public func loss(of network: MLP<Double>, on set: StateSet) -> Double {
        let output = StudentPasses.activations(of: network, for: standardized(set.states)).last ?? Matrix()
        let residual = Self.residual(output, set.means).scalars
        let weights = set.weights.scalars
        return (0..<residual.count).reduce(0) { $0 + weights[$1] * residual[$1] * residual[$1] } / 2 / Double(set.count)
    }

    /// r = Y − M.
    static func residual(_ output: Matrix<Double>, _ means: Matrix<Double>) -> Matrix<Double> {
        let y = output.scalars, m = means.scalars
        return Matrix(rows: output.rows, columns: output.columns, scalars: (0..<y.count).map { y[$0] - m[$0] })
    }

    /// ∂ℓ/∂Y = w ⊙ r / K; with the output tangent ẏ in place of r, its tangent (∂ℓ/∂Y)˙ = w ⊙ ẏ / K.
    static func outputGradient(residual: Matrix<Double>, weights: Matrix<Double>) -> Matrix<Double> {
        let r = residual.scalars, w = weights.scalars
        let scale = 1 / Double(residual.rows)
        return Matrix(rows: residual.rows, columns: residual.columns, scalars: (0..<r.count).map { w[$0] * r[$0] * scale })
    }
}
