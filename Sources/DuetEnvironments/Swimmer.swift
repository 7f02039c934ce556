// Swimmer-v5: Gymnasium 1.4's `gymnasium/envs/mujoco/swimmer_v5.py` on DuetPhysics, with Gymnasium's model
// `envs/models/swimmer.xml` (three 35.6 kg capsule links of 1 m, free in the xy plane through two slides and a
// hinge at the torso, two hinges limited to ±100° driven with gear 150, armature 0.1, in a viscous fluid of
// density 4000 and viscosity 0.1: MuJoCo's inertia-box fluid model).
//
// ## Action space (2)
// | Num | Action                          | Min | Max |
// |-----|---------------------------------|-----|-----|
// | 0   | first rotor torque (×150 N·m)   | −1  | 1   |
// | 1   | second rotor torque (×150 N·m)  | −1  | 1   |
//
// ## Observation space (8)
// qpos[2:] (torso angle, the two rotor angles), qvel (x, y, torso, rotors): the x, y position is excluded.
//
// ## Reward (after the step)
//   r = (x' − x)/dt − 1e-4·(a₀² + a₁²),  dt = 0.04 s
// with x the torso's qpos[0]; the control cost is float32 arithmetic, as NumPy evaluates it on Gymnasium's
// float32 action (NEP 50: a Python float times a float32 stays float32).
//
// ## Episode end, start
// Never terminates; truncated at 1000 steps. Start: qpos and qvel each U(±0.1) (qpos first), then
// `mj_forward`.
//
// ## Physics
// RK4, h = 0.01 s, frame skip 4: one step is 0.04 s.
import DuetPhysics
import DuetRandom

/// Swim forward along x in a viscous fluid by undulating a three-link body: Gymnasium's Swimmer-v5.
///
/// State (qpos, qvel) in `Double`, MuJoCo's order; observation in `Float`. See the file header and
/// `envs/Swimmer-v5.md`.
public struct Swimmer: PhysicsEnvironment, ForwardMoving {
    /// The task's constants (Gymnasium's `__init__` arguments).
    public struct Parameters: Sendable, Equatable {
        /// Weight of the forward velocity (`forward_reward_weight`).
        public var forwardRewardWeight: Double = 1
        /// Weight of the control cost (`ctrl_cost_weight`), applied in float32.
        public var controlCostWeight: Float = 1e-4
        /// Half-width of the uniform start noise on qpos and qvel (`reset_noise_scale`).
        public var resetNoiseScale: Double = 0.1

        /// Gymnasium's defaults, or any of them changed.
        public init(forwardRewardWeight: Double = 1, controlCostWeight: Float = 1e-4, resetNoiseScale: Double = 0.1) {
            self.forwardRewardWeight = forwardRewardWeight
            self.controlCostWeight = controlCostWeight
            self.resetNoiseScale = resetNoiseScale
        }
    }

    /// The compiled `envs/models/swimmer.xml`.
    public static var physicsModel: PlanarModel { MuJoCoModels.swimmer }
    /// Gymnasium's `frame_skip`.
    public static let frameSkip = 4

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "Swimmer",
        summary: "Swim forward along x by undulating three links in a viscous fluid (Gymnasium v5).",
        observation: ["torso angle (rad)", "first rotor angle (rad)", "second rotor angle (rad)", "torso ẋ (m/s)",
                      "torso ẏ (m/s)", "torso angular velocity (rad/s)", "first rotor velocity (rad/s)",
                      "second rotor velocity (rad/s)"],
        action: ["first rotor torque a₀ (150·a₀ N·m)", "second rotor torque a₁ (150·a₁ N·m)"],
        state: stateLabels(MuJoCoModels.swimmer),
        reward: "(x' − x)/0.04 − 1e-4·(a₀² + a₁²) (control cost in float32)",
        start: "qpos, qvel ~ U(±0.1) each (qpos first), then mj_forward",
        termination: "never terminates",
        reference: "Gymnasium 1.4 swimmer_v5.py with MuJoCo 4.0 (swimmer.xml)")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// ℝ⁸ (Gymnasium's `Box(-inf, inf, (8,))`).
    public let observationSpace = BoxSpace(symmetric: [Float](repeating: .infinity, count: 8))
    /// [−1, 1]².
    public let actionSpace = BoxSpace(low: [-1, -1], high: [1, 1])

    /// The simulation: qpos, qvel, ctrl and the last evaluation.
    public private(set) var simulation = Simulation(MuJoCoModels.swimmer)
    private var observationBuffer = [Float](repeating: 0, count: 8)
    /// dt = h·frame_skip, as Gymnasium computes it (`model.opt.timestep * frame_skip`).
    public static let controlTimestep = MuJoCoModels.swimmer.timestep * Double(frameSkip)

    /// A task with the given constants, at rest at the origin until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        writeObservation()
    }

    /// One control step; the reward is the torso's forward velocity over the step less the control cost.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 2)
        let velocity = simulation.forwardVelocity(applying: action, frames: Self.frameSkip, over: Self.controlTimestep)
        writeObservation()
        let cost = PlanarLocomotion.controlCost(action, weight: parameters.controlCostWeight)
        return Transition(observation: observationBuffer,
                          reward: parameters.forwardRewardWeight * velocity - Double(cost), isTerminal: false)
    }

    /// qpos, qvel ~ U(±`resetNoiseScale`) each about 0, qpos drawn first.
    public mutating func reset(using random: RandomStream) -> [Float] {
        let scale = parameters.resetNoiseScale
        simulation.setTaskState((0..<10).map { _ in random.uniform(from: -scale, to: scale) })
        writeObservation()
        return observationBuffer
    }

    /// (slider1, slider2, free_body_rot, motor1_rot, motor2_rot, their velocities).
    public var state: [Double] { simulation.taskState }

    /// Sets (qpos, qvel) and evaluates them (Gymnasium's `set_state`).
    public mutating func setState(_ values: [Double]) throws {
        simulation.setTaskState(try validatedState(values))
        writeObservation()
    }

    /// qpos[2:] then qvel, rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    private mutating func writeObservation() {
        for index in 0..<3 { observationBuffer[index] = Float(simulation.positions[2 + index]) }
        for index in 0..<5 { observationBuffer[3 + index] = Float(simulation.velocities[index]) }
    }
}
