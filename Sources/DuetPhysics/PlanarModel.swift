// The reduction of a compiled ``Model`` to the plane its joints move in, and the tables the simulator's loops
// read. All hinge axes must be parallel to one world axis, the plane normal n; slide axes must lie in the
// plane. Then every body moves in the plane and only I_n = nᵀ·I·n (the inertia about n through the centre of
// mass) enters the dynamics: out-of-plane forces and gyroscopic torques do no work on any joint.
//
// Plane coordinates (u, w) are the two world axes other than n, in increasing order: (x, z) when the hinges
// turn about y (the pendulums), (x, y) when they turn about z (Reacher, Swimmer). Angles are measured about
// n' = e_u × e_w, so a hinge about +y turns by −q in the (x, z) plane.

/// A compiled model reduced to its plane, with MuJoCo's derived constants (`dof_invweight0`,
/// `body_invweight0`) computed at q₀ as `mj_setConst` does.
public struct PlanarModel: Sendable {
    /// The compiled model this reduction was made from.
    public let model: Model
    /// The world axis (0, 1, 2 for x, y, z) the hinges turn about, n.
    public let normalAxis: Int
    /// The two world axes spanning the plane, (u, w), in increasing order.
    public let planeAxes: (Int, Int)

    // Bodies (index 0 is the world).
    let bodyCount: Int
    let bodyParent: [Int]
    /// Offset of each body frame in its parent frame, plane coordinates (2 per body).
    let bodyOffset: [Double]
    /// The world n-coordinate of each body origin (constant: motion is in the plane).
    let bodyNormalPosition: [Double]
    /// Centre of mass in the body frame, plane coordinates (2 per body).
    let bodyCentre: [Double]
    let bodyMass: [Double]
    /// I_n, inertia about the normal through the centre of mass.
    let bodyInertia: [Double]
    /// The first dof of each body and the number of dofs it has.
    let bodyFirstDof: [Int]
    let bodyDofCount: [Int]
    /// The last dof moving each body (its own or its nearest moving ancestor's), −1 for none.
    let bodyLastDof: [Int]

    // Degrees of freedom, one per joint.
    /// The number of dofs, nv (= nq).
    public let dofCount: Int
    let dofBody: [Int]
    let dofIsHinge: [Bool]
    /// ±1: the sense of a hinge about n'.
    let dofHingeSign: [Double]
    /// Joint anchor in the body frame (2 per dof).
    let dofAnchor: [Double]
    /// Slide axis in the body frame (2 per dof).
    let dofAxis: [Double]
    /// The previous dof on the path to the world (`dof_parentid`), −1 for none.
    let dofParent: [Int]
    let qpos0: [Double]
    /// q₀, each joint's reference position (`qpos0`, MJCF `ref`): the state `mj_resetData` starts from.
    public var initialPositions: [Double] { qpos0 }
    let springReference: [Double]
    let stiffness: [Double]
    let damping: [Double]
    let armature: [Double]

    // Joint limits, one entry per limited dof.
    let limitDof: [Int]
    let limitLower: [Double]
    let limitUpper: [Double]
    let limitMargin: [Double]
    /// K, B and the impedance sigmoid per limit, solref already raised to 2h (`getsolparam`).
    let limitParameters: [SoftConstraintParameters]

    // Actuators.
    /// The number of actuators, nu.
    public let actuatorCount: Int
    let actuatorDof: [Int]
    let actuatorGear: [Double]
    let actuatorLimited: [Bool]
    let actuatorLower: [Double]
    let actuatorUpper: [Double]

    // Options.
    /// Gravity in plane coordinates (g_u, g_w).
    let gravity: (Double, Double)
    /// Seconds per physics step, h.
    public let timestep: Double
    /// The integrator.
    public let integrator: Options.Integrator
    let hasFluid: Bool
    let density: Double
    let viscosity: Double
    /// Per body: box sides (3), then the plane axes e_u, e_w and n' in the inertial frame (3 × 3).
    let fluidFrames: [Double]

    // Sites.
    let siteBody: [Int]
    /// Site position in the body frame, plane coordinates (2 per site).
    let sitePosition: [Double]
    /// World n-coordinate of each site (constant).
    let siteNormalPosition: [Double]

    /// `dof_invweight0`: the diagonal of M⁻¹ at q₀ (1/m for a simple slider body), per dof.
    public private(set) var dofInverseWeight: [Double] = []
    /// `body_invweight0`: (translational, rotational) inverse weight of each body at q₀.
    public private(set) var bodyInverseWeight: [(translation: Double, rotation: Double)] = []

    // Contacts (PlanarModel+Contacts.swift), empty until the inverse weights they use are known.
    /// The geoms of some candidate pair.
    private(set) var contactGeoms: [ContactGeom] = []
    /// The candidate pairs, in MuJoCo's order.
    private(set) var contactPairs: [ContactPair] = []
    /// The number of geom pairs that can touch (`mj_collision`'s candidates after filtering).
    public var contactPairCount: Int { contactPairs.count }

    /// Reduces `model` to its plane and computes the regularisation constants.
    /// - Throws: ``PhysicsError/notPlanar(file:line:reason:)`` naming the first joint that leaves the plane.
    public init(_ model: Model) throws {
        self.model = model
        let file = model.file
        guard let firstHinge = model.joints.first(where: { $0.kind == .hinge }) else {
            throw PhysicsError.notPlanar(file: file, line: model.joints.first?.line ?? 0,
                                         reason: "no hinge joint fixes the plane")
        }
        guard let axis = (0..<3).first(where: { abs(abs(firstHinge.axis[$0]) - 1) < 1e-12 }) else {
            throw PhysicsError.notPlanar(file: file, line: firstHinge.line,
                                         reason: "hinge '\(firstHinge.name)' does not turn about a world axis")
        }
        normalAxis = axis
        let plane = axis == 0 ? (1, 2) : axis == 1 ? (0, 2) : (0, 1)
        planeAxes = plane
        let normalSign: Double = axis == 1 ? -1 : 1  // n' = e_u × e_w = normalSign · e_n
        func inPlane(_ v: Vector3) -> (Double, Double) { (v[plane.0], v[plane.1]) }

        bodyCount = model.bodies.count
        bodyParent = model.bodies.map(\.parent)
        bodyOffset = model.bodies.flatMap { [inPlane($0.position).0, inPlane($0.position).1] }
        var normalPositions = [Double](repeating: 0, count: model.bodies.count)
        for (index, body) in model.bodies.enumerated().dropFirst() {
            normalPositions[index] = normalPositions[body.parent] + body.position[axis]
        }
        bodyNormalPosition = normalPositions
        bodyCentre = model.bodies.flatMap { [inPlane($0.centreOfMass).0, inPlane($0.centreOfMass).1] }
        bodyMass = model.bodies.map(\.mass)
        bodyInertia = model.bodies.map { body in
            let (c0, c1, c2) = Rotation.matrix(body.inertialOrientation)
            return body.principalInertia.x * c0[axis] * c0[axis] + body.principalInertia.y * c1[axis] * c1[axis]
                + body.principalInertia.z * c2[axis] * c2[axis]
        }
        var first = [Int](repeating: 0, count: model.bodies.count)
        var count = [Int](repeating: 0, count: model.bodies.count)
        for (index, joint) in model.joints.enumerated().reversed() {
            first[joint.body] = index
            count[joint.body] += 1
        }
        bodyFirstDof = first
        bodyDofCount = count
        var last = [Int](repeating: -1, count: model.bodies.count)
        for index in 1..<model.bodies.count {
            last[index] = count[index] > 0 ? first[index] + count[index] - 1 : last[model.bodies[index].parent]
        }
        bodyLastDof = last

        dofCount = model.joints.count
        for joint in model.joints {
            if joint.kind == .hinge && abs(abs(joint.axis[axis]) - 1) > 1e-12 {
                throw PhysicsError.notPlanar(file: file, line: joint.line,
                                             reason: "hinge '\(joint.name)' is not parallel to the first hinge")
            }
            if joint.kind == .slide && abs(joint.axis[axis]) > 1e-12 {
                throw PhysicsError.notPlanar(file: file, line: joint.line,
                                             reason: "slide '\(joint.name)' leaves the plane of the hinges")
            }
        }
        dofBody = model.joints.map(\.body)
        dofIsHinge = model.joints.map { $0.kind == .hinge }
        dofHingeSign = model.joints.map { $0.kind == .hinge ? ($0.axis[axis] > 0 ? 1 : -1) * normalSign : 0 }
        dofAnchor = model.joints.flatMap { [inPlane($0.anchor).0, inPlane($0.anchor).1] }
        dofAxis = model.joints.flatMap { [inPlane($0.axis).0, inPlane($0.axis).1] }
        dofParent = model.joints.indices.map { index in
            let body = model.joints[index].body
            return index > first[body] ? index - 1 : last[model.bodies[body].parent]
        }
        qpos0 = model.joints.map(\.reference)
        springReference = model.joints.map(\.springReference)
        stiffness = model.joints.map(\.stiffness)
        damping = model.joints.map(\.damping)
        armature = model.joints.map(\.armature)

        let limited = model.joints.indices.filter { model.joints[$0].isLimited }
        limitDof = limited
        limitLower = limited.map { model.joints[$0].range.lower }
        limitUpper = limited.map { model.joints[$0].range.upper }
        limitMargin = limited.map { model.joints[$0].margin }
        let h = model.options.timestep
        limitParameters = limited.map { index in
            let joint = model.joints[index]
            return SoftConstraintParameters(
                solref: SIMD2(joint.solref.timeConstant, joint.solref.dampingRatio),
                solimp: [joint.solimp.0, joint.solimp.1, joint.solimp.2, joint.solimp.3, joint.solimp.4], timestep: h)
        }

        actuatorCount = model.actuators.count
        actuatorDof = model.actuators.map(\.joint)
        actuatorGear = model.actuators.map(\.gear)
        actuatorLimited = model.actuators.map(\.isControlLimited)
        actuatorLower = model.actuators.map(\.controlRange.lower)
        actuatorUpper = model.actuators.map(\.controlRange.upper)

        gravity = inPlane(model.options.gravity)
        timestep = h
        integrator = model.options.integrator
        density = model.options.density
        viscosity = model.options.viscosity
        hasFluid = density > 0 || viscosity > 0
        fluidFrames = model.bodies.flatMap { body -> [Double] in
            let inertia = body.principalInertia, mass = max(body.mass, 1e-15)
            let sides = [max(1e-15, inertia.y + inertia.z - inertia.x), max(1e-15, inertia.x + inertia.z - inertia.y),
                         max(1e-15, inertia.x + inertia.y - inertia.z)].map { ($0 / mass * 6).squareRoot() }
            // Rows of Qᵀ (Q: inertial frame → body frame) applied to e_u, e_w, n'.
            let (c0, c1, c2) = Rotation.matrix(body.inertialOrientation)
            func local(_ worldAxis: Int, _ sign: Double) -> [Double] {
                [c0[worldAxis] * sign, c1[worldAxis] * sign, c2[worldAxis] * sign]
            }
            return sides + local(plane.0, 1) + local(plane.1, 1) + local(axis, normalSign)
        }

        siteBody = model.sites.map(\.body)
        sitePosition = model.sites.flatMap { [inPlane($0.position).0, inPlane($0.position).1] }
        siteNormalPosition = model.sites.map { normalPositions[$0.body] + $0.position[axis] }

        (dofInverseWeight, bodyInverseWeight) = try Self.inverseWeights(of: self)
        (contactGeoms, contactPairs) = try Self.contactTables(
            model, bodyParent: bodyParent, bodyDofCount: count, timestep: h,
            bodyTranslationWeight: bodyInverseWeight.map(\.translation))
    }

    /// `mj_setConst`'s inverse weights at q₀: the diagonal of M⁻¹, and trace(J·M⁻¹·Jᵀ)/3 of each body's
    /// centre-of-mass Jacobian (translation and rotation); 1/m for a simple body moved by sliders alone.
    static func inverseWeights(of model: PlanarModel) throws -> ([Double], [(translation: Double, rotation: Double)]) {
        var simulation = Simulation(model)
        simulation.forward()
        let n = model.dofCount
        // M⁻¹ column by column.
        var inverse = [Double](repeating: 0, count: n * n)
        var column = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for i in 0..<n { column[i] = i == j ? 1 : 0 }
            simulation.solveMassMatrix(&column)
            for i in 0..<n { inverse[i * n + j] = column[i] }
        }
        var dofWeights = (0..<n).map { inverse[$0 * n + $0] }
        var bodyWeights: [(translation: Double, rotation: Double)] = [(0, 0)]
        for body in 1..<model.bodyCount {
            if model.bodyLastDof[body] < 0 { bodyWeights.append((0, 0)); continue }
            if model.isSimpleSliderBody(body) {
                bodyWeights.append((1 / max(1e-15, model.bodyMass[body]), 0))
                continue
            }
            let (jacobianU, jacobianW, jacobianAngle) = simulation.centreJacobian(body)
            func quadratic(_ a: [Double], _ b: [Double]) -> Double {
                var sum = 0.0
                for i in 0..<n { for j in 0..<n { sum += a[i] * inverse[i * n + j] * b[j] } }
                return sum
            }
            bodyWeights.append(((quadratic(jacobianU, jacobianU) + quadratic(jacobianW, jacobianW)) / 3,
                                quadratic(jacobianAngle, jacobianAngle) / 3))
        }
        for (index, dof) in (0..<n).enumerated() where model.isSimpleSliderBody(model.dofBody[dof]) {
            dofWeights[index] = 1 / max(1e-15, model.bodyMass[model.dofBody[dof]])
        }
        return (dofWeights, bodyWeights)
    }

    /// MuJoCo's `body_simple == 2`: a body at the root of its tree (or on a fixed child of the world), with no
    /// child bodies, its inertial frame equal to its body frame, moved only by axis-aligned sliders at its origin.
    func isSimpleSliderBody(_ body: Int) -> Bool {
        let source = model.bodies[body]
        let parent = source.parent
        let rootOrFixed = parent == 0 || (model.bodies[parent].parent == 0 && bodyDofCount[parent] == 0)
        let hasChildren = model.bodies.contains { $0.parent == body } && body != 0
        let sameFrame = source.centreOfMass == .zero && source.inertialOrientation == SIMD4(1, 0, 0, 0)
        let joints = model.joints.filter { $0.body == body }
        let slidersOnly = !joints.isEmpty && joints.allSatisfy { joint in
            joint.kind == .slide && joint.anchor == .zero
                && (0..<3).filter { abs(joint.axis[$0]) > 1e-14 }.count == 1
        }
        return rootOrFixed && !hasChildren && sameFrame && slidersOnly
    }
}
