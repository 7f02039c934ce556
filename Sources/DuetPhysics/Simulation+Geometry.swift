// What a renderer needs from a model and a simulation: the geoms (shape, size, placement in their body, colour)
// and the world placement of points fixed in a body. The compiled ``Model`` keeps only what the dynamics uses
// (masses and inertias from the geoms), so the geoms are read again from the same MJCF document, with the
// reader's rules for default classes, `childclass`, `axisangle` (in the compiler's angle unit) and `fromto`; bodies are numbered as ``MJCF/read(_:file:)``
// numbers them (depth-first, the world is 0).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One geom as MuJoCo's compiler leaves it (`geom_type`, `geom_size`, `geom_pos`, `geom_quat`, `geom_rgba`).
public struct GeomOutline: Sendable, Equatable {
    /// The geom's shape (`geom_type`).
    public enum Shape: String, Sendable, Equatable {
        /// A ball of radius `size.x`.
        case sphere
        /// A ball swept along the local z axis: radius `size.x`, half-length `size.y`.
        case capsule
        /// A cylinder along the local z axis: radius `size.x`, half-length `size.y`.
        case cylinder
        /// A box of half-sides `size`.
        case box
        /// An ellipsoid of semi-axes `size`.
        case ellipsoid
        /// The plane z = 0 of the geom frame, of half-extents `size.x`, `size.y` (0: infinite).
        case plane
    }

    /// The geom's name (may be empty).
    public var name: String
    /// The body it is fixed in, numbered as the model's bodies (0 is the world).
    public var body: Int
    /// Its shape.
    public var shape: Shape
    /// Radius, half-lengths or half-sides, as MuJoCo stores them for the shape.
    public var size: Vector3
    /// Position of the geom frame in the body frame.
    public var position: Vector3
    /// Orientation of the geom frame in the body frame (w, x, y, z).
    public var orientation: SIMD4<Double>
    /// Red, green, blue and opacity in 0...1 (MuJoCo's default is (0.5, 0.5, 0.5, 1)).
    public var colour: SIMD4<Double>

    /// The geom frame's point `local` in the body frame (`geom_pos + geom_quat · local`).
    public func bodyPoint(_ local: Vector3) -> Vector3 {
        position + Rotation.rotate(local, by: orientation)
    }
}

extension MJCF {
    /// The geoms of the MJCF document `text`, in document order, each with the index of its body in the
    /// model ``read(_:file:)`` compiles from the same text.
    /// - Throws: ``PhysicsError`` for malformed XML or a geom size, position, orientation or colour that is not
    ///   a list of numbers.
    public static func geoms(_ text: String, file: String) throws -> [GeomOutline] {
        let root = try XMLElement.parse(text, file: file)
        var reader = GeomReader(file: file)
        for child in root.children where child.name == "compiler" {
            if let unit = child[attribute: "angle"] { reader.isDegree = unit != "radian" }
        }
        for child in root.children where child.name == "default" { reader.readDefault(child, parent: nil) }
        for child in root.children where child.name == "worldbody" {
            try reader.readBodyContents(child, body: 0, childclass: "main")
        }
        return reader.geoms
    }
}

/// One pass over a document's bodies, collecting geoms.
private struct GeomReader {
    let file: String
    /// Default class → geom attribute → value.
    var classes: [String: [String: String]] = ["main": [:]]
    var bodyCount = 1
    /// Whether angles are in degrees (MJCF's default) rather than radians.
    var isDegree = true
    var geoms: [GeomOutline] = []

    init(file: String) { self.file = file }

    mutating func readDefault(_ element: XMLElement, parent: String?) {
        let name = element[attribute: "class"] ?? (parent == nil ? "main" : "")
        var values = parent.flatMap { classes[$0] } ?? [:]
        for child in element.children where child.name == "geom" {
            for (attribute, value) in child.attributes { values[attribute] = value }
        }
        classes[name] = values
        for child in element.children where child.name == "default" { readDefault(child, parent: name) }
    }

    mutating func readBodyContents(_ element: XMLElement, body: Int, childclass: String) throws {
        for child in element.children {
            switch child.name {
            case "body":
                let index = bodyCount
                bodyCount += 1
                try readBodyContents(child, body: index, childclass: child[attribute: "childclass"] ?? childclass)
            case "geom": geoms.append(try geom(child, body: body, childclass: childclass))
            default: continue
            }
        }
    }

    func numbers(_ text: String?, attribute: String, count: ClosedRange<Int>, line: Int) throws -> [Double]? {
        guard let text else { return nil }
        let values = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .compactMap { Double($0) }
        guard count.contains(values.count), values.allSatisfy(\.isFinite) else {
            throw PhysicsError.invalidValue(element: "geom", attribute: attribute, value: text, file: file, line: line,
                                            reason: "expected \(count.lowerBound) to \(count.upperBound) numbers")
        }
        return values
    }

    /// The geom with its class defaults, `fromto` turned into position, orientation and half-length as
    /// MuJoCo's compiler does (and as MJCFReader.readGeom does for the inertia).
    func geom(_ element: XMLElement, body: Int, childclass: String) throws -> GeomOutline {
        var values = classes[element[attribute: "class"] ?? childclass] ?? [:]
        for (name, value) in element.attributes { values[name] = value }
        let line = element.line
        let shape = GeomOutline.Shape(rawValue: values["type"] ?? "sphere") ?? .sphere
        var size = Vector3.zero
        for (index, value) in (try numbers(values["size"], attribute: "size", count: 1...3, line: line) ?? []).enumerated() {
            size[index] = value
        }
        var position = Vector3.zero
        if let p = try numbers(values["pos"], attribute: "pos", count: 3...3, line: line) {
            position = Vector3(p[0], p[1], p[2])
        }
        var orientation = SIMD4<Double>(1, 0, 0, 0)
        if let q = try numbers(values["quat"], attribute: "quat", count: 4...4, line: line) {
            orientation = Rotation.normalized(SIMD4(q[0], q[1], q[2], q[3]))
        }
        if let a = try numbers(values["axisangle"], attribute: "axisangle", count: 4...4, line: line) {
            // (cos(θ/2), sin(θ/2)·axis/|axis|), as the compiler resolves it.
            let axis = Vector3(a[0], a[1], a[2]), norm = (axis * axis).sum().squareRoot()
            let half = a[3] * (isDegree ? Double.pi / 180 : 1) / 2
            if norm > 0 { orientation = SIMD4(cos(half), sin(half) * axis.x / norm, sin(half) * axis.y / norm,
                                              sin(half) * axis.z / norm) }
        }
        if let f = try numbers(values["fromto"], attribute: "fromto", count: 6...6, line: line) {
            let from = Vector3(f[0], f[1], f[2]), to = Vector3(f[3], f[4], f[5])
            let direction = from - to
            size.y = (direction * direction).sum().squareRoot() / 2
            if shape == .box || shape == .ellipsoid { size.z = size.y; size.y = size.x }
            position = (from + to) / 2
            orientation = Rotation.zToVector(direction)
        }
        var colour = SIMD4<Double>(0.5, 0.5, 0.5, 1)
        if let c = try numbers(values["rgba"], attribute: "rgba", count: 4...4, line: line) {
            colour = SIMD4(c[0], c[1], c[2], c[3])
        }
        return GeomOutline(name: element[attribute: "name"] ?? "", body: body, shape: shape, size: size,
                           position: position, orientation: orientation, colour: colour)
    }
}

extension Simulation {
    /// The world position of `point`, given in body `index`'s frame, at the last evaluation
    /// (`xpos + xmat · point`; body frames turn only about the plane normal).
    /// - Precondition: 0 ≤ `index` < the number of bodies (the world is 0).
    public func worldPosition(of point: Vector3, inBody index: Int) -> Vector3 {
        precondition(index >= 0 && index < model.bodyCount, "body \(index) of \(model.bodyCount)")
        let origin = workspace.bodyWorld[index], rotation = workspace.bodyRotation[index]
        let (lu, lw) = (point[model.planeAxes.0], point[model.planeAxes.1])
        return worldPoint(origin.u + rotation.c * lu - rotation.s * lw, origin.w + rotation.s * lu + rotation.c * lw,
                          normal: model.bodyNormalPosition[index] + point[model.normalAxis])
    }
}
