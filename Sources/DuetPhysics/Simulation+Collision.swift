// Collision detection and contact rows, as MuJoCo computes them for the candidate pairs of
// PlanarModel+Contacts.swift (engine_collision_driver.c, engine_collision_primitive.c,
// engine_core_constraint.c). Geometry is in world coordinates (x, y, z): a body's frame is its planar pose
// with the constant normal coordinate, turned about the plane normal.
//
// 1. Geom frames (`mj_kinematics`): geom_xpos = x_body + R_body·geom_pos, geom_xmat = R_body·geom_mat.
// 2. Bounding spheres (`mj_filterSphere`): a pair is skipped when its centres are farther apart than the two
//    bounding radii and the margin (for a plane: the other centre's height over it).
// 3. Narrow phase, each returning (dist, pos, normal from geom 1 to geom 2, tangent hint):
//    plane–sphere (`mjraw_PlaneSphere`): n = the plane's z axis, dist = n·(c − p) − r, pos = c − n·(dist/2 + r);
//    plane–capsule (`mjc_PlaneCapsule`): the sphere test at both ends c ± h·a, tangent = the capsule axis a;
//    plane–box (`mjc_PlaneBox`): the corners below the centre within the margin, at most 4;
//    sphere–sphere (`mjraw_SphereSphere`): n = (c₂ − c₁)/|c₂ − c₁|, dist = |c₂ − c₁| − r₁ − r₂,
//      pos = c₁ + n·(r₁ + dist/2);
//    sphere–capsule, capsule–capsule (`mjraw_SphereCapsule`, `mjraw_CapsuleCapsule`): the sphere test at the
//      closest points of the segments (two contacts when the axes are parallel).
//    A contact is active when dist < margin (`mj_setContact`'s exclude).
// 4. Frame (`mju_makeFrame`): x = the normal, y = the tangent made orthogonal to it (y-axis, else z-axis, of the
//    world when there is no tangent), z = x × y.
// 5. Rows (`mj_instantiateContact`, `mj_contactJacobian`): J_c = frame · (J_point(body₂) − J_point(body₁)) at
//    pos; condim 1 gives the normal row, condim 3 the four pyramid edges J_n ± μ·J_t1, J_n ± μ·J_t2 (in the
//    plane of motion t2 is normal to it, so two of the four equal J_n; MuJoCo keeps all four and so does this).
//    pos = dist, margin as above; imp, aref as for limits (Simulation+Constraints.swift); regulariser
//    (`mj_diagApprox`, `mj_makeImpedance`): condim 1: R = (1 − imp)·tran/imp; condim 3:
//    R = 2μ²·(1 − imp)·(tran + μ²·tran)/imp, the pyramid's R matched to the elliptic cone's (impratio 1).

extension Workspace {
    /// Each contact geom's world frame.
    func geomPoses() {
        for index in 0..<contactGeomCount {
            let geom = contactGeoms[index]
            let body = geom.body
            var origin = Vector3.zero
            origin[axisU] = bodyWorld[body].u
            origin[axisW] = bodyWorld[body].w
            origin[axisN] = bodyNormalPosition[body]
            let (c, s) = (bodyRotation[body].c, bodyRotation[body].s)
            geomPose[index] = GeomPose(position: origin + rotate(geom.position, c, s), x: rotate(geom.axisX, c, s),
                                       y: rotate(geom.axisY, c, s), z: rotate(geom.axisZ, c, s))
        }
    }

    /// `v` turned by the planar rotation (c, s) about the plane normal.
    @inline(__always)
    func rotate(_ v: Vector3, _ c: Double, _ s: Double) -> Vector3 {
        var turned = v
        turned[axisU] = c * v[axisU] - s * v[axisW]
        turned[axisW] = s * v[axisU] + c * v[axisW]
        return turned
    }

    /// Runs the narrow phase on every candidate pair and adds the rows of each active contact.
    func addContactRows() {
        geomPoses()
        contactCount = 0
        for index in 0..<pairCount {
            let pair = contactPairs[index]
            let found = narrowPhase(pair)
            for contact in 0..<found {
                let measured = pairContacts[contact]
                closestClearance = min(closestClearance, abs(measured.distance - pair.margin))
                guard measured.distance < pair.margin else { continue }
                addRows(of: measured, pair: pair)
                contactCount += 1
            }
        }
    }

    // MARK: Narrow phase

    /// The contacts of `pair` into ``pairContacts``, with those just outside the margin (their distance
    /// measured for ``closestClearance``); returns how many.
    func narrowPhase(_ pair: ContactPair) -> Int {
        let a = contactGeoms[pair.first], b = contactGeoms[pair.second]
        let poseA = geomPose[pair.first], poseB = geomPose[pair.second]
        let margin = pair.margin
        // Bounding spheres (`mj_filterSphere`).
        if a.shape == .plane {
            if dot(poseB.position - poseA.position, poseA.z) > margin + b.boundingRadius { return 0 }
        } else {
            let bound = a.boundingRadius + b.boundingRadius + margin
            let d = poseA.position - poseB.position
            if dot(d, d) > bound * bound { return 0 }
        }
        switch (a.shape, b.shape) {
        case (.plane, .sphere):
            return planeSphere(poseA, centre: poseB.position, radius: b.size.x, margin: margin, into: 0)
        case (.plane, .capsule):
            let segment = b.size.y * poseB.z
            let first = planeSphere(poseA, centre: poseB.position + segment, radius: b.size.x, margin: margin, into: 0)
            let second = planeSphere(poseA, centre: poseB.position - segment, radius: b.size.x, margin: margin,
                                     into: first)
            for index in 0..<(first + second) { pairContacts[index].tangent = poseB.z }
            return first + second
        case (.plane, .box):
            return planeBox(poseA, poseB, size: b.size, margin: margin)
        case (.sphere, .sphere):
            return sphereSphere(poseA.position, a.size.x, poseA.z, poseB.position, b.size.x, poseB.z, margin, into: 0)
        case (.sphere, .capsule):
            let axis = poseB.z
            let x = min(max(dot(axis, poseA.position - poseB.position), -b.size.y), b.size.y)
            return sphereSphere(poseA.position, a.size.x, poseA.z, axis * x + poseB.position, b.size.x, poseB.z,
                                margin, into: 0)
        case (.capsule, .capsule):
            return capsuleCapsule(poseA, a.size, poseB, b.size, margin)
        default:
            return 0  // refused when the model was reduced
        }
    }

    /// `mjraw_PlaneSphere`; the contact is kept whatever its distance (the caller tests the margin), but is
    /// only counted when it is within margin + r of the plane as MuJoCo's test, or measured just outside it.
    func planeSphere(_ plane: GeomPose, centre: Vector3, radius: Double, margin: Double, into slot: Int) -> Int {
        let normal = plane.z
        let offset = centre - plane.position
        let cdist = dot(offset, normal)
        let dist = cdist - radius
        if cdist > margin + radius {
            closestClearance = min(closestClearance, abs(dist - margin))
            return 0
        }
        pairContacts[slot] = NarrowContact(distance: dist, position: centre + normal * (-dist / 2 - radius),
                                           normal: normal, tangent: .zero)
        return 1
    }

    /// `mjc_PlaneBox`: the box corners below its centre and within the margin, at most 4.
    func planeBox(_ plane: GeomPose, _ box: GeomPose, size: Vector3, margin: Double) -> Int {
        let normal = plane.z
        let dist = dot(box.position - plane.position, normal)
        var count = 0
        for index in 0..<8 {
            let x = index & 1 != 0 ? size.x : -size.x, y = index & 2 != 0 ? size.y : -size.y
            let z = index & 4 != 0 ? size.z : -size.z
            let corner = box.x * x + box.y * y + box.z * z
            let ldist = dot(normal, corner)
            if ldist <= 0 { closestClearance = min(closestClearance, abs(dist + ldist - margin)) }
            if dist + ldist > margin || ldist > 0 { continue }
            let depth = dist + ldist
            pairContacts[count] = NarrowContact(distance: depth, position: corner + box.position + normal * (-depth / 2),
                                                normal: normal, tangent: .zero)
            count += 1
            if count >= 4 { return 4 }
        }
        return count
    }

    /// `mjraw_SphereSphere` between spheres at `c1`, `c2` (the z axes of their geoms give the normal when the
    /// centres coincide).
    func sphereSphere(_ c1: Vector3, _ r1: Double, _ z1: Vector3, _ c2: Vector3, _ r2: Double, _ z2: Vector3,
                      _ margin: Double, into slot: Int) -> Int {
        let difference = c1 - c2
        let squared = dot(difference, difference)
        let bound = margin + r1 + r2
        let dist = squared.squareRoot() - r1 - r2
        if squared > bound * bound {
            closestClearance = min(closestClearance, abs(dist - margin))
            return 0
        }
        var normal = c2 - c1
        if normalize(&normal) < 1e-15 {
            normal = cross(z1, z2)
            _ = normalize(&normal)
        }
        pairContacts[slot] = NarrowContact(distance: dist, position: normal * (r1 + dist / 2) + c1, normal: normal,
                                           tangent: .zero)
        return 1
    }

    /// `mjraw_CapsuleCapsule`: the sphere test at the closest points of the two segments; with parallel axes,
    /// at the ends of each segment against the other, up to 2 contacts.
    func capsuleCapsule(_ first: GeomPose, _ size1: Vector3, _ second: GeomPose, _ size2: Vector3,
                        _ margin: Double) -> Int {
        let axis1 = first.z * size1.y, axis2 = second.z * size2.y
        let difference = first.position - second.position
        let ma = dot(axis1, axis1), mb = -dot(axis1, axis2), mc = dot(axis2, axis2)
        let u = -dot(axis1, difference), v = dot(axis2, difference)
        let det = ma * mc - mb * mb
        func clip(_ x: Double) -> Double { min(max(x, -1), 1) }
        func test(_ x1: Double, _ x2: Double, into slot: Int) -> Int {
            sphereSphere(axis1 * x1 + first.position, size1.x, first.z, axis2 * x2 + second.position, size2.x,
                         second.z, margin, into: slot)
        }
        if abs(det) >= 1e-15 {
            var x1 = (mc * u - mb * v) / det, x2 = (ma * v - mb * u) / det
            if x1 > 1 {
                x1 = 1
                x2 = (v - mb) / mc
            } else if x1 < -1 {
                x1 = -1
                x2 = (v + mb) / mc
            }
            if x2 > 1 {
                x2 = 1
                x1 = clip((u - mb) / ma)
            } else if x2 < -1 {
                x2 = -1
                x1 = clip((u + mb) / ma)
            }
            return test(x1, x2, into: 0)
        }
        var count = test(1, clip((v - mb) / mc), into: 0)
        count += test(-1, clip((v + mb) / mc), into: count)
        if count >= 2 { return count }
        count += test(clip((u - mb) / ma), 1, into: count)
        if count >= 2 { return count }
        count += test(clip((u + mb) / ma), -1, into: count)
        return count
    }

    // MARK: Rows

    /// The rows of one active contact (see the file header, 4 and 5).
    func addRows(of contact: NarrowContact, pair: ContactPair) {
        let n = dofCount
        // Frame (`mju_makeFrame`).
        var normal = contact.normal
        _ = normalize(&normal)
        var tangent = contact.tangent
        if dot(tangent, tangent) < 0.25 {
            tangent = .zero
            if normal.y < 0.5 && normal.y > -0.5 { tangent.y = 1 } else { tangent.z = 1 }
        }
        tangent -= normal * dot(normal, tangent)
        _ = normalize(&tangent)
        let binormal = cross(normal, tangent)
        // J_point(body₂) − J_point(body₁) at the contact, u and w components.
        let ju = pointJacobian, jw = pointJacobian + n
        for i in 0..<2 * n { pointJacobian[i] = 0 }
        let pu = contact.position[axisU] - referenceU, pw = contact.position[axisW] - referenceW
        for side in 0..<2 {
            var dof = bodyLastDof[side == 0 ? pair.secondBody : pair.firstBody]
            while dof >= 0 {
                let motion = subspace[dof]
                let vu = motion.u - motion.angular * pw, vw = motion.w + motion.angular * pu
                if side == 0 { ju[dof] += vu; jw[dof] += vw } else { ju[dof] -= vu; jw[dof] -= vw }
                dof = dofParent[dof]
            }
        }
        for k in 0..<(pair.condim == 1 ? 1 : 3) {
            let axis = k == 0 ? normal : k == 1 ? tangent : binormal
            let (fu, fw) = (axis[axisU], axis[axisW])
            let row = frameJacobian + k &* n
            for i in 0..<n { row[i] = fu * ju[i] + fw * jw[i] }
        }
        // Impedance and regulariser, common to the contact's rows.
        let p = pair.parameters, dist = contact.distance, margin = pair.margin
        let imp = Self.impedance(p, position: dist, margin: margin)
        let tran = pair.translationWeight, μ = pair.friction
        let regulariser: Double
        if pair.condim == 1 {
            regulariser = max(1e-15, (1 - imp) * tran / imp)
        } else {
            let normalRegulariser = max(1e-15, (1 - imp) * (tran + μ * μ * tran) / imp)
            regulariser = 2 * μ * μ * normalRegulariser
        }
        let edges = pair.condim == 1 ? 1 : 4
        for edge in 0..<edges {
            let jacobian = rowJacobian + rowCount &* n
            if pair.condim == 1 {
                for i in 0..<n { jacobian[i] = frameJacobian[i] }
            } else {
                let tangentRow = frameJacobian + (1 + edge / 2) &* n
                let scale = edge % 2 == 0 ? μ : -μ
                for i in 0..<n { jacobian[i] = frameJacobian[i] + scale * tangentRow[i] }
            }
            var velocity = 0.0
            for i in 0..<n { velocity += jacobian[i] * velocities[i] }
            rowReference[rowCount] = -p.damping * velocity - p.stiffness * imp * (dist - margin)
            rowRegulariser[rowCount] = regulariser
            rowCount += 1
        }
    }
}

/// a·b, summed x, y, z in order (`mju_dot3`).
@inline(__always)
func dot(_ a: Vector3, _ b: Vector3) -> Double { a.x * b.x + a.y * b.y + a.z * b.z }

/// a × b (`mju_cross`).
@inline(__always)
func cross(_ a: Vector3, _ b: Vector3) -> Vector3 {
    Vector3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Scales `v` to unit length and returns its former length; (1, 0, 0) below 1e-15 (`mju_normalize3`).
@inline(__always)
func normalize(_ v: inout Vector3) -> Double {
    let norm = (v.x * v.x + v.y * v.y + v.z * v.z).squareRoot()
    if norm < 1e-15 {
        v = Vector3(1, 0, 0)
    } else {
        v *= 1 / norm
    }
    return norm
}
