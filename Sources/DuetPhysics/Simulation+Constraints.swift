#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Joint limits and contacts as MuJoCo's soft constraints, and the exact solve of the constraint problem
// (engine_core_constraint.c, engine_solver.c). Contact rows come from Simulation+Collision.swift.
//
// Rows, limits first (`mj_instantiateLimit`): for each limited joint, lower side first, dist = q − lo with
// J = +e_dof, then dist = hi − q with J = −e_dof; a row exists while dist < margin. Then the contacts
// (`mj_instantiateContact`).
// Per row (`getsolparam`, `getimpedance`, `mj_diagApprox`, `mj_makeImpedance`, `mj_referenceConstraint`):
//   imp  = dmin + y(x)·(dmax − dmin), x = |dist − margin|/width, y the solimp sigmoid (flat when dmin = dmax,
//          dmax when x ≥ 1);
//   aref = −B·J·q̇ − K·imp·(dist − margin), K = 1/(dmax²·τ²·ζ²), B = 2/(dmax·τ), τ = max(solref₀, 2h);
//   R    = max(1e-15, (1 − imp)·dof_invweight0/imp) for a limit (contacts: Simulation+Collision.swift).
// The acceleration minimises
//   ½(a − a_s)ᵀM(a − a_s) + Σ_{rows with J_i·a < aref_i} ½(J_i·a − aref_i)²/R_i          (`mj_solNewton`)
// a strictly convex piecewise quadratic: Newton steps on the active set with an exact line search reach its
// minimiser exactly (MuJoCo's Newton solver converges to the same point; its tolerance 1e-8 stops it within
// about 1e-14 of it). Force f_i = −(J_i·a − aref_i)/R_i on active rows; qfrc_constraint = Jᵀ·f.

extension Workspace {
    /// Builds every row at the current state and solves for q̈ and the constraint force.
    func solveConstraints() {
        let n = dofCount
        for i in 0..<n {
            accelerations[i] = smoothAcceleration[i]
            constraintForce[i] = 0
        }
        rowCount = 0
        addLimitRows()
        limitRowCount = rowCount
        if pairCount > 0 { addContactRows() }
        guard rowCount > 0 else { return }
        // Warm start (`qacc_warmstart`): from the last solve's q̈. The minimiser is unique and the result is the
        // solution of the linear system of its active set, so the start changes the work, not the answer.
        if hasWarmStart {
            for i in 0..<n { accelerations[i] = warmAcceleration[i] }
        }
        newtonSolve(rows: rowCount)
        for i in 0..<n { warmAcceleration[i] = accelerations[i] }
        hasWarmStart = true
        for row in 0..<rowCount {
            let jacobian = rowJacobian + row &* n
            var ja = 0.0
            for i in 0..<n { ja += jacobian[i] * accelerations[i] }
            let residual = ja - rowReference[row]
            rowForce[row] = residual < 0 ? -residual / rowRegulariser[row] : 0
            for i in 0..<n { constraintForce[i] += jacobian[i] * rowForce[row] }
        }
    }

    /// One row for each limit side with dist < margin (`mj_instantiateLimit`).
    func addLimitRows() {
        let n = dofCount
        for limit in 0..<limitCount {
            let dof = limitDof[limit]
            let q = positions[dof], margin = limitMargin[limit]
            for side in 0..<2 {
                let dist = side == 0 ? q - limitLower[limit] : limitUpper[limit] - q
                closestClearance = min(closestClearance, abs(dist - margin))
                guard dist < margin else { continue }
                let sign: Double = side == 0 ? 1 : -1
                let p = limitParameters[limit]
                let imp = Self.impedance(p, position: dist, margin: margin)
                let jacobian = rowJacobian + rowCount &* n
                jacobian.update(repeating: 0, count: n)
                jacobian[dof] = sign
                rowReference[rowCount] = -p.damping * (sign * velocities[dof]) - p.stiffness * imp * (dist - margin)
                rowRegulariser[rowCount] = max(1e-15, (1 - imp) * dofInverseWeight[dof] / imp)
                rowCount += 1
            }
        }
    }

    /// MuJoCo's `getimpedance`: the solimp sigmoid at |dist − margin|/width.
    static func impedance(_ p: SoftConstraintParameters, position: Double, margin: Double) -> Double {
        if p.dmin == p.dmax || p.width <= 1e-15 { return 0.5 * (p.dmin + p.dmax) }
        let x = abs((position - margin) / p.width)
        if x >= 1 || x <= 0 { return x >= 1 ? p.dmax : p.dmin }
        let y: Double
        if p.power == 1 {
            y = x
        } else if x <= p.midpoint {
            y = (1 / Self.power(p.midpoint, p.power - 1)) * Self.power(x, p.power)
        } else {
            y = 1 - (1 / Self.power(1 - p.midpoint, p.power - 1)) * Self.power(1 - x, p.power)
        }
        return p.dmin + y * (p.dmax - p.dmin)
    }

    static func power(_ a: Double, _ b: Double) -> Double {
        b == 1 ? a : b == 2 ? a * a : pow(a, b)
    }

    /// J_row·x, for n = nv.
    @inline(__always)
    func rowProduct(_ row: Int, _ x: UnsafeMutablePointer<Double>, dofs n: Int) -> Double {
        let jacobian = rowJacobian + row &* n
        var sum = 0.0
        for i in 0..<n { sum += jacobian[i] * x[i] }
        return sum
    }

    /// Minimises the constrained cost from the current a (a_s or the warm start): solve the quadratic of the rows
    /// active at a, then an exact line search towards its minimiser, until the active set no longer changes.
    func newtonSolve(rows: Int) {
        withConstantDofCount { n in newtonSolve(rows: rows, dofs: n) }
    }

    /// ``newtonSolve(rows:)`` with n = nv, a constant for the task models' sizes (Workspace.swift).
    @inline(__always)
    private func newtonSolve(rows: Int, dofs n: Int) {
        for row in 0..<rows { rowResidual[row] = rowProduct(row, accelerations, dofs: n) - rowReference[row] }
        for _ in 0..<100 {
            // The minimiser of the quadratic with the rows active at the current a:
            // (M + Σ J_iᵀJ_i/R_i) a* = qfrc_smooth + Σ J_iᵀ·aref_i/R_i.
            for index in 0..<n * n { solverMatrix[index] = massMatrix[index] }
            for i in 0..<n { solverTrial[i] = smoothForce[i] }
            for row in 0..<rows where rowResidual[row] < 0 {
                let jacobian = rowJacobian + row &* n, weight = 1 / rowRegulariser[row]
                for i in 0..<n where jacobian[i] != 0 {
                    let scaled = jacobian[i] * weight
                    let line = solverMatrix + i &* n
                    for j in 0..<n { line[j] += scaled * jacobian[j] }
                    solverTrial[i] += scaled * rowReference[row]
                }
            }
            Self.choleskyInPlace(solverMatrix, n)
            Self.solveCholesky(solverMatrix, n, solverTrial)
            var sameSet = true
            for row in 0..<rows {
                let trialResidual = rowProduct(row, solverTrial, dofs: n) - rowReference[row]
                if (rowResidual[row] < 0) != (trialResidual < 0) { sameSet = false }
                rowSlope[row] = trialResidual - rowResidual[row]
            }
            if sameSet {
                for i in 0..<n { accelerations[i] = solverTrial[i] }
                return
            }
            for i in 0..<n { solverDirection[i] = solverTrial[i] - accelerations[i] }
            let step = exactLineSearch(rows: rows, dofs: n)
            for i in 0..<n { accelerations[i] += step * solverDirection[i] }
            for row in 0..<rows { rowResidual[row] = rowProduct(row, accelerations, dofs: n) - rowReference[row] }
        }
    }

    /// The α ≥ 0 minimising the cost along a + α·d: the root of its derivative, continuous, piecewise linear
    /// and nondecreasing in α, found interval by interval between the rows' switching points.
    @inline(__always)
    func exactLineSearch(rows: Int, dofs n: Int) -> Double {
        // φ'(α) = dᵀ(M·a − qfrc_smooth) + α·dᵀM·d + Σ_active (r_i + α·s_i)·s_i/R_i
        var slope0 = 0.0, curvature = 0.0
        for i in 0..<n {
            var ma = 0.0, md = 0.0
            let line = massMatrix + i &* n
            for j in 0..<n {
                ma += line[j] * accelerations[j]
                md += line[j] * solverDirection[j]
            }
            slope0 += solverDirection[i] * (ma - smoothForce[i])
            curvature += solverDirection[i] * md
        }
        var breaks = 0
        for row in 0..<rows where rowSlope[row] != 0 {
            let point = -rowResidual[row] / rowSlope[row]
            if point > 0 {
                // Insertion into the sorted switching points.
                var index = breaks
                while index > 0 && rowBreak[index - 1] > point { rowBreak[index] = rowBreak[index - 1]; index -= 1 }
                rowBreak[index] = point
                breaks += 1
            }
        }
        var lower = 0.0
        for interval in 0...breaks {
            let upper = interval < breaks ? rowBreak[interval] : Double.infinity
            let probe = upper.isFinite ? 0.5 * (lower + upper) : lower + 1
            var constant = slope0, linear = curvature
            for row in 0..<rows where rowResidual[row] + probe * rowSlope[row] < 0 {
                constant += rowResidual[row] * rowSlope[row] / rowRegulariser[row]
                linear += rowSlope[row] * rowSlope[row] / rowRegulariser[row]
            }
            let root = linear > 0 ? -constant / linear : upper
            if root <= upper { return max(lower, root) }
            lower = upper
        }
        return lower
    }
}
