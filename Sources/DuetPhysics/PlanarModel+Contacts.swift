// Which geoms can touch, and with what parameters: the part of MuJoCo's collision driver that depends only on
// the model (engine_collision_driver.c), done once when the model is reduced.
//
// A pair (g1, g2) of geoms in different bodies is a candidate when
//   - the bodies are not welded together (`body_weldid`: a body without joints belongs to its parent's weld),
//     not both without dofs, and not parent and child (`filterBodyPair`, the world excepted: a body hanging from
//     the world still touches the floor);
//   - one geom's contype shares a bit with the other's conaffinity (`filterBitmask`);
//   - the narrow phase has a function for the two shapes (`mjCOLLISIONFUNC`); g1 is the geom of lower type
//     (`pushGeomGeom`: plane < sphere < capsule < ellipsoid < cylinder < box).
// Parameters (`mj_contactParam` with equal priority and solmix, `mj_setContact`, `getsolparam`,
// `mj_makeImpedance`, `mj_diagApprox`):
//   condim = max, μ = max(μ₁, μ₂) (at least mjMINMU = 1e-5), solref and solimp averaged (solref the minimum
//   when either is in the direct, negative format), margin = m₁ + m₂;
//   solref₀ ← max(solref₀, 2h), dmin, dmax, midpoint clamped to [1e-4, 0.9999], width ≥ 0, power ≥ 1;
//   K = 1/(dmax²·τ²·ζ²), B = 2/(dmax·τ);
//   tran = body_invweight0 (translation) of body 1 plus that of body 2 (the world's is 0), the approximate
//   inverse inertia that the regulariser R = (1 − imp)/imp · tran scales (Simulation+Collision.swift).

/// One geom that takes part in some candidate pair, as the narrow phase reads it.
struct ContactGeom: Sendable {
    /// The body it is fixed in.
    var body: Int
    var shape: GeomShape
    /// `geom_size`.
    var size: Vector3
    /// Position in the body frame, world axes (x, y, z).
    var position: Vector3
    /// The geom frame's axes in the body frame (the columns of `geom_quat`'s matrix).
    var axisX: Vector3, axisY: Vector3, axisZ: Vector3
    /// `geom_rbound`.
    var boundingRadius: Double
}

/// A candidate pair of ``ContactGeom``s with its mixed contact parameters.
struct ContactPair: Sendable {
    /// Indices into `PlanarModel.contactGeoms`; `first` has the lower shape type (the plane, if any).
    var first: Int, second: Int
    /// Their bodies.
    var firstBody: Int, secondBody: Int
    /// 1 (frictionless) or 3 (pyramidal cone of four edges).
    var condim: Int
    /// μ.
    var friction: Double
    /// m₁ + m₂: contacts with distance below it are active (`includemargin`).
    var margin: Double
    /// K, B and the solimp sigmoid, after `getsolparam`.
    var parameters: SoftConstraintParameters
    /// tran: body_invweight0 of both bodies, translational.
    var translationWeight: Double
    /// The most contacts the narrow phase returns for the two shapes (`mj_maxContact`).
    var contactCapacity: Int
    /// Constraint rows per contact: 1 for condim 1, 2·(condim − 1) = 4 for the pyramid of condim 3.
    var rowsPerContact: Int { condim == 1 ? 1 : 2 * (condim - 1) }
}

/// A soft constraint's reference stiffness K and damping B (solref after `getsolparam`) and its impedance sigmoid
/// (dmin, dmax, width, midpoint, power), as `mj_makeImpedance` uses them; shared by joint limits and contacts.
struct SoftConstraintParameters: Sendable {
    var stiffness: Double, damping: Double, dmin: Double, dmax: Double, width: Double, midpoint: Double,
        power: Double
    static let zero = SoftConstraintParameters(stiffness: 0, damping: 0, dmin: 0, dmax: 0, width: 0, midpoint: 0,
                                               power: 0)

    /// `getsolparam` then `mj_makeImpedance`'s K and B for solref (τ, ζ) and solimp at timestep h.
    init(solref: SIMD2<Double>, solimp: [Double], timestep h: Double) {
        var reference = solref
        if (reference[0] > 0) != (reference[1] > 0) { reference = SIMD2(0.02, 1) }  // mixed format: the default
        if reference[0] > 0 { reference[0] = max(reference[0], 2 * h) }  // integrator safety
        let clampImpedance = { (value: Double) in min(0.9999, max(0.0001, value)) }
        dmin = clampImpedance(solimp[0])
        dmax = clampImpedance(solimp[1])
        width = max(0, solimp[2])
        midpoint = clampImpedance(solimp[3])
        power = max(1, solimp[4])
        stiffness = reference[0] > 0
            ? 1 / max(1e-15, dmax * dmax * reference[0] * reference[0] * reference[1] * reference[1])
            : -reference[0] / max(1e-15, dmax * dmax)
        damping = reference[1] > 0 ? 2 / max(1e-15, dmax * reference[0]) : -reference[1] / max(1e-15, dmax)
    }

    init(stiffness: Double, damping: Double, dmin: Double, dmax: Double, width: Double, midpoint: Double,
         power: Double) {
        (self.stiffness, self.damping, self.dmin, self.dmax) = (stiffness, damping, dmin, dmax)
        (self.width, self.midpoint, self.power) = (width, midpoint, power)
    }
}

extension PlanarModel {
    /// MuJoCo's order of geom types (`mjtGeom`), which decides which geom of a pair is first.
    static func typeOrder(_ shape: GeomShape) -> Int {
        switch shape {
        case .plane: return 0
        case .sphere: return 2
        case .capsule: return 3
        case .ellipsoid: return 4
        case .cylinder: return 5
        case .box: return 6
        }
    }

    /// The narrow phase's contact capacity for the ordered shapes, nil where it has no function for them.
    static func contactCapacity(_ first: GeomShape, _ second: GeomShape) -> Int? {
        switch (first, second) {
        case (.plane, .sphere), (.sphere, .sphere), (.sphere, .capsule): return 1
        case (.plane, .capsule), (.capsule, .capsule): return 2
        case (.plane, .box): return 4
        default: return nil
        }
    }

    /// The candidate pairs of `model` (see the file header), with the geoms they use.
    /// - Throws: ``PhysicsError/unsupportedAttribute(element:attribute:value:file:line:reason:)`` for two geoms
    ///   that could touch but whose shapes the narrow phase does not handle.
    static func contactTables(_ model: Model, bodyParent: [Int], bodyDofCount: [Int], timestep: Double,
                              bodyTranslationWeight: [Double]) throws -> ([ContactGeom], [ContactPair]) {
        var weld = [Int](repeating: 0, count: bodyParent.count)
        for body in 1..<bodyParent.count { weld[body] = bodyDofCount[body] > 0 ? body : weld[bodyParent[body]] }
        func weldDofs(_ body: Int) -> Int { weld[body] == 0 ? 0 : bodyDofCount[weld[body]] }
        var geoms: [ContactGeom] = [], geomIndex: [Int: Int] = [:], pairs: [ContactPair] = []
        func index(of geom: Int) -> Int {
            if let found = geomIndex[geom] { return found }
            let source = model.geoms[geom]
            let (x, y, z) = Rotation.matrix(source.orientation)
            geoms.append(ContactGeom(body: source.body, shape: source.shape, size: source.size,
                                     position: source.position, axisX: x, axisY: y, axisZ: z,
                                     boundingRadius: source.boundingRadius))
            geomIndex[geom] = geoms.count - 1
            return geoms.count - 1
        }
        let all = model.geoms
        for i in all.indices {
            for j in (i + 1)..<all.count {
                var (a, b) = (all[i], all[j])
                let (weldA, weldB) = (weld[a.body], weld[b.body])
                if weldA == weldB || (weldDofs(a.body) == 0 && weldDofs(b.body) == 0) { continue }
                let parentA = weld[bodyParent[weldA]], parentB = weld[bodyParent[weldB]]
                if weldA != 0 && weldB != 0 && (weldA == parentB || weldB == parentA) { continue }
                if (a.contype & b.conaffinity) == 0 && (b.contype & a.conaffinity) == 0 { continue }
                var (first, second) = (i, j)
                if typeOrder(a.shape) > typeOrder(b.shape) { (first, second, a, b) = (j, i, b, a) }
                guard let capacity = contactCapacity(a.shape, b.shape) else {
                    if a.shape == .plane && b.shape == .plane { continue }  // no plane–plane function in MuJoCo
                    throw PhysicsError.unsupportedAttribute(
                        element: "geom", attribute: "type", value: b.shape.rawValue, file: model.file, line: b.line,
                        reason: "geoms '\(a.name)' and '\(b.name)' could collide, and this simulator has no "
                            + "\(a.shape.rawValue)–\(b.shape.rawValue) collision")
                }
                let mixed = 0.5  // solmix 1 on both sides: mix = solmix₁/(solmix₁ + solmix₂)
                var solref = SIMD2<Double>(0, 0)
                for k in 0..<2 {
                    solref[k] = a.solref[0] > 0 && b.solref[0] > 0
                        ? mixed * a.solref[k] + (1 - mixed) * b.solref[k] : min(a.solref[k], b.solref[k])
                }
                let solimp = (0..<5).map { mixed * a.solimp[$0] + (1 - mixed) * b.solimp[$0] }
                var translation = 0.0
                translation += bodyTranslationWeight[a.body]
                translation += bodyTranslationWeight[b.body]
                pairs.append(ContactPair(
                    first: index(of: first), second: index(of: second), firstBody: a.body, secondBody: b.body,
                    condim: max(a.condim, b.condim), friction: max(1e-5, max(a.friction, b.friction)),
                    margin: a.margin + b.margin,
                    parameters: SoftConstraintParameters(solref: solref, solimp: solimp, timestep: timestep),
                    translationWeight: translation, contactCapacity: capacity))
            }
        }
        // MuJoCo meets the pairs body pair by body pair, in increasing (lower body, higher body).
        let ordered = pairs.enumerated().sorted { lhs, rhs in
            let l = (min(lhs.element.firstBody, lhs.element.secondBody), max(lhs.element.firstBody, lhs.element.secondBody))
            let r = (min(rhs.element.firstBody, rhs.element.secondBody), max(rhs.element.firstBody, rhs.element.secondBody))
            return (l.0, l.1, lhs.offset) < (r.0, r.1, rhs.offset)
        }
        return (geoms, ordered.map(\.element))
    }
}
