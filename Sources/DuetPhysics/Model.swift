// The model as MuJoCo's compiler leaves it (the fields of `mjModel` this simulator uses, with their MuJoCo
// names in the doc comments), before the planar reduction of ``PlanarModel``. Vectors are (x, y, z) in the
// parent's or body's frame, quaternions (w, x, y, z).

/// A 3-vector of `Double`, (x, y, z).
public typealias Vector3 = SIMD3<Double>

/// A compiled MJCF model: bodies, joints, sites, actuators and options, as `mjModel` holds them.
public struct Model: Sendable, Equatable {
    /// The model's name (`<mujoco model=…>`).
    public var name: String
    /// The file it was read from, for messages.
    public var file: String
    /// Global options (`<option>`).
    public var options: Options
    /// Bodies in MuJoCo's order; index 0 is the world.
    public var bodies: [Body]
    /// Joints in MuJoCo's order (depth-first body order, then file order within a body); one dof each.
    public var joints: [Joint]
    /// Sites in MuJoCo's order.
    public var sites: [Site]
    /// Actuators in file order.
    public var actuators: [Actuator]
    /// Geoms in MuJoCo's order (depth-first body order, then file order within a body), with what collision
    /// detection reads of them (`geom_*` fields).
    public var geoms: [Geom]

    /// The number of position coordinates, nq (= nv: hinge and slide joints only).
    public var positionCount: Int { joints.count }
    /// The index of the body named `name`.
    public func bodyIndex(named name: String) -> Int? { bodies.firstIndex { $0.name == name } }
    /// The index of the site named `name`.
    public func siteIndex(named name: String) -> Int? { sites.firstIndex { $0.name == name } }
    /// The index of the geom named `name`.
    public func geomIndex(named name: String) -> Int? { geoms.firstIndex { $0.name == name } }
    /// The index of the joint named `name`.
    public func jointIndex(named name: String) -> Int? { joints.firstIndex { $0.name == name } }
}

/// Global simulation options (`mjOption`).
public struct Options: Sendable, Equatable {
    /// The integrator (`opt.integrator`).
    public enum Integrator: String, Sendable, Equatable {
        /// Semi-implicit Euler with implicit joint damping (`mjINT_EULER`, `mj_Euler`).
        case euler = "Euler"
        /// Classic fourth-order Runge-Kutta (`mjINT_RK4`, `mj_RungeKutta`).
        case rungeKutta4 = "RK4"
    }
    /// Seconds per physics step, h (`opt.timestep`).
    public var timestep: Double = 0.002
    /// Gravitational acceleration g, m/s² (`opt.gravity`).
    public var gravity = Vector3(0, 0, -9.81)
    /// The integrator (`opt.integrator`).
    public var integrator: Integrator = .euler
    /// Fluid density ρ, kg/m³ (`opt.density`); with `viscosity`, switches on the inertia-box fluid model.
    public var density: Double = 0
    /// Fluid viscosity β, Pa·s (`opt.viscosity`).
    public var viscosity: Double = 0
}

/// A rigid body (`body_*` fields).
public struct Body: Sendable, Equatable {
    /// The body's name (`body` names; the world is `world`).
    public var name: String
    /// The parent's index (`body_parentid`); the world is its own parent.
    public var parent: Int
    /// Position of the body frame in the parent frame (`body_pos`).
    public var position: Vector3
    /// Mass m, kg (`body_mass`).
    public var mass: Double
    /// Centre of mass in the body frame (`body_ipos`).
    public var centreOfMass: Vector3
    /// Orientation of the principal axes of inertia in the body frame (`body_iquat`, w x y z).
    public var inertialOrientation: SIMD4<Double>
    /// Principal moments of inertia about the centre of mass, kg·m² (`body_inertia`).
    public var principalInertia: Vector3
    /// The MJCF line of the `<body>` element (0 for the world).
    public var line: Int
}

/// A hinge or slide joint, one degree of freedom (`jnt_*` and `dof_*` fields).
public struct Joint: Sendable, Equatable {
    /// Hinge (rotation about `axis` through `anchor`) or slide (translation along `axis`).
    public enum Kind: String, Sendable, Equatable {
        /// `mjJNT_HINGE`.
        case hinge
        /// `mjJNT_SLIDE`.
        case slide
    }
    /// The joint's name.
    public var name: String
    /// Hinge or slide (`jnt_type`).
    public var kind: Kind
    /// The body it moves (`jnt_bodyid`).
    public var body: Int
    /// Anchor in the body frame (`jnt_pos`).
    public var anchor: Vector3
    /// Unit axis in the body frame (`jnt_axis`).
    public var axis: Vector3
    /// Whether the range is enforced (`jnt_limited`).
    public var isLimited: Bool
    /// Lower and upper limit, rad or m (`jnt_range`).
    public var range: (lower: Double, upper: Double)
    /// A limit row is active while its distance is below this, rad or m (`jnt_margin`).
    public var margin: Double
    /// The limit's time constant and damping ratio (`jnt_solref`).
    public var solref: (timeConstant: Double, dampingRatio: Double)
    /// The limit's impedance (dmin, dmax, width, midpoint, power) (`jnt_solimp`).
    public var solimp: (Double, Double, Double, Double, Double)
    /// Position at which the joint is in the body's reference configuration, q₀ (`qpos0`, MJCF `ref`).
    public var reference: Double
    /// Spring rest position (`qpos_spring`, MJCF `springref`).
    public var springReference: Double
    /// Stiffness k, N·m/rad or N/m (`jnt_stiffness`).
    public var stiffness: Double
    /// Viscous damping b (`dof_damping`).
    public var damping: Double
    /// Armature inertia added to the mass matrix diagonal (`dof_armature`).
    public var armature: Double
    /// The MJCF line of the `<joint>` element.
    public var line: Int

    /// Equal in every field.
    public static func == (lhs: Joint, rhs: Joint) -> Bool {
        lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.body == rhs.body && lhs.anchor == rhs.anchor
            && lhs.axis == rhs.axis && lhs.isLimited == rhs.isLimited && lhs.range == rhs.range
            && lhs.margin == rhs.margin && lhs.solref == rhs.solref && lhs.solimp == rhs.solimp
            && lhs.reference == rhs.reference && lhs.springReference == rhs.springReference
            && lhs.stiffness == rhs.stiffness && lhs.damping == rhs.damping && lhs.armature == rhs.armature
            && lhs.line == rhs.line
    }
}

/// A named point fixed in a body (`site_*` fields).
public struct Site: Sendable, Equatable {
    /// The site's name.
    public var name: String
    /// The body it is fixed in (`site_bodyid`).
    public var body: Int
    /// Position in the body frame (`site_pos`).
    public var position: Vector3
}

/// A `motor` actuator: force or torque gear·ctrl on one joint (`actuator_*` fields).
public struct Actuator: Sendable, Equatable {
    /// The actuator's name (may be empty).
    public var name: String
    /// The driven joint (`actuator_trnid`).
    public var joint: Int
    /// The transmission ratio (`actuator_gear[0]`).
    public var gear: Double
    /// Whether ctrl is clamped to `controlRange` (`actuator_ctrllimited`).
    public var isControlLimited: Bool
    /// The control range (`actuator_ctrlrange`).
    public var controlRange: (lower: Double, upper: Double)

    /// Equal in every field.
    public static func == (lhs: Actuator, rhs: Actuator) -> Bool {
        lhs.name == rhs.name && lhs.joint == rhs.joint && lhs.gear == rhs.gear
            && lhs.isControlLimited == rhs.isControlLimited && lhs.controlRange == rhs.controlRange
    }
}

/// A geom as collision detection sees it (`geom_*` fields): shape and frame in its body, the contact bits, and
/// the contact parameters that `mj_contactParam` mixes per pair.
public struct Geom: Sendable, Equatable {
    /// The geom's name (may be empty).
    public var name: String
    /// The body it is fixed in (`geom_bodyid`).
    public var body: Int
    /// Its shape (`geom_type`).
    public var shape: GeomShape
    /// Radius, half-length or half-sizes as MuJoCo stores them (`geom_size`).
    public var size: Vector3
    /// Position in the body frame (`geom_pos`).
    public var position: Vector3
    /// Orientation in the body frame (`geom_quat`, w x y z).
    public var orientation: SIMD4<Double>
    /// Contact type and affinity bits (`geom_contype`, `geom_conaffinity`): two geoms may touch when one's type
    /// shares a bit with the other's affinity.
    public var contype: Int, conaffinity: Int
    /// Contact dimensionality (`geom_condim`): 1 frictionless, 3 with sliding friction.
    public var condim: Int
    /// Sliding friction coefficient μ (`geom_friction[0]`; the torsional and rolling ones act only for condim
    /// 4 and 6).
    public var friction: Double
    /// Distance below which a contact is active, m (`geom_margin`; a pair uses the sum of its two).
    public var margin: Double
    /// Contact time constant and damping ratio (`geom_solref`).
    public var solref: SIMD2<Double>
    /// Contact impedance (dmin, dmax, width, midpoint, power) (`geom_solimp`).
    public var solimp: [Double]
    /// The MJCF line of the `<geom>` element.
    public var line: Int

    /// The radius of the sphere about the geom's centre that contains it (`geom_rbound`); 0 for a plane.
    public var boundingRadius: Double {
        switch shape {
        case .plane: return 0
        case .sphere: return size.x
        case .capsule: return size.x + size.y
        case .cylinder: return (size.x * size.x + size.y * size.y).squareRoot()
        case .ellipsoid: return max(size.x, size.y, size.z)
        case .box: return (size * size).sum().squareRoot()
        }
    }
}
