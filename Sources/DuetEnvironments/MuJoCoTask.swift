// What the MuJoCo tasks share: their compiled models (MJCF embedded from envs/models/, compiled once by
// DuetPhysics), their state (qpos then qvel, MuJoCo's order), Gymnasium's `do_simulation` (the raw action
// widened to float64 into ctrl, which the physics clamps to ctrlrange, then `mj_step(m, d, frame_skip)`), and
// the model's bodies and joints for `duet envs describe`.
import DuetPhysics

/// The compiled models of the MuJoCo tasks, made once.
enum MuJoCoModels {
    static let invertedPendulum = compile(MuJoCoModelFiles.invertedPendulum, file: "inverted_pendulum.xml")
    static let invertedDoublePendulum = compile(MuJoCoModelFiles.invertedDoublePendulum,
                                                file: "inverted_double_pendulum.xml")
    static let reacher = compile(MuJoCoModelFiles.reacher, file: "reacher.xml")
    static let swimmer = compile(MuJoCoModelFiles.swimmer, file: "swimmer.xml")
    static let hopper = compile(MuJoCoModelFiles.hopper, file: "hopper.xml")
    static let halfCheetah = compile(MuJoCoModelFiles.halfCheetah, file: "half_cheetah.xml")
    static let walker2d = compile(MuJoCoModelFiles.walker2d, file: "walker2d_v5.xml")

    /// The embedded files are Gymnasium's and are tested to compile: a failure here is a bug in Duet.
    static func compile(_ text: String, file: String) -> PlanarModel {
        do {
            return try PlanarModel(try MJCF.read(text, file: file))
        } catch {
            preconditionFailure("the embedded model envs/models/\(file) does not compile: \(error)")
        }
    }
}

/// An environment simulated by DuetPhysics from an MJCF model: exposes the model for `duet envs describe`.
public protocol PhysicsEnvironment: Environment {
    /// The model the task simulates.
    static var physicsModel: PlanarModel { get }
    /// Physics steps per control step (Gymnasium's `frame_skip`).
    static var frameSkip: Int { get }
}

/// A task that rewards progress along its first qpos, the root slide x (Swimmer and the planar locomotion tasks),
/// so that a policy's learned forward speed can be read: over an episode of T steps, the mean of Gymnasium's
/// per-step `x_velocity` is (x_T − x_0)/(T·dt), the root's displacement over the episode's time.
public protocol ForwardMoving: Environment {
    /// The root's forward position x, qpos[0] (m).
    var forwardPosition: Double { get }
    /// The time one control step advances, dt = MuJoCo's timestep × frame skip (s).
    static var controlTimestep: Double { get }
}

extension ForwardMoving where Self: PhysicsEnvironment {
    /// The simulation's qpos[0].
    public var forwardPosition: Double { state[0] }
}

extension PhysicsEnvironment {
    /// The model's file, integrator and time steps, then one line per body and per joint.
    public static var modelDescription: [String] {
        let model = physicsModel.model
        let h = physicsModel.timestep
        func vector(_ v: Vector3) -> String { "(\(v.x), \(v.y), \(v.z))" }
        var lines = ["model: envs/models/\(model.file) (MJCF '\(model.name)'), \(model.options.integrator.rawValue), "
                     + "h = \(h) s × frame skip \(frameSkip) = \(h * Double(frameSkip)) s per step"]
        for body in model.bodies.dropFirst() {
            lines.append("  body \(body.name) ← \(model.bodies[body.parent].name) at \(vector(body.position)): "
                         + "m \(body.mass) kg, centre of mass \(vector(body.centreOfMass)), "
                         + "principal inertia \(vector(body.principalInertia))")
        }
        for joint in model.joints {
            let range = joint.isLimited ? "[\(joint.range.lower), \(joint.range.upper)]" : "unlimited"
            lines.append("  joint \(joint.name): \(joint.kind.rawValue) about/along \(vector(joint.axis)) in "
                         + "\(model.bodies[joint.body].name) at \(vector(joint.anchor)), \(range), damping "
                         + "\(joint.damping), armature \(joint.armature), stiffness \(joint.stiffness)")
        }
        for actuator in model.actuators {
            lines.append("  motor \(actuator.name.isEmpty ? "on" : actuator.name + " on") "
                         + "\(model.joints[actuator.joint].name): gear \(actuator.gear), ctrl "
                         + "[\(actuator.controlRange.lower), \(actuator.controlRange.upper)]")
        }
        return lines
    }
}

extension Simulation {
    /// qpos followed by qvel.
    var taskState: [Double] { positions + velocities }

    /// Sets qpos and qvel from `values` (qpos then qvel) and evaluates them, as Gymnasium's `set_state`.
    mutating func setTaskState(_ values: [Double]) {
        let n = model.dofCount
        setState(positions: Array(values[0..<n]), velocities: Array(values[n..<2 * n]))
    }

    /// Gymnasium's `do_simulation(action, frame_skip)`: ctrl = the float32 action widened to float64
    /// (clamped to ctrlrange by the physics, kept raw in ctrl), then `frames` physics steps.
    mutating func applyControl(_ action: [Float], frames: Int) {
        for index in 0..<controls.count { controls[index] = Double(action[index]) }
        step(frames: frames)
    }

    /// ``applyControl(_:frames:)`` for a task that rewards progress along its first qpos (the root slide x of
    /// Swimmer and the locomotion tasks): returns Gymnasium's `x_velocity`, (x_after − x_before)/`dt`.
    mutating func forwardVelocity(applying action: [Float], frames: Int, over dt: Double) -> Double {
        let before = positions[0]
        applyControl(action, frames: frames)
        return (positions[0] - before) / dt
    }
}

/// One state label per qpos and qvel component of `model`, in MuJoCo's order.
func stateLabels(_ model: PlanarModel) -> [String] {
    let joints = model.model.joints
    func unit(_ joint: Joint, _ rate: Bool) -> String {
        joint.kind == .hinge ? (rate ? "rad/s" : "rad") : (rate ? "m/s" : "m")
    }
    return joints.map { "qpos \($0.name) (\(unit($0, false)))" } + joints.map { "qvel \($0.name) (\(unit($0, true)))" }
}
