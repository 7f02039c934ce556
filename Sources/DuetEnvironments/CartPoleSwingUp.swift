// CartPoleSwingUp-v0: dm_control's cart-pole swing-up *task* (`dm_control/suite/cartpole.py`, `swingup`:
// `Balance(swing_up=True, sparse=False)`) on Gymnasium's cart-pole *physics* (``CartPolePhysics``: explicit
// Euler, τ = 0.02 s). dm_control simulates its cart-pole in MuJoCo; the task (start state, smooth reward,
// observation) is ported here, the physics is Gymnasium's. The choices are listed under "Port" below.
//
// ## Description
// The pole starts hanging down; pushing the cart swings it up and balances it upright, with the cart near the
// centre of the track, gently, and with the pole still.
//
// ## Action space (1)
// | Num | Action                 | Min  | Max |
// |-----|------------------------|------|-----|
// | 0   | force a (F = 10·a, N)  | −1.0 | 1.0 |
// Out-of-range actions are clipped to [−1, 1] (dm_control's actuator has `ctrllimited`, `ctrlrange="-1 1"`,
// `gear="10"`: the same F = 10·a, the same clipping).
//
// ## Observation space (5), dm_control's order (`position` then `velocity`)
// | Num | Observation | Min  | Max |
// |-----|-------------|------|-----|
// | 0   | x           | −4.8 | 4.8 |
// | 1   | cos θ       | −1   | 1   |
// | 2   | sin θ       | −1   | 1   |
// | 3   | ẋ           | −∞   | ∞   |
// | 4   | θ̇           | −∞   | ∞   |
//
// ## Reward (dm_control's smooth reward, on the state after the step and the clipped action), in [0, 1]
//   upright        = (cos θ + 1) / 2
//   centered       = (1 + tolerance(x, margin 2)) / 2                 gaussian, value 0.1 at the margin
//   small_control  = (4 + tolerance(a, margin 1, quadratic, value 0 at the margin)) / 5 = (4 + max(0, 1 − a²)) / 5
//   small_velocity = (1 + tolerance(θ̇, margin 5)) / 2                 gaussian, value 0.1 at the margin
//   r = upright · small_control · small_velocity · centered
// where the gaussian tolerance(z, margin M) with bounds (0, 0) is 1 at z = 0 and 0.1^((z/M)²) elsewhere
// (dm_control's exp(−½·(|z|/M · √(−2 ln 0.1))²)). r = 1 exactly upright, centred, at rest, with a = 0.
//
// ## Starting state (dm_control's `initialize_episode` with swing_up=True), drawn in this order
// x = 0.01·N(0,1), θ = π + 0.01·N(0,1), ẋ = 0.01·N(0,1), θ̇ = 0.01·N(0,1).
//
// ## Episode end
// Terminates when the cart leaves Gymnasium's track, x < −2.4 or x > 2.4; truncated at 1000 steps.
//
// ## Port: what differs from dm_control, and why
// - Physics: Gymnasium's frictionless cart-pole (m_c 1.0, m_p 0.1, half-length 0.5, explicit Euler) instead of
//   MuJoCo's (cart 1 kg, pole 0.1 kg capsule of length 1, RK4 at 0.01 s, joint damping 5e-4 and 2e-6): one
//   cart-pole model for both cart-pole tasks, cheap and bit-for-bit checkable against Gymnasium's equations.
// - Time: 1000 control steps of τ = 0.02 s (20 s) rather than 1000 steps of 0.01 s (10 s): the step count, and
//   so the return scale [0, 1000], is dm_control's; the step is Gymnasium's.
// - Track: dm_control's rail is a soft joint limit at ±1.8 m that the cart cannot leave; Gymnasium's physics
//   has no limit or contact model. Rather than invent one, the episode terminates where Gymnasium's track
//   ends (|x| > 2.4, CartPole's threshold); every reward is ≥ 0, so leaving the track forfeits the rest of the
//   episode, which is what the rail prevents physically.
// - θ is Gymnasium's angle (0 upright), not wrapped; dm_control's `pole_angle_cosine` is the same cos θ.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DuetRandom

/// dm_control's cart-pole swing-up task on Gymnasium's cart-pole physics: swing the hanging pole up and
/// balance it, for a smooth reward in [0, 1] per step.
///
/// State (x, ẋ, θ, θ̇) in `Double`; observation (x, cos θ, sin θ, ẋ, θ̇) in `Float`; action a ∈ [−1, 1],
/// F = 10·a. See the file header and `envs/CartPoleSwingUp-v0.md`.
public struct CartPoleSwingUp: Environment {
    /// The task's constants: Gymnasium's physics, dm_control's reward margins and start noise.
    public struct Parameters: Sendable, Equatable {
        /// Masses, lengths, gravity and time step (Gymnasium's).
        public var physics = CartPolePhysics()
        /// Force for a = 1, N (Gymnasium's `force_mag`; dm_control's actuator `gear`).
        public var forceMagnitude: Double = 10.0
        /// The episode terminates when |x| exceeds this, m (Gymnasium's `x_threshold`).
        public var positionThreshold: Double = 2.4
        /// Margin of the gaussian tolerance on x in the `centered` term, m (dm_control: 2).
        public var positionMargin: Double = 2
        /// Margin of the quadratic tolerance on a in the `small_control` term (dm_control: 1).
        public var controlMargin: Double = 1
        /// Margin of the gaussian tolerance on θ̇ in the `small_velocity` term, rad/s (dm_control: 5).
        public var angularVelocityMargin: Double = 5
        /// Standard deviation of the start noise on every component (dm_control: 0.01).
        public var startNoise: Double = 0.01

        /// The defaults above, or any of them changed.
        public init(physics: CartPolePhysics = CartPolePhysics(), forceMagnitude: Double = 10.0,
                    positionThreshold: Double = 2.4, positionMargin: Double = 2, controlMargin: Double = 1,
                    angularVelocityMargin: Double = 5, startNoise: Double = 0.01) {
            self.physics = physics
            self.forceMagnitude = forceMagnitude
            self.positionThreshold = positionThreshold
            self.positionMargin = positionMargin
            self.controlMargin = controlMargin
            self.angularVelocityMargin = angularVelocityMargin
            self.startNoise = startNoise
        }
    }

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "CartPoleSwingUp",
        summary: "Swing a hanging pole up by pushing its cart (F = 10·a) and balance it, centred and still: "
            + "dm_control's swing-up task on Gymnasium's cart-pole physics.",
        observation: ["cart position x (m)", "cos θ", "sin θ", "cart velocity ẋ (m/s)", "pole velocity θ̇ (rad/s)"],
        action: ["force a (F = 10·a N)"],
        state: ["cart position x (m)", "cart velocity ẋ (m/s)", "pole angle θ (rad, 0 = upright, not wrapped)",
                "pole velocity θ̇ (rad/s)"],
        reward: "(cos θ + 1)/2 · (4 + max(0, 1 − a²))/5 · (1 + 0.1^((θ̇/5)²))/2 · (1 + 0.1^((x/2)²))/2 "
            + "after the step (dm_control's smooth reward); in [0, 1]",
        start: "x, ẋ, θ̇ ~ N(0, 0.01²), θ ~ π + N(0, 0.01²) (hanging down)",
        termination: "terminates when |x| > 2.4 (the cart leaves the track)",
        reference: "dm_control suite/cartpole.py swingup task on Gymnasium 1.x cartpole.py physics")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// [−4.8, 4.8] × [−1, 1] × [−1, 1] × ℝ × ℝ.
    public let observationSpace: BoxSpace
    /// [−1, 1].
    public let actionSpace = BoxSpace(low: [-1], high: [1])

    /// The current state (x, ẋ, θ, θ̇).
    public private(set) var cartPole = CartPoleState(position: 0, velocity: 0, angle: .pi, angularVelocity: 0)
    /// The observation of the current state, rewritten in place after every change of state.
    private var observationBuffer: [Float] = [0, -1, 0, 0, 0]

    /// √(−2 ln 0.1): dm_control's gaussian sigmoid scale for the value 0.1 at the margin.
    private static let gaussianScale = (-2 * log(0.1)).squareRoot()

    /// A swing-up task with the given constants, hanging at rest until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        observationSpace = BoxSpace(symmetric: [Float(parameters.positionThreshold * 2), 1, 1, .infinity, .infinity])
        setState(cartPole)
    }

    // MARK: Step

    /// One explicit-Euler step under F = 10·clip(a, −1, 1); the reward is dm_control's, on the new state.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 1)
        let a = Double(min(max(action[0], -1), 1))
        setState(parameters.physics.step(cartPole, force: parameters.forceMagnitude * a))
        let x = cartPole.position
        let terminated = x < -parameters.positionThreshold || x > parameters.positionThreshold
        return Transition(observation: observationBuffer, reward: reward(control: a), isTerminal: terminated)
    }

    /// dm_control's smooth swing-up reward for the current state and the (clipped) control `a`, in [0, 1].
    public func reward(control a: Double) -> Double {
        let upright = (cartPole.cosAngle + 1) / 2
        let centered = (1 + Self.gaussianTolerance(cartPole.position, margin: parameters.positionMargin)) / 2
        let smallControl = (4 + Self.quadraticTolerance(a, margin: parameters.controlMargin)) / 5
        let smallVelocity = (1 + Self.gaussianTolerance(cartPole.angularVelocity,
                                                        margin: parameters.angularVelocityMargin)) / 2
        return upright * smallControl * smallVelocity * centered
    }

    // MARK: Reset

    /// Draws x = 0.01·N(0,1), θ = π + 0.01·N(0,1), ẋ = 0.01·N(0,1), θ̇ = 0.01·N(0,1), in that order.
    public mutating func reset(using random: RandomStream) -> [Float] {
        let σ = parameters.startNoise
        let x = random.gaussian(standardDeviation: σ)
        let θ = Double.pi + random.gaussian(standardDeviation: σ)
        let ẋ = random.gaussian(standardDeviation: σ)
        let θ̇ = random.gaussian(standardDeviation: σ)
        setState(CartPoleState(position: x, velocity: ẋ, angle: θ, angularVelocity: θ̇))
        return observationBuffer
    }

    // MARK: State and observation

    /// (x, ẋ, θ, θ̇), Gymnasium's cart-pole order.
    public var state: [Double] { cartPole.components }

    /// Sets (x, ẋ, θ, θ̇); no clipping or wrapping.
    public mutating func setState(_ values: [Double]) throws {
        setState(CartPoleState(try validatedState(values)))
    }

    /// (x, cos θ, sin θ, ẋ, θ̇) rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    // MARK: Helpers

    /// Sets the state and its observation (written in place when no earlier transition still holds it).
    @inline(__always)
    private mutating func setState(_ state: CartPoleState) {
        cartPole = state
        observationBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(state.position)
            buffer[1] = Float(state.cosAngle)
            buffer[2] = Float(state.sinAngle)
            buffer[3] = Float(state.velocity)
            buffer[4] = Float(state.angularVelocity)
        }
    }

    /// dm_control's `rewards.tolerance(z, bounds=(0, 0), margin=M)` with the default gaussian sigmoid and
    /// value 0.1 at the margin: 1 at z = 0, else exp(−½·(d·√(−2 ln 0.1))²) with d = |z|/M.
    static func gaussianTolerance(_ z: Double, margin: Double) -> Double {
        if z == 0 { return 1 }
        let scaled = (z < 0 ? -z : z) / margin * gaussianScale
        return exp(-0.5 * (scaled * scaled))
    }

    /// dm_control's `rewards.tolerance(z, bounds=(0, 0), margin=M, sigmoid='quadratic', value_at_margin=0)`:
    /// 1 − d² while d = |z|/M < 1, else 0.
    static func quadraticTolerance(_ z: Double, margin: Double) -> Double {
        if z == 0 { return 1 }
        let d = (z < 0 ? -z : z) / margin
        return d < 1 ? 1 - d * d : 0
    }
}
