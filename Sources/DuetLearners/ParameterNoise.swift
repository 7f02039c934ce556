import DuetNumerics
import DuetRandom

/// Adaptive parameter-space noise (Plappert et al., "Parameter Space Noise for Exploration", ICLR 2018), as the
/// reference DDPG uses it (OpenAI baselines' `AdaptiveParamNoiseSpec` and `ddpg_learner.py`).
///
/// Exploration acts with a perturbed copy μ̃ of the actor μ: every dense weight and bias gets independent
/// N(0, σ²) noise, the layer-norm gains and biases are copied unchanged. The copy is drawn again from the
/// current actor when an episode ends, so one episode is played with one consistent perturbation.
///
/// σ adapts so that the perturbation moves actions by about δ: every ``adaptationInterval`` learner updates, a
/// second, independent perturbation μ̂ of the current actor is drawn with the current σ and the distance
/// d = √mean((μ(s) − μ̂(s))²) over a batch of states is measured; then σ ← σ/α if d > δ, else σ ← σ·α.
public struct ParameterNoise: Sendable, Equatable {
    /// The current standard deviation of the weight perturbation. Denoted σ.
    public private(set) var standardDeviation: Double
    /// The action distance the adaptation aims for. Denoted δ.
    public let desiredActionDeviation: Double
    /// The factor σ is divided or multiplied by at each adaptation. Denoted α (1.01).
    public let adaptationFactor: Double
    /// Learner updates between two adaptations.
    public let adaptationInterval: Int
    /// The perturbed actor μ̃ used for exploration, or `nil` before the first perturbation.
    public private(set) var perturbedActor: MLP<Float>?
    /// The distance d measured by the last adaptation, if any.
    public private(set) var lastDistance: Double?

    /// Parameter noise with initial σ, target δ, factor α, adapting every `adaptationInterval` updates.
    /// - Precondition: σ > 0, δ > 0, α ≥ 1, interval ≥ 1.
    public init(standardDeviation: Double, desiredActionDeviation: Double, adaptationFactor: Double = 1.01,
                adaptationInterval: Int = 50) {
        precondition(standardDeviation > 0 && desiredActionDeviation > 0 && adaptationFactor >= 1
                        && adaptationInterval >= 1, "parameter noise needs σ > 0, δ > 0, α ≥ 1 and an interval ≥ 1")
        self.standardDeviation = standardDeviation
        self.desiredActionDeviation = desiredActionDeviation
        self.adaptationFactor = adaptationFactor
        self.adaptationInterval = adaptationInterval
    }

    /// The parameter noise `configuration` describes (which must be of kind `parameter`).
    public init(_ configuration: ExplorationNoiseConfiguration) {
        self.init(standardDeviation: configuration.scale,
                  desiredActionDeviation: configuration.resolvedDesiredActionDeviation,
                  adaptationFactor: configuration.adaptationFactor,
                  adaptationInterval: configuration.adaptationInterval)
    }

    /// Draws a new exploration actor μ̃ from `actor` with the current σ (at the end of each episode).
    public mutating func perturb(_ actor: MLP<Float>, using stream: RandomStream) {
        var copy = perturbedActor ?? actor
        perturbedActor = nil  // keeps the copy's storage unique while it is rewritten
        Self.perturb(actor, into: &copy, standardDeviation: standardDeviation, using: stream)
        perturbedActor = copy
    }

    /// Sets the adapted state, as a checkpoint stored it.
    mutating func restore(standardDeviation: Double, lastDistance: Double?, perturbedActor: MLP<Float>?) {
        self.standardDeviation = standardDeviation
        self.lastDistance = lastDistance
        self.perturbedActor = perturbedActor
    }

    /// The adaptation rule alone: σ ← σ/α if `distance` > δ, else σ ← σ·α.
    public mutating func adapt(toDistance distance: Double) {
        lastDistance = distance
        if distance > desiredActionDeviation {
            standardDeviation /= adaptationFactor
        } else {
            standardDeviation *= adaptationFactor
        }
    }

    /// Measures how far a fresh perturbation of `actor` with the current σ moves its actions on `observations`
    /// (as the actor sees them, normalised if the learner normalises) and adapts σ; returns the distance d.
    @discardableResult
    public mutating func adapt(actor: MLP<Float>, observations: Matrix<Float>, using stream: RandomStream) -> Double {
        var probe = actor
        Self.perturb(actor, into: &probe, standardDeviation: standardDeviation, using: stream)
        let distance = Self.distance(between: actor, and: probe, on: observations)
        adapt(toDistance: distance)
        return distance
    }

    /// Writes `actor` with N(0, σ²) added to every dense weight and bias into `perturbed` (same layout; the
    /// layer-norm parameters are copied). Draws layer by layer, weight before bias, row-major.
    public static func perturb(_ actor: MLP<Float>, into perturbed: inout MLP<Float>, standardDeviation: Double,
                               using stream: RandomStream) {
        precondition(perturbed.hasSameLayout(as: actor), "the perturbed actor must have the actor's layout")
        for layer in actor.layers.indices {
            addNoise(from: actor.layers[layer].weight, into: &perturbed.layers[layer].weight,
                     standardDeviation: standardDeviation, using: stream)
            addNoise(from: actor.layers[layer].bias, into: &perturbed.layers[layer].bias,
                     standardDeviation: standardDeviation, using: stream)
        }
        perturbed.layerNorms = actor.layerNorms
    }

    /// d = √mean((μ(s) − μ̂(s))²) over every state and action dimension of the batch.
    public static func distance(between actor: MLP<Float>, and other: MLP<Float>, on observations: Matrix<Float>)
        -> Double {
        let (actions, _) = actor.forward(observations)
        let (otherActions, _) = other.forward(observations)
        var total = 0.0
        actions.withUnsafeBufferPointer { a in
            otherActions.withUnsafeBufferPointer { b in
                for index in a.indices {
                    let difference = Double(a[index]) - Double(b[index])
                    total += difference * difference
                }
            }
        }
        return (total / Double(max(actions.count, 1))).squareRoot()
    }

    /// `target ← source + N(0, σ²)` element by element.
    private static func addNoise(from source: Matrix<Float>, into target: inout Matrix<Float>,
                                 standardDeviation: Double, using stream: RandomStream) {
        source.withUnsafeBufferPointer { from in
            target.withUnsafeMutableBufferPointer { to in
                for index in from.indices {
                    to[index] = from[index] + Float(stream.gaussian(standardDeviation: standardDeviation))
                }
            }
        }
    }
}
