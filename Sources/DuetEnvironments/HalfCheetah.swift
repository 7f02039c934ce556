// HalfCheetah-v5: Gymnasium 1.4's `gymnasium/envs/mujoco/half_cheetah_v5.py` on DuetPhysics, with Gymnasium's
// model `envs/models/half_cheetah.xml` (a 14 kg body — `settotalmass` — of a torso with a head and two legs of
// thigh, shin and foot on a planar root — slides x and z, hinge about y; six hinges with springs, damping and
// armature 0.1, gears 120, 90, 60, 120, 60, 30; every capsule touches only the floor, condim 3, friction 0.4,
// solimp (0 → 1e-4, 0.8, 0.01), limits solimp (0, 0.8, 0.03)).
//
// ## Action space (6)
// Torques on bthigh, bshin, bfoot, fthigh, fshin, ffoot (gear·a), each a in [−1, 1].
//
// ## Observation space (17)
// qpos[1:] (torso height z, torso pitch, six joint angles), then qvel (9), unclipped: x is excluded.
//
// ## Reward (after the step)
//   r = (x' − x)/dt − 0.1·Σa²,  dt = 0.05 s
// with x the root's qpos[0]; the control cost is float32 arithmetic (PlanarLocomotion.swift).
//
// ## Episode end, start
// Never terminates; truncated at 1000 steps. Start: qpos = q₀ + U(±0.1) (9 draws), qvel = 0.1·N(0, 1) (9
// draws), then `mj_forward`.
//
// ## Physics
// Euler with implicit damping, h = 0.01 s, frame skip 5: one step is 0.05 s.
import DuetPhysics
import DuetRandom

/// Run forward as fast as possible: Gymnasium's HalfCheetah-v5.
///
/// State (qpos, qvel) in `Double`, MuJoCo's order; observation in `Float`. See the file header and
/// `envs/HalfCheetah-v5.md`.
public struct HalfCheetah: PhysicsEnvironment, ForwardMoving {
    /// The task's constants (Gymnasium's `__init__` arguments).
    public struct Parameters: Sendable, Equatable {
        /// Weight of the forward velocity (`forward_reward_weight`).
        public var forwardRewardWeight: Double = 1
        /// Weight of the control cost (`ctrl_cost_weight`), applied in float32.
        public var controlCostWeight: Float = 0.1
        /// Half-width of the uniform qpos noise and standard deviation of the qvel noise (`reset_noise_scale`).
        public var resetNoiseScale: Double = 0.1

        /// Gymnasium's defaults.
        public init() {}
    }

    /// The compiled `envs/models/half_cheetah.xml`.
    public static var physicsModel: PlanarModel { MuJoCoModels.halfCheetah }
    /// Gymnasium's `frame_skip`.
    public static let frameSkip = 5

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "HalfCheetah",
        summary: "Run forward on a planar two-legged cheetah (Gymnasium v5).",
        observation: PlanarLocomotion.observationLabels(MuJoCoModels.halfCheetah, clipped: false),
        action: ["back thigh torque (120·a N·m)", "back shin torque (90·a N·m)", "back foot torque (60·a N·m)",
                 "front thigh torque (120·a N·m)", "front shin torque (60·a N·m)", "front foot torque (30·a N·m)"],
        state: stateLabels(MuJoCoModels.halfCheetah),
        reward: "(x' − x)/0.05 − 0.1·Σa² (control cost in float32)",
        start: "qpos = q₀ + U(±0.1), qvel = 0.1·N(0, 1) (qpos first), then mj_forward",
        termination: "never terminates",
        reference: "Gymnasium 1.4 half_cheetah_v5.py with MuJoCo 4.0 (half_cheetah.xml)")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// ℝ¹⁷ (Gymnasium's `Box(-inf, inf, (17,))`).
    public let observationSpace = BoxSpace(symmetric: [Float](repeating: .infinity, count: 17))
    /// [−1, 1]⁶.
    public let actionSpace = BoxSpace(low: [Float](repeating: -1, count: 6), high: [Float](repeating: 1, count: 6))

    /// The simulation: qpos, qvel, ctrl and the last evaluation.
    public private(set) var simulation = Simulation(MuJoCoModels.halfCheetah)
    private var observationBuffer = [Float](repeating: 0, count: 17)
    /// dt = h·frame_skip, as Gymnasium computes it.
    public static let controlTimestep = MuJoCoModels.halfCheetah.timestep * Double(frameSkip)

    /// A task with the given constants, at q₀ until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        writeObservation()
    }

    /// One control step: forward velocity less the control cost.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 6)
        let velocity = simulation.forwardVelocity(applying: action, frames: Self.frameSkip, over: Self.controlTimestep)
        writeObservation()
        let cost = PlanarLocomotion.controlCost(action, weight: parameters.controlCostWeight)
        return Transition(observation: observationBuffer,
                          reward: parameters.forwardRewardWeight * velocity - Double(cost), isTerminal: false)
    }

    /// qpos = q₀ + U(±`resetNoiseScale`) (9 draws), then qvel = `resetNoiseScale`·N(0, 1) (9 draws).
    public mutating func reset(using random: RandomStream) -> [Float] {
        let scale = parameters.resetNoiseScale, q0 = Self.physicsModel.initialPositions
        let positions = (0..<9).map { q0[$0] + random.uniform(from: -scale, to: scale) }
        let velocities = (0..<9).map { _ in scale * random.gaussian() }
        simulation.setTaskState(positions + velocities)
        writeObservation()
        return observationBuffer
    }

    /// (rootx, rootz, rooty, bthigh, bshin, bfoot, fthigh, fshin, ffoot, their velocities).
    public var state: [Double] { simulation.taskState }

    /// Sets (qpos, qvel) and evaluates them (Gymnasium's `set_state`).
    public mutating func setState(_ values: [Double]) throws {
        simulation.setTaskState(try validatedState(values))
        writeObservation()
    }

    /// qpos[1:] then qvel, rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    private mutating func writeObservation() {
        PlanarLocomotion.writeObservation(simulation, velocityBound: nil, into: &observationBuffer)
    }
}
