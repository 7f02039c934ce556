// The two integrators of the task models (engine_forward.c).
//
// RK4 (`mj_RungeKutta`, N = 4): with F_i = (q̇_i, q̈_i) and the tableau A = diag(½, ½, 1) below the diagonal,
// B = (1/6, 1/3, 1/3, 1/6): stage i evaluates (q₀ + h·A_i·q̇_{i−1}, q̇₀ + h·A_i·q̈_{i−1}), each a full forward
// pass with the joint limits; then q = q₀ + h·Σ B_i·q̇_i, q̇ = q̇₀ + h·Σ B_i·q̈_i. Damping is explicit.
//
// Euler (`mj_Euler`): with damping b present, q̈_e = (M + h·diag(b))⁻¹·(qfrc_smooth + qfrc_constraint)
// (implicit damping, `eulerdamp`), else q̈_e = q̈; then q̇' = q̇ + h·q̈_e, q' = q + h·q̇'.
//
// Both run on the ``Workspace``'s working copy of (q, q̇); ``Simulation`` advances the time by h per step.

extension Workspace {
    /// One physics step of h seconds with the model's integrator (`mj_step`): evaluate, then integrate.
    func step() {
        forward()
        switch integrator {
        case .rungeKutta4: rungeKutta4()
        case .euler: eulerWithImplicitDamping()
        }
    }

    /// `mj_RungeKutta` with N = 4 (see the file header).
    func rungeKutta4() {
        withConstantDofCount { n in rungeKutta4(dofs: n) }
    }

    @inline(__always)
    private func rungeKutta4(dofs n: Int) {
        let h = timestep
        for i in 0..<n {
            savedPositions[i] = positions[i]
            savedVelocities[i] = velocities[i]
            stageVelocities[i] = velocities[i]
            stageAccelerations[i] = accelerations[i]
        }
        for stage in 1..<4 {
            let previous = (stage - 1) * n, weight = stage == 3 ? 1.0 : 0.5  // A = diag(½, ½, 1)
            for i in 0..<n {
                positions[i] = savedPositions[i] + h * (weight * stageVelocities[previous + i])
                velocities[i] = savedVelocities[i] + h * (weight * stageAccelerations[previous + i])
            }
            forward()
            for i in 0..<n {
                stageVelocities[stage * n + i] = velocities[i]
                stageAccelerations[stage * n + i] = accelerations[i]
            }
        }
        let b0 = 1.0 / 6.0, b1 = 1.0 / 3.0, b2 = 1.0 / 3.0, b3 = 1.0 / 6.0
        for i in 0..<n {
            let dq = stageVelocities[i] * b0 + stageVelocities[n + i] * b1 + stageVelocities[2 * n + i] * b2
                + stageVelocities[3 * n + i] * b3
            let dv = stageAccelerations[i] * b0 + stageAccelerations[n + i] * b1
                + stageAccelerations[2 * n + i] * b2 + stageAccelerations[3 * n + i] * b3
            positions[i] = savedPositions[i] + h * dq
            velocities[i] = savedVelocities[i] + h * dv
        }
    }

    /// `mj_Euler`, with implicit damping when some dof is damped (see the file header).
    func eulerWithImplicitDamping() {
        let n = dofCount, h = timestep
        if hasDamping {
            for index in 0..<n * n { solverMatrix[index] = massMatrix[index] }
            for i in 0..<n {
                solverMatrix[i * n + i] += h * damping[i]
                scratch[i] = smoothForce[i] + constraintForce[i]
            }
            Self.choleskyInPlace(solverMatrix, n)
            Self.solveCholesky(solverMatrix, n, scratch)
        } else {
            for i in 0..<n { scratch[i] = accelerations[i] }
        }
        for i in 0..<n {
            velocities[i] += h * scratch[i]
            positions[i] += h * velocities[i]
        }
    }
}
