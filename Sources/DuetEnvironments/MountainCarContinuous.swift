// MountainCarContinuous-v0: Gymnasium's `gymnasium/envs/classic_control/continuous_mountain_car.py`
// (Gymnasium 1.x), ported exactly, float32 roundings included.
//
// ## Description
// A car sits in a sinusoidal valley (height sin(3p)·0.45 + 0.55); its engine is too weak to climb the right hill
// directly, so it must rock back and forth to build momentum and reach the flag at p = 0.45 (Moore 1990).
//
// ## Action space (1)
// | Num | Action                  | Min  | Max |
// |-----|-------------------------|------|-----|
// | 0   | force a (engine effort) | −1.0 | 1.0 |
// The dynamics use a clipped to [−1, 1]; the control cost uses the action as given (unclipped).
//
// ## Observation space (2)
// | Num | Observation  | Min   | Max  |
// |-----|--------------|-------|------|
// | 0   | position p   | −1.2  | 0.6  |
// | 1   | velocity v   | −0.07 | 0.07 |
//
// ## Dynamics
// v' = clip(v + clip(a, −1, 1)·0.0015 − 0.0025·cos(3p), −0.07, 0.07);  p' = clip(p + v', −1.2, 0.6);
// if p' = −1.2 and v' < 0 then v' = 0 (an inelastic left wall).
//
// ## Reward
// 100 on reaching p' ≥ 0.45 with v' ≥ 0 (the goal velocity 0), minus 0.1·a² every step with the unclipped a.
//
// ## Starting state
// p ~ U[−0.6, −0.4], v = 0.
//
// ## Episode end
// Terminates at p' ≥ 0.45 and v' ≥ 0; truncated at 999 steps (registration).
//
// ## Roundings
// Gymnasium stores the state as float32 after every step (`np.array([position, velocity], dtype=np.float32)`),
// but the state drawn by `reset` (or assigned to `env.unwrapped.state`) is float64, so the first step after a
// reset runs in float64 and every later step in float32 arithmetic, where NumPy 2 (NEP 50) casts each Python
// float constant to float32 before the operation. With a float32 action a, an in-range action stays float32
// (Python's `min`/`max` return it), so `a·power` is a float32 product and `a·power − 0.0025·cos(3p)` a float32
// difference; a clipped action becomes the Python float ±1.0, whose term is a float64 difference. This port
// tracks which precision the stored state has and repeats each of these roundings.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DuetRandom

/// Gymnasium's MountainCarContinuous-v0: drive an under-powered car up a hill by building momentum.
///
/// State (p, v) in `Double` (float32 values after any step, as in Gymnasium); observation (p, v) in `Float`;
/// action a ∈ [−1, 1]. See the file header and `envs/MountainCarContinuous-v0.md`.
public struct MountainCarContinuous: Environment {
    /// MountainCarContinuous' constants, with Gymnasium's values as defaults.
    public struct Parameters: Sendable, Equatable {
        /// Smallest action used by the dynamics (`min_action`).
        public var minimumAction: Double = -1.0
        /// Largest action used by the dynamics (`max_action`).
        public var maximumAction: Double = 1.0
        /// Left end of the track, the inelastic wall (`min_position`).
        public var minimumPosition: Double = -1.2
        /// Right end of the track (`max_position`).
        public var maximumPosition: Double = 0.6
        /// Bound on |v| (`max_speed`).
        public var maximumSpeed: Double = 0.07
        /// Position of the flag (`goal_position`; 0.5 in the discrete MountainCar).
        public var goalPosition: Double = 0.45
        /// Smallest velocity that counts at the flag (`goal_velocity`).
        public var goalVelocity: Double = 0.0
        /// Velocity change per unit of action per step (`power`).
        public var power: Double = 0.0015
        /// Velocity change per step from the slope, times cos(3p) (the literal 0.0025).
        public var gravity: Double = 0.0025
        /// Reward on reaching the flag.
        public var goalReward: Double = 100.0
        /// Weight of the control cost a² (the literal 0.1).
        public var controlCostWeight: Double = 0.1
        /// The reset position is drawn from U[`startLow`, `startHigh`].
        public var startLow: Double = -0.6
        /// See ``startLow``.
        public var startHigh: Double = -0.4

        /// Gymnasium's constants, or any of them changed.
        public init(minimumAction: Double = -1.0, maximumAction: Double = 1.0, minimumPosition: Double = -1.2,
                    maximumPosition: Double = 0.6, maximumSpeed: Double = 0.07, goalPosition: Double = 0.45,
                    goalVelocity: Double = 0.0, power: Double = 0.0015, gravity: Double = 0.0025,
                    goalReward: Double = 100.0, controlCostWeight: Double = 0.1,
                    startLow: Double = -0.6, startHigh: Double = -0.4) {
            self.minimumAction = minimumAction
            self.maximumAction = maximumAction
            self.minimumPosition = minimumPosition
            self.maximumPosition = maximumPosition
            self.maximumSpeed = maximumSpeed
            self.goalPosition = goalPosition
            self.goalVelocity = goalVelocity
            self.power = power
            self.gravity = gravity
            self.goalReward = goalReward
            self.controlCostWeight = controlCostWeight
            self.startLow = startLow
            self.startHigh = startHigh
        }
    }

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "MountainCarContinuous",
        summary: "Drive an under-powered car out of a valley to the flag on the right hill by building momentum.",
        observation: ["position p", "velocity v"],
        action: ["force a"],
        state: ["position p", "velocity v"],
        reward: "100 on reaching the flag, minus 0.1·a² every step (a unclipped); about −33 for a random policy",
        start: "p ~ U[−0.6, −0.4], v = 0",
        termination: "terminates when p ≥ 0.45 and v ≥ 0",
        reference: "Gymnasium 1.x gymnasium/envs/classic_control/continuous_mountain_car.py (MountainCarContinuous-v0)")

    /// The constants this car was made with.
    public let parameters: Parameters
    /// [−1.2, 0.6] × [−0.07, 0.07].
    public let observationSpace: BoxSpace
    /// [−1, 1].
    public let actionSpace: BoxSpace

    /// The car's position along the track. Denoted p.
    public private(set) var position: Double = -0.5
    /// The car's velocity, per step. Denoted v.
    public private(set) var velocity: Double = 0
    /// Whether the stored state is float32 (after a step) rather than float64 (after a reset or a set), which
    /// decides the precision of the next step's arithmetic, as in Gymnasium.
    public private(set) var isSinglePrecision = false
    /// The observation of the current state, rewritten in place after every change of state.
    private var observationBuffer: [Float] = [-0.5, 0]

    // The Python float constants as NumPy casts them to float32 (NEP 50).
    private let power32: Float, maximumSpeed32: Float
    private let minimumPosition32: Float, maximumPosition32: Float
    private let goalPosition32: Float, goalVelocity32: Float
    private let minimumAction32: Float, maximumAction32: Float

    /// A car with the given constants, at p = −0.5, v = 0 until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        observationSpace = BoxSpace(low: [Float(parameters.minimumPosition), Float(-parameters.maximumSpeed)],
                                    high: [Float(parameters.maximumPosition), Float(parameters.maximumSpeed)])
        actionSpace = BoxSpace(low: [Float(parameters.minimumAction)], high: [Float(parameters.maximumAction)])
        power32 = Float(parameters.power)
        maximumSpeed32 = Float(parameters.maximumSpeed)
        minimumPosition32 = Float(parameters.minimumPosition)
        maximumPosition32 = Float(parameters.maximumPosition)
        goalPosition32 = Float(parameters.goalPosition)
        goalVelocity32 = Float(parameters.goalVelocity)
        minimumAction32 = Float(parameters.minimumAction)
        maximumAction32 = Float(parameters.maximumAction)
    }

    // MARK: Step

    /// One step: velocity, then position, each clipped; the left wall stops the car; the state is then
    /// rounded to float32.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 1)
        let a = action[0]

        // velocity += force * power − 0.0025 * cos(3 * position). The slope term is a Python float; its
        // argument 3·p is a float32 product when the state is float32.
        let slope = parameters.gravity * cos(isSinglePrecision ? Double(3 * Float(position)) : 3 * position)
        // force = min(max(a, min_action), max_action): the float32 action if in range, else a Python float.
        let isClipped = a < minimumAction32 || a > maximumAction32
        let terminated: Bool
        if isSinglePrecision {
            var v = Float(velocity), p = Float(position)
            if isClipped {
                let force = a < minimumAction32 ? parameters.minimumAction : parameters.maximumAction
                v = v + Float(force * parameters.power - slope)
            } else {
                v = v + (a * power32 - Float(slope))
            }
            if v > maximumSpeed32 { v = maximumSpeed32 }
            if v < -maximumSpeed32 { v = -maximumSpeed32 }
            p = p + v
            if p > maximumPosition32 { p = maximumPosition32 }
            if p < minimumPosition32 { p = minimumPosition32 }
            if p == minimumPosition32 && v < 0 { v = 0 }
            terminated = p >= goalPosition32 && v >= goalVelocity32
            setState(position: Double(p), velocity: Double(v), isSinglePrecision: true)
        } else {
            var v = velocity, p = position
            if isClipped {
                let force = a < minimumAction32 ? parameters.minimumAction : parameters.maximumAction
                v = v + (force * parameters.power - slope)
            } else {
                v = v + Double(a * power32 - Float(slope))
            }
            if v > parameters.maximumSpeed { v = parameters.maximumSpeed }
            if v < -parameters.maximumSpeed { v = -parameters.maximumSpeed }
            p = p + v
            if p > parameters.maximumPosition { p = parameters.maximumPosition }
            if p < parameters.minimumPosition { p = parameters.minimumPosition }
            if p == parameters.minimumPosition && v < 0 { v = 0 }
            terminated = p >= parameters.goalPosition && v >= parameters.goalVelocity
            setState(position: Double(Float(p)), velocity: Double(Float(v)), isSinglePrecision: true)
        }

        // reward = (100 if terminated else 0) − pow(a, 2)·0.1, with the unclipped action.
        let a64 = Double(a)
        let reward = (terminated ? parameters.goalReward : 0) - (a64 * a64) * parameters.controlCostWeight
        return Transition(observation: observationBuffer, reward: reward, isTerminal: terminated)
    }

    // MARK: Reset

    /// Draws p ~ U[−0.6, −0.4] and sets v = 0; the state is float64 until the next step, as in Gymnasium.
    public mutating func reset(using random: RandomStream) -> [Float] {
        setState(position: random.uniform(from: parameters.startLow, to: parameters.startHigh), velocity: 0,
                 isSinglePrecision: false)
        return observationBuffer
    }

    // MARK: State and observation

    /// (p, v).
    public var state: [Double] { [position, velocity] }

    /// Sets (p, v) as float64 values, like `env.unwrapped.state = np.array([p, v])`; no clipping.
    public mutating func setState(_ values: [Double]) throws {
        let values = try validatedState(values)
        setState(position: values[0], velocity: values[1], isSinglePrecision: false)
    }

    /// (p, v) and the precision flag (1 for float32), which decides the next step's roundings.
    public var resumableState: [Double] { [position, velocity, isSinglePrecision ? 1 : 0] }

    /// Restores (p, v) and the precision flag exactly as ``resumableState`` read them.
    public mutating func restoreResumableState(_ values: [Double]) throws {
        guard values.count == 3, values[2] == 0 || values[2] == 1 else {
            throw EnvironmentError.stateLength(environment: Self.documentation.name, expected: 3, found: values.count)
        }
        let physical = try validatedState(Array(values[0..<2]))
        setState(position: physical[0], velocity: physical[1], isSinglePrecision: values[2] == 1)
    }

    /// (p, v) rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    // MARK: Helpers

    /// Sets the state and its observation (written in place when no earlier transition still holds it).
    @inline(__always)
    private mutating func setState(position p: Double, velocity v: Double, isSinglePrecision single: Bool) {
        position = p
        velocity = v
        isSinglePrecision = single
        observationBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(p)
            buffer[1] = Float(v)
        }
    }
}
