import DuetRandom

/// Noise added to a policy's action while collecting data, in the learner's normalised action space.
///
/// The learner adds the noise and then clips to [−1, 1], as Stable-Baselines3 does (`_sample_action`). The
/// Ornstein-Uhlenbeck state lives here and is reset at the end of every episode.
public enum ActionNoise: Sendable, Equatable {
    /// No noise.
    case none
    /// Independent N(0, σ²) on every dimension at every step (SB3's `NormalActionNoise`).
    case gaussian(standardDeviation: Double)
    /// Temporally correlated noise x ← x + θ(0 − x)dt + σ√dt·N(0, 1) (SB3's `OrnsteinUhlenbeckActionNoise`).
    case ornsteinUhlenbeck(OrnsteinUhlenbeckProcess)

    /// The action noise `configuration` describes for `actionDimension` dimensions (`none` for parameter noise,
    /// which perturbs the actor instead).
    public init(_ configuration: ExplorationNoiseConfiguration, actionDimension: Int) {
        switch configuration.kind {
        case .none, .parameter:
            self = .none
        case .gaussian:
            self = .gaussian(standardDeviation: configuration.scale)
        case .ornsteinUhlenbeck:
            self = .ornsteinUhlenbeck(OrnsteinUhlenbeckProcess(
                dimension: actionDimension, standardDeviation: configuration.scale,
                meanReversion: configuration.meanReversion, timeStep: configuration.timeStep))
        }
    }

    /// Adds the next noise sample to `action` (without clipping), drawing from `stream`.
    public mutating func add(to action: inout [Float], using stream: RandomStream) {
        switch self {
        case .none:
            return
        case .gaussian(let standardDeviation):
            for index in action.indices {
                action[index] += Float(stream.gaussian(standardDeviation: standardDeviation))
            }
        case .ornsteinUhlenbeck(var process):
            let sample = process.next(using: stream)
            precondition(sample.count == action.count, "Ornstein-Uhlenbeck noise has \(sample.count) dimensions, "
                            + "the action \(action.count)")
            for index in action.indices { action[index] += Float(sample[index]) }
            self = .ornsteinUhlenbeck(process)
        }
    }

    /// Starts a new episode: the Ornstein-Uhlenbeck process returns to x₀ = 0; other noises have no state.
    public mutating func reset() {
        if case .ornsteinUhlenbeck(var process) = self {
            process.reset()
            self = .ornsteinUhlenbeck(process)
        }
    }
}

extension Array where Element == Float {
    /// Clips every entry to [−1, 1], the learner's action box.
    mutating func clipToUnitBox() {
        for index in indices { self[index] = Swift.min(Swift.max(self[index], -1), 1) }
    }
}
