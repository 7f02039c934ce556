import DuetNumerics

/// A diagonal Gaussian per state, as a stochastic policy samples from it: the means and log standard deviations
/// of the pre-squash actions u (SAC: a = tanh(u)) or of the raw actions x (PPO: a = (x − c)/h).
public struct GaussianReadout<Scalar: BLASScalar>: Sendable {
    /// μ(sᵢ), `N × dim(A)`.
    public var means: Matrix<Scalar>
    /// log σ(sᵢ), `N × dim(A)` (a state-independent log σ repeated on every row).
    public var logDeviations: Matrix<Scalar>

    /// A Gaussian per row from its parts.
    /// - Precondition: equal shapes.
    public init(means: Matrix<Scalar>, logDeviations: Matrix<Scalar>) {
        precondition(means.shape == logDeviations.shape, "one log standard deviation per mean")
        self.means = means
        self.logDeviations = logDeviations
    }
}

/// What a distillation objective can read of a policy on a batch of states sᵢ (one forward pass of the policy
/// network): its actions, its hidden layers, and, for a stochastic policy, its Gaussian.
public struct PolicyReadout<Scalar: BLASScalar>: Sendable {
    /// π(sᵢ) in [−1, 1]ᵈ units, `N × dim(A)`: what the action-matching objective compares.
    public var actions: Matrix<Scalar>
    /// The hidden layers' outputs h₁(sᵢ) … h_{L−1}(sᵢ) of the policy network, first to last, each `N × widthₗ`.
    public var hidden: [Matrix<Scalar>]
    /// The Gaussian the policy samples from (under gSDE, the marginal over its exploration matrix,
    /// ``StateDependentMarginal``); `nil` for a deterministic policy.
    public var gaussian: GaussianReadout<Scalar>?

    /// A readout from its parts.
    public init(actions: Matrix<Scalar>, hidden: [Matrix<Scalar>], gaussian: GaussianReadout<Scalar>?) {
        self.actions = actions
        self.hidden = hidden
        self.gaussian = gaussian
    }
}

/// ∂L/∂(readout) of a distillation objective: one optional gradient per part of a ``PolicyReadout`` (`nil`
/// where the loss does not read that part).
public struct PolicyReadoutGradient<Scalar: BLASScalar>: Sendable {
    /// ∂L/∂π(sᵢ), `N × dim(A)`.
    public var actions: Matrix<Scalar>?
    /// ∂L/∂hₗ(sᵢ) per hidden layer; empty when the loss reads no hidden layer.
    public var hidden: [Matrix<Scalar>?]
    /// ∂L/∂μ(sᵢ) of the Gaussian.
    public var means: Matrix<Scalar>?
    /// ∂L/∂log σ(sᵢ) of the Gaussian, per state (a learner with a state-independent log σ sums the rows).
    public var logDeviations: Matrix<Scalar>?

    /// A gradient from its parts; every part defaults to none.
    public init(actions: Matrix<Scalar>? = nil, hidden: [Matrix<Scalar>?] = [], means: Matrix<Scalar>? = nil,
                logDeviations: Matrix<Scalar>? = nil) {
        self.actions = actions
        self.hidden = hidden
        self.means = means
        self.logDeviations = logDeviations
    }
}

/// A distillation loss L of the learner's policy on a batch, with its gradient: the hook through which every
/// member of the distillation family (relations, layer relations, Gaussian KL) reaches a learner. The targets,
/// weights and the peer's side are constants inside the objective; no gradient reaches them.
public protocol DistillationObjective {
    /// L at `readout` and ∂L/∂readout.
    func evaluate(_ readout: PolicyReadout<Float>) -> (loss: Double, gradient: PolicyReadoutGradient<Float>)
}

extension PolicyReadoutGradient {
    /// The gradient reaching the hidden layers, as ``MLP/backward(_:outputGradient:gradient:computingInputGradient:lastHiddenGradient:hiddenGradients:)``
    /// takes it: empty when no layer gets one.
    public var hiddenGradients: [Matrix<Scalar>?] { hidden.allSatisfy { $0 == nil } ? [] : hidden }
}
