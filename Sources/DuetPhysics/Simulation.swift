// The state of a planar articulated-body simulation and its public interface, shaped like MuJoCo's
// `mjData`: qpos, qvel, ctrl in; qacc and the force vectors of the last evaluation out. The pipeline is in
// Simulation+Dynamics.swift (`mj_fwdPosition`, `mj_fwdVelocity`, `mj_fwdActuation`, `mj_fwdAcceleration`),
// Simulation+Collision.swift (`mj_collision` and the contact rows), Simulation+Constraints.swift
// (`mj_fwdConstraint`: limit rows and the exact solve) and Simulation+Integration.swift (`mj_RungeKutta`,
// `mj_Euler`).
//
// Spatial vectors are planar: a motion (ω, v_u, v_w) is the angular velocity about n' and the velocity of the
// body point at the reference point o (the world position of body 1 at the last evaluation); a force
// (τ, f_u, f_w) the torque about o and the force. Every quantity lives in the simulation's ``Workspace``,
// allocated once, in `init`, and held copy-on-write: a step allocates nothing (the public output arrays such
// as ``accelerations`` are built when read).

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

    /// Everything the pipeline computes, held copy-on-write (Workspace.swift).
    var workspace: Workspace

    /// q̈ of the last evaluation, constraints included (`qacc`).
    public var accelerations: [Double] { Workspace.array(workspace.accelerations, model.dofCount) }
    /// Coriolis, centrifugal and gravity forces c(q, q̇) of the last evaluation (`qfrc_bias`).
    public var biasForce: [Double] { Workspace.array(workspace.biasForce, model.dofCount) }
    /// Spring, damper and fluid forces of the last evaluation (`qfrc_passive`).
    public var passiveForce: [Double] { Workspace.array(workspace.passiveForce, model.dofCount) }
    /// Actuator forces of the last evaluation (`qfrc_actuator`).
    public var actuatorForce: [Double] { Workspace.array(workspace.actuatorForce, model.dofCount) }
    /// Joint-limit and contact forces Jᵀ·f of the last evaluation (`qfrc_constraint`).
    public var constraintForce: [Double] { Workspace.array(workspace.constraintForce, model.dofCount) }
    /// The unconstrained acceleration M⁻¹·(passive − bias + actuator) of the last evaluation (`qacc_smooth`).
    public var smoothAcceleration: [Double] { Workspace.array(workspace.smoothAcceleration, model.dofCount) }
    /// The joint-space inertia M(q) with armature on the diagonal, row-major nv × nv (`mj_fullM(qM)`).
    public var massMatrix: [Double] { Workspace.array(workspace.massMatrix, model.dofCount * model.dofCount) }
    /// The number of joint-limit rows active in the last evaluation (`nl`).
    public var activeLimitCount: Int { workspace.limitRowCount }
    /// The number of active contacts in the last evaluation (`ncon`, excluded contacts not counted).
    public var activeContactCount: Int { workspace.contactCount }
    /// The number of constraint rows of the last evaluation, limits and contacts (`nefc`): 1 per limit and
    /// frictionless contact, 4 per contact with friction (the pyramid's edges).
    public var constraintRowCount: Int { workspace.rowCount }
    /// The smallest |distance − margin| of any joint-limit side or measured contact over every evaluation since
    /// the last ``setState(positions:velocities:)`` (the stages of the steps since included): how close the
    /// state came to switching a constraint row on or off, where the force changes abruptly.
    public var closestActivationClearance: Double { workspace.closestClearance }

    /// Component `dof` of ``constraintForce`` without building the array (`qfrc_constraint[dof]`).
    /// - Precondition: 0 ≤ `dof` < nv.
    public func constraintForce(_ dof: Int) -> Double {
        precondition(dof >= 0 && dof < model.dofCount, "dof \(dof) of \(model.dofCount)")
        return workspace.constraintForce[dof]
    }

    /// A simulation at q = q₀, q̇ = 0, ctrl = 0, time 0, evaluated (`mj_resetData` then `mj_forward`).
    public init(_ model: PlanarModel) {
        self.model = model
        positions = model.qpos0
        velocities = [Double](repeating: 0, count: model.dofCount)
        controls = [Double](repeating: 0, count: model.actuatorCount)
        workspace = Workspace(model)
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
        let workspace = prepareWorkspace()
        workspace.closestClearance = .infinity
        workspace.forward()
    }

    /// Steps `frames` physics steps (`mj_step(m, d, frames)`).
    public mutating func step(frames: Int) {
        let workspace = prepareWorkspace()
        for _ in 0..<frames {
            workspace.step()
            time += model.timestep
        }
        copyStateOut(of: workspace)
    }

    /// One physics step of h seconds with the model's integrator (`mj_step`): evaluate, then integrate.
    public mutating func step() {
        step(frames: 1)
    }

    /// Evaluates q̈ and every force at the current (q, q̇, ctrl) (`mj_forward`).
    public mutating func forward() {
        prepareWorkspace().forward()
    }

    /// The workspace, made unique (copy-on-write) and loaded with q, q̇ and ctrl.
    private mutating func prepareWorkspace() -> Workspace {
        let nv = model.dofCount, nu = model.actuatorCount
        precondition(positions.count == nv && velocities.count == nv && controls.count == nu,
                     "the model has \(nv) positions and velocities and \(nu) controls, got \(positions.count), "
                         + "\(velocities.count) and \(controls.count)")
        if !isKnownUniquelyReferenced(&workspace) { workspace = workspace.copy(model: model) }
        let workspace = self.workspace
        for i in 0..<nv {
            workspace.positions[i] = positions[i]
            workspace.velocities[i] = velocities[i]
        }
        for i in 0..<nu { workspace.controls[i] = controls[i] }
        return workspace
    }

    /// q and q̇ back from the workspace after integrating.
    private mutating func copyStateOut(of workspace: Workspace) {
        let nv = model.dofCount
        positions.withUnsafeMutableBufferPointer { q in
            velocities.withUnsafeMutableBufferPointer { v in
                for i in 0..<nv {
                    q[i] = workspace.positions[i]
                    v[i] = workspace.velocities[i]
                }
            }
        }
    }

    // MARK: Kinematic outputs (of the last evaluation)

    /// The world position of body `index`'s frame origin (`xpos`, what Gymnasium's `get_body_com` returns).
    /// - Precondition: 0 ≤ `index` < the number of bodies (the world is 0).
    public func bodyPosition(_ index: Int) -> Vector3 {
        precondition(index >= 0 && index < model.bodyCount, "body \(index) of \(model.bodyCount)")
        let world = workspace.bodyWorld
        return worldPoint(world[index].u, world[index].w, normal: model.bodyNormalPosition[index])
    }

    /// The world position of body `index`'s centre of mass (`xipos`).
    /// - Precondition: 0 ≤ `index` < the number of bodies.
    public func bodyCentreOfMass(_ index: Int) -> Vector3 {
        precondition(index >= 0 && index < model.bodyCount, "body \(index) of \(model.bodyCount)")
        let centre = workspace.bodyCentreWorld
        return worldPoint(centre[index].u, centre[index].w,
                          normal: model.bodyNormalPosition[index]
                              + model.model.bodies[index].centreOfMass[model.normalAxis])
    }

    /// The world position of site `index` (`site_xpos`).
    /// - Precondition: 0 ≤ `index` < the number of sites.
    public func sitePosition(_ index: Int) -> Vector3 {
        let body = model.siteBody[index]
        let origin = workspace.bodyWorld[body], rotation = workspace.bodyRotation[body]
        let (c, s) = (rotation.c, rotation.s)
        let (lu, lw) = (model.sitePosition[2 * index], model.sitePosition[2 * index + 1])
        return worldPoint(origin.u + c * lu - s * lw, origin.w + s * lu + c * lw,
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
        for i in 0..<n { for j in 0..<n { sum += velocities[i] * workspace.massMatrix[i * n + j] * velocities[j] } }
        return 0.5 * sum
    }

    /// Potential energy −Σ m·g·x_com plus the joint springs ½·k·(q − q_spring)² (as `mj_energyPos`), J.
    public var potentialEnergy: Double {
        var energy = 0.0
        for body in 1..<model.bodyCount {
            let centre = workspace.bodyCentreWorld[body]
            energy -= model.bodyMass[body] * (model.gravity.0 * centre.u + model.gravity.1 * centre.w)
        }
        for dof in 0..<model.dofCount {
            let stretch = positions[dof] - model.springReference[dof]
            energy += 0.5 * model.stiffness[dof] * stretch * stretch
        }
        return energy
    }

    /// Linear momentum Σ m·v_com in plane coordinates, and angular momentum about the world origin about n'.
    public var momentum: (u: Double, w: Double, angular: Double) {
        let velocity = workspace.bodyVelocity, centre = workspace.bodyCentreWorld
        var (pu, pw, angular) = (0.0, 0.0, 0.0)
        for body in 1..<model.bodyCount {
            let m = model.bodyMass[body]
            let (ω, vu, vw) = (velocity[body].angular, velocity[body].u, velocity[body].w)
            let (cu, cw) = (centre[body].u - workspace.referenceU, centre[body].w - workspace.referenceW)
            let (comU, comW) = (vu - ω * cw, vw + ω * cu)
            pu += m * comU
            pw += m * comW
            let (xu, xw) = (centre[body].u, centre[body].w)
            angular += model.bodyInertia[body] * ω + m * (xu * comW - xw * comU)
        }
        return (pu, pw, angular)
    }

    // MARK: Solves and Jacobians (for the regularisation constants)

    /// Solves M·x = b in place (`mj_solveM`) with the mass matrix of the last evaluation.
    /// - Precondition: `vector.count` is nv.
    public func solveMassMatrix(_ vector: inout [Double]) {
        precondition(vector.count == model.dofCount, "M is \(model.dofCount) × \(model.dofCount)")
        let factor = workspace.factor, n = model.dofCount
        vector.withUnsafeMutableBufferPointer { b in
            guard let b = b.baseAddress else { return }
            Workspace.solveCholesky(factor, n, b)
        }
    }

    /// The Jacobians of body `body`'s centre of mass: translation along u and w, and rotation about n' (one
    /// row of nv each; `mj_jacBodyCom`).
    func centreJacobian(_ body: Int) -> ([Double], [Double], [Double]) {
        let n = model.dofCount, w = workspace
        var ju = [Double](repeating: 0, count: n), jw = ju, jr = ju
        let cu = w.bodyCentreWorld[body].u - w.referenceU, cw = w.bodyCentreWorld[body].w - w.referenceW
        var dof = model.bodyLastDof[body]
        while dof >= 0 {
            let (sω, su, sw) = (w.subspace[dof].angular, w.subspace[dof].u, w.subspace[dof].w)
            ju[dof] = su - sω * cw
            jw[dof] = sw + sω * cu
            jr[dof] = sω
            dof = model.dofParent[dof]
        }
        return (ju, jw, jr)
    }
}
