import DuetConfiguration
import DuetLearners
import DuetNumerics

/// Which features the sample relations compare.
public enum RelationFeatures: String, ConfigurationChoice {
    /// The policies' actions π(s) (or means), in [−1, 1]ᵈ.
    case actions
    /// The policy networks' last hidden layers (any widths).
    case hidden
}

/// The objective of a distillation step other than action matching, built by
/// ``PreparedDistillation/prepare(learner:peers:selection:configuration:using:)`` with the peers' side as
/// constants, and handed to the learner's ``Distillable/distill(states:objective:)``.
public enum FamilyObjective: DistillationObjective, Sendable {
    /// ``SampleRelations``: one relation target per peer's part of the batch (`rows`), summed.
    case sampleRelations(parts: [RelationPart], features: RelationFeatures, distanceWeight: Double,
                         angleWeight: Double, penalty: RelationPenalty)
    /// ``LayerRelations``: per state, the chosen peer's layer cosines; the learner's projections.
    case layerRelations(projections: [Matrix<Float>], target: [[Double]], weights: [Double], penalty: RelationPenalty)
    /// ``GaussianDivergence``: per state, the chosen peer's Gaussian.
    case gaussian(peer: GaussianReadout<Float>, weights: [Double], direction: KLDirection)

    /// One peer's part of a batch for the sample relations: its rows, the peer's relation matrices there and the
    /// states' weights.
    public struct RelationPart: Sendable {
        /// The rows of the batch the part covers.
        public var rows: Range<Int>
        /// The peer's relations on those states.
        public var target: SampleRelations.Matrices
        /// The distillation weights of those states.
        public var weights: [Double]

        /// A part from its pieces.
        public init(rows: Range<Int>, target: SampleRelations.Matrices, weights: [Double]) {
            self.rows = rows
            self.target = target
            self.weights = weights
        }
    }

    /// L and ∂L/∂readout for the case: the relation parts summed on π(s) or the last hidden layer, the layer
    /// relations on the hidden layers, or the Gaussian KL on the means and log standard deviations.
    public func evaluate(_ readout: PolicyReadout<Float>) -> (loss: Double, gradient: PolicyReadoutGradient<Float>) {
        switch self {
        case let .sampleRelations(parts, features, distanceWeight, angleWeight, penalty):
            let values = features == .actions ? readout.actions : Self.lastHidden(readout)
            var total = 0.0
            var gradient = Matrix<Float>(rows: values.rows, columns: values.columns)
            for part in parts {
                var partGradient = Matrix<Float>()
                total += SampleRelations.loss(features: values.rows(part.rows), target: part.target,
                                              weights: part.weights, distanceWeight: distanceWeight,
                                              angleWeight: angleWeight, penalty: penalty, gradient: &partGradient)
                for (offset, row) in part.rows.enumerated() {
                    for column in 0..<values.columns { gradient[row, column] = partGradient[offset, column] }
                }
            }
            if features == .actions { return (total, PolicyReadoutGradient(actions: gradient)) }
            var hidden = [Matrix<Float>?](repeating: nil, count: readout.hidden.count)
            hidden[hidden.count - 1] = gradient
            return (total, PolicyReadoutGradient(hidden: hidden))
        case let .layerRelations(projections, target, weights, penalty):
            var gradients: [Matrix<Float>] = []
            let loss = LayerRelations.loss(hidden: readout.hidden, projections: projections, target: target,
                                           weights: weights, penalty: penalty, gradients: &gradients)
            return (loss, PolicyReadoutGradient(hidden: gradients))
        case let .gaussian(peer, weights, direction):
            guard let own = readout.gaussian else {
                preconditionFailure("objective: kl needs a learner with a Gaussian policy (configuration validation checks it)")
            }
            var means = Matrix<Float>()
            var logDeviations = Matrix<Float>()
            let loss = GaussianDivergence.loss(learner: own, peer: peer, weights: weights, direction: direction,
                                               meanGradient: &means, logDeviationGradient: &logDeviations)
            return (loss, PolicyReadoutGradient(means: means, logDeviations: logDeviations))
        }
    }

    /// The last hidden layer of a readout.
    /// - Precondition: the policy has a hidden layer (configuration validation checks it).
    static func lastHidden(_ readout: PolicyReadout<Float>) -> Matrix<Float> {
        guard let last = readout.hidden.last else {
            preconditionFailure("features: hidden needs a policy with a hidden layer")
        }
        return last
    }
}

extension Matrix {
    /// The rows `range` as a matrix.
    func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, columns: columns, scalars: Array(scalars[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }
}
