#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Joint limits as MuJoCo's soft constraints (engine_core_constraint.c, engine_solver.c).
//
// Rows (`mj_instantiateLimit`): for each limited joint, lower side first, dist = q − lo with J = +1, then
// dist = hi − q with J = −1; a row exists while dist < margin.
// Per row (`getsolparam`, `getimpedance`, `mj_makeImpedance`, `mj_referenceConstraint`):
//   imp  = dmin + y(x)·(dmax − dmin), x = |dist − margin|/width, y the solimp sigmoid (flat when dmin = dmax,
//          dmax when x ≥ 1);
//   aref = −B·J·q̇ − K·imp·(dist − margin), K = 1/(dmax²·τ²·ζ²), B = 2/(dmax·τ), τ = max(solref₀, 2h);
//   R    = max(1e-15, (1 − imp)/imp · dof_invweight0).
// The acceleration minimises ½(a − a_s)ᵀM(a − a_s) + Σ_{rows with J·a < aref} ½(J·a − aref)²/R (`mj_solNewton`),
// a strictly convex piecewise quadratic: Newton steps on the active set with an exact line search reach its
// minimiser exactly. Force f = −(J·a − aref)/R on active rows; qfrc_constraint = Jᵀ·f.

extension Workspace {
    /// Builds the limit rows at the current state and solves for q̈ and the constraint force.
    func solveLimits() {
        let n = dofCount
        for i in 0..<n {
            accelerations[i] = smoothAcceleration[i]
            constraintForce[i] = 0
        }
        var rows = 0
        for limit in 0..<limitCount {
            let dof = limitDof[limit]
            let q = positions[dof], margin = limitMargin[limit]
            for side in 0..<2 {
                let dist = side == 0 ? q - limitLower[limit] : limitUpper[limit] - q
                guard dist < margin else { continue }
                let sign: Double = side == 0 ? 1 : -1
                let p = limitParameters[limit]
                let imp = Self.impedance(dmin: p.dmin, dmax: p.dmax, width: p.width, midpoint: p.midpoint,
                                         power: p.power, position: dist, margin: margin)
                rowDof[rows] = dof
                rowSign[rows] = sign
                rowReference[rows] = -p.damping * sign * velocities[dof] - p.stiffness * imp * (dist - margin)
                rowRegulariser[rows] = max(1e-15, (1 - imp) * dofInverseWeight[dof] / imp)
                rows += 1
            }
        }
        activeLimitCount = rows
        guard rows > 0 else { return }
        newtonSolve(rows: rows)
        for row in 0..<rows {
            let residual = rowSign[row] * accelerations[rowDof[row]] - rowReference[row]
            rowForce[row] = residual < 0 ? -residual / rowRegulariser[row] : 0
            constraintForce[rowDof[row]] += rowSign[row] * rowForce[row]
        }
    }

    /// MuJoCo's `getimpedance`: the solimp sigmoid at |dist − margin|/width.
    static func impedance(dmin: Double, dmax: Double, width: Double, midpoint: Double, power: Double,
                          position: Double, margin: Double) -> Double {
        if dmin == dmax || width <= 1e-15 { return 0.5 * (dmin + dmax) }
        let x = abs((position - margin) / width)
        if x >= 1 || x <= 0 { return x >= 1 ? dmax : dmin }
        let y: Double
        if power == 1 {
            y = x
        } else if x <= midpoint {
            y = Self.power(x, power) / Self.power(midpoint, power - 1)
        } else {
            y = 1 - Self.power(1 - x, power) / Self.power(1 - midpoint, power - 1)
        }
        return dmin + y * (dmax - dmin)
    }

    static func power(_ a: Double, _ b: Double) -> Double {
        b == 1 ? a : b == 2 ? a * a : pow(a, b)
    }

    /// Minimises the constrained cost from a = a_s: solve the quadratic of the current active set, then an
    /// exact line search towards its minimiser, until the active set no longer changes.
    func newtonSolve(rows: Int) {
        let n = dofCount
        for _ in 0..<100 {
            // The minimiser of the quadratic with the rows active at the current a:
            // (M + Σ e_d·e_dᵀ/R) a* = qfrc_smooth + Σ sign·aref·e_d/R.
            for index in 0..<n * n { solverMatrix[index] = massMatrix[index] }
            for i in 0..<n { solverTrial[i] = smoothForce[i] }
            for row in 0..<rows where rowSign[row] * accelerations[rowDof[row]] - rowReference[row] < 0 {
                let d = rowDof[row]
                solverMatrix[d * n + d] += 1 / rowRegulariser[row]
                solverTrial[d] += rowSign[row] * rowReference[row] / rowRegulariser[row]
            }
            Self.choleskyInPlace(solverMatrix, n)
            Self.solveCholesky(solverMatrix, n, solverTrial)
            var sameSet = true
            for row in 0..<rows {
                let before = rowSign[row] * accelerations[rowDof[row]] - rowReference[row] < 0
                let after = rowSign[row] * solverTrial[rowDof[row]] - rowReference[row] < 0
                if before != after { sameSet = false }
            }
            if sameSet {
                for i in 0..<n { accelerations[i] = solverTrial[i] }
                return
            }
            for i in 0..<n { solverDirection[i] = solverTrial[i] - accelerations[i] }
            let step = exactLineSearch(rows: rows)
            for i in 0..<n { accelerations[i] += step * solverDirection[i] }
        }
    }

    /// The α ≥ 0 minimising the cost along a + α·d: the root of its derivative, continuous, piecewise linear
    /// and nondecreasing in α, found interval by interval between the rows' switching points.
    func exactLineSearch(rows: Int) -> Double {
        let n = dofCount
        // φ'(α) = dᵀ(M·a − qfrc_smooth) + α·dᵀM·d + Σ_active (r_i + α·s_i)·s_i/R_i
        var slope0 = 0.0, curvature = 0.0
        for i in 0..<n {
            var ma = 0.0, md = 0.0
            for j in 0..<n {
                ma += massMatrix[i * n + j] * accelerations[j]
                md += massMatrix[i * n + j] * solverDirection[j]
            }
            slope0 += solverDirection[i] * (ma - smoothForce[i])
            curvature += solverDirection[i] * md
        }
        var breaks = 0
        for row in 0..<rows {
            rowResidual[row] = rowSign[row] * accelerations[rowDof[row]] - rowReference[row]
            rowSlope[row] = rowSign[row] * solverDirection[rowDof[row]]
            if rowSlope[row] != 0 {
                let point = -rowResidual[row] / rowSlope[row]
                if point > 0 {
                    // Insertion into the sorted switching points.
                    var index = breaks
                    while index > 0 && rowBreak[index - 1] > point { rowBreak[index] = rowBreak[index - 1]; index -= 1 }
                    rowBreak[index] = point
                    breaks += 1
                }
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
