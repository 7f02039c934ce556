// The cart-pole of Gymnasium's `gymnasium/envs/classic_control/cartpole.py` (Gymnasium 1.x; Barto, Sutton and
// Anderson 1983, equations from Florian 2005), as data plus one explicit-Euler step. Two tasks share it:
// ``CartPoleContinuous`` (balance) and ``CartPoleSwingUp`` (dm_control's swing-up).
//
// State (x, ẋ, θ, θ̇): cart position (m), cart velocity (m/s), pole angle from upright (rad, clockwise seen
// from Gymnasium's camera, positive when the pole leans right), pole angular velocity (rad/s). F is the
// horizontal force on the cart (N).
//
//   temp = (F + m_p·l·θ̇²·sin θ) / (m_c + m_p)
//   θ̈    = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
//   ẍ    = temp − m_p·l·θ̈·cos θ / (m_c + m_p)
//   x' = x + τ·ẋ,  ẋ' = ẋ + τ·ẍ,  θ' = θ + τ·θ̇,  θ̇' = θ̇ + τ·θ̈     (explicit Euler, `kinematics_integrator="euler"`)
//
// l is half the pole's length. Every product is evaluated in Gymnasium's left-to-right order in float64, so the
// states agree bit for bit.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The physical constants of Gymnasium's cart-pole, and its explicit-Euler step.
public struct CartPolePhysics: Sendable, Equatable {
    /// Gravitational acceleration, m/s². Denoted g (`gravity`).
    public var gravity: Double = 9.8
    /// Mass of the cart, kg. Denoted m_c (`masscart`).
    public var cartMass: Double = 1.0
    /// Mass of the pole, kg. Denoted m_p (`masspole`).
    public var poleMass: Double = 0.1
    /// Half the pole's length, m. Denoted l (`length`, "actually half the pole's length").
    public var poleHalfLength: Double = 0.5
    /// Seconds between state updates. Denoted τ (`tau`).
    public var timeStep: Double = 0.02

    /// Gymnasium's constants, or any of them changed.
    public init(gravity: Double = 9.8, cartMass: Double = 1.0, poleMass: Double = 0.1,
                poleHalfLength: Double = 0.5, timeStep: Double = 0.02) {
        self.gravity = gravity
        self.cartMass = cartMass
        self.poleMass = poleMass
        self.poleHalfLength = poleHalfLength
        self.timeStep = timeStep
    }

    /// m_p + m_c (`total_mass`, summed in Gymnasium's order).
    public var totalMass: Double { poleMass + cartMass }
    /// m_p·l (`polemass_length`).
    public var poleMassLength: Double { poleMass * poleHalfLength }

    /// The state (x, ẋ, θ, θ̇) after one explicit-Euler step of τ seconds under the force `force` (N).
    @inline(__always)
    public func step(_ state: CartPoleState, force: Double) -> CartPoleState {
        let totalMass = self.totalMass, poleMassLength = self.poleMassLength
        let cosθ = state.cosAngle, sinθ = state.sinAngle
        let θ̇ = state.angularVelocity
        let temp = (force + poleMassLength * (θ̇ * θ̇) * sinθ) / totalMass
        let θ̈ = (gravity * sinθ - cosθ * temp)
            / (poleHalfLength * (4.0 / 3.0 - poleMass * (cosθ * cosθ) / totalMass))
        let ẍ = temp - poleMassLength * θ̈ * cosθ / totalMass
        return CartPoleState(position: state.position + timeStep * state.velocity,
                             velocity: state.velocity + timeStep * ẍ,
                             angle: state.angle + timeStep * θ̇,
                             angularVelocity: θ̇ + timeStep * θ̈)
    }
}

/// The state of a cart-pole, in Gymnasium's order (x, ẋ, θ, θ̇), with cos θ and sin θ.
///
/// The state is immutable: cos θ and sin θ are computed once when it is made, because the next Euler step
/// and the observation (and the swing-up reward) all need them; `cos` and `sin` are deterministic, so the
/// cached values are bit for bit those Gymnasium computes in its step.
public struct CartPoleState: Sendable, Equatable {
    /// Cart position, m. Denoted x.
    public let position: Double
    /// Cart velocity, m/s. Denoted ẋ.
    public let velocity: Double
    /// Pole angle from upright, rad (not wrapped). Denoted θ.
    public let angle: Double
    /// Pole angular velocity, rad/s. Denoted θ̇.
    public let angularVelocity: Double
    /// cos θ.
    public let cosAngle: Double
    /// sin θ.
    public let sinAngle: Double

    /// Creates a state (and computes cos θ and sin θ).
    public init(position: Double, velocity: Double, angle: Double, angularVelocity: Double) {
        self.position = position
        self.velocity = velocity
        self.angle = angle
        self.angularVelocity = angularVelocity
        cosAngle = cos(angle)
        sinAngle = sin(angle)
    }

    /// (x, ẋ, θ, θ̇).
    public var components: [Double] { [position, velocity, angle, angularVelocity] }

    /// The state with components (x, ẋ, θ, θ̇).
    /// - Precondition: `components.count == 4`.
    public init(_ components: [Double]) {
        precondition(components.count == 4, "a cart-pole state has 4 components, got \(components.count)")
        self.init(position: components[0], velocity: components[1], angle: components[2],
                  angularVelocity: components[3])
    }
}
