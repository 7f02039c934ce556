#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Adam optimiser (Kingma and Ba 2015) with bias correction and optional L2 weight decay, as PyTorch's
/// `torch.optim.Adam`.
///
/// For each parameter θ with gradient g, at step t (starting at 1):
///
///     g ← g + λ·θ                        (only when the weight decay λ > 0)
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − (α / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The moments m and v are kept per tensor, in the model's ``ParameterGroup`` order; the optimiser is built for
/// one model layout and checks it on every update. State (t, m, v) saves to and loads from a
/// ``ParameterArchive``.
public struct Adam<Scalar: BLASScalar>: Sendable, Equatable {
    /// The learning rate, denoted α.
    public var learningRate: Scalar
    /// The first moment's decay rate, denoted β₁ (0.9).
    public var beta1: Scalar
    /// The second moment's decay rate, denoted β₂ (0.999).
    public var beta2: Scalar
    /// The denominator's floor, denoted ε (PyTorch's default 10⁻⁸; Stable-Baselines3's PPO uses 10⁻⁵).
    public var epsilon: Scalar
    /// The L2 weight decay, denoted λ, added to the gradient as λ·θ (PyTorch's `weight_decay`; 0 turns it off).
    public var weightDecay: Scalar

    /// The number of updates made so far, denoted t.
    @usableFromInline var stepCount: Int
    /// The first moments m, one per tensor.
    @usableFromInline var firstMomentTensors: [Matrix<Scalar>]
    /// The second moments v, one per tensor.
    @usableFromInline var secondMomentTensors: [Matrix<Scalar>]

    /// The names of the model's tensors, which name the moments in archives.
    public let tensorNames: [String]

    /// An optimiser for models with `model`'s layout, at step 0 with zero moments.
    /// - Parameters:
    ///   - model: a model (or gradient) whose tensor layout every update must match.
    ///   - learningRate: α.
    ///   - beta1: β₁.
    ///   - beta2: β₂.
    ///   - epsilon: ε.
    ///   - weightDecay: λ.
    /// - Precondition: α ≥ 0, 0 ≤ β₁, β₂ < 1, ε ≥ 0, λ ≥ 0.
    public init(for model: some ParameterGroup<Scalar>, learningRate: Scalar, beta1: Scalar = 0.9,
                beta2: Scalar = 0.999, epsilon: Scalar = 1e-8, weightDecay: Scalar = 0) {
        precondition(learningRate >= 0, "Adam's learning rate α must be non-negative, got \(learningRate)")
        precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
                     "Adam's β₁ and β₂ must be in [0, 1), got \(beta1) and \(beta2)")
        precondition(epsilon >= 0 && weightDecay >= 0,
                     "Adam's ε and weight decay λ must be non-negative, got \(epsilon) and \(weightDecay)")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        stepCount = 0
        let zero = model.zeroed()
        firstMomentTensors = zero.tensors
        secondMomentTensors = zero.zeroed().tensors
        tensorNames = model.tensorNames
    }

    /// The number of updates made so far, t.
    @inlinable public var step: Int { stepCount }

    /// The first moments m, one per tensor of the model.
    @inlinable public var firstMoments: [Matrix<Scalar>] { firstMomentTensors }

    /// The second moments v, one per tensor of the model.
    @inlinable public var secondMoments: [Matrix<Scalar>] { secondMomentTensors }

    /// One Adam step: updates `model` along `gradient` (∂L/∂θ, shaped like the model) and the moments.
    /// - Precondition: `model` and `gradient` have the layout the optimiser was built for.
    @inlinable
    public mutating func update<Model: ParameterGroup>(_ model: inout Model, along gradient: Model)
    where Model.Scalar == Scalar {
        precondition(model.tensorCount == firstMomentTensors.count && gradient.tensorCount == model.tensorCount,
                     "Adam was built for \(firstMomentTensors.count) tensors; got a model with \(model.tensorCount) "
                        + "and a gradient with \(gradient.tensorCount)")
        stepCount += 1
        let t = Double(stepCount)
        let firstCorrection = 1 - pow(Double(beta1), t)
        let secondCorrection = 1 - pow(Double(beta2), t)
        let stepSize = Scalar(Double(learningRate) / firstCorrection)
        let inverseSecondCorrectionRoot = Scalar(1 / secondCorrection.squareRoot())
        for index in 0..<model.tensorCount {
            let gradientTensor = gradient.tensor(at: index)
            let count = gradientTensor.count
            precondition(firstMomentTensors[index].shape == gradientTensor.shape,
                         "Adam: tensor \(tensorNames[index]) was \(firstMomentTensors[index].shape), "
                            + "its gradient is \(gradientTensor.shape)")
            let g = gradientTensor.base
            let m = firstMomentTensors[index].mutableBase()
            let v = secondMomentTensors[index].mutableBase()
            model.withTensor(at: index) { parameter in
                precondition(parameter.shape == gradientTensor.shape,
                             "Adam: tensor \(tensorNames[index]) is \(parameter.shape), its gradient "
                                + "\(gradientTensor.shape)")
                Kernels<Scalar>.adamStep(parameters: parameter.mutableBase(), gradient: g, firstMoment: m,
                                         secondMoment: v, count: count, beta1: beta1, beta2: beta2,
                                         epsilon: epsilon, weightDecay: weightDecay, stepSize: stepSize,
                                         secondCorrection: inverseSecondCorrectionRoot)
            }
        }
    }
}
