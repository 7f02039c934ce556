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
    /// The off-policy learners' normalisation, with its precomputed scales.
    private var normalization: ObservationNormalization?

    /// A policy from its parts.
    /// - Precondition: the head fits the network's outputs; the statistics fit its inputs.
    public init(algorithm: Algorithm, network: MLP<Float>, head: Head,
                observationStatistics: RunningMeanStandardDeviation?, observationScaling: ObservationScaling) {
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

    /// Whether ``sampledAction(for:using:)`` can draw from the policy: SAC and PPO without gSDE (gSDE's
    /// exploration matrix is part of the training state, not of the policy; DDPG and TD3 are deterministic).
    public var canSample: Bool {
        switch head {
        case .tanhActor: return false
        case let .squashedGaussian(_, stateDependent): return !stateDependent
        case let .gaussian(_, _, logDeviation): return logDeviation != nil
        }
    }

    /// An action drawn from the stochastic policy, in [−1, 1]ᵈ, with one Gaussian draw ε_k from `stream` per
    /// component: SAC tanh(μ + exp(clamp(ℓ_raw, −20, 2))·ε); PPO clip((μ + exp(log σ)·ε − c)/h, −1, 1), as the
    /// trainer clips PPO's actions. `nil` when the policy cannot be sampled (``canSample``).
    public func sampledAction(for observation: [Float], using stream: RandomStream) -> [Float]? {
        guard canSample else { return nil }
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
    /// The policy network with its squashed-Gaussian head (the mean clip under gSDE).
    public var savedPolicy: SavedPolicy {
        SavedPolicy(algorithm: .sac, network: actor.network,
                    head: .squashedGaussian(meanClip: actor.meanClip,
                                            stateDependent: actor.usesStateDependentExploration),
                    observationStatistics: observationStatistics, observationScaling: .reciprocal)
    }
}

extension PPO: PolicyExporting {
    /// The policy network μ(s) in raw units with the box's centre and half-range, log σ (without gSDE) and the
    /// `VecNormalize` observation statistics.
    public var savedPolicy: SavedPolicy {
        let logDeviation = parameters.logDeviation.values
        let isStateIndependent = !configuration.stateDependentExploration && logDeviation.rows == 1
        return SavedPolicy(algorithm: .ppo, network: parameters.policy,
                           head: .gaussian(center: actionCenter, halfRange: actionHalfRange,
                                           logStandardDeviation: isStateIndependent ? logDeviation.row(0) : nil),
                           observationStatistics: observationStatistics, observationScaling: .division)
    }
}
