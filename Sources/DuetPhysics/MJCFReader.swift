// Reads the subset of MuJoCo's MJCF format that Gymnasium's planar models use, and compiles it as MuJoCo's
// compiler does (user_model.cc, user_objects.cc): default classes, angle units, `fromto` and `axisangle`,
// masses and inertias from geom shapes at the geom's density, `settotalmass`, automatic limits, and each
// geom's contact bits and parameters (condim, friction, margin, solref, solimp).
//
// The subset: <mujoco> with <compiler angle inertiafromgeom coordinate="local" settotalmass autolimits>,
// <option timestep gravity integrator="Euler|RK4" density viscosity>, nested <default> classes of joint /
// geom / site / motor, <worldbody> with <body name pos childclass>, <joint type="hinge|slide">, <geom
// type="sphere|capsule|cylinder|box|ellipsoid|plane"> with size / fromto / pos / quat / axisangle / density /
// mass / contact attributes, <site>, and <actuator> with <motor>. Purely visual or bookkeeping elements
// (<asset> textures and materials, <light>, <camera>, <size>, <custom>, <visual>, <statistic>, an empty
// <tendon/> default) are read and ignored. Anything else is refused with the file and line; which geom pairs
// the collision pipeline can handle is PlanarModel+Contacts.swift's to check.
import Foundation

/// Reads MJCF files into a compiled ``Model``.
public enum MJCF {
    /// Reads and compiles the MJCF file at `path`.
    /// - Throws: ``PhysicsError`` naming the file, line, element and attribute of the problem.
    public static func load(contentsOfFile path: String) throws -> Model {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text" : "no such file"
            throw PhysicsError.unreadableFile(path: path, reason: reason)
        }
        return try read(text, file: (path as NSString).lastPathComponent)
    }

    /// Compiles the MJCF document `text`; `file` names it in error messages.
    /// - Throws: ``PhysicsError`` naming the file, line, element and attribute of the problem.
    public static func read(_ text: String, file: String) throws -> Model {
        let root = try XMLElement.parse(text, file: file)
        var reader = MJCFReader(file: file)
        return try reader.compile(root)
    }
}

/// An attribute value and the line it was written on (its own element's, or its default class's).
private struct Written {
    var value: String
    var line: Int
}

/// The state of one compilation.
private struct MJCFReader {
    let file: String
    var isDegree = true
    var autolimits = true
    var totalMass: Double?
    var options = Options()
    /// class name → element kind (joint, geom, site, motor) → attribute → value.
    var classes: [String: [String: [String: Written]]] = ["main": [:]]
    var bodies: [Body] = []
    var geoms: [[CompiledGeom]] = []
    /// Every geom's contact data, in file order (which is MuJoCo's: depth-first bodies).
    var contactGeoms: [Geom] = []
    var joints: [Joint] = []
    var sites: [Site] = []
    var actuators: [Actuator] = []

    init(file: String) { self.file = file }

    // MARK: The subset

    /// The attributes each physical element accepts (in defaults, all but `name` and `class`).
    static let accepted: [String: Set<String>] = [
        "mujoco": ["model"],
        "compiler": ["angle", "inertiafromgeom", "coordinate", "settotalmass", "autolimits"],
        "option": ["timestep", "gravity", "integrator", "density", "viscosity"],
        "default": ["class"],
        "body": ["name", "pos", "childclass"],
        "joint": ["name", "class", "type", "pos", "axis", "range", "limited", "margin", "solreflimit", "solimplimit",
                  "ref", "springref", "stiffness", "damping", "armature", "group"],
        "geom": ["name", "class", "type", "size", "fromto", "pos", "quat", "axisangle", "density", "mass", "contype",
                 "conaffinity", "condim", "friction", "margin", "solref", "solimp", "rgba", "material", "group"],
        "site": ["name", "class", "type", "pos", "size", "rgba", "group"],
        "motor": ["name", "class", "joint", "gear", "ctrlrange", "ctrllimited"],
    ]
    /// Elements read for their children only, or ignored whole because they do not affect the dynamics.
    static let ignored: Set<String> = ["asset", "light", "camera", "size", "custom", "visual", "statistic"]

    func unsupported(_ element: XMLElement) -> PhysicsError {
        .unsupportedElement(element: element.name, file: file, line: element.line)
    }

    func checkAttributes(_ element: XMLElement, kind: String? = nil, inDefault: Bool = false) throws {
        let allowed = Self.accepted[kind ?? element.name] ?? []
        for (name, value) in element.attributes {
            let isAllowed = allowed.contains(name) && !(inDefault && (name == "name" || name == "class"))
            if !isAllowed {
                throw PhysicsError.unsupportedAttribute(element: element.name, attribute: name, value: value,
                                                        file: file, line: element.line,
                                                        reason: "attribute outside the supported MJCF subset")
            }
        }
    }

    // MARK: Values

    func numbers(_ written: Written, element: String, attribute: String, count: ClosedRange<Int>) throws -> [Double] {
        let cells = written.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        var values: [Double] = []
        for cell in cells {
            guard let value = Double(cell), value.isFinite else {
                throw PhysicsError.invalidValue(element: element, attribute: attribute, value: written.value,
                                                file: file, line: written.line, reason: "'\(cell)' is not a finite number")
            }
            values.append(value)
        }
        guard count.contains(values.count) else {
            let expected = count.count == 1 ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
            throw PhysicsError.invalidValue(element: element, attribute: attribute, value: written.value, file: file,
                                            line: written.line, reason: "expected \(expected) numbers, found \(values.count)")
        }
        return values
    }

    func boolean(_ written: Written, element: String, attribute: String) throws -> Bool? {
        switch written.value {
        case "true": return true
        case "false": return false
        case "auto": return nil
        default:
            throw PhysicsError.invalidValue(element: element, attribute: attribute, value: written.value, file: file,
                                            line: written.line, reason: "expected true, false or auto")
        }
    }

    func choice(_ written: Written, element: String, attribute: String, accepted: [String]) throws -> String {
        guard accepted.contains(written.value) else {
            throw PhysicsError.unsupportedAttribute(
                element: element, attribute: attribute, value: written.value, file: file, line: written.line,
                reason: "this simulator implements \(accepted.joined(separator: ", "))")
        }
        return written.value
    }

    /// The element's attributes over its class's defaults.
    func resolved(_ element: XMLElement, kind: String, childclass: String) throws -> [String: Written] {
        let className = element[attribute: "class"] ?? childclass
        guard let defaults = classes[className] else {
            throw PhysicsError.missingReference(element: element.name, attribute: "class", file: file,
                                                line: element.line, reason: "no default class '\(className)'")
        }
        var values = defaults[kind] ?? [:]
        for (name, value) in element.attributes { values[name] = Written(value: value, line: element.line) }
        return values
    }

    // MARK: Document

    mutating func compile(_ root: XMLElement) throws -> Model {
        guard root.name == "mujoco" else { throw unsupported(root) }
        try checkAttributes(root)
        bodies = [Body(name: "world", parent: 0, position: .zero, mass: 0, centreOfMass: .zero,
                       inertialOrientation: SIMD4(1, 0, 0, 0), principalInertia: .zero, line: 0)]
        geoms = [[]]
        // Compiler and defaults first: they apply to the whole file wherever they are written.
        for child in root.children where child.name == "compiler" { try readCompiler(child) }
        for child in root.children where child.name == "default" { try readDefault(child, parent: nil) }
        var actuatorElements: [XMLElement] = []
        for child in root.children {
            switch child.name {
            case "compiler", "default": continue
            case "option": try readOption(child)
            case "worldbody": try readBodyContents(child, body: 0, childclass: "main")
            case "actuator": actuatorElements.append(child)
            case "tendon" where child.children.isEmpty && child.attributes.isEmpty: continue
            case _ where Self.ignored.contains(child.name): try checkIgnored(child)
            default: throw unsupported(child)
            }
        }
        for element in actuatorElements { try readActuators(element) }
        try compileInertia()
        return Model(name: root[attribute: "model"] ?? "", file: file, options: options, bodies: bodies,
                     joints: joints, sites: sites, actuators: actuators,
                     geoms: contactGeoms.enumerated().sorted { ($0.element.body, $0.offset) < ($1.element.body, $1.offset) }
                         .map(\.element))
    }

    /// Ignored elements may hold only ignored, visual children (an <asset> with a <mesh> is refused).
    func checkIgnored(_ element: XMLElement) throws {
        if element.name == "asset" {
            for child in element.children where child.name != "texture" && child.name != "material" {
                throw unsupported(child)
            }
        }
    }

    mutating func readCompiler(_ element: XMLElement) throws {
        try checkAttributes(element)
        for (name, value) in element.attributes {
            let written = Written(value: value, line: element.line)
            switch name {
            case "angle":
                isDegree = try choice(written, element: "compiler", attribute: name, accepted: ["degree", "radian"]) == "degree"
            case "inertiafromgeom":
                _ = try choice(written, element: "compiler", attribute: name, accepted: ["true", "auto"])
            case "coordinate":
                _ = try choice(written, element: "compiler", attribute: name, accepted: ["local"])
            case "autolimits":
                autolimits = try choice(written, element: "compiler", attribute: name, accepted: ["true", "false"]) == "true"
            case "settotalmass":
                let value = try numbers(written, element: "compiler", attribute: name, count: 1...1)[0]
                totalMass = value > 0 ? value : nil
            default: break
            }
        }
    }

    mutating func readOption(_ element: XMLElement) throws {
        try checkAttributes(element)
        if let child = element.children.first { throw unsupported(child) }
        for (name, value) in element.attributes {
            let written = Written(value: value, line: element.line)
            switch name {
            case "timestep":
                options.timestep = try numbers(written, element: "option", attribute: name, count: 1...1)[0]
                guard options.timestep > 0 else {
                    throw PhysicsError.invalidValue(element: "option", attribute: name, value: value, file: file,
                                                    line: element.line, reason: "the timestep must be positive")
                }
            case "gravity":
                let g = try numbers(written, element: "option", attribute: name, count: 3...3)
                options.gravity = Vector3(g[0], g[1], g[2])
            case "integrator":
                let chosen = try choice(written, element: "option", attribute: name, accepted: ["Euler", "RK4"])
                options.integrator = chosen == "RK4" ? .rungeKutta4 : .euler
            case "density": options.density = try numbers(written, element: "option", attribute: name, count: 1...1)[0]
            case "viscosity": options.viscosity = try numbers(written, element: "option", attribute: name, count: 1...1)[0]
            default: break
            }
        }
    }

    mutating func readDefault(_ element: XMLElement, parent: String?) throws {
        try checkAttributes(element)
        let name = element[attribute: "class"] ?? (parent == nil ? "main" : "")
        guard !name.isEmpty else {
            throw PhysicsError.missingReference(element: "default", attribute: "class", file: file, line: element.line,
                                                reason: "a nested default needs a class name")
        }
        var values = parent.flatMap { classes[$0] } ?? [:]
        var nested: [XMLElement] = []
        for child in element.children {
            switch child.name {
            case "joint", "geom", "site", "motor":
                try checkAttributes(child, inDefault: true)
                for (attribute, value) in child.attributes {
                    values[child.name, default: [:]][attribute] = Written(value: value, line: child.line)
                }
            case "tendon" where child.attributes.isEmpty && child.children.isEmpty: continue
            case "default": nested.append(child)
            default: throw unsupported(child)
            }
        }
        classes[name] = values
        for child in nested { try readDefault(child, parent: name) }
    }

    // MARK: Bodies

    mutating func readBodyContents(_ element: XMLElement, body: Int, childclass: String) throws {
        for child in element.children {
            switch child.name {
            case "body": try readBody(child, parent: body, childclass: childclass)
            case "joint":
                guard body != 0 else { throw unsupported(child) }
                try readJoint(child, body: body, childclass: childclass)
            case "geom": try readGeom(child, body: body, childclass: childclass)
            case "site": try readSite(child, body: body, childclass: childclass)
            case "light", "camera": continue
            default: throw unsupported(child)
            }
        }
    }

    mutating func readBody(_ element: XMLElement, parent: Int, childclass: String) throws {
        try checkAttributes(element)
        let own = element.attributes.reduce(into: [String: Written]()) { $0[$1.name] = Written(value: $1.value, line: element.line) }
        var position = Vector3.zero
        if let pos = own["pos"] {
            let p = try numbers(pos, element: "body", attribute: "pos", count: 3...3)
            position = Vector3(p[0], p[1], p[2])
        }
        let classForChildren = element[attribute: "childclass"] ?? childclass
        if classes[classForChildren] == nil {
            throw PhysicsError.missingReference(element: "body", attribute: "childclass", file: file, line: element.line,
                                                reason: "no default class '\(classForChildren)'")
        }
        bodies.append(Body(name: element[attribute: "name"] ?? "", parent: parent, position: position, mass: 0,
                           centreOfMass: .zero, inertialOrientation: SIMD4(1, 0, 0, 0), principalInertia: .zero,
                           line: element.line))
        geoms.append([])
        try readBodyContents(element, body: bodies.count - 1, childclass: classForChildren)
    }

    mutating func readJoint(_ element: XMLElement, body: Int, childclass: String) throws {
        try checkAttributes(element)
        let values = try resolved(element, kind: "joint", childclass: childclass)
        func number(_ name: String, _ fallback: Double) throws -> Double {
            try values[name].map { try numbers($0, element: "joint", attribute: name, count: 1...1)[0] } ?? fallback
        }
        func vector(_ name: String, _ fallback: [Double], count: ClosedRange<Int>) throws -> [Double] {
            try values[name].map { try numbers($0, element: "joint", attribute: name, count: count) } ?? fallback
        }
        let kindText = try values["type"].map { try choice($0, element: "joint", attribute: "type", accepted: ["hinge", "slide"]) } ?? "hinge"
        let kind: Joint.Kind = kindText == "slide" ? .slide : .hinge
        let angle = kind == .hinge && isDegree ? Double.pi / 180 : 1
        let anchor = try vector("pos", [0, 0, 0], count: 3...3)
        var axis = try vector("axis", [0, 0, 1], count: 3...3)
        let norm = (axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]).squareRoot()
        guard norm > 1e-10 else {
            throw PhysicsError.invalidValue(element: "joint", attribute: "axis", value: values["axis"]?.value ?? "",
                                            file: file, line: element.line, reason: "the axis has zero length")
        }
        axis = axis.map { $0 / norm }
        let range = try vector("range", [0, 0], count: 2...2)
        let limitedFlag = try values["limited"].map { try boolean($0, element: "joint", attribute: "limited") } ?? nil
        let isLimited = limitedFlag ?? (autolimits && values["range"] != nil)
        if isLimited && !(range[0] < range[1]) {
            throw PhysicsError.invalidValue(element: "joint", attribute: "range", value: values["range"]?.value ?? "",
                                            file: file, line: element.line, reason: "a limited joint needs lower < upper")
        }
        let solref = try vector("solreflimit", [0.02, 1], count: 2...2)
        let solimp = try vector("solimplimit", [0.9, 0.95, 0.001, 0.5, 2], count: 3...5)
        let fullSolimp = solimp + [0.9, 0.95, 0.001, 0.5, 2][solimp.count...]
        joints.append(Joint(
            name: element[attribute: "name"] ?? "", kind: kind, body: body,
            anchor: Vector3(anchor[0], anchor[1], anchor[2]), axis: Vector3(axis[0], axis[1], axis[2]),
            isLimited: isLimited, range: (range[0] * angle, range[1] * angle),
            margin: try number("margin", 0) * angle, solref: (solref[0], solref[1]),
            solimp: (fullSolimp[0], fullSolimp[1], fullSolimp[2], fullSolimp[3], fullSolimp[4]),
            reference: try number("ref", 0) * angle, springReference: try number("springref", 0) * angle,
            stiffness: try number("stiffness", 0), damping: try number("damping", 0),
            armature: try number("armature", 0), line: element.line))
    }

    mutating func readGeom(_ element: XMLElement, body: Int, childclass: String) throws {
        try checkAttributes(element)
        let values = try resolved(element, kind: "geom", childclass: childclass)
        func vector(_ name: String, count: ClosedRange<Int>) throws -> [Double]? {
            try values[name].map { try numbers($0, element: "geom", attribute: name, count: count) }
        }
        let shapeText = try values["type"].map {
            try choice($0, element: "geom", attribute: "type", accepted: ["sphere", "capsule", "cylinder", "box", "ellipsoid", "plane"])
        } ?? "sphere"
        let shape = GeomShape(rawValue: shapeText) ?? .sphere
        if shape == .plane && body != 0 {
            throw PhysicsError.unsupportedAttribute(element: "geom", attribute: "type", value: "plane", file: file,
                                                    line: element.line, reason: "planes belong to the world body")
        }
        let sizeValues = try vector("size", count: 1...3) ?? []
        var size = Vector3.zero
        for (index, value) in sizeValues.enumerated() { size[index] = value }
        var position = Vector3.zero
        if let pos = try vector("pos", count: 3...3) { position = Vector3(pos[0], pos[1], pos[2]) }
        var orientation = SIMD4<Double>(1, 0, 0, 0)
        if let quat = try vector("quat", count: 4...4) {
            orientation = Rotation.normalized(SIMD4(quat[0], quat[1], quat[2], quat[3]))
        }
        if let axisAngle = try vector("axisangle", count: 4...4) {
            // (cos(θ/2), sin(θ/2)·axis/|axis|), θ in the compiler's angle unit (`mjs_resolveOrientation`).
            let axis = Vector3(axisAngle[0], axisAngle[1], axisAngle[2])
            let norm = (axis * axis).sum().squareRoot()
            guard norm >= 1e-14 else {
                throw PhysicsError.invalidValue(element: "geom", attribute: "axisangle", value: values["axisangle"]?.value ?? "",
                                                file: file, line: element.line, reason: "the axis has zero length")
            }
            let half = axisAngle[3] * (isDegree ? Double.pi / 180 : 1) / 2
            let unit = axis / norm * sin(half)
            orientation = SIMD4(cos(half), unit.x, unit.y, unit.z)
        }
        if let fromto = try vector("fromto", count: 6...6) {
            guard [.capsule, .cylinder, .box, .ellipsoid].contains(shape) else {
                throw PhysicsError.unsupportedAttribute(element: "geom", attribute: "fromto", value: values["fromto"]?.value ?? "",
                                                        file: file, line: element.line,
                                                        reason: "fromto needs a capsule, cylinder, box or ellipsoid")
            }
            let from = Vector3(fromto[0], fromto[1], fromto[2]), to = Vector3(fromto[3], fromto[4], fromto[5])
            let direction = from - to
            let length = (direction * direction).sum().squareRoot()
            guard length >= 1e-14 else {
                throw PhysicsError.invalidValue(element: "geom", attribute: "fromto", value: values["fromto"]?.value ?? "",
                                                file: file, line: element.line, reason: "the two points coincide")
            }
            size.y = length / 2
            if shape == .box || shape == .ellipsoid { size.z = size.y; size.y = size.x }
            position = (from + to) / 2
            orientation = Rotation.zToVector(direction)
        }
        let needed: Int
        switch shape {
        case .sphere: needed = 1
        case .capsule, .cylinder: needed = values["fromto"] == nil ? 2 : 1
        case .box, .ellipsoid: needed = values["fromto"] == nil ? 3 : 2
        case .plane: needed = 0
        }
        if sizeValues.count < needed {
            throw PhysicsError.invalidValue(element: "geom", attribute: "size", value: values["size"]?.value ?? "",
                                            file: file, line: element.line,
                                            reason: "a \(shapeText) needs \(needed) size value\(needed == 1 ? "" : "s")")
        }
        let mass: Double
        if let given = try vector("mass", count: 1...1) {
            mass = given[0]
        } else {
            let density = try vector("density", count: 1...1)?[0] ?? 1000
            mass = shape == .plane ? 0 : density * CompiledGeom.volume(shape, size)
        }
        func bits(_ name: String, _ fallback: Int) throws -> Int {
            guard let written = values[name] else { return fallback }
            guard let value = Int(written.value) else {
                throw PhysicsError.invalidValue(element: "geom", attribute: name, value: written.value, file: file,
                                                line: written.line, reason: "expected an integer")
            }
            return value
        }
        let condim = try bits("condim", 3)
        guard condim == 1 || condim == 3 else {
            throw PhysicsError.unsupportedAttribute(element: "geom", attribute: "condim", value: String(condim),
                                                    file: file, line: values["condim"]?.line ?? element.line,
                                                    reason: "this simulator implements condim 1 and 3")
        }
        let friction = try vector("friction", count: 1...3) ?? [1, 0.005, 0.0001]
        let solref = try vector("solref", count: 2...2) ?? [0.02, 1]
        let solimp = try vector("solimp", count: 3...5) ?? []
        let defaultSolimp = [0.9, 0.95, 0.001, 0.5, 2.0]
        let geom = CompiledGeom(
            shape: shape, size: size, position: position, orientation: orientation, mass: mass,
            inertia: CompiledGeom.inertia(shape, size, mass: mass), contype: try bits("contype", 1),
            conaffinity: try bits("conaffinity", 1), name: element[attribute: "name"] ?? "", line: element.line)
        geoms[body].append(geom)
        contactGeoms.append(Geom(
            name: geom.name, body: body, shape: shape, size: size, position: position, orientation: orientation,
            contype: geom.contype, conaffinity: geom.conaffinity, condim: condim, friction: friction[0],
            margin: try vector("margin", count: 1...1)?[0] ?? 0, solref: SIMD2(solref[0], solref[1]),
            solimp: solimp + defaultSolimp[solimp.count...], line: element.line))
    }

    mutating func readSite(_ element: XMLElement, body: Int, childclass: String) throws {
        try checkAttributes(element)
        let values = try resolved(element, kind: "site", childclass: childclass)
        var position = Vector3.zero
        if let pos = values["pos"] {
            let p = try numbers(pos, element: "site", attribute: "pos", count: 3...3)
            position = Vector3(p[0], p[1], p[2])
        }
        sites.append(Site(name: element[attribute: "name"] ?? "", body: body, position: position))
    }

    mutating func readActuators(_ element: XMLElement) throws {
        if let attribute = element.attributes.first {
            throw PhysicsError.unsupportedAttribute(element: "actuator", attribute: attribute.name, value: attribute.value,
                                                    file: file, line: element.line, reason: "attribute outside the supported MJCF subset")
        }
        for child in element.children {
            guard child.name == "motor" else { throw unsupported(child) }
            try checkAttributes(child)
            let values = try resolved(child, kind: "motor", childclass: "main")
            guard let jointName = values["joint"]?.value else {
                throw PhysicsError.missingReference(element: "motor", attribute: "joint", file: file, line: child.line,
                                                    reason: "a motor needs a joint")
            }
            guard let joint = joints.firstIndex(where: { $0.name == jointName }) else {
                throw PhysicsError.missingReference(element: "motor", attribute: "joint", file: file, line: child.line,
                                                    reason: "no joint named '\(jointName)'")
            }
            let gear = try values["gear"].map { try numbers($0, element: "motor", attribute: "gear", count: 1...6) } ?? [1]
            if gear.dropFirst().contains(where: { $0 != 0 }) {
                throw PhysicsError.unsupportedAttribute(element: "motor", attribute: "gear", value: values["gear"]?.value ?? "",
                                                        file: file, line: child.line, reason: "a joint motor uses only the first gear value")
            }
            let range = try values["ctrlrange"].map { try numbers($0, element: "motor", attribute: "ctrlrange", count: 2...2) } ?? [0, 0]
            let flag = try values["ctrllimited"].map { try boolean($0, element: "motor", attribute: "ctrllimited") } ?? nil
            let isLimited = flag ?? (autolimits && values["ctrlrange"] != nil)
            actuators.append(Actuator(name: child[attribute: "name"] ?? "", joint: joint, gear: gear[0],
                                      isControlLimited: isLimited, controlRange: (range[0], range[1])))
        }
    }

    // MARK: Compilation

    /// Mass, centre of mass and principal inertia of every body from its geoms, then `settotalmass`.
    mutating func compileInertia() throws {
        for index in 1..<bodies.count {
            let (mass, com, orientation, inertia) = BodyInertia.combine(geoms[index])
            bodies[index].mass = mass
            bodies[index].centreOfMass = com
            bodies[index].inertialOrientation = orientation
            bodies[index].principalInertia = inertia
        }
        if let totalMass {
            let current = bodies.reduce(0) { $0 + $1.mass }
            let scale = totalMass / current
            for index in bodies.indices {
                bodies[index].mass *= scale
                bodies[index].principalInertia *= scale
            }
        }
        for (index, body) in bodies.enumerated().dropFirst() {
            let moves = joints.contains { $0.body == index } || ancestorsMove(index)
            if moves && body.mass < 1e-14 {
                throw PhysicsError.notPlanar(file: file, line: body.line, reason: "moving body '\(body.name)' has no mass")
            }
        }
    }

    func ancestorsMove(_ body: Int) -> Bool {
        var current = bodies[body].parent
        while current != 0 {
            if joints.contains(where: { $0.body == current }) { return true }
            current = bodies[current].parent
        }
        return false
    }
}
