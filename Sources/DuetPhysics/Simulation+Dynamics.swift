// One forward evaluation, in MuJoCo's order (engine_forward.c `mj_forward`):
//
//   1. kinematics (`mj_kinematics`): for each body, its frame from its parent's, then each joint in order —
//      a hinge turns the frame about its world anchor a by s·(q − q₀), a slide moves it along its axis;
//      the motion subspace of a hinge is S = (s, s·(a_w − o_w), −s·(a_u − o_u)), of a slide S = (0, axis);
//   2. the mass matrix by composite rigid bodies (`mj_crb`): the composite inertia of each subtree
//      (J, h, m) = Σ (I_n + m·|c − o|², m·(c − o), m), then M_ij = S_jᵀ·I_c(b_i)·S_i along the dof chain,
//      and the armature on the diagonal;
//   3. bias forces c(q, q̇) by recursive Newton-Euler with q̈ = 0 (`mj_rne`): body velocities
//      v_b = v_parent + Σ S_j·q̇_j, accelerations a_b = a_parent + Σ (v × S_j)·q̇_j from a_world = −g, body
//      forces f_b = I_b·a_b + v_b ×* (I_b·v_b), summed to the root, c_j = S_j·f;
//   4. passive forces (`mj_passive`): −k·(q − q_spring) − b·q̇, plus the inertia-box fluid model
//      (`mj_inertiaBoxFluidModel`) when the medium has density or viscosity;
//   5. actuators (`mj_fwdActuation`): gear·clamp(ctrl);
//   6. q̈_smooth = M⁻¹·(passive − bias + actuator) by a Cholesky solve (`mj_fwdAcceleration`, `mj_solveM`);
//   7. collision, joint limits and contacts (`mj_collision`, `mj_fwdConstraint`, Simulation+Collision.swift,
//      Simulation+Constraints.swift).
//
// The factorisation (6) runs right after the mass matrix (2): it is a chain of square roots and divisions,
// and the independent work of 3 to 5 overlaps with it in the processor. The results do not depend on this
// order. Everything runs on the ``Workspace``'s pointers (Workspace.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Workspace {
    /// Evaluates q̈ and every force at the current (q, q̇, ctrl) (`mj_forward`).
    func forward() {
        kinematics()
        massMatrixByCompositeBodies()
        factorMassMatrix()
        biasByNewtonEuler()
        passiveForces()
        actuation()
        withConstantDofCount { n in
            for i in 0..<n {
                smoothForce[i] = passiveForce[i] - biasForce[i] + actuatorForce[i]
                smoothAcceleration[i] = smoothForce[i]
            }
        }
        Self.solveCholesky(factor, dofCount, smoothAcceleration)
        solveConstraints()
    }

    // MARK: 1. Kinematics (`mj_kinematics`, `mj_comPos`)

    func kinematics() {
        bodyWorld[0] = .zero
        bodyAngle[0] = 0
        bodyRotation[0] = PlaneRotation(c: 1, s: 0)
        for body in 1..<bodyCount {
            let parent = bodyParent[body]
            let (pc, ps) = (bodyRotation[parent].c, bodyRotation[parent].s)
            let offset = bodyOffset[body], origin = bodyWorld[parent]
            var u = origin.u + pc * offset.u - ps * offset.w
            var w = origin.w + ps * offset.u + pc * offset.w
            var angle = bodyAngle[parent], c = pc, s = ps
            let first = bodyFirstDof[body]
            for dof in first..<first + bodyDofCount[body] {
                let anchor = dofAnchor[dof]
                let au = u + c * anchor.u - s * anchor.w, aw = w + s * anchor.u + c * anchor.w
                anchorWorld[dof] = PlaneVector(u: au, w: aw)
                let displacement = positions[dof] - qpos0[dof]
                if dofIsHinge[dof] {
                    angle += dofHingeSign[dof] * displacement
                    if let sineCosine { sineCosine(angle, &s, &c) } else { c = cos(angle); s = sin(angle) }
                    u = au - (c * anchor.u - s * anchor.w)
                    w = aw - (s * anchor.u + c * anchor.w)
                } else {
                    let axis = dofAxis[dof]
                    let axisU = c * axis.u - s * axis.w, axisW = s * axis.u + c * axis.w
                    axisWorld[dof] = PlaneVector(u: axisU, w: axisW)
                    u += axisU * displacement
                    w += axisW * displacement
                }
            }
            bodyWorld[body] = PlaneVector(u: u, w: w)
            bodyAngle[body] = angle
            bodyRotation[body] = PlaneRotation(c: c, s: s)
            let centre = bodyCentre[body]
            bodyCentreWorld[body] = PlaneVector(u: u + c * centre.u - s * centre.w, w: w + s * centre.u + c * centre.w)
        }
        (referenceU, referenceW) = bodyCount > 1 ? (bodyWorld[1].u, bodyWorld[1].w) : (0, 0)
        let (ou, ow) = (referenceU, referenceW)
        for dof in 0..<dofCount {
            if dofIsHinge[dof] {
                let sign = dofHingeSign[dof], anchor = anchorWorld[dof]
                subspace[dof] = SpatialVector(angular: sign, u: sign * (anchor.w - ow), w: -sign * (anchor.u - ou))
            } else {
                subspace[dof] = SpatialVector(angular: 0, u: axisWorld[dof].u, w: axisWorld[dof].w)
            }
        }
    }

    // MARK: 2. Mass matrix (composite rigid bodies, `mj_crb`)

    func massMatrixByCompositeBodies() {
        let (ou, ow) = (referenceU, referenceW)
        composite[0] = .zero
        for body in 1..<bodyCount {
            let m = bodyMass[body]
            let cu = bodyCentreWorld[body].u - ou, cw = bodyCentreWorld[body].w - ow
            bodyInertiaAtReference[body] = PlanarInertia(rotational: bodyInertia[body] + m * (cu * cu + cw * cw),
                                                         hu: m * cu, hw: m * cw, mass: m)
            composite[body] = bodyInertiaAtReference[body]
        }
        var body = bodyCount - 1
        while body > 1 {
            let parent = bodyParent[body]
            if parent != 0 {
                let child = composite[body]
                composite[parent].rotational += child.rotational
                composite[parent].hu += child.hu
                composite[parent].hw += child.hw
                composite[parent].mass += child.mass
            }
            body -= 1
        }
        let n = dofCount
        withConstantDofCount { n in massMatrix.update(repeating: 0, count: n * n) }
        for i in 0..<n {
            let inertia = composite[dofBody[i]], motion = subspace[i]
            let (j0, hu, hw, m) = (inertia.rotational, inertia.hu, inertia.hw, inertia.mass)
            let (ω, vu, vw) = (motion.angular, motion.u, motion.w)
            // F = I_c·S_i
            let fτ = j0 * ω - hw * vu + hu * vw, fu = m * vu - hw * ω, fw = m * vw + hu * ω
            let row = massMatrix + i &* n
            row[i] = ω * fτ + vu * fu + vw * fw + armature[i]
            var j = dofParent[i]
            while j >= 0 {
                let value = subspace[j].angular * fτ + subspace[j].u * fu + subspace[j].w * fw
                row[j] = value
                massMatrix[j &* n &+ i] = value
                j = dofParent[j]
            }
        }
    }

    // MARK: 3. Bias forces (recursive Newton-Euler with q̈ = 0, `mj_rne`)

    func biasByNewtonEuler() {
        bodyVelocity[0] = .zero
        bodyBias[0] = SpatialVector(angular: 0, u: -gravityU, w: -gravityW)
        for body in 1..<bodyCount {
            let parent = bodyParent[body]
            var (ω, vu, vw) = (bodyVelocity[parent].angular, bodyVelocity[parent].u, bodyVelocity[parent].w)
            let aτ = bodyBias[parent].angular
            var (au, aw) = (bodyBias[parent].u, bodyBias[parent].w)
            let first = bodyFirstDof[body]
            for dof in first..<first + bodyDofCount[body] {
                let q̇ = velocities[dof]
                let (sω, su, sw) = (subspace[dof].angular, subspace[dof].u, subspace[dof].w)
                // (v × S)·q̇ with the running v: (0, −ω·s_w + s_ω·v_w, ω·s_u − s_ω·v_u)
                let crossU: Double = sω * vw - ω * sw
                let crossW: Double = ω * su - sω * vu
                au += crossU * q̇
                aw += crossW * q̇
                ω += sω * q̇; vu += su * q̇; vw += sw * q̇
            }
            bodyVelocity[body] = SpatialVector(angular: ω, u: vu, w: vw)
            bodyBias[body] = SpatialVector(angular: aτ, u: au, w: aw)
            // f = I·a + v ×* (I·v), with the body's own inertia at o (from the mass matrix's step).
            let inertia = bodyInertiaAtReference[body]
            let (j0, hu, hw, m) = (inertia.rotational, inertia.hu, inertia.hw, inertia.mass)
            let iaτ = j0 * aτ - hw * au + hu * aw, iau = m * au - hw * aτ, iaw = m * aw + hu * aτ
            let ivu = m * vu - hw * ω, ivw = m * vw + hu * ω  // the linear part of I·v (its torque is not needed)
            bodyForce[body] = SpatialVector(angular: iaτ + (vu * ivw - vw * ivu), u: iau - ω * ivw, w: iaw + ω * ivu)
        }
        var body = bodyCount - 1
        while body >= 1 {
            let first = bodyFirstDof[body]
            let force = bodyForce[body]
            for dof in first..<first + bodyDofCount[body] {
                biasForce[dof] = subspace[dof].angular * force.angular + subspace[dof].u * force.u
                    + subspace[dof].w * force.w
            }
            let parent = bodyParent[body]
            if parent != 0 {
                bodyForce[parent].angular += force.angular
                bodyForce[parent].u += force.u
                bodyForce[parent].w += force.w
            }
            body -= 1
        }
    }

    // MARK: 4. Passive forces (`mj_passive`)

    func passiveForces() {
        for dof in 0..<dofCount {
            passiveForce[dof] = -stiffness[dof] * (positions[dof] - springReference[dof])
                - damping[dof] * velocities[dof]
        }
        guard hasFluid else { return }
        for body in 1..<bodyCount where bodyInFluid[body] {
            fluidForce(on: body)
        }
    }

    /// MuJoCo's inertia-box fluid model for one body (`mj_inertiaBoxFluidModel`): a box with the body's
    /// principal inertia, drag and viscous resistance at the centre of mass in the inertial frame, applied
    /// through the dof chain.
    ///
    /// Box sides b_x = √(6·(I_y + I_z − I_x)/m) and cyclically; d = mean side; with (ω, v) at the centre of
    /// mass in the inertial frame: τ = −π·d³·β·ω, f = −3π·d·β·v (viscous, β the viscosity), then
    /// f_x −= ½·ρ·b_y·b_z·|v_x|·v_x and τ_x −= ρ·b_x·(b_y⁴ + b_z⁴)·|ω_x|·ω_x/64 cyclically (ρ the density).
    ///
    /// Component by component, with the constant products precomputed (``FluidBox``) and every product and
    /// sum in MuJoCo's order.
    func fluidForce(on body: Int) {
        let box = fluidBoxes[body]
        let (pu, pw, pn) = (box.planeU, box.planeW, box.normal)
        let velocity = bodyVelocity[body], centre = bodyCentreWorld[body], rotation = bodyRotation[body]
        let ω = velocity.angular
        let cu = centre.u - referenceU, cw = centre.w - referenceW
        let comU = velocity.u - ω * cw, comW = velocity.w + ω * cu
        let (c, s) = (rotation.c, rotation.s)
        // (ω, v) at the centre of mass in the inertial frame.
        let bodyU = c * comU + s * comW, bodyW = -s * comU + c * comW
        let (vx, vy, vz) = (bodyU * pu.x + bodyW * pw.x, bodyU * pu.y + bodyW * pw.y, bodyU * pu.z + bodyW * pw.z)
        let (ωx, ωy, ωz) = (ω * pn.x, ω * pn.y, ω * pn.z)
        var (τx, τy, τz) = (0.0, 0.0, 0.0), (fx, fy, fz) = (0.0, 0.0, 0.0)
        if viscosity > 0 {
            (τx, τy, τz) = (box.viscousTorque * ωx, box.viscousTorque * ωy, box.viscousTorque * ωz)
            (fx, fy, fz) = (box.viscousForce * vx, box.viscousForce * vy, box.viscousForce * vz)
        }
        if density > 0 {
            fx -= box.drag.x * abs(vx) * vx
            fy -= box.drag.y * abs(vy) * vy
            fz -= box.drag.z * abs(vz) * vz
            τx -= box.angularDrag.x * abs(ωx) * ωx / 64
            τy -= box.angularDrag.y * abs(ωy) * ωy / 64
            τz -= box.angularDrag.z * abs(ωz) * ωz / 64
        }
        // Back to the world frame, applied at the centre of mass.
        let forceBodyU = pu.x * fx + pu.y * fy + pu.z * fz, forceBodyW = pw.x * fx + pw.y * fy + pw.z * fz
        let fu = c * forceBodyU - s * forceBodyW, fw = s * forceBodyU + c * forceBodyW
        let τ = (pn.x * τx + pn.y * τy + pn.z * τz) + cu * fw - cw * fu
        var dof = bodyLastDof[body]
        while dof >= 0 {
            passiveForce[dof] += subspace[dof].angular * τ + subspace[dof].u * fu + subspace[dof].w * fw
            dof = dofParent[dof]
        }
    }

    // MARK: 5. Actuation (`mj_fwdActuation`)

    func actuation() {
        for dof in 0..<dofCount { actuatorForce[dof] = 0 }
        for index in 0..<actuatorCount {
            var control = controls[index]
            if actuatorLimited[index] {
                control = min(max(control, actuatorLower[index]), actuatorUpper[index])
            }
            actuatorForce[actuatorDof[index]] += actuatorGear[index] * control
        }
    }

    // MARK: 6. Cholesky factorisation and solves

    /// Factors M = L·Lᵀ into ``factor``.
    func factorMassMatrix() {
        withConstantDofCount { n in factor.update(from: massMatrix, count: n * n) }
        Self.choleskyInPlace(factor, dofCount)
    }

    /// L·Lᵀ of the symmetric positive-definite row-major n × n matrix `a`, in its lower triangle
    /// (`mj_factorM`, here as a dense Cholesky factor).
    ///
    /// The task models have 2 to 6 or 9 dofs: for these sizes the loops are compiled with n constant, so that
    /// they unroll completely (the same operations in the same order as for any other n).
    static func choleskyInPlace(_ a: UnsafeMutablePointer<Double>, _ n: Int) {
        switch n {
        case 2: choleskyInPlace(a, constant: 2)
        case 3: choleskyInPlace(a, constant: 3)
        case 4: choleskyInPlace(a, constant: 4)
        case 5: choleskyInPlace(a, constant: 5)
        case 6: choleskyInPlace(a, constant: 6)
        case 9: choleskyInPlace(a, constant: 9)
        default: choleskyInPlace(a, constant: n)
        }
    }

    /// Solves L·Lᵀ·x = b in place in `b` with the lower-triangular n × n `l` (`mj_solveM`), with n constant
    /// for the task models' sizes as ``choleskyInPlace(_:_:)``.
    static func solveCholesky(_ l: UnsafeMutablePointer<Double>, _ n: Int, _ b: UnsafeMutablePointer<Double>) {
        switch n {
        case 2: solveCholesky(l, constant: 2, b)
        case 3: solveCholesky(l, constant: 3, b)
        case 4: solveCholesky(l, constant: 4, b)
        case 5: solveCholesky(l, constant: 5, b)
        case 6: solveCholesky(l, constant: 6, b)
        case 9: solveCholesky(l, constant: 9, b)
        default: solveCholesky(l, constant: n, b)
        }
    }

    /// The factorisation: column by column, L_jj = √(a_jj − Σ_k L_jk²), then L_ij = (a_ij − Σ_k L_ik·L_jk)/L_jj
    /// below it, each sum in increasing k.
    @inline(__always)
    static func choleskyInPlace(_ a: UnsafeMutablePointer<Double>, constant n: Int) {
        var rowJ = a
        for j in 0..<n {
            var diagonal = rowJ[j]
            for k in 0..<j { diagonal -= rowJ[k] * rowJ[k] }
            let root = diagonal > 0 ? diagonal.squareRoot() : 1e-300
            rowJ[j] = root
            var rowI = rowJ + n
            for _ in (j + 1)..<n {
                var value = rowI[j]
                for k in 0..<j { value -= rowI[k] * rowJ[k] }
                rowI[j] = value / root
                rowI += n
            }
            rowJ += n
        }
    }

    /// The solve: forward substitution with L, then back substitution with Lᵀ.
    @inline(__always)
    static func solveCholesky(_ l: UnsafeMutablePointer<Double>, constant n: Int, _ b: UnsafeMutablePointer<Double>) {
        var row = l
        for i in 0..<n {
            var value = b[i]
            for k in 0..<i { value -= row[k] * b[k] }
            b[i] = value / row[i]
            row += n
        }
        var i = n &- 1
        while i >= 0 {
            var value = b[i]
            var column = l + ((i &+ 1) &* n &+ i)  // L_ki for k = i + 1, i + 2, …
            var k = i &+ 1
            while k < n { value -= column.pointee * b[k]; column += n; k &+= 1 }
            b[i] = value / l[i &* n &+ i]
            i &-= 1
        }
    }
}
