import DuetNumerics

/// The critics Q₁, …, Qₙ of an actor-critic learner: n independent networks over the concatenated input [s, a],
/// each an MLP with ReLU hidden layers (optionally layer-normed) and one linear output, as Stable-Baselines3's
/// `ContinuousCritic`. DDPG has one critic; TD3 and SAC have two (clipped double Q-learning).
///
/// The ensemble is one ``ParameterGroup`` (the critics' tensors one after another), so a single Adam optimiser
/// covers all critics, as in SB3, and a target ensemble follows it by Polyak averaging. Its gradient is a value
/// of the same type.
public struct CriticEnsemble<Scalar: BLASScalar>: Sendable, Equatable {
    /// The critic networks, Q₁ first.
    public var networks: [MLP<Scalar>]

    /// An ensemble of the given networks.
    /// - Precondition: at least one network; all take the same inputs and give one output.
    public init(networks: [MLP<Scalar>]) {
        precondition(!networks.isEmpty, "a critic ensemble needs at least one critic")
        precondition(networks.allSatisfy { $0.inputCount == networks[0].inputCount && $0.outputCount == 1 },
                     "critics must share their input width and give one value each")
        self.networks = networks
    }

    /// `count` critics over [s, a] with the given hidden widths, drawn one after another from `source` with
    /// PyTorch's default `Linear` initialisation.
    public init(count: Int, observationDimension: Int, actionDimension: Int, hidden: [Int], layerNorm: Bool,
                using source: inout some RandomSource) {
        let widths = [observationDimension + actionDimension] + hidden + [1]
        self.init(networks: (0..<count).map { _ in
            MLP<Scalar>(widths: widths, hiddenActivation: .relu, outputActivation: .identity,
                        usesLayerNorm: layerNorm, using: &source)
        })
    }

    /// The number of critics, n.
    public var count: Int { networks.count }

    /// The width of the critics' input, dim(S) + dim(A).
    public var inputCount: Int { networks[0].inputCount }

    /// Runs every critic on `input` ([s, a], one row per sample), critic j into `caches[j]`.
    public func forward(_ input: Matrix<Scalar>, caches: inout [MLP<Scalar>.Cache]) {
        if caches.count != networks.count { caches = Array(repeating: MLP<Scalar>.Cache(), count: networks.count) }
        for index in networks.indices {
            networks[index].forward(input, cache: &caches[index])
        }
    }

    /// minⱼ Qⱼ(s, a) for each row of `input` ([s, a], observations already prepared), one per row.
    public func minimumValues(for input: Matrix<Scalar>) -> [Scalar] {
        var caches: [MLP<Scalar>.Cache] = []
        forward(input, caches: &caches)
        var minimum = Matrix<Scalar>()
        Self.minimum(of: caches, into: &minimum)
        return minimum.scalars
    }

    /// Writes minⱼ Qⱼ(s, a) of the critics' last forward passes (`caches`) into `result`, `batch × 1`.
    public static func minimum(of caches: [MLP<Scalar>.Cache], into result: inout Matrix<Scalar>) {
        precondition(!caches.isEmpty, "the minimum over no critics is undefined")
        result.assign(caches[0].output)
        for cache in caches.dropFirst() {
            let values = cache.output
            precondition(values.shape == result.shape, "critic outputs differ in shape")
            values.withUnsafeBufferPointer { source in
                result.withUnsafeMutableBufferPointer { target in
                    for index in target.indices where source[index] < target[index] { target[index] = source[index] }
                }
            }
        }
    }

    /// Adds the gradient λ·W of the L2 penalty (λ/2)·Σ‖W‖² over every critic's hidden-layer weights W (not the
    /// biases, the layer-norm parameters or the output layer, as OpenAI baselines' `critic_l2_reg`) to `gradient`,
    /// and returns the penalty.
    public func addHiddenWeightPenalty(_ lambda: Scalar, to gradient: inout CriticEnsemble) -> Double {
        guard lambda != 0 else { return 0 }
        var penalty = 0.0
        for critic in networks.indices {
            for layer in networks[critic].layers.indices.dropLast() {
                let weight = networks[critic].layers[layer].weight
                weight.withUnsafeBufferPointer { source in
                    gradient.networks[critic].layers[layer].weight.withUnsafeMutableBufferPointer { target in
                        var sum = 0.0
                        for index in source.indices {
                            sum += Double(source[index] * source[index])
                            target[index] += lambda * source[index]
                        }
                        penalty += Double(lambda) / 2 * sum
                    }
                }
            }
        }
        return penalty
    }
}

/// The critics' tensors, critic by critic: `0.layers.0.weight`, …, `1.layers.0.weight`, ….
extension CriticEnsemble: ParameterGroup {
    /// The critics' tensors, all of them.
    public var tensorCount: Int { networks.reduce(0) { $0 + $1.tensorCount } }

    /// The critic, and the tensor within it, of ensemble tensor `index`.
    func location(of index: Int) -> (critic: Int, tensor: Int) {
        precondition(index >= 0, "tensor index \(index) is negative")
        var remaining = index
        for critic in networks.indices {
            let count = networks[critic].tensorCount
            if remaining < count { return (critic, remaining) }
            remaining -= count
        }
        preconditionFailure("a critic ensemble has \(tensorCount) tensors, not \(index + 1)")
    }

    /// Ensemble tensor `index`: the critics' tensors one after another, Q₁'s first.
    public func tensor(at index: Int) -> Matrix<Scalar> {
        let (critic, tensor) = location(of: index)
        return networks[critic].tensor(at: tensor)
    }

    /// In-place access to ensemble tensor `index`, in the order of ``tensor(at:)``.
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result {
        let (critic, tensor) = location(of: index)
        return try networks[critic].withTensor(at: tensor, body)
    }

    /// `<critic>.<name>`: the critic's index, then the tensor's name within it (`1.layers.0.weight`).
    public func tensorName(at index: Int) -> String {
        let (critic, tensor) = location(of: index)
        return "\(critic)." + networks[critic].tensorName(at: tensor)
    }
}
