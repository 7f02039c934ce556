// Reacher-v5: Gymnasium 1.4's `gymnasium/envs/mujoco/reacher_v5.py` on DuetPhysics, with Gymnasium's model
// `envs/models/reacher.xml` (a two-link planar arm of 0.1 m capsules on hinges about z, damping 1,
// armature 1, gear 200, the elbow limited to ±3 rad; a target on two sliders limited to ±0.27 m).
//
// ## Action space (2)
// | Num | Action                          | Min | Max |
// |-----|---------------------------------|-----|-----|
// | 0   | shoulder torque (×200 N·m)      | −1  | 1   |
// | 1   | elbow torque (×200 N·m)         | −1  | 1   |
//
// ## Observation space (10)
// cos q₀, cos q₁, sin q₀, sin q₁, target x, target y, q̇₀, q̇₁, (fingertip − target) x, y.
//
// ## Reward (after the step)
//   r = −‖p_fingertip − p_target‖ − (a₀² + a₁²)
// with the body origins (`get_body_com`, MuJoCo's xpos) of the last RK4 stage, and the raw action's squares
// summed in float32 as NumPy does for Gymnasium's float32 action (`reward_control_weight` is 1 in v5's code).
//
// ## Episode end, start
// Never terminates; truncated at 50 steps. Start: qpos = q₀ + U(±0.1) (4 draws), then the goal g ~ U(±0.2)²
// (2 draws) until ‖g‖ < 0.2 replaces the target's qpos; qvel = U(±0.005) (4 draws) with the target's two set
// to 0; then `mj_forward`.
//
// ## Physics
// RK4, h = 0.01 s, frame skip 2: one step is 0.02 s. Gravity is normal to the arm's plane and does no work.
import DuetPhysics
import DuetRandom
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Move a two-link arm's fingertip to a random target: Gymnasium's Reacher-v5.
///
/// State (qpos, qvel) in `Double` (joint0, joint1, target_x, target_y, then their velocities); observation
/// in `Float`. See the file header and `envs/Reacher-v5.md`.
public struct Reacher: PhysicsEnvironment {
    /// The task's constants (Gymnasium's `__init__` arguments and `reset_model` constants).
    public struct Parameters: Sendable, Equatable {
        /// Weight of the distance term (`reward_dist_weight`).
        public var distanceWeight: Double = 1
        /// Weight of the control cost (`reward_control_weight`, 1 in v5's code).
        public var controlWeight: Float = 1
        /// Half-width of the uniform noise on the arm's qpos, rad.
        public var positionNoise: Double = 0.1
        /// Half-width of the uniform noise on the arm's qvel, rad/s.
        public var velocityNoise: Double = 0.005
        /// Targets are drawn in [−r, r]² until ‖g‖ < r, m.
        public var targetRadius: Double = 0.2

        /// Gymnasium's defaults, or any of them changed.
        public init(distanceWeight: Double = 1, controlWeight: Float = 1, positionNoise: Double = 0.1,
                    velocityNoise: Double = 0.005, targetRadius: Double = 0.2) {
            self.distanceWeight = distanceWeight
            self.controlWeight = controlWeight
            self.positionNoise = positionNoise
            self.velocityNoise = velocityNoise
            self.targetRadius = targetRadius
        }
    }

    /// The compiled `envs/models/reacher.xml`.
    public static var physicsModel: PlanarModel { MuJoCoModels.reacher }
    /// Gymnasium's `frame_skip`.
    public static let frameSkip = 2

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "Reacher",
        summary: "Bring a two-link arm's fingertip to a random target in the plane (Gymnasium v5).",
        observation: ["cos q₀", "cos q₁", "sin q₀", "sin q₁", "target x (m)", "target y (m)", "q̇₀ (rad/s)",
                      "q̇₁ (rad/s)", "fingertip − target x (m)", "fingertip − target y (m)"],
        action: ["shoulder torque a₀ (200·a₀ N·m)", "elbow torque a₁ (200·a₁ N·m)"],
        state: stateLabels(MuJoCoModels.reacher),
        reward: "−‖fingertip − target‖ − (a₀² + a₁²) after the step, positions at the last RK4 stage",
        start: "arm qpos ~ U(±0.1), target uniform in the disc of radius 0.2 (rejection), arm qvel ~ U(±0.005), "
            + "target at rest",
        termination: "never terminates",
        reference: "Gymnasium 1.4 reacher_v5.py with MuJoCo 4.0 (reacher.xml)")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// ℝ¹⁰ (Gymnasium's `Box(-inf, inf, (10,))`).
    public let observationSpace = BoxSpace(symmetric: [Float](repeating: .infinity, count: 10))
    /// [−1, 1]².
    public let actionSpace = BoxSpace(low: [-1, -1], high: [1, 1])

    /// The simulation: qpos, qvel, ctrl and the last evaluation.
    public private(set) var simulation = Simulation(MuJoCoModels.reacher)
    private var observationBuffer = [Float](repeating: 0, count: 10)
    private static let fingertip = MuJoCoModels.reacher.model.bodyIndex(named: "fingertip") ?? 0
    private static let target = MuJoCoModels.reacher.model.bodyIndex(named: "target") ?? 0

    /// A task with the given constants, at q₀ at rest until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        writeObservation()
    }

    /// One control step; the reward is the distance at the last RK4 stage and the control cost.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 2)
        simulation.applyControl(action, frames: Self.frameSkip)
        writeObservation()
        let offset = simulation.bodyPosition(Self.fingertip) - simulation.bodyPosition(Self.target)
        let distance = (offset * offset).sum().squareRoot()
        let squares: Float = action[0] * action[0] + action[1] * action[1]  // NumPy float32
        let control = -squares * parameters.controlWeight
        return Transition(observation: observationBuffer,
                          reward: -distance * parameters.distanceWeight + Double(control), isTerminal: false)
    }

    /// Gymnasium's `reset_model`, drawn in its order.
    public mutating func reset(using random: RandomStream) -> [Float] {
        let q0 = Self.physicsModel.model.joints.map(\.reference)
        var positions = (0..<4).map { random.uniform(from: -parameters.positionNoise, to: parameters.positionNoise) + q0[$0] }
        var goal: (Double, Double)
        repeat {
            goal = (random.uniform(from: -parameters.targetRadius, to: parameters.targetRadius),
                    random.uniform(from: -parameters.targetRadius, to: parameters.targetRadius))
        } while (goal.0 * goal.0 + goal.1 * goal.1).squareRoot() >= parameters.targetRadius
        positions[2] = goal.0
        positions[3] = goal.1
        var velocities = (0..<4).map { _ in random.uniform(from: -parameters.velocityNoise, to: parameters.velocityNoise) }
        velocities[2] = 0
        velocities[3] = 0
        simulation.setTaskState(positions + velocities)
        writeObservation()
        return observationBuffer
    }

    /// (joint0, joint1, target_x, target_y, their velocities).
    public var state: [Double] { simulation.taskState }

    /// Sets (qpos, qvel) and evaluates them (Gymnasium's `set_state`).
    public mutating func setState(_ values: [Double]) throws {
        simulation.setTaskState(try validatedState(values))
        writeObservation()
    }

    /// The observation of the current state (fingertip and target of the last evaluation).
    public var observation: [Float] { observationBuffer }

    private mutating func writeObservation() {
        let q = simulation.positions, v = simulation.velocities
        observationBuffer[0] = Float(cos(q[0]))
        observationBuffer[1] = Float(cos(q[1]))
        observationBuffer[2] = Float(sin(q[0]))
        observationBuffer[3] = Float(sin(q[1]))
        observationBuffer[4] = Float(q[2])
        observationBuffer[5] = Float(q[3])
        observationBuffer[6] = Float(v[0])
        observationBuffer[7] = Float(v[1])
        let fingertip = simulation.bodyPosition(Self.fingertip), target = simulation.bodyPosition(Self.target)
        observationBuffer[8] = Float(fingertip.x - target.x)
        observationBuffer[9] = Float(fingertip.y - target.y)
    }
}
