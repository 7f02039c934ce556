// The memory a simulation computes in: a copy of the model's constants and every per-evaluation quantity
// (MuJoCo's `mjData` fields and the pipeline's scratch), each a fixed-size region allocated once, in `init`,
// and read and written through typed pointers. The pipeline itself is in Simulation+Dynamics.swift,
// Simulation+Collision.swift, Simulation+Constraints.swift and Simulation+Integration.swift, as methods of
// ``Workspace``.
//
// Why pointers: the pipeline is a few hundred flops per evaluation on nv ≤ 10, so over Swift arrays its cost was
// dominated by bounds checks, uniqueness checks on every store and retain/release of the arrays (profile of
// issue 12). A final class with `let` pointer fields lets the optimiser keep every base address in a register;
// ``Simulation`` holds its workspace copy-on-write, so the value semantics are unchanged.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's `sincos(x, &sin, &cos)`: one argument reduction for both. In glibc it shares `sin`'s and
/// `cos`'s code and gives the same bits (checked over 2·10⁷ arguments, and by the traces); nil where the
/// library has no such symbol (then ``Workspace`` calls `sin` and `cos`).
typealias SineCosine = @convention(c) (Double, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void

/// Looks ``SineCosine`` up by name, once per workspace.
func librarySineCosine() -> SineCosine? {
    #if canImport(Glibc)
    guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, "sincos") else { return nil }
    return unsafeBitCast(symbol, to: SineCosine.self)
    #else
    return nil
    #endif
}

/// A point or vector of the plane, (u, w) (2 of MuJoCo's 3 components).
struct PlaneVector {
    var u: Double, w: Double
    static let zero = PlaneVector(u: 0, w: 0)
}

/// An orientation in the plane, cos θ and sin θ about n' (the planar `xmat`).
struct PlaneRotation {
    var c: Double, s: Double
}

/// A planar spatial vector at the reference point o: a motion (ω, v_u, v_w) or a force (τ, f_u, f_w) (3 of
/// `cdof`'s, `cvel`'s or `cfrc`'s 6 components).
struct SpatialVector {
    var angular: Double, u: Double, w: Double
    static let zero = SpatialVector(angular: 0, u: 0, w: 0)
}

/// A planar spatial inertia at o: J (about o), the first moment h = m·(c − o) and the mass m (the planar part
/// of `crb`).
struct PlanarInertia {
    var rotational: Double, hu: Double, hw: Double, mass: Double
    static let zero = PlanarInertia(rotational: 0, hu: 0, hw: 0, mass: 0)
}

/// A geom's world frame (`geom_xpos`, and the columns of `geom_xmat`).
struct GeomPose {
    var position: Vector3, x: Vector3, y: Vector3, z: Vector3
}

/// One contact as a narrow-phase function returns it (`mjPreContact`): signed distance, midpoint, normal from
/// the first geom to the second, and the first tangent hint (zero for none; `mju_makeFrame` completes it).
struct NarrowContact {
    var distance: Double, position: Vector3, normal: Vector3, tangent: Vector3
}

/// A body's box in the inertia-box fluid model (`mj_inertiaBoxFluidModel`), with the products of constants
/// that multiply each velocity component, grouped as MuJoCo's expressions evaluate them.
struct FluidBox {
    /// e_u, e_w and n' in the body's inertial frame.
    var planeU: Vector3, planeW: Vector3, normal: Vector3
    /// −π·d³·β and −3π·d·β, d the mean box side, β the viscosity.
    var viscousTorque: Double, viscousForce: Double
    /// ½·ρ·b_y·b_z, ½·ρ·b_x·b_z, ½·ρ·b_x·b_y (quadratic drag on v_x, v_y, v_z).
    var drag: Vector3
    /// ρ·b_x·(b_y⁴ + b_z⁴) and cyclically (quadratic drag on ω_x, ω_y, ω_z, before the division by 64).
    var angularDrag: Vector3

    /// The box of a body from `PlanarModel.fluidFrames` (sides, then e_u, e_w, n'), density ρ, viscosity β.
    init(frame f: ArraySlice<Double>, density ρ: Double, viscosity β: Double) {
        let f = Array(f)
        let (bx, by, bz) = (f[0], f[1], f[2])
        planeU = Vector3(f[3], f[4], f[5])
        planeW = Vector3(f[6], f[7], f[8])
        normal = Vector3(f[9], f[10], f[11])
        let diameter = (bx + by + bz) / 3
        viscousTorque = -Double.pi * diameter * diameter * diameter * β
        viscousForce = -3 * Double.pi * diameter * β
        drag = Vector3(0.5 * ρ * by * bz, 0.5 * ρ * bx * bz, 0.5 * ρ * bx * by)
        angularDrag = Vector3(ρ * bx * (by * by * by * by + bz * bz * bz * bz),
                              ρ * by * (bx * bx * bx * bx + bz * bz * bz * bz),
                              ρ * bz * (bx * bx * bx * bx + by * by * by * by))
    }
}

/// One fixed-size region per model constant and per quantity of the pipeline (see the file header).
///
/// Copy-on-write is ``Simulation``'s job: it copies the workspace (``copy()``) before mutating one it shares.
final class Workspace: @unchecked Sendable {
    // @unchecked: the regions are only written through a uniquely referenced workspace (Simulation's
    // copy-on-write), so a shared one is read-only, as an Array's buffer is.

    /// Every region, for `copy()` and `deinit`.
    private var regions: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    // MARK: Sizes

    /// nv (= nq), bodies (world included), actuators, limited joints, candidate contact pairs.
    let dofCount: Int, bodyCount: Int, actuatorCount: Int, limitCount: Int, pairCount: Int
    /// The geoms of the candidate pairs.
    let contactGeomCount: Int
    /// The most constraint rows one evaluation can make: 2 per limited joint, and per pair its contact capacity
    /// times the rows per contact.
    let rowCapacity: Int

    // MARK: Model constants (copies of ``PlanarModel``'s tables)

    let bodyParent: UnsafeMutablePointer<Int>
    /// Each body frame's offset in its parent frame.
    let bodyOffset: UnsafeMutablePointer<PlaneVector>
    /// Each centre of mass in its body frame.
    let bodyCentre: UnsafeMutablePointer<PlaneVector>
    let bodyMass: UnsafeMutablePointer<Double>
    let bodyInertia: UnsafeMutablePointer<Double>
    let bodyFirstDof: UnsafeMutablePointer<Int>
    let bodyDofCount: UnsafeMutablePointer<Int>
    let bodyLastDof: UnsafeMutablePointer<Int>
    /// Bodies the fluid model acts on: mass ≥ 1e-15 and moved by some dof.
    let bodyInFluid: UnsafeMutablePointer<Bool>
    /// Each body's fluid box.
    let fluidBoxes: UnsafeMutablePointer<FluidBox>

    let dofBody: UnsafeMutablePointer<Int>
    let dofParent: UnsafeMutablePointer<Int>
    let dofIsHinge: UnsafeMutablePointer<Bool>
    let dofHingeSign: UnsafeMutablePointer<Double>
    /// Joint anchors in the body frame.
    let dofAnchor: UnsafeMutablePointer<PlaneVector>
    /// Slide axes in the body frame.
    let dofAxis: UnsafeMutablePointer<PlaneVector>
    let qpos0: UnsafeMutablePointer<Double>
    let springReference: UnsafeMutablePointer<Double>
    let stiffness: UnsafeMutablePointer<Double>
    let damping: UnsafeMutablePointer<Double>
    let armature: UnsafeMutablePointer<Double>
    /// `dof_invweight0`.
    let dofInverseWeight: UnsafeMutablePointer<Double>

    let limitDof: UnsafeMutablePointer<Int>
    let limitLower: UnsafeMutablePointer<Double>
    let limitUpper: UnsafeMutablePointer<Double>
    let limitMargin: UnsafeMutablePointer<Double>
    let limitParameters: UnsafeMutablePointer<SoftConstraintParameters>

    /// The geoms of the candidate pairs and the pairs (PlanarModel+Contacts.swift).
    let contactGeoms: UnsafeMutablePointer<ContactGeom>
    let contactPairs: UnsafeMutablePointer<ContactPair>
    /// The world n-coordinate of each body origin.
    let bodyNormalPosition: UnsafeMutablePointer<Double>
    /// The world axes (0, 1, 2) of u, w and n.
    let axisU: Int, axisW: Int, axisN: Int

    let actuatorDof: UnsafeMutablePointer<Int>
    let actuatorGear: UnsafeMutablePointer<Double>
    let actuatorLimited: UnsafeMutablePointer<Bool>
    let actuatorLower: UnsafeMutablePointer<Double>
    let actuatorUpper: UnsafeMutablePointer<Double>

    /// Gravity in plane coordinates.
    let gravityU: Double, gravityW: Double
    /// h, s.
    let timestep: Double
    let integrator: Options.Integrator
    let hasFluid: Bool, density: Double, viscosity: Double
    /// Some dof has damping b > 0 (Euler's implicit damping applies).
    let hasDamping: Bool
    /// The C library's `sincos`, if any.
    let sineCosine: SineCosine?

    // MARK: State (working copies of Simulation's qpos, qvel, ctrl)

    let positions: UnsafeMutablePointer<Double>
    let velocities: UnsafeMutablePointer<Double>
    let controls: UnsafeMutablePointer<Double>

    // MARK: Outputs of the last evaluation (`mjData`)

    /// `qacc`.
    let accelerations: UnsafeMutablePointer<Double>
    /// `qfrc_bias`.
    let biasForce: UnsafeMutablePointer<Double>
    /// `qfrc_passive`.
    let passiveForce: UnsafeMutablePointer<Double>
    /// `qfrc_actuator`.
    let actuatorForce: UnsafeMutablePointer<Double>
    /// `qfrc_constraint`.
    let constraintForce: UnsafeMutablePointer<Double>
    /// `qacc_smooth`.
    let smoothAcceleration: UnsafeMutablePointer<Double>
    /// `qfrc_smooth` = passive − bias + actuator.
    let smoothForce: UnsafeMutablePointer<Double>
    /// M, row-major nv × nv (`mj_fullM(qM)`).
    let massMatrix: UnsafeMutablePointer<Double>
    /// The Cholesky factor L of M, row-major, lower triangle (`qLD`).
    let factor: UnsafeMutablePointer<Double>
    /// Limit rows (`nl`), active contacts (`ncon` less the excluded ones) and all rows (`nefc`) of the last
    /// evaluation.
    var limitRowCount = 0, contactCount = 0, rowCount = 0
    /// The smallest |distance − margin| of any limit side or contact the narrow phase measured, over every
    /// evaluation since it was last set to infinity (how close the state came to switching a row on or off).
    var closestClearance = Double.infinity

    // MARK: Kinematics of the last evaluation

    /// World position of each body origin (`xpos`).
    let bodyWorld: UnsafeMutablePointer<PlaneVector>
    let bodyAngle: UnsafeMutablePointer<Double>
    /// Each body's orientation (`xmat`).
    let bodyRotation: UnsafeMutablePointer<PlaneRotation>
    /// World centre of mass of each body (`xipos`).
    let bodyCentreWorld: UnsafeMutablePointer<PlaneVector>
    /// The reference point o: the world position of body 1.
    var referenceU = 0.0, referenceW = 0.0
    /// Motion subspaces S at o (`cdof`).
    let subspace: UnsafeMutablePointer<SpatialVector>
    /// World joint anchors (`xanchor`) and slide axes (`xaxis`).
    let anchorWorld: UnsafeMutablePointer<PlaneVector>
    let axisWorld: UnsafeMutablePointer<PlaneVector>

    // MARK: Dynamics scratch

    /// Each body's own inertia at o (`cinert`).
    let bodyInertiaAtReference: UnsafeMutablePointer<PlanarInertia>
    /// The composite inertia of each subtree (`crb`).
    let composite: UnsafeMutablePointer<PlanarInertia>
    /// Body velocities (`cvel`).
    let bodyVelocity: UnsafeMutablePointer<SpatialVector>
    /// Body accelerations with q̈ = 0, gravity included (`cacc`).
    let bodyBias: UnsafeMutablePointer<SpatialVector>
    /// Body forces, summed towards the root (`cfrc_int`).
    let bodyForce: UnsafeMutablePointer<SpatialVector>
    /// nv, for the Euler solve.
    let scratch: UnsafeMutablePointer<Double>

    // MARK: Constraint rows (at most rowCapacity), limits first, then contacts (`efc_*`)

    /// J, one row of nv per constraint row (`efc_J`).
    let rowJacobian: UnsafeMutablePointer<Double>
    /// aref.
    let rowReference: UnsafeMutablePointer<Double>
    /// R.
    let rowRegulariser: UnsafeMutablePointer<Double>
    /// `efc_force`.
    let rowForce: UnsafeMutablePointer<Double>
    let rowResidual: UnsafeMutablePointer<Double>
    let rowSlope: UnsafeMutablePointer<Double>
    let rowBreak: UnsafeMutablePointer<Double>
    /// nv × nv.
    let solverMatrix: UnsafeMutablePointer<Double>
    let solverTrial: UnsafeMutablePointer<Double>
    let solverDirection: UnsafeMutablePointer<Double>
    /// The q̈ of the last solve with rows, where the next one starts (`qacc_warmstart`), once there was one.
    let warmAcceleration: UnsafeMutablePointer<Double>
    var hasWarmStart = false

    // MARK: Collision scratch

    /// Each contact geom's world position and axes (`geom_xpos`, `geom_xmat`).
    let geomPose: UnsafeMutablePointer<GeomPose>
    /// The narrow phase's contacts of one pair (at most 4).
    let pairContacts: UnsafeMutablePointer<NarrowContact>
    /// J_u and J_w of the point Jacobian difference of a contact (nv each), and the frame rows (3 × nv).
    let pointJacobian: UnsafeMutablePointer<Double>
    let frameJacobian: UnsafeMutablePointer<Double>

    // MARK: Integrator scratch

    let savedPositions: UnsafeMutablePointer<Double>
    let savedVelocities: UnsafeMutablePointer<Double>
    /// 4 × nv.
    let stageVelocities: UnsafeMutablePointer<Double>
    /// 4 × nv.
    let stageAccelerations: UnsafeMutablePointer<Double>

    /// Allocates every region for `model`, copies its constants, and sets q = q₀, q̇ = 0, ctrl = 0 (not
    /// evaluated).
    init(_ model: PlanarModel) {
        let nv = model.dofCount, nb = model.bodyCount, nu = model.actuatorCount, nl = model.limitDof.count
        let pairs = model.contactPairs
        dofCount = nv; bodyCount = nb; actuatorCount = nu; limitCount = nl; pairCount = pairs.count
        contactGeomCount = model.contactGeoms.count
        let rows = 2 * nl + pairs.reduce(0) { $0 + $1.contactCapacity * $1.rowsPerContact }
        rowCapacity = rows
        var regions: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
        func region<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: value, count: max(count, 1))
            regions.append((UnsafeMutableRawPointer(pointer), max(count, 1) * MemoryLayout<T>.stride))
            return pointer
        }
        func table<T>(_ values: [T], _ count: Int, _ fill: T) -> UnsafeMutablePointer<T> {
            let pointer = region(count, fill)
            for (index, value) in values.prefix(count).enumerated() { pointer[index] = value }
            return pointer
        }
        bodyParent = table(model.bodyParent, nb, 0)
        func vectors(_ flat: [Double]) -> [PlaneVector] {
            stride(from: 0, to: flat.count - 1, by: 2).map { PlaneVector(u: flat[$0], w: flat[$0 + 1]) }
        }
        bodyOffset = table(vectors(model.bodyOffset), nb, .zero)
        bodyCentre = table(vectors(model.bodyCentre), nb, .zero)
        bodyMass = table(model.bodyMass, nb, 0)
        bodyInertia = table(model.bodyInertia, nb, 0)
        bodyFirstDof = table(model.bodyFirstDof, nb, 0)
        bodyDofCount = table(model.bodyDofCount, nb, 0)
        bodyLastDof = table(model.bodyLastDof, nb, -1)
        bodyInFluid = table((0..<nb).map { $0 > 0 && model.bodyMass[$0] >= 1e-15 && model.bodyLastDof[$0] >= 0 },
                            nb, false)
        let noBox = FluidBox(frame: ArraySlice(repeating: 0, count: 12), density: 0, viscosity: 0)
        fluidBoxes = table((0..<nb).map { body in
            FluidBox(frame: model.fluidFrames[12 * body..<12 * body + 12], density: model.density,
                     viscosity: model.viscosity)
        }, nb, noBox)
        dofBody = table(model.dofBody, nv, 0)
        dofParent = table(model.dofParent, nv, -1)
        dofIsHinge = table(model.dofIsHinge, nv, false)
        dofHingeSign = table(model.dofHingeSign, nv, 0)
        dofAnchor = table(vectors(model.dofAnchor), nv, .zero)
        dofAxis = table(vectors(model.dofAxis), nv, .zero)
        qpos0 = table(model.qpos0, nv, 0)
        springReference = table(model.springReference, nv, 0)
        stiffness = table(model.stiffness, nv, 0)
        damping = table(model.damping, nv, 0)
        armature = table(model.armature, nv, 0)
        // Empty while PlanarModel computes it (it evaluates M at q₀ with a simulation): zeros until then.
        dofInverseWeight = table(model.dofInverseWeight, nv, 0)
        limitDof = table(model.limitDof, nl, 0)
        limitLower = table(model.limitLower, nl, 0)
        limitUpper = table(model.limitUpper, nl, 0)
        limitMargin = table(model.limitMargin, nl, 0)
        limitParameters = table(model.limitParameters, nl, .zero)
        let noGeom = ContactGeom(body: 0, shape: .plane, size: .zero, position: .zero, axisX: .zero, axisY: .zero,
                                 axisZ: .zero, boundingRadius: 0)
        contactGeoms = table(model.contactGeoms, model.contactGeoms.count, noGeom)
        let noPair = ContactPair(first: 0, second: 0, firstBody: 0, secondBody: 0, condim: 1, friction: 0, margin: 0,
                                 parameters: .zero, translationWeight: 0, contactCapacity: 0)
        contactPairs = table(pairs, pairs.count, noPair)
        bodyNormalPosition = table(model.bodyNormalPosition, nb, 0)
        (axisU, axisW, axisN) = (model.planeAxes.0, model.planeAxes.1, model.normalAxis)
        actuatorDof = table(model.actuatorDof, nu, 0)
        actuatorGear = table(model.actuatorGear, nu, 0)
        actuatorLimited = table(model.actuatorLimited, nu, false)
        actuatorLower = table(model.actuatorLower, nu, 0)
        actuatorUpper = table(model.actuatorUpper, nu, 0)
        (gravityU, gravityW) = model.gravity
        timestep = model.timestep
        integrator = model.integrator
        hasFluid = model.hasFluid
        density = model.density
        viscosity = model.viscosity
        hasDamping = model.damping.contains { $0 > 0 }
        sineCosine = librarySineCosine()

        positions = table(model.qpos0, nv, 0)
        velocities = region(nv, 0.0)
        controls = region(nu, 0.0)
        accelerations = region(nv, 0.0)
        biasForce = region(nv, 0.0)
        passiveForce = region(nv, 0.0)
        actuatorForce = region(nv, 0.0)
        constraintForce = region(nv, 0.0)
        smoothAcceleration = region(nv, 0.0)
        smoothForce = region(nv, 0.0)
        massMatrix = region(nv * nv, 0.0)
        factor = region(nv * nv, 0.0)
        bodyWorld = region(nb, PlaneVector.zero)
        bodyAngle = region(nb, 0.0)
        bodyRotation = region(nb, PlaneRotation(c: 1, s: 0))
        bodyCentreWorld = region(nb, PlaneVector.zero)
        subspace = region(nv, SpatialVector.zero)
        anchorWorld = region(nv, PlaneVector.zero)
        axisWorld = region(nv, PlaneVector.zero)
        bodyInertiaAtReference = region(nb, PlanarInertia.zero)
        composite = region(nb, PlanarInertia.zero)
        bodyVelocity = region(nb, SpatialVector.zero)
        bodyBias = region(nb, SpatialVector.zero)
        bodyForce = region(nb, SpatialVector.zero)
        scratch = region(nv, 0.0)
        rowJacobian = region(rows * nv, 0.0)
        rowReference = region(rows, 0.0)
        rowRegulariser = region(rows, 0.0)
        rowForce = region(rows, 0.0)
        rowResidual = region(rows, 0.0)
        rowSlope = region(rows, 0.0)
        rowBreak = region(rows, 0.0)
        solverMatrix = region(nv * nv, 0.0)
        solverTrial = region(nv, 0.0)
        solverDirection = region(nv, 0.0)
        warmAcceleration = region(nv, 0.0)
        geomPose = region(model.contactGeoms.count, GeomPose(position: .zero, x: .zero, y: .zero, z: .zero))
        pairContacts = region(4, NarrowContact(distance: 0, position: .zero, normal: .zero, tangent: .zero))
        pointJacobian = region(2 * nv, 0.0)
        frameJacobian = region(3 * nv, 0.0)
        savedPositions = region(nv, 0.0)
        savedVelocities = region(nv, 0.0)
        stageVelocities = region(4 * nv, 0.0)
        stageAccelerations = region(4 * nv, 0.0)
        self.regions = regions
    }

    deinit {
        for region in regions { region.pointer.deallocate() }
    }

    /// An independent workspace with the same contents (for copy-on-write).
    func copy(model: PlanarModel) -> Workspace {
        let copy = Workspace(model)
        for (target, source) in zip(copy.regions, regions) {
            target.pointer.copyMemory(from: source.pointer, byteCount: source.bytes)
        }
        copy.limitRowCount = limitRowCount
        copy.contactCount = contactCount
        copy.rowCount = rowCount
        copy.closestClearance = closestClearance
        copy.hasWarmStart = hasWarmStart
        copy.referenceU = referenceU
        copy.referenceW = referenceW
        return copy
    }

    /// `body(nv)`, with nv a compile-time constant for the task models' sizes (2 to 6 and 9 dofs), so that loops over
    /// the dofs inside `body` unroll completely: the same operations in the same order, fewer instructions.
    @inline(__always)
    func withConstantDofCount<Result>(_ body: (Int) -> Result) -> Result {
        switch dofCount {
        case 2: return body(2)
        case 3: return body(3)
        case 4: return body(4)
        case 5: return body(5)
        case 6: return body(6)
        case 9: return body(9)
        default: return body(dofCount)
        }
    }

    /// The first `count` values at `pointer`, as an array (for the public outputs; allocates).
    static func array(_ pointer: UnsafeMutablePointer<Double>, _ count: Int) -> [Double] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }
}
