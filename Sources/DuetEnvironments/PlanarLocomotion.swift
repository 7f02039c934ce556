// What Gymnasium's planar locomotion tasks share (`hopper_v5.py`, `walker2d_v5.py`, `half_cheetah_v5.py`): the
// forward velocity of the root slide over a control step, the control cost in float32 as NumPy evaluates it,
// and the observation qpos[1:] then qvel (clipped to ±10 for Hopper and Walker2d).
import DuetPhysics

/// The arithmetic of the locomotion tasks' rewards and observations, shared by ``Hopper``, ``Walker2d`` and
/// ``HalfCheetah`` (and the control cost by ``Swimmer``, whose `swimmer_v5.py` computes it the same way).
enum PlanarLocomotion {
    /// Gymnasium's `control_cost`: w·Σa², all in float32 (`np.sum(np.square(action))` adds the squares in order
    /// from 0, and a Python float times a float32 stays float32 under NEP 50).
    static func controlCost(_ action: [Float], weight: Float) -> Float {
        var squares: Float = 0
        for value in action { squares += value * value }
        return weight * squares
    }

    /// qpos[1:] then qvel, each clipped to ±`velocityBound` when one is given, rounded to `Float` into
    /// `observation`.
    static func writeObservation(_ simulation: Simulation, velocityBound: Double?, into observation: inout [Float]) {
        let n = simulation.model.dofCount
        for index in 1..<n { observation[index - 1] = Float(simulation.positions[index]) }
        for index in 0..<n {
            var velocity = simulation.velocities[index]
            if let bound = velocityBound { velocity = min(max(velocity, -bound), bound) }
            observation[n - 1 + index] = Float(velocity)
        }
    }

    /// The observation labels: the root's height and pitch, the joint angles, then every velocity.
    static func observationLabels(_ model: PlanarModel, clipped: Bool) -> [String] {
        let joints = model.model.joints
        func unit(_ joint: Joint, _ rate: Bool) -> String {
            joint.kind == .hinge ? (rate ? "rad/s" : "rad") : (rate ? "m/s" : "m")
        }
        let clip = clipped ? ", clipped to ±10" : ""
        return joints.dropFirst().map { "\($0.name) (\(unit($0, false)))" }
            + joints.map { "\($0.name) velocity (\(unit($0, true))\(clip))" }
    }
}
