import DuetLearners
import DuetNumerics
import DuetRandom

/// What one distillation step of one learner measured (a row of `distillation.csv`).
public struct DistillationRecord: Sendable, Equatable {
    /// The weighted loss Σᵢ wᵢ·ℓᵢ before the step.
    public var loss: Double
    /// The batch's weights and their statistics (mean ξ, fraction with ξ > 0, maximum weight, effective
    /// sample size).
    public var weights: DistillationWeights
    /// Mean Euclidean distance between the two learners' actions on the batch, (1/N)·Σᵢ ‖π(sᵢ) − π̃(sᵢ)‖₂,
    /// before the step (the paper's Fig. 3 tracks this distance).
    public var actionDistance: Double
}

/// A distillation step whose inputs have been computed but not yet applied: the states, the peer's target
/// actions ã = π̃(s) and the weights w from ξ.
///
/// Preparing reads the learner and its peer and changes neither; applying changes only the learner. The dual
/// trainer prepares both learners' steps before applying either, so each distils from a consistent snapshot of
/// the other, whatever the threads' timing.
public struct PreparedDistillation: Sendable {
    /// Distillation states sᵢ, drawn from the peer's replay buffer, `N × observationDimension`.
    public var states: Matrix<Float>
    /// Target actions ãᵢ = π̃(sᵢ), `N × actionDimension`; constants for the step (no gradient).
    public var targets: Matrix<Float>
    /// Weights and their statistics; constants for the step (no gradient).
    public var weights: DistillationWeights
    /// Mean distance between π(sᵢ) and ãᵢ.
    public var actionDistance: Double
    /// The weighted loss Σᵢ wᵢ·meanₖ(π(sᵢ)ₖ − ãᵢₖ)² at the current parameters.
    public var loss: Double

    /// Draws the batch and computes targets and weights for `learner` distilling from `peer`.
    ///
    /// ξᵢ = Q̃(sᵢ, π̃(sᵢ)) − Q(sᵢ, a), with a = π(sᵢ) for ``ValueEstimate/ownAction`` (the paper) or
    /// a = π̃(sᵢ) for ``ValueEstimate/peerAction`` (the reference DDPG).
    /// - Returns: `nil` when the peer's buffer is still empty (the first learner's first period in the
    ///   `alternate` schedule): there is nothing to distil yet.
    public static func prepare(learner: any OffPolicyLearner, peer: any OffPolicyLearner, peerBuffer: ReplayBuffer,
                               configuration: DistillationConfiguration, using stream: RandomStream)
        -> PreparedDistillation?
    {
        guard peerBuffer.count > 0 else { return nil }
        var states = Matrix<Float>()
        peerBuffer.sampleObservations(count: configuration.batchSize, mostRecent: configuration.window,
                                      using: stream, into: &states)
        let targets = peer.actions(for: states)
        let own = learner.actions(for: states)
        let peerValues = peer.values(for: states, actions: targets)
        let ownValues = learner.values(for: states, actions: configuration.valueEstimate == .ownAction ? own : targets)
        let disadvantages = zip(peerValues, ownValues).map { Double($0) - Double($1) }
        let weights = DistillationWeights(disadvantages: disadvantages, weighting: configuration.weighting,
                                          alpha: configuration.alpha, clip: configuration.clipRange,
                                          normalize: configuration.normalizeWeights)
        return PreparedDistillation(states: states, targets: targets, weights: weights,
                                    actionDistance: meanDistance(own, targets),
                                    loss: weightedLoss(own, targets, weights: weights.weights))
    }

    /// The record of this batch without taking the step: the diagnostics a run with distillation switched off
    /// still logs, so both arms can be compared (action distance, fraction of disadvantageous states).
    public var diagnostics: DistillationRecord {
        DistillationRecord(loss: loss, weights: weights, actionDistance: actionDistance)
    }

    /// Takes the step on `learner` (one optimiser step on its actor) and returns the record.
    public func apply(to learner: inout any OffPolicyLearner) -> DistillationRecord {
        let loss = learner.distill(states: states, targets: targets, weights: weights.weights.map { Float($0) })
        return DistillationRecord(loss: loss, weights: weights, actionDistance: actionDistance)
    }

    /// (1/N)·Σᵢ ‖aᵢ − bᵢ‖₂, exposed for tests and diagnostics.
    public static func meanDistanceForTesting(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Double { meanDistance(a, b) }

    /// Σᵢ wᵢ·meanₖ(aᵢₖ − bᵢₖ)².
    static func weightedLoss(_ a: Matrix<Float>, _ b: Matrix<Float>, weights: [Double]) -> Double {
        var total = 0.0
        for row in 0..<a.rows {
            var squared = 0.0
            for column in 0..<a.columns {
                let difference = Double(a[row, column]) - Double(b[row, column])
                squared += difference * difference
            }
            total += weights[row] * squared / Double(max(a.columns, 1))
        }
        return total
    }

    /// (1/N)·Σᵢ ‖aᵢ − bᵢ‖₂ over the rows of two equally shaped matrices.
    static func meanDistance(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Double {
        precondition(a.shape == b.shape, "action matrices differ in shape: \(a.shape) and \(b.shape)")
        guard a.rows > 0 else { return 0 }
        var total = 0.0
        for row in 0..<a.rows {
            var squared = 0.0
            for column in 0..<a.columns {
                let difference = Double(a[row, column]) - Double(b[row, column])
                squared += difference * difference
            }
            total += squared.squareRoot()
        }
        return total / Double(a.rows)
    }
}
