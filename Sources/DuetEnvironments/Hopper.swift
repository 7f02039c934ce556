// Hopper-v5: Gymnasium 1.4's `gymnasium/envs/mujoco/hopper_v5.py` on DuetPhysics, with Gymnasium's model
// `envs/models/hopper.xml` (a torso, thigh, leg and foot of capsules, 15.8 kg, on a planar root — slides x and z,
// hinge about y — and three hinges limited to [−150°, 0], [−150°, 0] and ±45°, gear 200, damping and armature 1;
// every geom collides with the floor (condim 3, friction 1, the foot 2) and with the other non-adjacent links
// (condim 1); margin 0.001 per geom, solimp (0.8, 0.8, 0.01)).
//
// ## Action space (3)
// | Num | Action                     | Min | Max |
// |-----|----------------------------|-----|-----|
// | 0   | thigh torque (×200 N·m)    | −1  | 1   |
// | 1   | leg torque (×200 N·m)      | −1  | 1   |
// | 2   | foot torque (×200 N·m)     | −1  | 1   |
//
// ## Observation space (11)
// qpos[1:] (torso height z, torso pitch, thigh, leg, foot angles), then clip(qvel, ±10) (6): x is excluded.
//
// ## Reward (after the step)
//   r = (x' − x)/dt + healthy − 1e-3·Σa²,  dt = 0.008 s, healthy = 1 while healthy
// with x the root's qpos[0]; the control cost is float32 arithmetic (PlanarLocomotion.swift).
//
// ## Episode end, start
// Terminates when unhealthy after the step: healthy needs z > 0.7, −0.2 < pitch < 0.2 and every one of qpos[2:]
// and the raw qvel in (−100, 100). Start: qpos = q₀ + U(±0.005) (6 draws), qvel = U(±0.005) (6 draws), then
// `mj_forward`. Truncated at 1000 steps.
//
// ## Physics
// RK4, h = 0.002 s, frame skip 4: one step is 0.008 s.
import DuetPhysics
import DuetRandom

/// Hop forward on one leg without falling: Gymnasium's Hopper-v5.
///
/// State (qpos, qvel) in `Double`, MuJoCo's order; observation in `Float`. See the file header and
/// `envs/Hopper-v5.md`.
public struct Hopper: PhysicsEnvironment, ForwardMoving {
    /// The task's constants (Gymnasium's `__init__` arguments).
    public struct Parameters: Sendable, Equatable {
        /// Weight of the forward velocity (`forward_reward_weight`).
        public var forwardRewardWeight: Double = 1
        /// Weight of the control cost (`ctrl_cost_weight`), applied in float32.
        public var controlCostWeight: Float = 1e-3
        /// The reward for each healthy step (`healthy_reward`).
        public var healthyReward: Double = 1
        /// Whether an unhealthy state ends the episode (`terminate_when_unhealthy`).
        public var terminateWhenUnhealthy = true
        /// Open interval for qpos[2:] and qvel (`healthy_state_range`).
        public var healthyStateRange: ClosedRange<Double> = -100...100
        /// Open interval for the torso height qpos[1], m (`healthy_z_range`).
        public var healthyHeightRange: ClosedRange<Double> = 0.7...Double.infinity
        /// Open interval for the torso pitch qpos[2], rad (`healthy_angle_range`).
        public var healthyAngleRange: ClosedRange<Double> = -0.2...0.2
        /// Half-width of the uniform start noise on qpos and qvel (`reset_noise_scale`).
        public var resetNoiseScale: Double = 5e-3

        /// Gymnasium's defaults.
        public init() {}
    }

    /// The compiled `envs/models/hopper.xml`.
    public static var physicsModel: PlanarModel { MuJoCoModels.hopper }
    /// Gymnasium's `frame_skip`.
    public static let frameSkip = 4

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "Hopper",
        summary: "Hop forward on one leg (torso, thigh, leg, foot) without falling (Gymnasium v5).",
        observation: PlanarLocomotion.observationLabels(MuJoCoModels.hopper, clipped: true),
        action: ["thigh torque a₀ (200·a₀ N·m)", "leg torque a₁ (200·a₁ N·m)", "foot torque a₂ (200·a₂ N·m)"],
        state: stateLabels(MuJoCoModels.hopper),
        reward: "(x' − x)/0.008 + 1 (while healthy) − 1e-3·Σa² (control cost in float32)",
        start: "qpos = q₀ + U(±0.005), qvel = U(±0.005) (qpos first), then mj_forward",
        termination: "terminates unless z > 0.7, |pitch| < 0.2 and |qpos[2:]|, |qvel| < 100",
        reference: "Gymnasium 1.4 hopper_v5.py with MuJoCo 4.0 (hopper.xml)")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// ℝ¹¹ (Gymnasium's `Box(-inf, inf, (11,))`).
    public let observationSpace = BoxSpace(symmetric: [Float](repeating: .infinity, count: 11))
    /// [−1, 1]³.
    public let actionSpace = BoxSpace(low: [-1, -1, -1], high: [1, 1, 1])

    /// The simulation: qpos, qvel, ctrl and the last evaluation.
    public private(set) var simulation = Simulation(MuJoCoModels.hopper)
    private var observationBuffer = [Float](repeating: 0, count: 11)
    /// dt = h·frame_skip, as Gymnasium computes it.
    public static let controlTimestep = MuJoCoModels.hopper.timestep * Double(frameSkip)

    /// A task with the given constants, standing at q₀ until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        writeObservation()
    }

    /// One control step: forward velocity plus the healthy reward less the control cost.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 3)
        let velocity = simulation.forwardVelocity(applying: action, frames: Self.frameSkip, over: Self.controlTimestep)
        writeObservation()
        let healthy = isHealthy
        let rewards = parameters.forwardRewardWeight * velocity + (healthy ? parameters.healthyReward : 0)
        let cost = PlanarLocomotion.controlCost(action, weight: parameters.controlCostWeight)
        return Transition(observation: observationBuffer, reward: rewards - Double(cost),
                          isTerminal: !healthy && parameters.terminateWhenUnhealthy)
    }

    /// Gymnasium's `is_healthy`: height, pitch, and every one of qpos[2:] and qvel inside their open ranges.
    public var isHealthy: Bool {
        let q = simulation.positions, v = simulation.velocities
        let state = parameters.healthyStateRange
        let inState = { (x: Double) in state.lowerBound < x && x < state.upperBound }
        let z = parameters.healthyHeightRange, angle = parameters.healthyAngleRange
        return q[2...].allSatisfy(inState) && v.allSatisfy(inState) && z.lowerBound < q[1] && q[1] < z.upperBound
            && angle.lowerBound < q[2] && q[2] < angle.upperBound
    }

    /// qpos = q₀ + U(±`resetNoiseScale`) (6 draws), then qvel = U(±`resetNoiseScale`) (6 draws).
    public mutating func reset(using random: RandomStream) -> [Float] {
        let scale = parameters.resetNoiseScale, q0 = Self.physicsModel.initialPositions
        let positions = (0..<6).map { q0[$0] + random.uniform(from: -scale, to: scale) }
        let velocities = (0..<6).map { _ in random.uniform(from: -scale, to: scale) }
        simulation.setTaskState(positions + velocities)
        writeObservation()
        return observationBuffer
    }

    /// (rootx, rootz, rooty, thigh_joint, leg_joint, foot_joint, their velocities).
    public var state: [Double] { simulation.taskState }

    /// Sets (qpos, qvel) and evaluates them (Gymnasium's `set_state`).
    public mutating func setState(_ values: [Double]) throws {
        simulation.setTaskState(try validatedState(values))
        writeObservation()
    }

    /// qpos[1:] then clip(qvel, ±10), rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    private mutating func writeObservation() {
        PlanarLocomotion.writeObservation(simulation, velocityBound: 10, into: &observationBuffer)
    }
}
