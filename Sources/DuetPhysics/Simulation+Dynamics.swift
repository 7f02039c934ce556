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
//   7. joint limits (`mj_fwdConstraint`, Simulation+Constraints.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Simulation {
    /// Evaluates q̈ and every force at the current (q, q̇, ctrl) (`mj_forward`).
    public mutating func forward() {
        kinematics()
        massMatrixByCompositeBodies()
        biasByNewtonEuler()
        passiveForces()
        actuation()
        let n = model.dofCount
        for i in 0..<n {
            smoothForce[i] = passiveForce[i] - biasForce[i] + actuatorForce[i]
            smoothAcceleration[i] = smoothForce[i]
        }
        factorMassMatrix()
        Self.solveCholesky(factor, n, &smoothAcceleration)
        solveLimits()
    }

    // MARK: 1. Kinematics

    mutating func kinematics() {
        bodyWorld[0] = 0; bodyWorld[1] = 0; bodyAngle[0] = 0; bodyTrig[0] = 1; bodyTrig[1] = 0
        for body in 1..<model.bodyCount {
            let parent = model.bodyParent[body]
            let (pc, ps) = (bodyTrig[2 * parent], bodyTrig[2 * parent + 1])
            let (ou, ow) = (model.bodyOffset[2 * body], model.bodyOffset[2 * body + 1])
            var u = bodyWorld[2 * parent] + pc * ou - ps * ow
            var w = bodyWorld[2 * parent + 1] + ps * ou + pc * ow
            var angle = bodyAngle[parent], c = pc, s = ps
            let first = model.bodyFirstDof[body]
            for dof in first..<first + model.bodyDofCount[body] {
                let (lu, lw) = (model.dofAnchor[2 * dof], model.dofAnchor[2 * dof + 1])
                let au = u + c * lu - s * lw, aw = w + s * lu + c * lw
                anchorWorld[2 * dof] = au
                anchorWorld[2 * dof + 1] = aw
                let displacement = positions[dof] - model.qpos0[dof]
                if model.dofIsHinge[dof] {
                    angle += model.dofHingeSign[dof] * displacement
                    c = cos(angle); s = sin(angle)
                    u = au - (c * lu - s * lw)
                    w = aw - (s * lu + c * lw)
                } else {
                    let (xu, xw) = (model.dofAxis[2 * dof], model.dofAxis[2 * dof + 1])
                    let axisU = c * xu - s * xw, axisW = s * xu + c * xw
                    axisWorld[2 * dof] = axisU
                    axisWorld[2 * dof + 1] = axisW
                    u += axisU * displacement
                    w += axisW * displacement
                }
            }
            bodyWorld[2 * body] = u; bodyWorld[2 * body + 1] = w
            bodyAngle[body] = angle; bodyTrig[2 * body] = c; bodyTrig[2 * body + 1] = s
            let (cu, cw) = (model.bodyCentre[2 * body], model.bodyCentre[2 * body + 1])
            bodyCentreWorld[2 * body] = u + c * cu - s * cw
            bodyCentreWorld[2 * body + 1] = w + s * cu + c * cw
        }
        referencePoint = model.bodyCount > 1 ? (bodyWorld[2], bodyWorld[3]) : (0, 0)
        let (ou, ow) = referencePoint
        for dof in 0..<model.dofCount {
            if model.dofIsHinge[dof] {
                let sign = model.dofHingeSign[dof]
                subspace[3 * dof] = sign
                subspace[3 * dof + 1] = sign * (anchorWorld[2 * dof + 1] - ow)
                subspace[3 * dof + 2] = -sign * (anchorWorld[2 * dof] - ou)
            } else {
                subspace[3 * dof] = 0
                subspace[3 * dof + 1] = axisWorld[2 * dof]
                subspace[3 * dof + 2] = axisWorld[2 * dof + 1]
            }
        }
    }

    // MARK: 2. Mass matrix (composite rigid bodies)

    mutating func massMatrixByCompositeBodies() {
        let (ou, ow) = referencePoint
        for body in 0..<model.bodyCount {
            let m = model.bodyMass[body]
            let cu = bodyCentreWorld[2 * body] - ou, cw = bodyCentreWorld[2 * body + 1] - ow
            composite[4 * body] = body == 0 ? 0 : model.bodyInertia[body] + m * (cu * cu + cw * cw)
            composite[4 * body + 1] = body == 0 ? 0 : m * cu
            composite[4 * body + 2] = body == 0 ? 0 : m * cw
            composite[4 * body + 3] = body == 0 ? 0 : m
        }
        var body = model.bodyCount - 1
        while body > 1 {
            let parent = model.bodyParent[body]
            if parent != 0 {
                for k in 0..<4 { composite[4 * parent + k] += composite[4 * body + k] }
            }
            body -= 1
        }
        let n = model.dofCount
        for index in 0..<n * n { massMatrix[index] = 0 }
        for i in 0..<n {
            let b = model.dofBody[i]
            let (j0, hu, hw, m) = (composite[4 * b], composite[4 * b + 1], composite[4 * b + 2], composite[4 * b + 3])
            let (ω, vu, vw) = (subspace[3 * i], subspace[3 * i + 1], subspace[3 * i + 2])
            // F = I_c·S_i
            let fτ = j0 * ω - hw * vu + hu * vw, fu = m * vu - hw * ω, fw = m * vw + hu * ω
            massMatrix[i * n + i] = ω * fτ + vu * fu + vw * fw + model.armature[i]
            var j = model.dofParent[i]
            while j >= 0 {
                let value = subspace[3 * j] * fτ + subspace[3 * j + 1] * fu + subspace[3 * j + 2] * fw
                massMatrix[i * n + j] = value
                massMatrix[j * n + i] = value
                j = model.dofParent[j]
            }
        }
    }

    // MARK: 3. Bias forces (recursive Newton-Euler, q̈ = 0)

    mutating func biasByNewtonEuler() {
        let (ou, ow) = referencePoint
        bodyVelocity[0] = 0; bodyVelocity[1] = 0; bodyVelocity[2] = 0
        bodyBias[0] = 0; bodyBias[1] = -model.gravity.0; bodyBias[2] = -model.gravity.1
        for body in 1..<model.bodyCount {
            let parent = model.bodyParent[body]
            var ω = bodyVelocity[3 * parent], vu = bodyVelocity[3 * parent + 1], vw = bodyVelocity[3 * parent + 2]
            let aτ = bodyBias[3 * parent]
            var au = bodyBias[3 * parent + 1], aw = bodyBias[3 * parent + 2]
            let first = model.bodyFirstDof[body]
            for dof in first..<first + model.bodyDofCount[body] {
                let q̇ = velocities[dof]
                let (sω, su, sw) = (subspace[3 * dof], subspace[3 * dof + 1], subspace[3 * dof + 2])
                // (v × S)·q̇ with the running v: (0, −ω·s_w + s_ω·v_w, ω·s_u − s_ω·v_u)
                let crossU: Double = sω * vw - ω * sw
                let crossW: Double = ω * su - sω * vu
                au += crossU * q̇
                aw += crossW * q̇
                ω += sω * q̇; vu += su * q̇; vw += sw * q̇
            }
            bodyVelocity[3 * body] = ω; bodyVelocity[3 * body + 1] = vu; bodyVelocity[3 * body + 2] = vw
            bodyBias[3 * body] = aτ; bodyBias[3 * body + 1] = au; bodyBias[3 * body + 2] = aw
            // f = I·a + v ×* (I·v), with the body's own inertia at o.
            let m = model.bodyMass[body]
            let cu = bodyCentreWorld[2 * body] - ou, cw = bodyCentreWorld[2 * body + 1] - ow
            let j0 = model.bodyInertia[body] + m * (cu * cu + cw * cw), hu = m * cu, hw = m * cw
            let iaτ = j0 * aτ - hw * au + hu * aw, iau = m * au - hw * aτ, iaw = m * aw + hu * aτ
            let ivu = m * vu - hw * ω, ivw = m * vw + hu * ω  // the linear part of I·v (its torque is not needed)
            bodyForce[3 * body] = iaτ + (vu * ivw - vw * ivu)
            bodyForce[3 * body + 1] = iau - ω * ivw
            bodyForce[3 * body + 2] = iaw + ω * ivu
        }
        var body = model.bodyCount - 1
        while body >= 1 {
            let first = model.bodyFirstDof[body]
            let (fτ, fu, fw) = (bodyForce[3 * body], bodyForce[3 * body + 1], bodyForce[3 * body + 2])
            for dof in first..<first + model.bodyDofCount[body] {
                biasForce[dof] = subspace[3 * dof] * fτ + subspace[3 * dof + 1] * fu + subspace[3 * dof + 2] * fw
            }
            let parent = model.bodyParent[body]
            if parent != 0 {
                bodyForce[3 * parent] += fτ; bodyForce[3 * parent + 1] += fu; bodyForce[3 * parent + 2] += fw
            }
            body -= 1
        }
    }

    // MARK: 4. Passive forces

    mutating func passiveForces() {
        for dof in 0..<model.dofCount {
            passiveForce[dof] = -model.stiffness[dof] * (positions[dof] - model.springReference[dof])
                - model.damping[dof] * velocities[dof]
        }
        guard model.hasFluid else { return }
        for body in 1..<model.bodyCount where model.bodyMass[body] >= 1e-15 && model.bodyLastDof[body] >= 0 {
            fluidForce(on: body)
        }
    }

    /// MuJoCo's inertia-box fluid model for one body: a box with the body's principal inertia, drag and
    /// viscous resistance at the centre of mass in the inertial frame, applied through the dof chain.
    ///
    /// Box sides b_x = √(6·(I_y + I_z − I_x)/m) and cyclically; d = mean side; with (ω, v) at the centre of
    /// mass in the inertial frame: τ = −π·d³·β·ω, f = −3π·d·β·v (viscous, β the viscosity), then
    /// f_x −= ½·ρ·b_y·b_z·|v_x|·v_x and τ_x −= ρ·b_x·(b_y⁴ + b_z⁴)·|ω_x|·ω_x/64 cyclically (ρ the density).
    mutating func fluidForce(on body: Int) {
        let (ou, ow) = referencePoint
        let frame = 12 * body
        let bx = model.fluidFrames[frame], by = model.fluidFrames[frame + 1], bz = model.fluidFrames[frame + 2]
        let pu = Vector3(model.fluidFrames[frame + 3], model.fluidFrames[frame + 4], model.fluidFrames[frame + 5])
        let pw = Vector3(model.fluidFrames[frame + 6], model.fluidFrames[frame + 7], model.fluidFrames[frame + 8])
        let pn = Vector3(model.fluidFrames[frame + 9], model.fluidFrames[frame + 10], model.fluidFrames[frame + 11])
        let (ω, vu, vw) = (bodyVelocity[3 * body], bodyVelocity[3 * body + 1], bodyVelocity[3 * body + 2])
        let cu = bodyCentreWorld[2 * body] - ou, cw = bodyCentreWorld[2 * body + 1] - ow
        let comU = vu - ω * cw, comW = vw + ω * cu
        let (c, s) = (bodyTrig[2 * body], bodyTrig[2 * body + 1])
        let bodyU = c * comU + s * comW, bodyW = -s * comU + c * comW
        let linear = bodyU * pu + bodyW * pw
        let angular = ω * pn
        var torque = Vector3.zero, force = Vector3.zero
        if model.viscosity > 0 {
            let diameter = (bx + by + bz) / 3
            torque = -Double.pi * diameter * diameter * diameter * model.viscosity * angular
            force = -3 * Double.pi * diameter * model.viscosity * linear
        }
        if model.density > 0 {
            let ρ = model.density
            force.x -= 0.5 * ρ * by * bz * abs(linear.x) * linear.x
            force.y -= 0.5 * ρ * bx * bz * abs(linear.y) * linear.y
            force.z -= 0.5 * ρ * bx * by * abs(linear.z) * linear.z
            torque.x -= ρ * bx * (by * by * by * by + bz * bz * bz * bz) * abs(angular.x) * angular.x / 64
            torque.y -= ρ * by * (bx * bx * bx * bx + bz * bz * bz * bz) * abs(angular.y) * angular.y / 64
            torque.z -= ρ * bz * (bx * bx * bx * bx + by * by * by * by) * abs(angular.z) * angular.z / 64
        }
        let forceBodyU = (pu * force).sum(), forceBodyW = (pw * force).sum()
        let fu = c * forceBodyU - s * forceBodyW, fw = s * forceBodyU + c * forceBodyW
        let τ = (pn * torque).sum() + cu * fw - cw * fu
        var dof = model.bodyLastDof[body]
        while dof >= 0 {
            passiveForce[dof] += subspace[3 * dof] * τ + subspace[3 * dof + 1] * fu + subspace[3 * dof + 2] * fw
            dof = model.dofParent[dof]
        }
    }

    // MARK: 5. Actuation

    mutating func actuation() {
        for dof in 0..<model.dofCount { actuatorForce[dof] = 0 }
        for index in 0..<model.actuatorCount {
            var control = controls[index]
            if model.actuatorLimited[index] {
                control = min(max(control, model.actuatorLower[index]), model.actuatorUpper[index])
            }
            actuatorForce[model.actuatorDof[index]] += model.actuatorGear[index] * control
        }
    }

    // MARK: 6. Cholesky factorisation and solves

    /// Factors M = L·Lᵀ into ``factor``.
    mutating func factorMassMatrix() {
        let n = model.dofCount
        for index in 0..<n * n { factor[index] = massMatrix[index] }
        Self.choleskyInPlace(&factor, n)
    }

    /// L·Lᵀ of the symmetric positive-definite row-major n × n `matrix`, in its lower triangle.
    static func choleskyInPlace(_ matrix: inout [Double], _ n: Int) {
        precondition(matrix.count >= n * n, "a \(n) × \(n) matrix needs \(n * n) values")
        matrix.withUnsafeMutableBufferPointer { buffer in
            guard let a = buffer.baseAddress else { return }
            for j in 0..<n {
                var diagonal = a[j &* n &+ j]
                for k in 0..<j { diagonal -= a[j &* n &+ k] * a[j &* n &+ k] }
                let root = diagonal > 0 ? diagonal.squareRoot() : 1e-300
                a[j &* n &+ j] = root
                var i = j &+ 1
                while i < n {
                    var value = a[i &* n &+ j]
                    for k in 0..<j { value -= a[i &* n &+ k] * a[j &* n &+ k] }
                    a[i &* n &+ j] = value / root
                    i &+= 1
                }
            }
        }
    }

    /// Solves L·Lᵀ·x = b in place with the lower-triangular `matrix`.
    static func solveCholesky(_ matrix: [Double], _ n: Int, _ vector: inout [Double]) {
        precondition(matrix.count >= n * n && vector.count >= n, "a \(n) × \(n) solve needs \(n * n) and \(n) values")
        matrix.withUnsafeBufferPointer { lower in
            vector.withUnsafeMutableBufferPointer { x in
                guard let l = lower.baseAddress, let b = x.baseAddress else { return }
                for i in 0..<n {
                    var value = b[i]
                    for k in 0..<i { value -= l[i &* n &+ k] * b[k] }
                    b[i] = value / l[i &* n &+ i]
                }
                var i = n &- 1
                while i >= 0 {
                    var value = b[i]
                    var k = i &+ 1
                    while k < n { value -= l[k &* n &+ i] * b[k]; k &+= 1 }
                    b[i] = value / l[i &* n &+ i]
                    i &-= 1
                }
            }
        }
    }

    /// Solves M·x = b in place (`mj_solveM`) with the mass matrix of the last evaluation.
    /// - Precondition: `vector.count` is nv.
    public func solveMassMatrix(_ vector: inout [Double]) {
        precondition(vector.count == model.dofCount, "M is \(model.dofCount) × \(model.dofCount)")
        Self.solveCholesky(factor, model.dofCount, &vector)
    }

    /// The Jacobians of body `body`'s centre of mass: translation along u and w, and rotation about n' (one
    /// row of nv each; `mj_jacBodyCom`).
    func centreJacobian(_ body: Int) -> ([Double], [Double], [Double]) {
        let n = model.dofCount
        var ju = [Double](repeating: 0, count: n), jw = ju, jr = ju
        let cu = bodyCentreWorld[2 * body] - referencePoint.0, cw = bodyCentreWorld[2 * body + 1] - referencePoint.1
        var dof = model.bodyLastDof[body]
        while dof >= 0 {
            let (sω, su, sw) = (subspace[3 * dof], subspace[3 * dof + 1], subspace[3 * dof + 2])
            ju[dof] = su - sω * cw
            jw[dof] = sw + sω * cu
            jr[dof] = sω
            dof = model.dofParent[dof]
        }
        return (ju, jw, jr)
    }
}
