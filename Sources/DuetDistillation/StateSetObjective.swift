// What a distilled state set is learned for, and its exact meta-gradient.
//
// The objective is the student's imitation loss after training: with the teacher's own states s_n and actions
// a_n = μ_teacher(s_n) (n = 1 … N, from the teacher's episodes),
//
//   L(θ) = (1/N) Σ_n ‖f_θ(s_n) − a_n‖²/2,      J(X, M, ρ) = L(θ_T(X, M, ρ; θ_0)),
//
// θ_T the student after T steps on the set (`StateSetStudent.swift`). Its gradient is taken by differentiating
// through the unrolled training (Maclaurin et al. 2015; Wang et al., "Dataset Distillation", 2018), exactly,
// not to first order: with v_T = ∇_θ L(θ_T) and g(θ) = ∇_θ ℓ(θ; X, M, ρ), for t = T − 1 down to 0,
//
//   ∂J/∂S += −η·(∂g(θ_t)/∂S)ᵀ·v_{t+1}        (S = X, M, ρ: the mixed second derivatives along v_{t+1})
//   v_t    = v_{t+1} − η·H(θ_t)·v_{t+1}       (H = ∇²_θ ℓ: the Hessian-vector product)
//
// Both products come from one tangent pass along v_{t+1} (`StateSetStudent+Passes.swift`), as
// (∂g/∂S)ᵀ·v = d/dε ∇_S ℓ(θ + ε·v) by the symmetry of second derivatives (for the states, the tangent of the
// input gradient, times c_S for the student's standardisation); for the labels, with r = f_θ(X) − M
// and ẏ the output's tangent, (∇_M ℓ)˙ = −w ⊙ ẏ/K and (∇_ρ ℓ)˙ = −2·w ⊙ r ⊙ ẏ/K. The networks θ_0 … θ_T are
// kept from the forward sweep, so the cost is about three times that of training the student, and the memory
// T + 1 copies of it.
import DuetNumerics

/// The imitation objective J of a state set, and its meta-gradient ∂J/∂(X, M, ρ).
public struct StateSetObjective: Sendable {
    /// The student trained on the set.
    public let student: StateSetStudent
    /// The teacher's own states s_n, N × dim(S), in raw units.
    public let teacherStates: Matrix<Double>
    /// The teacher's actions a_n on them, N × dim(A), in [−1, 1]ᵈ.
    public let teacherActions: Matrix<Double>
    /// The teacher's states as the student reads them, standardised.
    let standardizedTeacherStates: Matrix<Double>

    /// An objective from its parts.
    /// - Precondition: one action per state, and widths that fit them.
    public init(student: StateSetStudent, teacherStates: Matrix<Double>, teacherActions: Matrix<Double>) {
        precondition(teacherStates.rows == teacherActions.rows && teacherStates.rows > 0,
                     "an objective needs one teacher action per teacher state")
        precondition(student.widths.first == teacherStates.columns && student.widths.last == teacherActions.columns,
                     "the student's widths \(student.widths) do not fit \(teacherStates.shape) states and "
                        + "\(teacherActions.shape) actions")
        self.student = student
        self.teacherStates = teacherStates
        self.teacherActions = teacherActions
        standardizedTeacherStates = student.standardized(teacherStates)
    }

    /// L(θ) = (1/N) Σ_n ‖f_θ(s_n) − a_n‖²/2, how far `network` acts from the teacher on its states.
    public func imitationLoss(of network: MLP<Double>) -> Double {
        imitation(of: network).loss
    }

    /// J: the imitation loss of the student trained on `set` from `initial`.
    public func value(of set: StateSet, from initial: MLP<Double>) -> Double {
        imitationLoss(of: student.trained(on: set, from: initial))
    }

    /// J and its exact gradient ∂J/∂(X, M, ρ), shaped like the set, for the student starting from `initial`.
    public func metaGradient(of set: StateSet, from initial: MLP<Double>) -> (loss: Double, gradient: StateSet) {
        let trajectory = student.trajectory(on: set, from: initial)
        let outer = imitation(of: trajectory[trajectory.count - 1])
        var direction = outer.gradient
        var gradient = set.zeroed()
        let weights = set.weights
        let rate = student.learningRate
        let scale = 1 / Double(set.count)
        let standardizedStates = student.standardized(set.states)
        for network in trajectory.dropLast().reversed() {
            let activations = StudentPasses.activations(of: network, for: standardizedStates)
            let tangents = StudentPasses.forwardTangents(of: network, activations: activations, direction: direction)
            let residual = StateSetStudent.residual(activations[activations.count - 1], set.means)
            let outputTangent = tangents[tangents.count - 1]
            let outputGradientTangent = StateSetStudent.outputGradient(residual: outputTangent, weights: weights)
            let passes = StudentPasses.backward(
                of: network, activations: activations,
                outputGradient: StateSetStudent.outputGradient(residual: residual, weights: weights),
                tangent: .init(direction: direction, activations: tangents, outputGradient: outputGradientTangent))
            guard let inputTangent = passes.inputTangent, let hessianProduct = passes.parametersTangent else {
                preconditionFailure("a backward pass with a tangent returns its tangents")
            }
            // ∂J/∂S += η·(−(∇_S ℓ)˙): for X −c_S ⊙ (∇_X̃ ℓ)˙, for M ġ_Y, for ρ 2·w ⊙ r ⊙ ẏ/K.
            let r = residual.scalars, w = weights.scalars, y = outputTangent.scalars
            let term = StateSet(
                states: Matrix(rows: inputTangent.rows, columns: inputTangent.columns) {
                    -inputTangent[$0, $1] * student.inputScale[$1] },
                means: outputGradientTangent,
                logStandardDeviations: Matrix(rows: residual.rows, columns: residual.columns,
                                              scalars: (0..<r.count).map { 2 * w[$0] * r[$0] * y[$0] * scale }))
            gradient.add(term, scaledBy: rate)
            // v_t = v_{t+1} − η·H(θ_t)·v_{t+1}
            direction.add(hessianProduct, scaledBy: -rate)
        }
        return (outer.loss, gradient)
    }

    /// L(θ) and ∇_θ L(θ).
    func imitation(of network: MLP<Double>) -> (loss: Double, gradient: MLP<Double>) {
        let activations = StudentPasses.activations(of: network, for: standardizedTeacherStates)
        let residual = StateSetStudent.residual(activations[activations.count - 1], teacherActions)
        let count = Double(teacherStates.rows)
        let loss = residual.scalars.reduce(0) { $0 + $1 * $1 } / 2 / count
        let outputGradient = Matrix(rows: residual.rows, columns: residual.columns,
                                    scalars: residual.scalars.map { $0 / count })
        return (loss, StudentPasses.backward(of: network, activations: activations,
                                             outputGradient: outputGradient).parameters)
    }
}
