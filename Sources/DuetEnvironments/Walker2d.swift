// Walker2d-v5: Gymnasium 1.4's `gymnasium/envs/mujoco/walker2d_v5.py` on DuetPhysics, with Gymnasium's model
// `envs/models/walker2d_v5.xml` (Hopper's torso on a planar root — slides x and z, hinge about y — with two
// identical legs of thigh, leg and foot, hinges limited to [−150°, 0], [−150°, 0] and ±45°, gear 100, damping
// 0.1, armature 0.01; the legs touch only the floor (condim 3, friction 0.9, the feet 1.9), default solref and
// solimp, no margin).
//
// ## Action space (6)
// Torques 100·a on thigh_joint, leg_joint, foot_joint, thigh_left_joint, leg_left_joint, foot_left_joint, each
// a in [−1, 1].
//
// ## Observation space (17)
// qpos[1:] (torso height z, torso pitch, six joint angles), then clip(qvel, ±10) (9): x is excluded.
//
// ## Reward (after the step)
//   r = (x' − x)/dt + healthy − 1e-3·Σa²,  dt = 0.008 s, healthy = 1 while healthy
// with x the root's qpos[0]; the control cost is float32 arithmetic (PlanarLocomotion.swift).
//
// ## Episode end, start
// Terminates when unhealthy after the step: healthy needs 0.8 < z < 2 and −1 < pitch < 1. Start:
// qpos = q₀ + U(±0.005) (9 draws), qvel = U(±0.005) (9 draws), then `mj_forward`. Truncated at 1000 steps.
//
// ## Physics
// RK4, h = 0.002 s, frame skip 4: one step is 0.008 s.
import DuetPhysics
import DuetRandom

/// Walk forward on two legs without falling: Gymnasium's Walker2d-v5.
///
/// State (qpos, qvel) in `Double`, MuJoCo's order; observation in `Float`. See the file header and
/// `envs/Walker2d-v5.md`.
public struct Walker2d: PhysicsEnvironment, ForwardMoving {
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
        /// Open interval for the torso height qpos[1], m (`healthy_z_range`).
        public var healthyHeightRange: ClosedRange<Double> = 0.8...2
        /// Open interval for the torso pitch qpos[2], rad (`healthy_angle_range`).
        public var healthyAngleRange: ClosedRange<Double> = -1...1
        /// Half-width of the uniform start noise on qpos and qvel (`reset_noise_scale`).
        public var resetNoiseScale: Double = 5e-3

        /// Gymnasium's defaults.
        public init() {}
    }

    /// The compiled `envs/models/walker2d_v5.xml`.
    public static var physicsModel: PlanarModel { MuJoCoModels.walker2d }
    /// Gymnasium's `frame_skip`.
    public static let frameSkip = 4

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "Walker2d",
        summary: "Walk forward on two legs (thigh, leg, foot each) without falling (Gymnasium v5).",
        observation: PlanarLocomotion.observationLabels(MuJoCoModels.walker2d, clipped: true),
        action: ["right thigh torque (100·a N·m)", "right leg torque (100·a N·m)", "right foot torque (100·a N·m)",
                 "left thigh torque (100·a N·m)", "left leg torque (100·a N·m)", "left foot torque (100·a N·m)"],
        state: stateLabels(MuJoCoModels.walker2d),
        reward: "(x' − x)/0.008 + 1 (while healthy) − 1e-3·Σa² (control cost in float32)",
        start: "qpos = q₀ + U(±0.005), qvel = U(±0.005) (qpos first), then mj_forward",
        termination: "terminates unless 0.8 < z < 2 and |pitch| < 1",
        reference: "Gymnasium 1.4 walker2d_v5.py with MuJoCo 4.0 (walker2d_v5.xml)")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// ℝ¹⁷ (Gymnasium's `Box(-inf, inf, (17,))`).
    public let observationSpace = BoxSpace(symmetric: [Float](repeating: .infinity, count: 17))
    /// [−1, 1]⁶.
    public let actionSpace = BoxSpace(low: [Float](repeating: -1, count: 6), high: [Float](repeating: 1, count: 6))

    /// The simulation: qpos, qvel, ctrl and the last evaluation.
    public private(set) var simulation = Simulation(MuJoCoModels.walker2d)
    private var observationBuffer = [Float](repeating: 0, count: 17)
    /// dt = h·frame_skip, as Gymnasium computes it.
    public static let controlTimestep = MuJoCoModels.walker2d.timestep * Double(frameSkip)

    /// A task with the given constants, standing at q₀ until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        writeObservation()
    }

    /// One control step: forward velocity plus the healthy reward less the control cost.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 6)
        let velocity = simulation.forwardVelocity(applying: action, frames: Self.frameSkip, over: Self.controlTimestep)
        writeObservation()
        let healthy = isHealthy
        let rewards = parameters.forwardRewardWeight * velocity + (healthy ? parameters.healthyReward : 0)
        let cost = PlanarLocomotion.controlCost(action, weight: parameters.controlCostWeight)
        return Transition(observation: observationBuffer, reward: rewards - Double(cost),
                          isTerminal: !healthy && parameters.terminateWhenUnhealthy)
    }

    /// Gymnasium's `is_healthy`: the torso height and pitch inside their open ranges.
    public var isHealthy: Bool {
        let z = simulation.positions[1], pitch = simulation.positions[2]
        let height = parameters.healthyHeightRange, angle = parameters.healthyAngleRange
        return height.lowerBound < z && z < height.upperBound && angle.lowerBound < pitch && pitch < angle.upperBound
    }

    /// qpos = q₀ + U(±`resetNoiseScale`) (9 draws), then qvel = U(±`resetNoiseScale`) (9 draws).
    public mutating func reset(using random: RandomStream) -> [Float] {
        let scale = parameters.resetNoiseScale, q0 = Self.physicsModel.initialPositions
        let positions = (0..<9).map { q0[$0] + random.uniform(from: -scale, to: scale) }
        let velocities = (0..<9).map { _ in random.uniform(from: -scale, to: scale) }
        simulation.setTaskState(positions + velocities)
        writeObservation()
        return observationBuffer
    }

    /// (rootx, rootz, rooty, the six leg joints, their velocities).
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
