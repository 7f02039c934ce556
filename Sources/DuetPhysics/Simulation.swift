// The state of a planar articulated-body simulation and its public interface, shaped like MuJoCo's
// `mjData`: qpos, qvel, ctrl in; qacc and the force vectors of the last evaluation out. The pipeline is in
// Simulation+Dynamics.swift (`mj_fwdPosition`, `mj_fwdVelocity`, `mj_fwdActuation`, `mj_fwdAcceleration`),
// Simulation+Constraints.swift (`mj_fwdConstraint` for joint limits) and Simulation+Integration.swift
// (`mj_RungeKutta`, `mj_Euler`).
//
// Spatial vectors are planar: a motion (ω, v_u, v_w) is the angular velocity about n' and the velocity of the
// body point at the reference point o (the world position of body 1 at the last evaluation); a force
// (τ, f_u, f_w) the torque about o and the force. Every buffer is allocated once, in `init`: a step
// allocates nothing.

/// A simulation of a ``PlanarModel``: the state (q, q̇, ctrl, time) and the quantities of the last forward
/// evaluation, as MuJoCo's `mjData` holds them.
///
/// After ``step()`` the state is the new one, but, as in MuJoCo, the kinematic quantities (``bodyPosition(_:)``,
/// ``sitePosition(_:)``) and ``constraintForce`` are those of the last evaluation: for RK4 the fourth stage of
/// the last step, for Euler the state before it. Call ``forward()`` to bring them up to date.
public struct Simulation: Sendable {
    /// The model simulated.
    public let model: PlanarModel

    /// Joint positions q, in joint order (`qpos`): rad for hinges, m for slides.
    public var positions: [Double]
    /// Joint velocities q̇ (`qvel`).
    public var velocities: [Double]
    /// Actuator controls (`ctrl`), clamped to their range when used (the stored value is kept as given).
    public var controls: [Double]
    /// Simulated time, s (`time`).
    public var time: Double = 0

    /// q̈ of the last evaluation, constraints included (`qacc`).
    public internal(set) var accelerations: [Double]
    /// Coriolis, centrifugal and gravity forces c(q, q̇) of the last evaluation (`qfrc_bias`).
    public internal(set) var biasForce: [Double]
    /// Spring, damper and fluid forces of the last evaluation (`qfrc_passive`).
    public internal(set) var passiveForce: [Double]
    /// Actuator forces of the last evaluation (`qfrc_actuator`).
    public internal(set) var actuatorForce: [Double]
    /// Joint-limit forces Jᵀ·f of the last evaluation (`qfrc_constraint`).
    public internal(set) var constraintForce: [Double]
    /// The unconstrained acceleration M⁻¹·(passive − bias + actuator) of the last evaluation (`qacc_smooth`).
    public internal(set) var smoothAcceleration: [Double]
    /// The joint-space inertia M(q) with armature on the diagonal, row-major nv × nv (`mj_fullM(qM)`).
    public internal(set) var massMatrix: [Double]
    /// The number of joint-limit rows active in the last evaluation (`nefc`).
    public internal(set) var activeLimitCount: Int = 0

    // Kinematics of the last evaluation (per body: world position, angle, cos, sin, centre of mass).
    var bodyWorld: [Double]
    var bodyAngle: [Double]
    var bodyTrig: [Double]
    var bodyCentreWorld: [Double]
    var referencePoint: (Double, Double) = (0, 0)
    /// Motion subspaces S of the dofs, 3 per dof, at the reference point.
    var subspace: [Double]
    /// World joint anchors (2 per dof) and slide axes (2 per dof).
    var anchorWorld: [Double]
    var axisWorld: [Double]
    // Dynamics scratch.
    var composite: [Double]      // (J, h_u, h_w, m) per body
    var bodyVelocity: [Double]   // 3 per body
    var bodyBias: [Double]       // 3 per body
    var bodyForce: [Double]      // 3 per body
    var factor: [Double]         // Cholesky factor L of M (or of M + h·D), row-major
    var smoothForce: [Double]    // qfrc_smooth
    var scratch: [Double]        // nv
    // Limits scratch (one row per side of each limited joint, at most 2 per limit).
    var rowDof: [Int]
    var rowSign: [Double]
    var rowReference: [Double]   // aref
    var rowRegulariser: [Double] // R
    var rowForce: [Double]
    var rowResidual: [Double]
    var rowSlope: [Double]
    var rowBreak: [Double]
    var solverMatrix: [Double]
    var solverTrial: [Double]
    var solverDirection: [Double]
    var solverProduct: [Double]
    // Integrator scratch.
    var savedPositions: [Double]
    var savedVelocities: [Double]
    var stageVelocities: [Double] // 4 × nv
    var stageAccelerations: [Double] // 4 × nv

    /// A simulation at q = q₀, q̇ = 0, ctrl = 0, time 0, evaluated (`mj_resetData` then `mj_forward`).
    public init(_ model: PlanarModel) {
        self.model = model
        let nv = model.dofCount, nb = model.bodyCount, rows = 2 * model.limitDof.count
        positions = model.qpos0
        velocities = [Double](repeating: 0, count: nv)
        controls = [Double](repeating: 0, count: model.actuatorCount)
        accelerations = velocities
        biasForce = velocities
        passiveForce = velocities
        actuatorForce = velocities
        constraintForce = velocities
        smoothAcceleration = velocities
        massMatrix = [Double](repeating: 0, count: nv * nv)
        bodyWorld = [Double](repeating: 0, count: 2 * nb)
        bodyAngle = [Double](repeating: 0, count: nb)
        bodyTrig = [Double](repeating: 0, count: 2 * nb)
        bodyCentreWorld = [Double](repeating: 0, count: 2 * nb)
        subspace = [Double](repeating: 0, count: 3 * nv)
        anchorWorld = [Double](repeating: 0, count: 2 * nv)
        axisWorld = [Double](repeating: 0, count: 2 * nv)
        composite = [Double](repeating: 0, count: 4 * nb)
        bodyVelocity = [Double](repeating: 0, count: 3 * nb)
        bodyBias = [Double](repeating: 0, count: 3 * nb)
        bodyForce = [Double](repeating: 0, count: 3 * nb)
        factor = massMatrix
        smoothForce = velocities
        scratch = velocities
        rowDof = [Int](repeating: 0, count: rows)
        rowSign = [Double](repeating: 0, count: rows)
        rowReference = rowSign
        rowRegulariser = rowSign
        rowForce = rowSign
        rowResidual = rowSign
        rowSlope = rowSign
        rowBreak = rowSign
        solverMatrix = massMatrix
        solverTrial = velocities
        solverDirection = velocities
        solverProduct = velocities
        savedPositions = velocities
        savedVelocities = velocities
        stageVelocities = [Double](repeating: 0, count: 4 * nv)
        stageAccelerations = stageVelocities
        forward()
    }

    /// Reads `file` (MJCF), compiles, reduces and starts a simulation at q₀.
    /// - Throws: ``PhysicsError`` for a file outside the supported subset.
    public init(contentsOfFile path: String) throws {
        self.init(try PlanarModel(try MJCF.load(contentsOfFile: path)))
    }

    // MARK: State

    /// Sets q and q̇ and evaluates them (Gymnasium's `set_state`: copy, then `mj_forward`).
    /// - Precondition: both have nv values.
    public mutating func setState(positions q: [Double], velocities v: [Double]) {
        precondition(q.count == model.dofCount && v.count == model.dofCount,
                     "a state has \(model.dofCount) positions and velocities, got \(q.count) and \(v.count)")
        for index in 0..<model.dofCount {
            positions[index] = q[index]
            velocities[index] = v[index]
        }
        forward()
    }

    /// Steps `frames` physics steps (`mj_step(m, d, frames)`).
    public mutating func step(frames: Int) {
        for _ in 0..<frames { step() }
    }

    // MARK: Kinematic outputs (of the last evaluation)

    /// The world position of body `index`'s frame origin (`xpos`, what Gymnasium's `get_body_com` returns).
    public func bodyPosition(_ index: Int) -> Vector3 {
        worldPoint(bodyWorld[2 * index], bodyWorld[2 * index + 1], normal: model.bodyNormalPosition[index])
    }

    /// The world position of body `index`'s centre of mass (`xipos`).
    public func bodyCentreOfMass(_ index: Int) -> Vector3 {
        worldPoint(bodyCentreWorld[2 * index], bodyCentreWorld[2 * index + 1],
                   normal: model.bodyNormalPosition[index] + model.model.bodies[index].centreOfMass[model.normalAxis])
    }

    /// The world position of site `index` (`site_xpos`).
    public func sitePosition(_ index: Int) -> Vector3 {
        let body = model.siteBody[index]
        let (c, s) = (bodyTrig[2 * body], bodyTrig[2 * body + 1])
        let (lu, lw) = (model.sitePosition[2 * index], model.sitePosition[2 * index + 1])
        return worldPoint(bodyWorld[2 * body] + c * lu - s * lw, bodyWorld[2 * body + 1] + s * lu + c * lw,
                          normal: model.siteNormalPosition[index])
    }

    func worldPoint(_ u: Double, _ w: Double, normal: Double) -> Vector3 {
        var point = Vector3.zero
        point[model.planeAxes.0] = u
        point[model.planeAxes.1] = w
        point[model.normalAxis] = normal
        return point
    }

    // MARK: Invariants (for tests and diagnostics): call forward() first, so q, q̇ and the evaluation agree

    /// Kinetic energy ½·q̇ᵀ·M·q̇ (armature included, as `mj_energyVel`), J.
    public var kineticEnergy: Double {
        let n = model.dofCount
        var sum = 0.0
        for i in 0..<n { for j in 0..<n { sum += velocities[i] * massMatrix[i * n + j] * velocities[j] } }
        return 0.5 * sum
    }

    /// Potential energy −Σ m·g·x_com plus the joint springs ½·k·(q − q_spring)² (as `mj_energyPos`), J.
    public var potentialEnergy: Double {
        var energy = 0.0
        for body in 1..<model.bodyCount {
            energy -= model.bodyMass[body] * (model.gravity.0 * bodyCentreWorld[2 * body]
                                              + model.gravity.1 * bodyCentreWorld[2 * body + 1])
        }
        for dof in 0..<model.dofCount {
            let stretch = positions[dof] - model.springReference[dof]
            energy += 0.5 * model.stiffness[dof] * stretch * stretch
        }
        return energy
    }

    /// Linear momentum Σ m·v_com in plane coordinates, and angular momentum about the world origin about n'.
    public var momentum: (u: Double, w: Double, angular: Double) {
        var (pu, pw, angular) = (0.0, 0.0, 0.0)
        for body in 1..<model.bodyCount {
            let m = model.bodyMass[body]
            let (ω, vu, vw) = (bodyVelocity[3 * body], bodyVelocity[3 * body + 1], bodyVelocity[3 * body + 2])
            let (cu, cw) = (bodyCentreWorld[2 * body] - referencePoint.0, bodyCentreWorld[2 * body + 1] - referencePoint.1)
            let (comU, comW) = (vu - ω * cw, vw + ω * cu)
            pu += m * comU
            pw += m * comW
            let (xu, xw) = (bodyCentreWorld[2 * body], bodyCentreWorld[2 * body + 1])
            angular += model.bodyInertia[body] * ω + m * (xu * comW - xw * comU)
        }
        return (pu, pw, angular)
    }
}
