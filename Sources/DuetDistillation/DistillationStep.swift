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
    /// Mean Euclidean distance between the learner's actions and the targets on the batch,
    /// (1/N)·Σᵢ ‖π(sᵢ) − ãᵢ‖₂, before the step (the paper's Fig. 3 tracks this distance).
    public var actionDistance: Double
}

/// What the value estimate said about a distillation batch: the mean of each side of ξ = Ṽ − V and the
/// quartiles of ξ (unscaled), so that a reader can tell two critics' biases from two policies' gap.
public struct DisadvantageEstimates: Sendable, Equatable {
    /// (1/N)·Σᵢ V(sᵢ), the learner's side (the estimate's own value: Q(s, π(s)), Q(s, ã) for `peer-action`,
    /// the minimum over critics for `min-critics`).
    public var ownValueMean: Double
    /// (1/N)·Σᵢ Ṽ(sᵢ), the peer's side (for `own-critic`, the learner's critic at the target).
    public var peerValueMean: Double
    /// The 25th, 50th and 75th percentiles of ξ (linear interpolation between order statistics, NumPy's
    /// default).
    public var disadvantageQuartiles: [Double]

    /// The summary of a batch's two sides of ξ and of ξ itself.
    public init(ownValues: [Float], peerValues: [Float], disadvantages: [Double]) {
        let count = Double(max(ownValues.count, 1))
        ownValueMean = ownValues.reduce(0.0) { $0 + Double($1) } / count
        peerValueMean = peerValues.reduce(0.0) { $0 + Double($1) } / count
        let sorted = disadvantages.sorted()
        disadvantageQuartiles = [0.25, 0.5, 0.75].map { Self.percentile(sorted, $0) }
    }

    /// The q-quantile of ascending `sorted` by linear interpolation (NumPy's `linear` method); NaN when empty.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}

/// One peer as a learner's distillation sees it: its index, its policy and values, and where its states are.
public struct DistillationPeer {
    /// The peer's index j among the k learners.
    public var index: Int
    /// The peer's policy and values (read only).
    public var learner: any Distillable
    /// The peer's states: its replay buffer, or its recent rollout observations.
    public var states: any DistillationStateSource

    /// A peer from its parts.
    public init(index: Int, learner: any Distillable, states: any DistillationStateSource) {
        self.index = index
        self.learner = learner
        self.states = states
    }
}

/// A distillation step whose inputs have been computed but not yet applied: the states, the peers' target
/// actions ã = π̃(s) and the weights w from ξ.
///
/// Preparing reads the learner and its peers and changes none of them; applying changes only the learner. The
/// trainer prepares every learner's step before applying any, so each distils from a consistent snapshot of the
/// others, whatever the threads' timing.
public struct PreparedDistillation: Sendable {
    /// Distillation states sᵢ, drawn from the peers' state sources, `N × observationDimension`.
    public var states: Matrix<Float>
    /// Target actions ãᵢ = π̃(sᵢ), `N × actionDimension`; constants for the step (no gradient).
    public var targets: Matrix<Float>
    /// Weights and their statistics; constants for the step (no gradient).
    public var weights: DistillationWeights
    /// Mean distance between π(sᵢ) and ãᵢ.
    public var actionDistance: Double
    /// The weighted loss Σᵢ wᵢ·meanₖ(π(sᵢ)ₖ − ãᵢₖ)² at the current parameters.
    public var loss: Double
    /// The learner's side of ξ per state (V(sᵢ) as the value estimate gives it).
    public var ownValues: [Float]
    /// The peer's side of ξ per state (Ṽ(sᵢ)).
    public var peerValues: [Float]
    /// ξᵢ = Ṽ(sᵢ) − V(sᵢ), unscaled.
    public var disadvantages: [Double]
    /// The objective of the step when it is not action matching (relations, layer relations, the Gaussian KL),
    /// with the peers' side as constants; `nil` for action matching against ``targets``.
    public var objective: FamilyObjective?
    /// The learner's own policy pass π(sᵢ) from preparing, which applying takes instead of running it again
    /// (the learner checks that it is still its policy's; `nil` where the learner keeps none).
    var ownForward: PolicyForward?

    /// What the value estimate said about the batch (both sides of ξ, ξ's quartiles), computed when asked: only
    /// the diagnostic batch of each interval needs it, not every step.
    public var estimates: DisadvantageEstimates {
        DisadvantageEstimates(ownValues: ownValues, peerValues: peerValues, disadvantages: disadvantages)
    }

    /// Draws the batch and computes targets and weights for `learner` distilling from `peers` (the sources that
    /// ``PeerSelection/sources(for:peerCount:)`` names, in index order) under `selection`.
    ///
    /// Each peer j with states contributes `configuration.batchSize` states from its source, drawn in peer order
    /// with `stream`. The targets are the peers' means, or with `target: sample` draws from their policies (also
    /// from `stream`, after the states). ξᵢ = Ṽ(sᵢ) − V(sᵢ) by ``DistillationConfiguration/valueEstimate``:
    /// - `own-action` (the paper): each learner's value at its own action, Q̃(sᵢ, π̃(sᵢ)) − Q(sᵢ, π(sᵢ)) (for PPO,
    ///   the two value networks);
    /// - `peer-action` (the reference DDPG): Q̃(sᵢ, π̃(sᵢ)) − Q(sᵢ, ãᵢ), the learner's critic at the target;
    /// - `own-critic`: Q(sᵢ, ãᵢ) − Q(sᵢ, π(sᵢ)), the learner's critic for both;
    /// - `min-critics`: minⱼ Q̃ⱼ(sᵢ, π̃(sᵢ)) − minⱼ Qⱼ(sᵢ, π(sᵢ)).
    /// With `xiScale: standardize` the weights see ξᵢ/σ(ξ) (the logged ξ statistics stay unscaled).
    /// With one peer every selection is the same step. With several: `best` takes, per state, the target and
    /// value of the peer whose value (by the estimate) is highest there (ties to the lower index) and normalises
    /// the weights over the whole batch; `all` keeps each peer's targets on its own states and normalises within
    /// each peer's part, so the loss is the sum of the peers' weighted terms; `ring` passes one peer.
    /// - Returns: `nil` when no peer has states yet (the first learner's first turn in the `alternate`
    ///   schedule): there is nothing to distil.
    /// - Precondition: for the estimates other than `own-action`, the learner and its peers have action values
    ///   (configuration validation checks it).
    public static func prepare(learner: some Distillable, peers: [DistillationPeer], selection: PeerSelection,
                               configuration: DistillationConfiguration, using stream: RandomStream)
        -> PreparedDistillation?
    {
        let sources = peers.filter { $0.states.stateCount > 0 }
        guard !sources.isEmpty else { return nil }
        // States: one batch from each peer, in peer order.
        var parts: [Matrix<Float>] = []
        for peer in sources {
            var part = Matrix<Float>()
            peer.states.sampleStates(count: configuration.batchSize, mostRecent: configuration.window,
                                     using: stream, into: &part)
            parts.append(part)
        }
        let states = parts.count == 1 ? parts[0] : Matrix.stackingRows(parts)
        let own = learner.policyEvaluation(for: states)
        let estimate = configuration.valueEstimate

        /// Peer `peer`'s targets on `part` and its side of ξ there.
        func targetsAndValues(of peer: DistillationPeer, on part: Matrix<Float>) -> (Matrix<Float>, [Float]) {
            let evaluation = peer.learner.policyEvaluation(for: part)
            let targets = configuration.target == .sample ? sample(peer.learner, on: part, using: stream)
                : evaluation.actions
            switch estimate {
            case .ownAction, .peerAction:
                return (targets, evaluation.values)
            case .ownCritic:
                return (targets, required(learner.actionValues(for: part, actions: targets)))
            case .minCritics:
                return (targets, required(peer.learner.minimumActionValues(for: part, actions: evaluation.actions)))
            }
        }

        // Targets and the peers' values: per state from the chosen peer.
        var targets: Matrix<Float>
        let peerValues: [Float]
        var sourceOfRow: [Int]  // the source each row's target comes from
        if sources.count == 1 || selection != .best {
            let pairs = zip(sources, parts).map { targetsAndValues(of: $0, on: $1) }
            targets = pairs.count == 1 ? pairs[0].0 : Matrix.stackingRows(pairs.map(\.0))
            peerValues = pairs.flatMap(\.1)
            sourceOfRow = parts.indices.flatMap { part in [Int](repeating: part, count: parts[part].rows) }
        } else {
            let candidates = sources.map { targetsAndValues(of: $0, on: states) }
            var chosen = Matrix<Float>(rows: states.rows, columns: candidates[0].0.columns)
            var values = [Float](repeating: 0, count: states.rows)
            sourceOfRow = [Int](repeating: 0, count: states.rows)
            for row in 0..<states.rows {
                var best = 0
                for candidate in 1..<candidates.count where candidates[candidate].1[row] > candidates[best].1[row] {
                    best = candidate
                }
                values[row] = candidates[best].1[row]
                sourceOfRow[row] = best
                for column in 0..<chosen.columns { chosen[row, column] = candidates[best].0[row, column] }
            }
            targets = chosen
            peerValues = values
        }

        let ownValues: [Float]
        switch estimate {
        case .ownAction, .ownCritic: ownValues = own.values
        case .peerAction: ownValues = required(learner.actionValues(for: states, actions: targets))
        case .minCritics: ownValues = required(learner.minimumActionValues(for: states, actions: own.actions))
        }
        let disadvantages = zip(peerValues, ownValues).map { Double($0) - Double($1) }
        let scaled = configuration.xiScale == .standardize ? standardized(disadvantages) : disadvantages
        var weights: DistillationWeights
        if selection == .all && sources.count > 1 {
            let size = configuration.batchSize
            weights = DistillationWeights(concatenating: (0..<sources.count).map { part in
                DistillationWeights(disadvantages: Array(scaled[(part * size)..<((part + 1) * size)]),
                                    weighting: configuration.weighting, alpha: configuration.alpha,
                                    clip: configuration.clipRange, normalize: configuration.normalizeWeights)
            })
        } else {
            weights = DistillationWeights(disadvantages: scaled, weighting: configuration.weighting,
                                          alpha: configuration.alpha, clip: configuration.clipRange,
                                          normalize: configuration.normalizeWeights)
        }
        if configuration.xiScale == .standardize {
            weights.meanDisadvantage = disadvantages.reduce(0, +) / Double(max(disadvantages.count, 1))
        }
        let actionDistance = meanDistance(own.actions, targets)
        var objective: FamilyObjective?
        let loss: Double
        if configuration.objective == .actions {
            if let a = configuration.smoothing {
                let amounts = InstanceSmoothing.amounts(disadvantages: disadvantages, a: a, using: stream)
                targets = InstanceSmoothing.smoothed(targets: targets, own: own.actions, amounts: amounts)
            }
            loss = weightedLoss(own.actions, targets, weights: weights.weights)
        } else {
            // Each source covers its own part of the batch, or (best of several) the whole batch.
            let coverage: [Range<Int>] = sources.count > 1 && selection == .best
                ? sources.map { _ in 0..<states.rows }
                : parts.indices.map { part in
                    let start = parts[..<part].reduce(0) { $0 + $1.rows }
                    return start..<(start + parts[part].rows)
                }
            let readouts = zip(sources, coverage).map { source, rows in
                source.learner.policyReadout(for: states.rows(rows))
            }
            let ownReadout = learner.policyReadout(for: states)
            let built = familyObjective(configuration: configuration, weights: weights.weights, chosen: sourceOfRow,
                                        coverage: coverage, peerReadouts: readouts, ownReadout: ownReadout)
            objective = built
            loss = built.evaluate(ownReadout).loss
        }
        return PreparedDistillation(
            states: states, targets: targets, weights: weights, actionDistance: actionDistance, loss: loss,
            ownValues: ownValues, peerValues: peerValues, disadvantages: disadvantages, objective: objective,
            ownForward: objective == nil ? own.forward : nil)
    }

    /// The family objective of `configuration` with the peers' side as constants: per row r, the peer is source
    /// `chosen[r]`, whose readout `peerReadouts[chosen[r]]` covers the rows `coverage[chosen[r]]`.
    static func familyObjective(configuration: DistillationConfiguration, weights: [Double], chosen: [Int],
                                coverage: [Range<Int>], peerReadouts: [PolicyReadout<Float>],
                                ownReadout: PolicyReadout<Float>) -> FamilyObjective {
        let settings = configuration.relations
        /// Row r of the chosen peer's matrix `part(readout)`.
        func peerRow<Value>(_ row: Int, _ part: (Int, PolicyReadout<Float>) -> Value) -> Value {
            let source = chosen[row]
            return part(row - coverage[source].lowerBound, peerReadouts[source])
        }
        switch configuration.objective {
        case .actions:
            preconditionFailure("action matching takes the targets, not a family objective")
        case .relations:
            precondition(Set(coverage).count == coverage.count,
                         "sample relations need one peer per part of the batch (configuration validation checks it)")
            let parts = zip(coverage, peerReadouts).map { rows, readout in
                let features = settings.features == .actions ? readout.actions : FamilyObjective.lastHidden(readout)
                return FamilyObjective.RelationPart(rows: rows, target: SampleRelations.matrices(of: features),
                                                    weights: Array(weights[rows]))
            }
            return .sampleRelations(parts: parts, features: settings.features, distanceWeight: settings.distance,
                                    angleWeight: settings.angle, penalty: settings.penalty)
        case .layerRelations:
            let width = settings.projectionWidth
            let peerCosines = peerReadouts.map { readout in
                LayerRelations.cosines(LayerRelations.project(readout.hidden, by: LayerRelations.projections(
                    for: readout.hidden.map(\.columns), commonWidth: width)))
            }
            let target = chosen.indices.map { row in peerRow(row) { offset, _ in peerCosines[chosen[row]][offset] } }
            return .layerRelations(
                projections: LayerRelations.projections(for: ownReadout.hidden.map(\.columns), commonWidth: width),
                target: target, weights: weights, penalty: settings.penalty)
        case .kl:
            let columns = ownReadout.actions.columns
            /// The chosen peer's Gaussian parameter `part` at each row.
            func gather(_ part: (GaussianReadout<Float>) -> Matrix<Float>) -> Matrix<Float> {
                Matrix(rows: chosen.count, columns: columns) { row, k in
                    peerRow(row) { offset, readout in
                        guard let gaussian = readout.gaussian else {
                            preconditionFailure("objective: kl needs peers with Gaussian policies")
                        }
                        return part(gaussian)[offset, k]
                    }
                }
            }
            let peer = GaussianReadout(means: gather(\.means), logDeviations: gather(\.logDeviations))
            return .gaussian(peer: peer, weights: weights, direction: configuration.klDirection)
        }
    }

    /// ξ / σ(ξ) with σ the population standard deviation; ξ unchanged when σ is 0 or not finite.
    static func standardized(_ disadvantages: [Double]) -> [Double] {
        let count = Double(max(disadvantages.count, 1))
        let mean = disadvantages.reduce(0, +) / count
        let variance = disadvantages.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        let deviation = variance.squareRoot()
        guard deviation > 0, deviation.isFinite else { return disadvantages }
        return disadvantages.map { $0 / deviation }
    }

    /// The action values an estimate needs.
    /// - Precondition: the learner has them (configuration validation checks it).
    private static func required(_ values: [Float]?) -> [Float] {
        guard let values else {
            preconditionFailure("this value estimate needs learners with critics of actions (off-policy learners)")
        }
        return values
    }

    /// Actions drawn from `peer`'s stochastic policy on `states` (`target: sample`), from `stream`.
    /// - Precondition: the peer's policy is stochastic (configuration validation checks it).
    private static func sample(_ peer: any Distillable, on states: Matrix<Float>, using stream: RandomStream)
        -> Matrix<Float> {
        guard let samples = peer.sampledActions(for: states, using: stream) else {
            preconditionFailure("target: sample needs peers with stochastic policies")
        }
        return samples
    }

    /// The two-peer step: `learner` distils from `peer`, whose states are `peerBuffer`.
    public static func prepare(learner: some Distillable, peer: some Distillable, peerBuffer: ReplayBuffer,
                               configuration: DistillationConfiguration, using stream: RandomStream)
        -> PreparedDistillation?
    {
        prepare(learner: learner, peers: [DistillationPeer(index: 1, learner: peer, states: peerBuffer)],
                selection: .best, configuration: configuration, using: stream)
    }

    /// The record of this batch without taking the step: the diagnostics a run with distillation switched off
    /// still logs, so both arms can be compared (action distance, fraction of disadvantageous states).
    public var diagnostics: DistillationRecord {
        DistillationRecord(loss: loss, weights: weights, actionDistance: actionDistance)
    }

    /// Takes the step on `learner` (one optimiser step on its policy) and returns the record.
    public func apply(to learner: inout some Distillable) -> DistillationRecord {
        let loss = if let objective {
            learner.distill(states: states, objective: objective)
        } else {
            learner.distill(states: states, targets: targets, weights: weights.weights.map { Float($0) },
                            reusing: ownForward)
        }
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

extension Matrix {
    /// The rows of `parts`, one after the other.
    /// - Precondition: every part has the same number of columns.
    static func stackingRows(_ parts: [Matrix]) -> Matrix {
        let columns = parts.first?.columns ?? 0
        precondition(parts.allSatisfy { $0.columns == columns }, "stacked matrices need equal widths")
        var scalars: [Scalar] = []
        for part in parts { scalars += part.scalars }
        return Matrix(rows: parts.reduce(0) { $0 + $1.rows }, columns: columns, scalars: scalars)
    }
}
