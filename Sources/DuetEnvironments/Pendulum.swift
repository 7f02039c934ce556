// Pendulum-v1: Gymnasium's `gymnasium/envs/classic_control/pendulum.py` (Gymnasium 1.x), ported exactly.
//
// ## Description
// A pendulum of mass m and length l hangs from a fixed pivot; a torque u at the pivot swings it up and holds it
// upright, its centre of mass above the pivot. θ is the angle from upright (counter-clockwise positive), θ̇ its
// angular velocity.
//
// ## Action space (1)
// | Num | Action      | Min  | Max |
// |-----|-------------|------|-----|
// | 0   | torque u    | −2.0 | 2.0 |
// Out-of-range actions are clipped to [−2, 2] before the dynamics, and the clipped u enters the reward.
//
// ## Observation space (3)
// | Num | Observation | Min  | Max |
// |-----|-------------|------|-----|
// | 0   | cos θ       | −1.0 | 1.0 |
// | 1   | sin θ       | −1.0 | 1.0 |
// | 2   | θ̇           | −8.0 | 8.0 |
//
// ## Dynamics (semi-implicit Euler, dt = 0.05)
// θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, −8, 8);  θ' = θ + θ̇'·dt.  θ is not wrapped.
//
// ## Reward
// r = −(norm(θ)² + 0.1·θ̇² + 0.001·u²) on the pre-step state, norm(x) = ((x + π) mod 2π) − π,
// in [−16.2736044, 0].
//
// ## Starting state
// θ ~ U[−π, π], θ̇ ~ U[−1, 1], drawn in that order.
//
// ## Episode end
// Never terminates; truncated at 200 steps (registration).
//
// ## Roundings (NumPy 2 with a float32 action, the action space's dtype)
// u stays float32 after clipping, so `3.0 / (m·l²) * u` and `0.001 * u**2` are float32 products (the Python
// constant is cast to float32 first, NEP 50) that are then widened to float64; everything else is float64.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DuetRandom

/// Gymnasium's Pendulum-v1: swing a pendulum up with a bounded torque and hold it upright.
///
/// State (θ, θ̇) in `Double`; observation (cos θ, sin θ, θ̇) in `Float`; action u ∈ [−2, 2].
/// See the file header and `envs/Pendulum-v1.md` for the full specification.
public struct Pendulum: Environment {
    /// Pendulum's constants, with Gymnasium's values as defaults.
    public struct Parameters: Sendable, Equatable {
        /// Gravitational acceleration, m/s². Denoted g; Gymnasium's `g=10.0` argument.
        public var gravity: Double = 10.0
        /// Mass of the pendulum, kg. Denoted m.
        public var mass: Double = 1.0
        /// Length of the pendulum, m. Denoted l.
        public var length: Double = 1.0
        /// Integration time step, s. Denoted dt.
        public var timeStep: Double = 0.05
        /// Bound on |θ̇|, rad/s (`max_speed`).
        public var maximumSpeed: Double = 8.0
        /// Bound on |u|, N·m (`max_torque`).
        public var maximumTorque: Double = 2.0

        /// Gymnasium's constants, or any of them changed.
        public init(gravity: Double = 10.0, mass: Double = 1.0, length: Double = 1.0, timeStep: Double = 0.05,
                    maximumSpeed: Double = 8.0, maximumTorque: Double = 2.0) {
            self.gravity = gravity
            self.mass = mass
            self.length = length
            self.timeStep = timeStep
            self.maximumSpeed = maximumSpeed
            self.maximumTorque = maximumTorque
        }
    }

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "Pendulum",
        summary: "Swing a pendulum up with a bounded torque at its pivot and hold it upright.",
        observation: ["cos θ", "sin θ", "θ̇ (rad/s)"],
        action: ["torque u (N·m)"],
        state: ["θ (rad, 0 = upright, not wrapped)", "θ̇ (rad/s)"],
        reward: "−(norm(θ)² + 0.1·θ̇² + 0.001·u²) on the pre-step state, u clipped; in [−16.2736044, 0]",
        start: "θ ~ U[−π, π], θ̇ ~ U[−1, 1]",
        termination: "never terminates",
        reference: "Gymnasium 1.x gymnasium/envs/classic_control/pendulum.py (Pendulum-v1)")

    /// The constants this pendulum was made with.
    public let parameters: Parameters
    /// [−1, 1] × [−1, 1] × [−θ̇max, θ̇max].
    public let observationSpace: BoxSpace
    /// [−umax, umax].
    public let actionSpace: BoxSpace

    /// The angle from upright, rad, counter-clockwise positive. Denoted θ. Not wrapped.
    public private(set) var angle: Double = 0
    /// The angular velocity, rad/s. Denoted θ̇.
    public private(set) var angularVelocity: Double = 0
    /// sin θ, computed once per state for both the observation and the next step's dynamics.
    private var sine: Double = 0
    /// The observation of the current state, rewritten in place after every change of state.
    private var observationBuffer: [Float] = [1, 0, 0]

    // Constants folded once, as the Python expressions evaluate them.
    /// 3g/(2l), float64.
    private let gravityCoefficient: Double
    /// 3/(m l²) cast to float32: NumPy multiplies it with the float32 action in float32.
    private let torqueCoefficient: Float
    /// 0.001 cast to float32, for the same reason.
    private let controlCostWeight: Float

    /// A pendulum with the given constants, at rest upright until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        observationSpace = BoxSpace(symmetric: [1, 1, Float(parameters.maximumSpeed)])
        actionSpace = BoxSpace(symmetric: [Float(parameters.maximumTorque)])
        gravityCoefficient = 3 * parameters.gravity / (2 * parameters.length)
        torqueCoefficient = Float(3.0 / (parameters.mass * (parameters.length * parameters.length)))
        controlCostWeight = Float(0.001 as Double)
    }

    // MARK: Step

    /// One step of semi-implicit Euler; the reward is computed on the state before the step.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 1)
        let maximumTorque = Float(parameters.maximumTorque)
        let u = min(max(action[0], -maximumTorque), maximumTorque)  // np.clip, float32
        let θ = angle, θ̇ = angularVelocity
        let normalized = Pendulum.normalize(θ)
        let costs = normalized * normalized + 0.1 * (θ̇ * θ̇) + Double(controlCostWeight * (u * u))

        var newθ̇ = θ̇ + (gravityCoefficient * sine + Double(torqueCoefficient * u)) * parameters.timeStep
        newθ̇ = min(max(newθ̇, -parameters.maximumSpeed), parameters.maximumSpeed)  // np.clip
        setState(angle: θ + newθ̇ * parameters.timeStep, angularVelocity: newθ̇)
        return Transition(observation: observationBuffer, reward: -costs, isTerminal: false)
    }

    // MARK: Reset

    /// Draws θ ~ U[−π, π], then θ̇ ~ U[−1, 1].
    public mutating func reset(using random: RandomStream) -> [Float] {
        let θ = random.uniform(from: -Double.pi, to: Double.pi)
        let θ̇ = random.uniform(from: -1, to: 1)
        setState(angle: θ, angularVelocity: θ̇)
        return observationBuffer
    }

    // MARK: State and observation

    /// (θ, θ̇).
    public var state: [Double] { [angle, angularVelocity] }

    /// Sets (θ, θ̇); no clipping, as in Gymnasium.
    public mutating func setState(_ values: [Double]) throws {
        let values = try validatedState(values)
        setState(angle: values[0], angularVelocity: values[1])
    }

    /// (cos θ, sin θ, θ̇) rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    // MARK: Helpers

    /// Sets (θ, θ̇) and what is derived from them: sin θ and the observation (written in place when no
    /// earlier transition still holds it, so a stepping loop allocates nothing).
    @inline(__always)
    private mutating func setState(angle θ: Double, angularVelocity θ̇: Double) {
        angle = θ
        angularVelocity = θ̇
        sine = sin(θ)
        let cosine = cos(θ), sine = self.sine
        observationBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(cosine)
            buffer[1] = Float(sine)
            buffer[2] = Float(θ̇)
        }
    }

    /// Gymnasium's `angle_normalize`: ((x + π) mod 2π) − π with NumPy's floored modulo (`npy_divmod`: the
    /// C `fmod`, moved into [0, 2π) when its sign differs from the divisor's, and +0 when it is zero).
    @inline(__always)
    static func normalize(_ x: Double) -> Double {
        let period = 2 * Double.pi
        var remainder = fmod(x + Double.pi, period)
        if remainder == 0 {
            remainder = 0  // copysign(0, +2π)
        } else if remainder < 0 {
            remainder += period
        }
        return remainder - Double.pi
    }
}
