// InvertedPendulum-v5: Gymnasium 1.4's `gymnasium/envs/mujoco/inverted_pendulum_v5.py` on DuetPhysics, with
// Gymnasium's model `envs/models/inverted_pendulum.xml` (MuJoCo's cart-pole: a 10.47 kg capsule cart on a
// slider limited to ±1 m, a 5.02 kg capsule pole on a hinge limited to ±90°, joint damping 1, motor gear 100).
//
// ## Action space (1)
// | Num | Action                        | Min | Max |
// |-----|-------------------------------|-----|-----|
// | 0   | force on the cart (×100 N)    | −3  | 3   |
// Out-of-range actions are clamped by the physics (ctrlrange ±3).
//
// ## Observation space (4): qpos then qvel
// | Num | Observation                        |
// |-----|------------------------------------|
// | 0   | cart position (slider, m)          |
// | 1   | pole angle (hinge, rad)            |
// | 2   | cart velocity (m/s)                |
// | 3   | pole angular velocity (rad/s)      |
//
// ## Reward, episode end, start
// 1 for every step after which the pole is upright; the episode terminates when an observation is not finite
// or |pole angle| > 0.2 rad (reward 0 on that step). Start: qpos and qvel each U(±0.01) about 0, drawn in
// that order (Gymnasium's `reset_model`), then `mj_forward`. Truncated at 1000 steps.
//
// ## Physics
// RK4, h = 0.02 s, frame skip 2: one step is 0.04 s.
import DuetPhysics
import DuetRandom

/// Balance the pole of MuJoCo's cart-pole by pushing the cart: Gymnasium's InvertedPendulum-v5.
///
/// State (qpos, qvel) in `Double`, MuJoCo's order; observation the same four values in `Float`. See the file
/// header and `envs/InvertedPendulum-v5.md`.
public struct InvertedPendulum: PhysicsEnvironment {
    /// The task's constants (Gymnasium's `__init__` arguments).
    public struct Parameters: Sendable, Equatable {
        /// Half-width of the uniform start noise on qpos and qvel (`reset_noise_scale`).
        public var resetNoiseScale: Double = 0.01
        /// The episode terminates when |pole angle| exceeds this, rad.
        public var angleThreshold: Double = 0.2

        /// Gymnasium's defaults, or any of them changed.
        public init(resetNoiseScale: Double = 0.01, angleThreshold: Double = 0.2) {
            self.resetNoiseScale = resetNoiseScale
            self.angleThreshold = angleThreshold
        }
    }

    /// The compiled `envs/models/inverted_pendulum.xml`.
    public static var physicsModel: PlanarModel { MuJoCoModels.invertedPendulum }
    /// Gymnasium's `frame_skip`.
    public static let frameSkip = 2

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "InvertedPendulum",
        summary: "Balance a pole on a cart by pushing the cart (MuJoCo's cart-pole, Gymnasium v5).",
        observation: ["cart position (m)", "pole angle (rad)", "cart velocity (m/s)", "pole angular velocity (rad/s)"],
        action: ["force on the cart a (F = 100·a N)"],
        state: stateLabels(MuJoCoModels.invertedPendulum),
        reward: "1 per step while |pole angle| ≤ 0.2 after the step, 0 on the terminating step",
        start: "qpos, qvel ~ U(±0.01) each (qpos first), then mj_forward",
        termination: "terminates when |pole angle| > 0.2 rad or an observation is not finite",
        reference: "Gymnasium 1.4 inverted_pendulum_v5.py with MuJoCo 4.0 (inverted_pendulum.xml)")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// ℝ⁴ (Gymnasium's `Box(-inf, inf, (4,))`).
    public let observationSpace = BoxSpace(symmetric: [.infinity, .infinity, .infinity, .infinity])
    /// [−3, 3] (the motor's ctrlrange).
    public let actionSpace = BoxSpace(low: [-3], high: [3])

    /// The simulation: qpos, qvel, ctrl and the last evaluation.
    public private(set) var simulation = Simulation(MuJoCoModels.invertedPendulum)
    private var observationBuffer: [Float] = [0, 0, 0, 0]

    /// A task with the given constants, at q₀ = 0 at rest until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        writeObservation()
    }

    /// One control step; reward 1 unless the pole leaves ±0.2 rad.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 1)
        simulation.applyControl(action, frames: Self.frameSkip)
        writeObservation()
        let finite = simulation.positions.allSatisfy(\.isFinite) && simulation.velocities.allSatisfy(\.isFinite)
        let terminated = !finite || abs(simulation.positions[1]) > parameters.angleThreshold
        return Transition(observation: observationBuffer, reward: terminated ? 0 : 1, isTerminal: terminated)
    }

    /// qpos, qvel ~ U(±`resetNoiseScale`) about q₀ = 0, qpos drawn first.
    public mutating func reset(using random: RandomStream) -> [Float] {
        let scale = parameters.resetNoiseScale
        let values = (0..<4).map { _ in random.uniform(from: -scale, to: scale) }
        simulation.setTaskState(values)
        writeObservation()
        return observationBuffer
    }

    /// (slider, hinge, slider velocity, hinge velocity).
    public var state: [Double] { simulation.taskState }

    /// Sets (qpos, qvel) and evaluates them (Gymnasium's `set_state`).
    public mutating func setState(_ values: [Double]) throws {
        simulation.setTaskState(try validatedState(values))
        writeObservation()
    }

    /// qpos then qvel, rounded to `Float`.
    public var observation: [Float] { observationBuffer }

    private mutating func writeObservation() {
        for index in 0..<2 {
            observationBuffer[index] = Float(simulation.positions[index])
            observationBuffer[2 + index] = Float(simulation.velocities[index])
        }
    }
}
