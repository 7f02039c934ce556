// AcrobotContinuous-v0: Gymnasium's Acrobot-v1 (`gymnasium/envs/classic_control/acrobot.py`, Gymnasium 1.x)
// with a continuous elbow torque. Gymnasium's acrobot picks the torque from {−1, 0, +1}; here τ = clip(a, −1, 1)
// for a ∈ [−1, 1]. Everything else is Gymnasium's: the "book" dynamics, one RK4 step of dt = 0.2 s per action,
// angle wrapping, velocity clipping, reward and termination.
//
// ## Description
// Two links hang in a chain from a fixed shoulder; a torque at the elbow (between the links) swings the free
// end above the target height, one link length above the shoulder (Sutton 1996; Sutton and Barto).
//
// ## Action space (1)
// | Num | Action                    | Min  | Max |
// |-----|---------------------------|------|-----|
// | 0   | elbow torque τ (N·m)      | −1.0 | 1.0 |
// Out-of-range actions are clipped to [−1, 1] (in float32, then widened).
//
// ## Observation space (6)
// | Num | Observation | Min          | Max         |
// |-----|-------------|--------------|-------------|
// | 0   | cos θ1      | −1           | 1           |
// | 1   | sin θ1      | −1           | 1           |
// | 2   | cos θ2      | −1           | 1           |
// | 3   | sin θ2      | −1           | 1           |
// | 4   | θ̇1          | −4π ≈ −12.57 | 4π ≈ 12.57  |
// | 5   | θ̇2          | −9π ≈ −28.27 | 9π ≈ 28.27  |
// θ1 is the shoulder angle from hanging straight down, θ2 the elbow angle relative to the first link.
//
// ## Dynamics ("book", as the Java implementation and Sutton and Barto; not the NeurIPS paper's)
//   d1 = m1·lc1² + m2·(l1² + lc2² + 2·l1·lc2·cos θ2) + I1 + I2
//   d2 = m2·(lc2² + l1·lc2·cos θ2) + I2
//   φ2 = m2·lc2·g·cos(θ1 + θ2 − π/2)
//   φ1 = −m2·l1·lc2·θ̇2²·sin θ2 − 2·m2·l1·lc2·θ̇2·θ̇1·sin θ2 + (m1·lc1 + m2·l1)·g·cos(θ1 − π/2) + φ2
//   θ̈2 = (τ + d2/d1·φ1 − m2·l1·lc2·θ̇1²·sin θ2 − φ2) / (m2·lc2² + I2 − d2²/d1)
//   θ̈1 = −(d2·θ̈2 + φ1) / d1
// integrated by one classical RK4 step of dt = 0.2 (Gymnasium's `rk4` over t = [0, dt]), then θ1, θ2 wrapped
// into [−π, π] and θ̇1, θ̇2 clipped to ±4π, ±9π.
//
// ## Reward
// −1 for every step that does not terminate, 0 for the terminating step; in [−1, 0].
//
// ## Starting state
// θ1, θ2, θ̇1, θ̇2 each ~ U[−0.1, 0.1], rounded to float32 (Gymnasium's `.astype(np.float32)`).
//
// ## Episode end
// Terminates when −cos θ1 − cos(θ2 + θ1) > 1 (the free end above the target); truncated at 500 steps.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DuetRandom

/// Gymnasium's Acrobot-v1 with a continuous elbow torque τ ∈ [−1, 1]: swing the free end above the target.
///
/// State (θ1, θ2, θ̇1, θ̇2) in `Double`; observation (cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2) in `Float`.
/// See the file header and `envs/AcrobotContinuous-v0.md`.
public struct AcrobotContinuous: Environment {
    /// The acrobot's constants, with Gymnasium's values as defaults.
    public struct Parameters: Sendable, Equatable {
        /// Integration step, s. Denoted dt.
        public var timeStep: Double = 0.2
        /// Length of link 1, m. Denoted l1 (`LINK_LENGTH_1`; l2 = 1 enters only the rendering).
        public var linkLength1: Double = 1.0
        /// Mass of link 1, kg. Denoted m1.
        public var linkMass1: Double = 1.0
        /// Mass of link 2, kg. Denoted m2.
        public var linkMass2: Double = 1.0
        /// Position of link 1's centre of mass along it, m. Denoted lc1.
        public var linkCenterOfMass1: Double = 0.5
        /// Position of link 2's centre of mass along it, m. Denoted lc2.
        public var linkCenterOfMass2: Double = 0.5
        /// Moment of inertia of each link, kg·m². Denoted I1 = I2 (`LINK_MOI`).
        public var linkMomentOfInertia: Double = 1.0
        /// Gravitational acceleration, m/s². Denoted g (a literal 9.8 in `_dsdt`).
        public var gravity: Double = 9.8
        /// Bound on |θ̇1|, rad/s (`MAX_VEL_1` = 4π).
        public var maximumVelocity1: Double = 4 * Double.pi
        /// Bound on |θ̇2|, rad/s (`MAX_VEL_2` = 9π).
        public var maximumVelocity2: Double = 9 * Double.pi
        /// Bound on |τ|, N·m (the largest of Gymnasium's `AVAIL_TORQUE`).
        public var maximumTorque: Double = 1.0
        /// Each reset component is drawn from U[−`startBound`, `startBound`].
        public var startBound: Double = 0.1

        /// Gymnasium's constants, or any of them changed.
        public init(timeStep: Double = 0.2, linkLength1: Double = 1.0, linkMass1: Double = 1.0,
                    linkMass2: Double = 1.0, linkCenterOfMass1: Double = 0.5, linkCenterOfMass2: Double = 0.5,
                    linkMomentOfInertia: Double = 1.0, gravity: Double = 9.8,
                    maximumVelocity1: Double = 4 * Double.pi, maximumVelocity2: Double = 9 * Double.pi,
                    maximumTorque: Double = 1.0, startBound: Double = 0.1) {
            self.timeStep = timeStep
            self.linkLength1 = linkLength1
            self.linkMass1 = linkMass1
            self.linkMass2 = linkMass2
            self.linkCenterOfMass1 = linkCenterOfMass1
            self.linkCenterOfMass2 = linkCenterOfMass2
            self.linkMomentOfInertia = linkMomentOfInertia
            self.gravity = gravity
            self.maximumVelocity1 = maximumVelocity1
            self.maximumVelocity2 = maximumVelocity2
            self.maximumTorque = maximumTorque
            self.startBound = startBound
        }
    }

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "AcrobotContinuous",
        summary: "Swing the free end of a two-link chain above a target height with a continuous elbow torque.",
        observation: ["cos θ1", "sin θ1", "cos θ2", "sin θ2", "θ̇1 (rad/s)", "θ̇2 (rad/s)"],
        action: ["elbow torque τ (N·m)"],
        state: ["θ1 (rad, 0 = hanging down)", "θ2 (rad, relative to link 1)", "θ̇1 (rad/s)", "θ̇2 (rad/s)"],
        reward: "−1 every step, 0 on the terminating step; in [−1, 0]",
        start: "θ1, θ2, θ̇1, θ̇2 each ~ U[−0.1, 0.1], rounded to float32",
        termination: "terminates when −cos θ1 − cos(θ2 + θ1) > 1 (the free end above the target)",
        reference: "Gymnasium 1.x gymnasium/envs/classic_control/acrobot.py (Acrobot-v1, book dynamics) "
            + "with τ = clip(a, −1, 1)")

    /// The constants this acrobot was made with.
    public let parameters: Parameters
    /// [−1, 1]⁴ × [−4π, 4π] × [−9π, 9π].
    public let observationSpace: BoxSpace
    /// [−1, 1].
    public let actionSpace: BoxSpace

    /// Shoulder angle from hanging down, rad, in [−π, π] after a step. Denoted θ1.
    public private(set) var angle1: Double = 0
    /// Elbow angle relative to link 1, rad, in [−π, π] after a step. Denoted θ2.
    public private(set) var angle2: Double = 0
    /// Shoulder angular velocity, rad/s. Denoted θ̇1.
    public private(set) var angularVelocity1: Double = 0
    /// Elbow angular velocity, rad/s. Denoted θ̇2.
    public private(set) var angularVelocity2: Double = 0
    /// cos θ1, computed once per state for both the observation and the termination test.
    private var cosAngle1: Double = 1
    /// The observation of the current state, rewritten in place after every change of state.
    private var observationBuffer: [Float] = [1, 0, 1, 0, 0, 0]

    /// An acrobot with the given constants, hanging at rest until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        observationSpace = BoxSpace(symmetric: [1, 1, 1, 1, Float(parameters.maximumVelocity1),
                                                Float(parameters.maximumVelocity2)])
        actionSpace = BoxSpace(symmetric: [Float(parameters.maximumTorque)])
    }

    // MARK: Step

    /// One RK4 step of dt under the clipped torque, then wrapping and clipping; reward −1, or 0 on termination.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 1)
        let maximumTorque = Float(parameters.maximumTorque)
        let torque = Double(min(max(action[0], -maximumTorque), maximumTorque))
        let next = rungeKutta4(State(angle1, angle2, angularVelocity1, angularVelocity2), torque: torque)
        setState(Self.wrap(next.0, -Double.pi, Double.pi),
                 Self.wrap(next.1, -Double.pi, Double.pi),
                 Self.bound(next.2, -parameters.maximumVelocity1, parameters.maximumVelocity1),
                 Self.bound(next.3, -parameters.maximumVelocity2, parameters.maximumVelocity2))
        let terminated = -cosAngle1 - cos(angle2 + angle1) > 1.0
        return Transition(observation: observationBuffer, reward: terminated ? 0.0 : -1.0, isTerminal: terminated)
    }

    // MARK: Reset

    /// Draws θ1, θ2, θ̇1, θ̇2 each from U[−0.1, 0.1], in that order, and rounds them to `Float`.
    public mutating func reset(using random: RandomStream) -> [Float] {
        let bound = parameters.startBound
        let θ1 = Double(Float(random.uniform(from: -bound, to: bound)))
        let θ2 = Double(Float(random.uniform(from: -bound, to: bound)))
        let θ̇1 = Double(Float(random.uniform(from: -bound, to: bound)))
        let θ̇2 = Double(Float(random.uniform(from: -bound, to: bound)))
        setState(θ1, θ2, θ̇1, θ̇2)
        return observationBuffer
    }

    // MARK: State and observation

    /// (θ1, θ2, θ̇1, θ̇2).
    public var state: [Double] { [angle1, angle2, angularVelocity1, angularVelocity2] }

    /// Sets (θ1, θ2, θ̇1, θ̇2) as float64 values; no wrapping or clipping.
    public mutating func setState(_ values: [Double]) throws {
        let values = try validatedState(values)
        setState(values[0], values[1], values[2], values[3])
    }

    /// (cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2) rounded to `Float`.
    ///
    /// Right after a reset Gymnasium evaluates cos and sin in float32 on the float32 state, which may differ
    /// from this correctly rounded value by one float32 ulp; after a step both are float64 then rounded.
    public var observation: [Float] { observationBuffer }

    // MARK: Helpers

    /// Sets (θ1, θ2, θ̇1, θ̇2), cos θ1 and the observation (written in place when no earlier transition still
    /// holds it).
    @inline(__always)
    private mutating func setState(_ θ1: Double, _ θ2: Double, _ θ̇1: Double, _ θ̇2: Double) {
        angle1 = θ1
        angle2 = θ2
        angularVelocity1 = θ̇1
        angularVelocity2 = θ̇2
        cosAngle1 = cos(θ1)
        let cosθ1 = cosAngle1, sinθ1 = sin(θ1), cosθ2 = cos(θ2), sinθ2 = sin(θ2)
        observationBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(cosθ1)
            buffer[1] = Float(sinθ1)
            buffer[2] = Float(cosθ2)
            buffer[3] = Float(sinθ2)
            buffer[4] = Float(θ̇1)
            buffer[5] = Float(θ̇2)
        }
    }

    /// (θ1, θ2, θ̇1, θ̇2).
    typealias State = (Double, Double, Double, Double)

    /// Gymnasium's `_dsdt` ("book" branch) for the state `s` and the torque `a`: (θ̇1, θ̇2, θ̈1, θ̈2), each
    /// product in the Python expression's left-to-right order.
    @inline(__always)
    func derivatives(_ s: State, torque a: Double) -> State {
        let p = parameters
        let m1 = p.linkMass1, m2 = p.linkMass2, l1 = p.linkLength1
        let lc1 = p.linkCenterOfMass1, lc2 = p.linkCenterOfMass2
        let I1 = p.linkMomentOfInertia, I2 = p.linkMomentOfInertia, g = p.gravity
        let (θ1, θ2, θ̇1, θ̇2) = s
        let cosθ2 = cos(θ2), sinθ2 = sin(θ2)
        let d1 = m1 * (lc1 * lc1) + m2 * ((l1 * l1) + (lc2 * lc2) + 2 * l1 * lc2 * cosθ2) + I1 + I2
        let d2 = m2 * ((lc2 * lc2) + l1 * lc2 * cosθ2) + I2
        let φ2 = m2 * lc2 * g * cos(θ1 + θ2 - Double.pi / 2.0)
        let φ1 = -m2 * l1 * lc2 * (θ̇2 * θ̇2) * sinθ2
            - 2 * m2 * l1 * lc2 * θ̇2 * θ̇1 * sinθ2
            + (m1 * lc1 + m2 * l1) * g * cos(θ1 - Double.pi / 2)
            + φ2
        let θ̈2 = (a + d2 / d1 * φ1 - m2 * l1 * lc2 * (θ̇1 * θ̇1) * sinθ2 - φ2)
            / (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1)
        let θ̈1 = -(d2 * θ̈2 + φ1) / d1
        return (θ̇1, θ̇2, θ̈1, θ̈2)
    }

    /// Gymnasium's `rk4(derivs, y0, [0, dt])`: one classical Runge-Kutta step, with NumPy's element-wise
    /// order `y0 + dt/6·(((k1 + 2·k2) + 2·k3) + k4)` and half-steps `y0 + (dt/2)·k`. The torque rides along as
    /// a fifth component whose derivative is 0, so it stays exactly `torque`.
    @inline(__always)
    func rungeKutta4(_ y0: State, torque: Double) -> State {
        let dt = parameters.timeStep  // t[1] − t[0] with t = [0, dt]
        let dt2 = dt / 2.0
        let k1 = derivatives(y0, torque: torque)
        let k2 = derivatives((y0.0 + dt2 * k1.0, y0.1 + dt2 * k1.1, y0.2 + dt2 * k1.2, y0.3 + dt2 * k1.3),
                             torque: torque)
        let k3 = derivatives((y0.0 + dt2 * k2.0, y0.1 + dt2 * k2.1, y0.2 + dt2 * k2.2, y0.3 + dt2 * k2.3),
                             torque: torque)
        let k4 = derivatives((y0.0 + dt * k3.0, y0.1 + dt * k3.1, y0.2 + dt * k3.2, y0.3 + dt * k3.3),
                             torque: torque)
        let c = dt / 6.0
        return (y0.0 + c * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0),
                y0.1 + c * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1),
                y0.2 + c * (k1.2 + 2 * k2.2 + 2 * k3.2 + k4.2),
                y0.3 + c * (k1.3 + 2 * k2.3 + 2 * k3.3 + k4.3))
    }

    /// Gymnasium's `wrap(x, m, M)`: adds or subtracts M − m until m ≤ x ≤ M.
    @inline(__always)
    static func wrap(_ x: Double, _ m: Double, _ M: Double) -> Double {
        let diff = M - m
        var x = x
        while x > M { x = x - diff }
        while x < m { x = x + diff }
        return x
    }

    /// Gymnasium's `bound(x, m, M)`: `min(max(x, m), M)`.
    @inline(__always)
    static func bound(_ x: Double, _ m: Double, _ M: Double) -> Double { min(max(x, m), M) }
}
