// CartPoleContinuous-v0: Gymnasium's CartPole-v1 (`gymnasium/envs/classic_control/cartpole.py`, Gymnasium 1.x)
// with a continuous force. Gymnasium has no continuous cart-pole; this is its discrete one with the action
// `{0, 1} ↦ ∓force_mag` replaced by F = force_mag·clip(a, −1, 1). Everything else is Gymnasium's.
//
// ## Description
// A pole is hinged on a cart that moves along a frictionless track; pushing the cart left and right keeps the
// pole balanced upright.
//
// ## Action space (1)
// | Num | Action                 | Min  | Max |
// |-----|------------------------|------|-----|
// | 0   | force a (F = 10·a, N)  | −1.0 | 1.0 |
// Out-of-range actions are clipped to [−1, 1] (in float32, then widened) before F = 10·a.
//
// ## Observation space (4), as Gymnasium's CartPole
// | Num | Observation  | Min                 | Max               |
// |-----|--------------|---------------------|-------------------|
// | 0   | x            | −4.8                | 4.8               |
// | 1   | ẋ            | −∞                  | ∞                 |
// | 2   | θ            | ≈ −0.418 rad (−24°) | ≈ 0.418 rad (24°) |
// | 3   | θ̇            | −∞                  | ∞                 |
//
// ## Dynamics
// ``CartPolePhysics``: Gymnasium's explicit Euler, τ = 0.02 s, g = 9.8, m_c = 1.0, m_p = 0.1, l = 0.5.
//
// ## Reward
// +1 for every step, the terminating step included (Gymnasium's default, `sutton_barto_reward=False`).
//
// ## Starting state
// x, ẋ, θ, θ̇ each ~ U[−0.05, 0.05], drawn in that order.
//
// ## Episode end
// Terminates when x < −2.4 or x > 2.4, or θ < −12° or θ > 12° (12·2π/360 rad); truncated at 500 steps.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DuetRandom

/// Gymnasium's cart-pole balancing task (CartPole-v1) with a continuous force F = 10·a, a ∈ [−1, 1].
///
/// State (x, ẋ, θ, θ̇) in `Double`; observation the same in `Float`. See the file header and
/// `envs/CartPoleContinuous-v0.md`.
public struct CartPoleContinuous: Environment {
    /// The cart-pole's constants, with Gymnasium's values as defaults.
    public struct Parameters: Sendable, Equatable {
        /// Masses, lengths, gravity and time step.
        public var physics = CartPolePhysics()
        /// Force for a = 1, N (`force_mag`).
        public var forceMagnitude: Double = 10.0
        /// The episode terminates when |x| exceeds this, m (`x_threshold`).
        public var positionThreshold: Double = 2.4
        /// The episode terminates when |θ| exceeds this, rad (`theta_threshold_radians`, 12°).
        public var angleThreshold: Double = 12 * 2 * Double.pi / 360
        /// Each reset component is drawn from U[−`startBound`, `startBound`].
        public var startBound: Double = 0.05

        /// Gymnasium's constants, or any of them changed.
        public init(physics: CartPolePhysics = CartPolePhysics(), forceMagnitude: Double = 10.0,
                    positionThreshold: Double = 2.4, angleThreshold: Double = 12 * 2 * Double.pi / 360,
                    startBound: Double = 0.05) {
            self.physics = physics
            self.forceMagnitude = forceMagnitude
            self.positionThreshold = positionThreshold
            self.angleThreshold = angleThreshold
            self.startBound = startBound
        }
    }

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "CartPoleContinuous",
        summary: "Balance a pole on a cart by pushing the cart with a continuous force F = 10·a.",
        observation: ["cart position x (m)", "cart velocity ẋ (m/s)", "pole angle θ (rad)", "pole velocity θ̇ (rad/s)"],
        action: ["force a (F = 10·a N)"],
        state: ["cart position x (m)", "cart velocity ẋ (m/s)", "pole angle θ (rad, 0 = upright)",
                "pole velocity θ̇ (rad/s)"],
        reward: "+1 every step, the terminating step included",
        start: "x, ẋ, θ, θ̇ each ~ U[−0.05, 0.05]",
        termination: "terminates when |x| > 2.4 or |θ| > 12°",
        reference: "Gymnasium 1.x gymnasium/envs/classic_control/cartpole.py (CartPole-v1) with F = 10·clip(a, −1, 1)")

    /// The constants this cart-pole was made with.
    public let parameters: Parameters
    /// [−4.8, 4.8] × ℝ × [−24°, 24°] × ℝ, as Gymnasium (twice the thresholds, so a failing state is inside).
    public let observationSpace: BoxSpace
    /// [−1, 1].
    public let actionSpace = BoxSpace(low: [-1], high: [1])

    /// The current state (x, ẋ, θ, θ̇).
    public private(set) var cartPole = CartPoleState(position: 0, velocity: 0, angle: 0, angularVelocity: 0)
    /// The observation of the current state, rewritten in place after every change of state.
    private var observationBuffer: [Float] = [0, 0, 0, 0]

    /// A cart-pole with the given constants, at rest upright until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        observationSpace = BoxSpace(symmetric: [Float(parameters.positionThreshold * 2), .infinity,
                                                Float(parameters.angleThreshold * 2), .infinity])
    }

    // MARK: Step

    /// One explicit-Euler step under F = 10·clip(a, −1, 1); reward +1.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 1)
        let a = min(max(action[0], -1), 1)
        setState(parameters.physics.step(cartPole, force: parameters.forceMagnitude * Double(a)))
        let x = cartPole.position, θ = cartPole.angle
        let terminated = x < -parameters.positionThreshold || x > parameters.positionThreshold
            || θ < -parameters.angleThreshold || θ > parameters.angleThreshold
        return Transition(observation: observationBuffer, reward: 1.0, isTerminal: terminated)
    }

    // MARK: Reset

    /// Draws x, ẋ, θ, θ̇ each from U[−0.05, 0.05], in that order.
    public mutating func reset(using random: RandomStream) -> [Float] {
        let bound = parameters.startBound
        let x = random.uniform(from: -bound, to: bound)
        let ẋ = random.uniform(from: -bound, to: bound)
        let θ = random.uniform(from: -bound, to: bound)
        let θ̇ = random.uniform(from: -bound, to: bound)
        setState(CartPoleState(position: x, velocity: ẋ, angle: θ, angularVelocity: θ̇))
        return observationBuffer
    }

    // MARK: State and observation

    /// (x, ẋ, θ, θ̇).
    public var state: [Double] { cartPole.components }

    /// Sets (x, ẋ, θ, θ̇); no clipping.
    public mutating func setState(_ values: [Double]) throws {
        setState(CartPoleState(try validatedState(values)))
    }

    /// (x, ẋ, θ, θ̇) rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    // MARK: Helpers

    /// Sets the state and its observation (written in place when no earlier transition still holds it).
    @inline(__always)
    private mutating func setState(_ state: CartPoleState) {
        cartPole = state
        observationBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(state.position)
            buffer[1] = Float(state.velocity)
            buffer[2] = Float(state.angle)
            buffer[3] = Float(state.angularVelocity)
        }
    }
}
