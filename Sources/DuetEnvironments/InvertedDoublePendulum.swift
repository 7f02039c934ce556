// InvertedDoublePendulum-v5: Gymnasium 1.4's `gymnasium/envs/mujoco/inverted_double_pendulum_v5.py` on
// DuetPhysics, with Gymnasium's model `envs/models/inverted_double_pendulum.xml` (a cart on a slider limited to
// ±1 m with margin 0.01, two 4.2 kg capsule poles of 0.6 m on unlimited hinges, damping 0.05, gear 500).
//
// ## Action space (1)
// | Num | Action                       | Min | Max |
// |-----|------------------------------|-----|-----|
// | 0   | force on the cart (×500 N)   | −1  | 1   |
//
// ## Observation space (9)
// x (slider), sin φ₁, sin φ₂, cos φ₁, cos φ₂, clip(ẋ, φ̇₁, φ̇₂ to ±10), clip(qfrc_constraint[0], ±10).
//
// ## Reward (after the step)
//   r = 10·alive − (0.01·x_tip² + (z_tip − 2)²) − (1e-3·φ̇₁² + 5e-3·φ̇₂²)
// with (x_tip, z_tip) the world position of the site `tip`. alive is 1 unless the step terminates.
//
// ## Episode end, start
// Terminates when z_tip ≤ 1. Start: qpos += U(±0.1) (3 draws), qvel = 0.1·N(0, 1) (3 draws), then
// `mj_forward`. Truncated at 1000 steps.
//
// ## Parity trap: stale quantities
// As in MuJoCo, the tip position and qfrc_constraint read after `mj_step` are those of the last RK4 stage of
// the last physics step, not of the returned state (by up to 5.5e-4 m): they are read the same way here.
//
// ## Physics
// RK4, h = 0.01 s, frame skip 5: one step is 0.05 s. Gravity (1e-5, 0, −9.81).
import DuetPhysics
import DuetRandom
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Balance two poles stacked on a cart: Gymnasium's InvertedDoublePendulum-v5.
///
/// State (qpos, qvel) in `Double`, MuJoCo's order; observation in `Float`. See the file header and
/// `envs/InvertedDoublePendulum-v5.md`.
public struct InvertedDoublePendulum: PhysicsEnvironment {
    /// The task's constants (Gymnasium's `__init__` arguments).
    public struct Parameters: Sendable, Equatable {
        /// The reward for each step that does not terminate (`healthy_reward`).
        public var healthyReward: Double = 10
        /// Half-width of the uniform qpos noise and standard deviation of the qvel noise (`reset_noise_scale`).
        public var resetNoiseScale: Double = 0.1

        /// Gymnasium's defaults, or any of them changed.
        public init(healthyReward: Double = 10, resetNoiseScale: Double = 0.1) {
            self.healthyReward = healthyReward
            self.resetNoiseScale = resetNoiseScale
        }
    }

    /// The compiled `envs/models/inverted_double_pendulum.xml`.
    public static var physicsModel: PlanarModel { MuJoCoModels.invertedDoublePendulum }
    /// Gymnasium's `frame_skip`.
    public static let frameSkip = 5

    /// The words for `duet envs describe` and CSV headers.
    public static let documentation = EnvironmentDocumentation(
        name: "InvertedDoublePendulum",
        summary: "Balance two stacked poles on a cart by pushing the cart (Gymnasium v5).",
        observation: ["cart position x (m)", "sin φ₁", "sin φ₂", "cos φ₁", "cos φ₂", "clip(ẋ, ±10) (m/s)",
                      "clip(φ̇₁, ±10) (rad/s)", "clip(φ̇₂, ±10) (rad/s)", "clip(slider constraint force, ±10) (N)"],
        action: ["force on the cart a (F = 500·a N)"],
        state: stateLabels(MuJoCoModels.invertedDoublePendulum),
        reward: "10·alive − (0.01·x_tip² + (z_tip − 2)²) − (1e-3·φ̇₁² + 5e-3·φ̇₂²), tip at the last RK4 stage",
        start: "qpos ~ U(±0.1) each, qvel ~ 0.1·N(0, 1) each, then mj_forward",
        termination: "terminates when the tip's height z_tip ≤ 1 m",
        reference: "Gymnasium 1.4 inverted_double_pendulum_v5.py with MuJoCo 4.0 (inverted_double_pendulum.xml)")

    /// The constants this task was made with.
    public let parameters: Parameters
    /// ℝ⁹ (Gymnasium's `Box(-inf, inf, (9,))`).
    public let observationSpace = BoxSpace(symmetric: [Float](repeating: .infinity, count: 9))
    /// [−1, 1].
    public let actionSpace = BoxSpace(low: [-1], high: [1])

    /// The simulation: qpos, qvel, ctrl and the last evaluation.
    public private(set) var simulation = Simulation(MuJoCoModels.invertedDoublePendulum)
    private var observationBuffer = [Float](repeating: 0, count: 9)
    private static let tipSite = MuJoCoModels.invertedDoublePendulum.model.siteIndex(named: "tip") ?? 0

    /// A task with the given constants, upright at rest until ``reset(using:)`` or ``setState(_:)``.
    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        writeObservation()
    }

    /// One control step; the tip (at the last RK4 stage) decides the reward and the termination.
    public mutating func step(_ action: [Float], using random: RandomStream) throws -> Transition {
        try checkAction(action, dimension: 1)
        simulation.applyControl(action, frames: Self.frameSkip)
        writeObservation()
        let tip = simulation.sitePosition(Self.tipSite)
        let terminated = tip.z <= 1
        let distancePenalty = 0.01 * (tip.x * tip.x) + (tip.z - 2) * (tip.z - 2)
        let v1 = simulation.velocities[1], v2 = simulation.velocities[2]
        let velocityPenalty = 1e-3 * (v1 * v1) + 5e-3 * (v2 * v2)
        let alive = terminated ? 0 : parameters.healthyReward
        return Transition(observation: observationBuffer, reward: alive - distancePenalty - velocityPenalty,
                          isTerminal: terminated)
    }

    /// qpos += U(±0.1) (3 draws), then qvel = 0.1·N(0, 1) (3 draws).
    public mutating func reset(using random: RandomStream) -> [Float] {
        let scale = parameters.resetNoiseScale
        let positions = (0..<3).map { _ in random.uniform(from: -scale, to: scale) }
        let velocities = (0..<3).map { _ in random.gaussian() * scale }
        simulation.setTaskState(positions + velocities)
        writeObservation()
        return observationBuffer
    }

    /// (slider, hinge, hinge2, their velocities).
    public var state: [Double] { simulation.taskState }

    /// Sets (qpos, qvel) and evaluates them (Gymnasium's `set_state`).
    public mutating func setState(_ values: [Double]) throws {
        simulation.setTaskState(try validatedState(values))
        writeObservation()
    }

    /// The observation of the current state (with the constraint force of the last evaluation).
    public var observation: [Float] { observationBuffer }

    private mutating func writeObservation() {
        let q = simulation.positions, v = simulation.velocities
        observationBuffer[0] = Float(q[0])
        observationBuffer[1] = Float(sin(q[1]))
        observationBuffer[2] = Float(sin(q[2]))
        observationBuffer[3] = Float(cos(q[1]))
        observationBuffer[4] = Float(cos(q[2]))
        for index in 0..<3 { observationBuffer[5 + index] = Float(min(max(v[index], -10), 10)) }
        observationBuffer[8] = Float(min(max(simulation.constraintForce(0), -10), 10))
    }
}
