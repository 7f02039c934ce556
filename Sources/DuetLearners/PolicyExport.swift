// A trained policy on its own: the actor network and exactly what the learner does around it to act (observation
// normalisation before, the squashing, unit conversion and clipping after), without critics, optimisers or
// buffers. A policy taken from a learner acts bit for bit as the learner's `deterministicAction(for:)`: it runs
// the same operations in the same order on the same numbers.
import DuetNumerics
import DuetRandom

/// A learner's acting policy as a small self-contained value, for keeping, evaluating and watching trained
/// policies (issue 15). Actions are in the learner's [−1, 1]ᵈ units, as ``Learner/deterministicAction(for:)``.
public struct SavedPolicy: Sendable, Equatable {
    /// The algorithm the policy was trained with.
    public enum Algorithm: Int, Sendable, CaseIterable {
        /// DDPG's deterministic tanh actor.
        case ddpg = 1
        /// TD3's deterministic tanh actor.
        case td3 = 2
        /// SAC's squashed Gaussian.
        case sac = 3
        /// PPO's Gaussian.
        case ppo = 4

        /// The lower-case name used in configurations (`ddpg`, `td3`, `sac`, `ppo`).
        public var name: String {
            switch self {
            case .ddpg: return "ddpg"
            case .td3: return "td3"
            case .sac: return "sac"
            case .ppo: return "ppo"
            }
        }
    }

    /// What turns the network's output into an action.
    public enum Head: Sendable, Equatable {
        /// μ(s) is the network's output (its last layer already applies tanh): DDPG and TD3.
        case tanhActor
        /// tanh(clip(μ(s))) of the first dim(A) outputs (SAC). Without gSDE the network also outputs the raw log
        /// standard deviations ℓ_raw (columns dim(A) ..< 2·dim(A)); under gSDE it outputs μ alone and
        /// `meanClip` is its clip c (`nil` for none).
        case squashedGaussian(meanClip: Float?, stateDependent: Bool)
        /// clip((μ(s) − c)/h, −1, 1) with the action box's centre c and half-range h (PPO's raw-unit mean);
        /// `logStandardDeviation` is the state-independent log σ, `nil` under gSDE.
        case gaussian(center: [Float], halfRange: [Float], logStandardDeviation: [Float]?)
    }

    /// How observations are normalised by ``observationStatistics``, as each learner does it.
    public enum ObservationScaling: Int, Sendable, CaseIterable {
        /// (x − μ)·s with s = 1/√(σ² + 10⁻⁸) computed once, clipped (DDPG, TD3, SAC).
        case reciprocal = 1
        /// (x − μ)/√(σ² + 10⁻⁸), clipped (PPO's `VecNormalize`).
        case division = 2
    }

    /// The algorithm.
    public var algorithm: Algorithm
    /// The actor network f(s).
    public var network: MLP<Float>
    /// What turns f(s) into an action.
    public var head: Head
    /// The running observation statistics the learner normalised with, or `nil` for raw observations.
    public var observationStatistics: RunningMeanStandardDeviation?
    /// How the statistics are applied.
    public var observationScaling: ObservationScaling
    /// gSDE's learned log σ_W (`H × dim(A)`), the log standard deviations of the exploration matrix's entries,
    /// where H is the width of the features h(s) the noise acts on: the output of the network's last hidden layer
    /// (after its activation and layer norm), or the network's input when it has no hidden layer. `nil` without
    /// gSDE, and for a gSDE policy from a file written before Duet kept it (that policy cannot be sampled).
    public var explorationLogStandardDeviation: Matrix<Float>?
    /// The off-policy learners' normalisation, with its precomputed scales.
    private var normalization: ObservationNormalization?

    /// A policy from its parts; `explorationLogStandardDeviation` is gSDE's log σ_W (`nil` without gSDE, or when
    /// it is not known).
    /// - Precondition: the head fits the network's outputs; the statistics fit its inputs; log σ_W is
    ///   `H × dim(A)` for a gSDE head and absent otherwise.
    public init(algorithm: Algorithm, network: MLP<Float>, head: Head,
                observationStatistics: RunningMeanStandardDeviation?, observationScaling: ObservationScaling,
                explorationLogStandardDeviation: Matrix<Float>? = nil) {
        if let observationStatistics {
            precondition(observationStatistics.mean.count == network.inputCount,
                         "observation statistics of \(observationStatistics.mean.count) values, network of \(network.inputCount) inputs")
        }
        switch head {
        case .tanhActor: break
        case let .squashedGaussian(_, stateDependent):
            precondition(stateDependent || network.outputCount % 2 == 0, "a squashed Gaussian outputs [μ, ℓ_raw]")
        case let .gaussian(center, halfRange, logDeviation):
            precondition(center.count == network.outputCount && halfRange.count == network.outputCount
                            && (logDeviation?.count ?? network.outputCount) == network.outputCount,
                         "a Gaussian head needs one centre, half-range and log σ per output")
        }
        self.algorithm = algorithm
        self.network = network
        self.head = head
        if let explorationLogStandardDeviation {
            precondition(head.isStateDependent, "log σ_W is gSDE's; this head has no state-dependent noise")
            let featureWidth = network.widths[network.widths.count - 2]
            let actions = network.outputCount
            precondition(explorationLogStandardDeviation.rows == featureWidth
                            && explorationLogStandardDeviation.columns == actions,
                         "gSDE's log σ_W must be \(featureWidth)×\(actions), not \(explorationLogStandardDeviation.shape)")
        }
        self.explorationLogStandardDeviation = explorationLogStandardDeviation
        self.observationStatistics = observationStatistics
        self.observationScaling = observationScaling
        normalization = observationScaling == .reciprocal
            ? observationStatistics.map { ObservationNormalization(statistics: $0) } : nil
    }

    /// dim(S).
    public var observationDimension: Int { network.inputCount }

    /// dim(A).
    public var actionDimension: Int {
        if case let .squashedGaussian(_, stateDependent) = head, !stateDependent { return network.outputCount / 2 }
        return network.outputCount
    }

    /// The network input for a raw observation.
    public func networkInput(for observation: [Float]) -> [Float] {
        guard let observationStatistics else { return observation }
        switch observationScaling {
        case .reciprocal: return normalization?.prepare(observation) ?? observation
        case .division: return observationStatistics.normalize(observation)
        }
    }

    /// The deterministic action in [−1, 1]ᵈ: the learner's `deterministicAction(for:)`, bit for bit.
    /// - Precondition: `observation.count == observationDimension`.
    public func action(for observation: [Float]) -> [Float] {
        var buffers = MLP<Float>.InferenceBuffers()
        let output = network.output(for: networkInput(for: observation), buffers: &buffers)
        switch head {
        case .tanhActor:
            return output
        case let .squashedGaussian(meanClip, _):
            return (0..<actionDimension).map { k in
                let mean = meanClip.map { min(max(output[k], -$0), $0) } ?? output[k]
                return Float.hyperbolicTangent(mean)
            }
        case let .gaussian(center, halfRange, _):
            return output.indices.map { k in min(max((output[k] - center[k]) / halfRange[k], -1), 1) }
        }
    }

    /// Whether the policy explores with gSDE's state-dependent noise (SAC or PPO with
    /// `stateDependentExploration`).
    public var usesStateDependentExploration: Bool { head.isStateDependent }

    /// Whether actions can be drawn from the policy (``sampledAction(for:using:)`` or, under gSDE,
    /// ``stateDependentAction(for:explorationMatrix:)``): SAC and PPO, under gSDE only when the policy has its
    /// ``explorationLogStandardDeviation`` (files written before Duet kept it do not); never DDPG or TD3, whose
    /// policies are deterministic.
    public var canSample: Bool {
        switch head {
        case .tanhActor: return false
        case .squashedGaussian, .gaussian:
            return !head.isStateDependent || explorationLogStandardDeviation != nil
        }
    }

    /// An action drawn from the stochastic policy without gSDE, in [−1, 1]ᵈ, with one Gaussian draw ε_k from
    /// `stream` per component: SAC tanh(μ + exp(clamp(ℓ_raw, −20, 2))·ε); PPO clip((μ + exp(log σ)·ε − c)/h, −1, 1),
    /// as the trainer clips PPO's actions. `nil` for a deterministic policy and under gSDE, whose noise is held
    /// in an exploration matrix (``stateDependentAction(for:explorationMatrix:)``).
    public func sampledAction(for observation: [Float], using stream: RandomStream) -> [Float]? {
        guard canSample, !head.isStateDependent else { return nil }
        var buffers = MLP<Float>.InferenceBuffers()
        let output = network.output(for: networkInput(for: observation), buffers: &buffers)
        switch head {
        case .squashedGaussian:
            let dimension = actionDimension
            return (0..<dimension).map { k in
                let logDeviation = min(max(Double(output[dimension + k]), SquashedGaussian.minimumLogStandardDeviation),
                                       SquashedGaussian.maximumLogStandardDeviation)
                return Float.hyperbolicTangent(Float(Double(output[k])
                                                     + Double.exponential(logDeviation) * stream.gaussian()))
            }
        case let .gaussian(center, halfRange, logDeviation?):
            return output.indices.map { k in
                let raw = Float(Double(output[k]) + Double.exponential(Double(logDeviation[k])) * stream.gaussian())
                return min(max((raw - center[k]) / halfRange[k], -1), 1)
            }
        default:
            return nil
        }
    }

    /// gSDE: a fresh exploration matrix W = exp(log σ_W) ⊙ E (`H × dim(A)`), E's entries standard-normal draws
    /// from `stream` in row-major order (as PPO draws its matrices), each W_hk = Float(exp(log σ_hk)·e_hk)
    /// computed in Double. `nil` when the policy has no log σ_W.
    public func explorationMatrix(using stream: RandomStream) -> Matrix<Float>? {
        guard let logDeviation = explorationLogStandardDeviation else { return nil }
        return Matrix(rows: logDeviation.rows, columns: logDeviation.columns) { h, k in
            Float(Double.exponential(Double(logDeviation[h, k])) * stream.gaussian())
        }
    }

    /// gSDE: the exploration action for one observation and a held exploration matrix W (`H × dim(A)`, from
    /// ``explorationMatrix(using:)``), in [−1, 1]ᵈ, with the noise n = h(s)·W on the features h(s) (see
    /// ``explorationLogStandardDeviation``), as the learners explore: SAC tanh(clip(μ(s)) + n), PPO
    /// clip((μ(s) + n − c)/h, −1, 1). The network runs through its batch path, as the learners' acting does.
    /// Over draws of W, μ + n is Gaussian with mean μ(s) and variance Σ_h h_h²·exp(2·log σ_hk) per action k.
    /// - Precondition: the policy uses gSDE and W is `H × dim(A)`.
    public func stateDependentAction(for observation: [Float], explorationMatrix: Matrix<Float>) -> [Float] {
        precondition(head.isStateDependent, "state-dependent actions need a gSDE policy")
        let input = networkInput(for: observation)
        var cache = MLP<Float>.Cache()
        network.forward(Matrix(rows: 1, columns: input.count, scalars: input), cache: &cache)
        let output = cache.output
        let latent = cache.lastHiddenActivation
        precondition(explorationMatrix.rows == latent.columns && explorationMatrix.columns == output.columns,
                     "gSDE: W is \(explorationMatrix.shape), the policy needs \(latent.columns)×\(output.columns)")
        return (0..<output.columns).map { k in
            var noise: Float = 0
            for h in 0..<latent.columns { noise += latent[0, h] * explorationMatrix[h, k] }
            switch head {
            case let .squashedGaussian(meanClip, _):
                let mean = meanClip.map { min(max(output[0, k], -$0), $0) } ?? output[0, k]
                return Float.hyperbolicTangent(mean + noise)
            case let .gaussian(center, halfRange, _):
                return min(max((output[0, k] + noise - center[k]) / halfRange[k], -1), 1)
            case .tanhActor:
                preconditionFailure("a tanh actor has no state-dependent noise")
            }
        }
    }
}

extension SavedPolicy.Head {
    /// Whether the head explores with gSDE (SAC's `stateDependent`, PPO's Gaussian without a log σ row).
    public var isStateDependent: Bool {
        switch self {
        case .tanhActor: return false
        case let .squashedGaussian(_, stateDependent): return stateDependent
        case let .gaussian(_, _, logDeviation): return logDeviation == nil
        }
    }
}

/// A learner whose acting policy can be taken out as a ``SavedPolicy``.
public protocol PolicyExporting {
    /// The acting policy as it is now.
    var savedPolicy: SavedPolicy { get }
}

extension DDPG: PolicyExporting {
    /// The actor μ(s) with the learner's observation statistics.
    public var savedPolicy: SavedPolicy {
        SavedPolicy(algorithm: .ddpg, network: actor, head: .tanhActor, observationStatistics: observationStatistics,
                    observationScaling: .reciprocal)
    }
}

extension TD3: PolicyExporting {
    /// The actor μ(s) with the learner's observation statistics.
    public var savedPolicy: SavedPolicy {
        SavedPolicy(algorithm: .td3, network: actor, head: .tanhActor, observationStatistics: observationStatistics,
                    observationScaling: .reciprocal)
    }
}

extension SAC: PolicyExporting {
    /// The policy network with its squashed-Gaussian head (the mean clip and log σ_W under gSDE).
    public var savedPolicy: SavedPolicy {
        SavedPolicy(algorithm: .sac, network: actor.network,
                    head: .squashedGaussian(meanClip: actor.meanClip,
                                            stateDependent: actor.usesStateDependentExploration),
                    observationStatistics: observationStatistics, observationScaling: .reciprocal,
                    explorationLogStandardDeviation: actor.usesStateDependentExploration
                        ? actor.explorationLogStandardDeviation : nil)
    }
}

extension PPO: PolicyExporting {
    /// The policy network μ(s) in raw units with the box's centre and half-range, log σ (without gSDE) or gSDE's
    /// log σ_W, and the `VecNormalize` observation statistics.
    public var savedPolicy: SavedPolicy {
        let logDeviation = parameters.logDeviation.values
        let isStateIndependent = !configuration.stateDependentExploration && logDeviation.rows == 1
        return SavedPolicy(algorithm: .ppo, network: parameters.policy,
                           head: .gaussian(center: actionCenter, halfRange: actionHalfRange,
                                           logStandardDeviation: isStateIndependent ? logDeviation.row(0) : nil),
                           observationStatistics: observationStatistics, observationScaling: .division,
                           explorationLogStandardDeviation: isStateIndependent ? nil : logDeviation)
    }
}
