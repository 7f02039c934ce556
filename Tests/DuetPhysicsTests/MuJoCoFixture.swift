import DuetPhysics
import Foundation

/// One committed fixture of `envs/reference/mujoco_fixtures.py`: a model's compiled `mjModel` fields and
/// MuJoCo's `mj_forward` / `mj_step` outputs at many states.
struct MuJoCoFixture: Decodable {
    struct Compiled: Decodable {
        var nbody, njnt, nu, nsite: Int
        var timestep: Double
        var gravity: [Double]
        var integrator: Int
        var density, viscosity: Double
        var body_parentid: [Int]
        var body_pos, body_mass, body_ipos, body_iquat, body_inertia, body_invweight0: [Double]
        var jnt_type, jnt_bodyid, jnt_limited: [Int]
        var jnt_pos, jnt_axis, jnt_range, jnt_margin, jnt_solref, jnt_solimp, qpos0, qpos_spring: [Double]
        var jnt_stiffness, dof_damping, dof_armature, dof_invweight0: [Double]
        var actuator_trnid, actuator_ctrllimited: [Int]
        var actuator_gear, actuator_ctrlrange: [Double]
        var site_bodyid: [Int]
        var site_pos: [Double]
        /// The contact models' geoms (mujoco_contact_fixtures.py).
        var ngeom: Int?
        var geom_bodyid, geom_type, geom_condim: [Int]?
        var geom_size, geom_pos, geom_quat, geom_margin, geom_friction: [Double]?
        var candidate_pairs: [[Int]]?
    }

    /// One active contact of `mj_forward`.
    struct Contact: Decodable {
        var geom: [Int]
        var dist: Double
        var pos, frame: [Double]
    }

    struct Record: Decodable {
        var qpos, qvel, ctrl, qacc, qfrc_bias, qfrc_passive, qfrc_actuator, qfrc_constraint, M: [Double]
        var nefc: Int
        var xpos, xipos: [Double]
        var step_qpos, step_qvel, step_xpos, step_site_xpos, step_qfrc_constraint: [Double]
        var limit_clearance: Double
        var exact_step_qpos, exact_step_qvel, exact_step_xpos, exact_step_site_xpos, exact_step_qfrc_constraint: [Double]
        /// The contact models' records: `mj_forward` run to convergence, limit rows, active contacts; there
        /// `limit_clearance` covers the candidate contacts too.
        var exact_qacc, exact_qfrc_constraint: [Double]?
        var nl, ncon: Int?
        var contacts: [Contact]?
    }

    var model: String
    var sha256: String
    var frame_skip: Int
    var compiled: Compiled
    var records: [Record]
    var euler: [Record]

    /// The repository root, found from this file's location.
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The path of `envs/models/<name>.xml` (or of the test-only model in Fixtures/).
    static func modelPath(_ name: String) -> String {
        if name == coverageModel { return root.appendingPathComponent("Tests/DuetPhysicsTests/Fixtures/\(name).xml").path }
        return root.appendingPathComponent("envs/models/\(name).xml").path
    }

    /// Loads `Tests/DuetPhysicsTests/Fixtures/<name>.json`.
    static func load(_ name: String) throws -> MuJoCoFixture {
        let url = root.appendingPathComponent("Tests/DuetPhysicsTests/Fixtures/\(name).json")
        return try JSONDecoder().decode(MuJoCoFixture.self, from: Data(contentsOf: url))
    }

    /// A test-only model exercising every geom shape, multi-geom bodies, default classes and settotalmass.
    static let coverageModel = "compiler_coverage"

    /// The four contact-free task models and the compiler-coverage model.
    static let names = ["inverted_pendulum", "inverted_double_pendulum", "reacher", "swimmer", coverageModel]

    /// The planar locomotion models, with contacts (envs/reference/mujoco_contact_fixtures.py).
    static let contactNames = ["hopper", "half_cheetah", "walker2d_v5"]
}

/// The largest |a − b| / max(|b|, floor) over paired values.
func relativeError(_ a: [Double], _ b: [Double], floor: Double = 1) -> Double {
    precondition(a.count == b.count, "compared vectors differ in length: \(a.count) and \(b.count)")
    return zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? 0
}
