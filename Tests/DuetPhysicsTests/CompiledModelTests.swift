import DuetPhysics
import XCTest

/// The compiled model against MuJoCo's `mjModel`, field by field, for each of envs/models/*.xml: masses and
/// inertias computed from geometry, centres of mass, principal frames, joints, actuators, options, and the
/// regularisation constants `dof_invweight0` and `body_invweight0` that `mj_setConst` computes at q₀.
final class CompiledModelTests: XCTestCase {
    /// Relative agreement for compiled numbers (MuJoCo and Duet evaluate the same formulas).
    let tolerance = 1e-12

    func testCompiledModelsMatchMuJoCo() throws {
        for name in MuJoCoFixture.names + MuJoCoFixture.contactNames {
            let fixture = try MuJoCoFixture.load(name)
            let expected = fixture.compiled
            let model = try MJCF.load(contentsOfFile: MuJoCoFixture.modelPath(name))
            let planar = try PlanarModel(model)
            XCTAssertEqual(model.bodies.count, expected.nbody, name)
            XCTAssertEqual(model.joints.count, expected.njnt, name)
            XCTAssertEqual(model.actuators.count, expected.nu, name)
            XCTAssertEqual(model.sites.count, expected.nsite, name)
            XCTAssertEqual(model.options.timestep, expected.timestep, name)
            XCTAssertEqual([model.options.gravity.x, model.options.gravity.y, model.options.gravity.z], expected.gravity, name)
            XCTAssertEqual(model.options.integrator == .rungeKutta4 ? 1 : 0, expected.integrator, name)  // mjINT_RK4 = 1
            XCTAssertEqual(model.options.density, expected.density, name)
            XCTAssertEqual(model.options.viscosity, expected.viscosity, name)

            XCTAssertEqual(model.bodies.map(\.parent), expected.body_parentid, name)
            check(model.bodies.flatMap { [$0.position.x, $0.position.y, $0.position.z] }, expected.body_pos, "\(name) body_pos")
            check(model.bodies.map(\.mass), expected.body_mass, "\(name) body_mass")
            check(model.bodies.flatMap { [$0.centreOfMass.x, $0.centreOfMass.y, $0.centreOfMass.z] }, expected.body_ipos,
                  "\(name) body_ipos")
            check(model.bodies.flatMap { [$0.principalInertia.x, $0.principalInertia.y, $0.principalInertia.z] },
                  expected.body_inertia, "\(name) body_inertia")
            if name == MuJoCoFixture.coverageModel {
                // Bodies of several geoms: the principal axes are eigenvectors, each defined up to sign (and the
                // frame up to the order of equal moments), so compare the inertia tensor they make.
                check(model.bodies.flatMap { Self.tensor($0.inertialOrientation, $0.principalInertia) },
                      (0..<expected.nbody).flatMap { index -> [Double] in
                          let q = expected.body_iquat[(4 * index)..<(4 * index + 4)].map { $0 }
                          let moments = expected.body_inertia[(3 * index)..<(3 * index + 3)].map { $0 }
                          return Self.tensor(SIMD4(q[0], q[1], q[2], q[3]), Vector3(moments[0], moments[1], moments[2]))
                      }, "\(name) inertia tensor")
            } else {
                check(model.bodies.flatMap { [$0.inertialOrientation[0], $0.inertialOrientation[1],
                                              $0.inertialOrientation[2], $0.inertialOrientation[3]] },
                      expected.body_iquat, "\(name) body_iquat")
            }

            XCTAssertEqual(model.joints.map { $0.kind == .hinge ? 3 : 2 }, expected.jnt_type, name)  // mjJNT_SLIDE 2, HINGE 3
            XCTAssertEqual(model.joints.map(\.body), expected.jnt_bodyid, name)
            XCTAssertEqual(model.joints.map { $0.isLimited ? 1 : 0 }, expected.jnt_limited, name)
            check(model.joints.flatMap { [$0.anchor.x, $0.anchor.y, $0.anchor.z] }, expected.jnt_pos, "\(name) jnt_pos")
            check(model.joints.flatMap { [$0.axis.x, $0.axis.y, $0.axis.z] }, expected.jnt_axis, "\(name) jnt_axis")
            check(model.joints.flatMap { [$0.range.lower, $0.range.upper] }, expected.jnt_range, "\(name) jnt_range")
            check(model.joints.map(\.margin), expected.jnt_margin, "\(name) jnt_margin")
            check(model.joints.flatMap { [$0.solref.timeConstant, $0.solref.dampingRatio] }, expected.jnt_solref,
                  "\(name) jnt_solref")
            check(model.joints.flatMap { [$0.solimp.0, $0.solimp.1, $0.solimp.2, $0.solimp.3, $0.solimp.4] },
                  expected.jnt_solimp, "\(name) jnt_solimp")
            check(model.joints.map(\.reference), expected.qpos0, "\(name) qpos0")
            check(model.joints.map(\.springReference), expected.qpos_spring, "\(name) qpos_spring")
            check(model.joints.map(\.stiffness), expected.jnt_stiffness, "\(name) jnt_stiffness")
            check(model.joints.map(\.damping), expected.dof_damping, "\(name) dof_damping")
            check(model.joints.map(\.armature), expected.dof_armature, "\(name) dof_armature")

            XCTAssertEqual(model.actuators.map(\.joint), expected.actuator_trnid, name)
            XCTAssertEqual(model.actuators.map { $0.isControlLimited ? 1 : 0 }, expected.actuator_ctrllimited, name)
            check(model.actuators.map(\.gear), expected.actuator_gear, "\(name) actuator_gear")
            check(model.actuators.flatMap { [$0.controlRange.lower, $0.controlRange.upper] }, expected.actuator_ctrlrange,
                  "\(name) actuator_ctrlrange")
            XCTAssertEqual(model.sites.map(\.body), expected.site_bodyid, name)
            check(model.sites.flatMap { [$0.position.x, $0.position.y, $0.position.z] }, expected.site_pos, "\(name) site_pos")

            if let count = expected.ngeom, let bodies = expected.geom_bodyid, let sizes = expected.geom_size,
               let pos = expected.geom_pos, let quat = expected.geom_quat, let margin = expected.geom_margin,
               let friction = expected.geom_friction, let condim = expected.geom_condim {
                XCTAssertEqual(model.geoms.count, count, name)
                XCTAssertEqual(model.geoms.map(\.body), bodies, name)
                XCTAssertEqual(model.geoms.map(\.condim), condim, name)
                check(model.geoms.flatMap { [$0.size.x, $0.size.y, $0.size.z] }, sizes, "\(name) geom_size")
                check(model.geoms.flatMap { [$0.position.x, $0.position.y, $0.position.z] }, pos, "\(name) geom_pos")
                check(model.geoms.flatMap { [$0.orientation[0], $0.orientation[1], $0.orientation[2], $0.orientation[3]] },
                      quat, "\(name) geom_quat")
                check(model.geoms.map(\.margin), margin, "\(name) geom_margin")
                check(model.geoms.map(\.friction), friction, "\(name) geom_friction")
                XCTAssertEqual(planar.contactPairCount, expected.candidate_pairs?.count, "\(name) candidate pairs")
            }
            check(planar.dofInverseWeight, expected.dof_invweight0, "\(name) dof_invweight0")
            check(planar.bodyInverseWeight.flatMap { [$0.translation, $0.rotation] }, expected.body_invweight0,
                  "\(name) body_invweight0")
        }
    }

    /// R·diag(I)·Rᵀ for the unit quaternion (w, x, y, z), row by row.
    static func tensor(_ q: SIMD4<Double>, _ moments: Vector3) -> [Double] {
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        let r: [[Double]] = [[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                             [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                             [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]]
        return (0..<3).flatMap { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + r[i][$1] * moments[$1] * r[j][$1] } } }
    }

    private func check(_ ours: [Double], _ theirs: [Double], _ what: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, what, file: file, line: line)
        guard ours.count == theirs.count else { return }
        let error = relativeError(ours, theirs, floor: 1e-12)
        XCTAssertLessThanOrEqual(error, tolerance, "\(what): \(ours) vs \(theirs)", file: file, line: line)
    }
}
