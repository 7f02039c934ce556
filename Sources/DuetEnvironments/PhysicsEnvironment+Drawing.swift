// The MuJoCo tasks draw themselves from their model, with no per-task drawing code: every geom of the MJCF
// document (capsules, spheres, cylinders, boxes, ellipsoids, planes) placed by the simulation's body poses and
// projected orthographically onto the plane the model moves in, seen from the side of the plane normal n'
// (the pendulums side-on in (x, z), Reacher and Swimmer from above in (x, y)), farthest geoms first, in the
// model's colours. The viewport is a square around the geoms at q₀; along a free root slide that gravity does not
// act on (Swimmer in x and y, the runners in x) it follows the centre of mass, as Gymnasium's tracking cameras do.
import DuetPhysics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A MuJoCo task drawn from its model's geoms at its simulation's body poses.
///
/// A task conforms in one line of its `Task+Drawing.swift`, naming the document its model was compiled from.
public protocol SimulationDrawable: PhysicsEnvironment, Drawable {
    /// The simulation whose body poses are drawn.
    var simulation: Simulation { get }
    /// What does not change from frame to frame: the geoms, their order and the viewport's size.
    static var scenery: ModelScenery { get }
}

extension SimulationDrawable {
    /// The geoms at the current state (the kinematics are evaluated afresh, so the picture is that of ``state``).
    public var drawing: Drawing {
        var current = simulation
        current.forward()
        return Self.scenery.drawing(current)
    }

    /// h × frame skip, the control time step.
    public var secondsPerStep: Double { Self.physicsModel.timestep * Double(Self.frameSkip) }
}

/// The static part of a MuJoCo task's picture: its geoms in painting order, the viewport's size and the axes the
/// viewport follows.
public struct ModelScenery: Sendable {
    /// The model drawn.
    public let model: PlanarModel
    /// The geoms, farthest from the viewer first.
    public let geoms: [GeomOutline]
    /// The viewport at q₀.
    public let viewport: DrawingViewport
    /// Whether the viewport follows the centre of mass along the plane's first and second axis.
    let isTracking: (Bool, Bool)
    /// The centre of mass at q₀, plane coordinates.
    let centreOfMassAtStart: DrawingPoint

    /// The scenery of `model`, whose geoms are read from `document`, the MJCF text it was compiled from.
    /// - Precondition: `document` is the embedded, compiling model file (a failure is a bug in Duet).
    public init(model: PlanarModel, document: String) {
        self.model = model
        let geoms: [GeomOutline]
        do {
            geoms = try MJCF.geoms(document, file: model.model.file)
        } catch {
            preconditionFailure("the embedded model envs/models/\(model.model.file) has unreadable geoms: \(error)")
        }
        let depthSign: Double = model.normalAxis == 1 ? -1 : 1  // n' = e_u × e_w = depthSign · e_n
        let start = Simulation(model)
        let depths = geoms.map { depthSign * start.worldPosition(of: $0.position, inBody: $0.body)[model.normalAxis] }
        self.geoms = geoms.indices.sorted { (depths[$0], $0) < (depths[$1], $1) }.map { geoms[$0] }

        // A square around every solid geom at q₀, with a margin.
        var low = DrawingPoint(repeating: .infinity), high = DrawingPoint(repeating: -.infinity)
        for geom in geoms where geom.shape != .plane {
            for point in Self.outline(geom, in: start, model: model) {
                low = pointwiseMin(low, point)
                high = pointwiseMax(high, point)
            }
        }
        if !(low.x < high.x) { (low, high) = (DrawingPoint(-1, -1), DrawingPoint(1, 1)) }
        let side = max(max(high.x - low.x, high.y - low.y) * 1.3, 0.5)
        viewport = DrawingViewport(centre: (low + high) / 2, width: side, height: side)

        // Follow a free root slide along a plane axis that gravity does not act on.
        let gravity = model.model.options.gravity, g = (gravity * gravity).sum().squareRoot()
        func isFree(_ axis: Int) -> Bool {
            model.model.joints.contains { joint in
                joint.kind == .slide && !joint.isLimited && model.model.bodies[joint.body].parent == 0
                    && abs(abs(joint.axis[axis]) - 1) < 1e-9 && abs(gravity[axis]) <= 1e-3 * g
            }
        }
        isTracking = (isFree(model.planeAxes.0), isFree(model.planeAxes.1))
        centreOfMassAtStart = Self.centreOfMass(start)
    }

    /// The plane coordinates of the centre of mass of every body but the world.
    static func centreOfMass(_ simulation: Simulation) -> DrawingPoint {
        let bodies = simulation.model.model.bodies, axes = simulation.model.planeAxes
        var sum = DrawingPoint.zero, mass = 0.0
        for index in bodies.indices.dropFirst() {
            let centre = simulation.bodyCentreOfMass(index)
            sum += bodies[index].mass * DrawingPoint(centre[axes.0], centre[axes.1])
            mass += bodies[index].mass
        }
        return mass > 0 ? sum / mass : .zero
    }

    /// The picture of `simulation`'s last evaluation.
    public func drawing(_ simulation: Simulation) -> Drawing {
        let axes = model.planeAxes
        var centre = viewport.centre
        if isTracking.0 || isTracking.1 {
            let shift = Self.centreOfMass(simulation) - centreOfMassAtStart
            if isTracking.0 { centre.x += shift.x }
            if isTracking.1 { centre.y += shift.y }
        }
        var drawing = Drawing(viewport: DrawingViewport(centre: centre, width: viewport.width, height: viewport.height))
        for geom in geoms {
            let colour = DrawingColour(red: geom.colour[0], green: geom.colour[1], blue: geom.colour[2],
                                       alpha: geom.colour[3])
            func project(_ local: Vector3) -> DrawingPoint {
                let world = simulation.worldPosition(of: geom.bodyPoint(local), inBody: geom.body)
                return DrawingPoint(world[axes.0], world[axes.1])
            }
            switch geom.shape {
            case .sphere:
                drawing.add(.circle(centre: project(.zero), radius: geom.size.x), colour)
            case .capsule:
                drawing.add(.capsule(from: project(Vector3(0, 0, -geom.size.y)), to: project(Vector3(0, 0, geom.size.y)),
                                     radius: geom.size.x), colour)
            case .cylinder, .box, .ellipsoid:
                drawing.add(.polygon(Self.outline(geom, in: simulation, model: model)), colour)
            case .plane:
                addPlane(geom, colour: colour, project: project, to: &drawing)
            }
        }
        return drawing
    }

    /// A plane seen face-on fills its extent (with a 1-unit grid when the view moves); seen edge-on it is the
    /// ground: everything behind it, with alternate 1-unit tiles along it when the view moves. Both are the same
    /// in every frame (in world coordinates), so an animation stores them once.
    private func addPlane(_ geom: GeomOutline, colour: DrawingColour, project: (Vector3) -> DrawingPoint,
                          to drawing: inout Drawing) {
        let extent = DrawingPoint(geom.size.x > 0 ? geom.size.x : 100, geom.size.y > 0 ? geom.size.y : 100)
        let isTracking = self.isTracking.0 || self.isTracking.1
        let grid = DrawingColour(red: colour.red * 0.85, green: colour.green * 0.85, blue: colour.blue * 0.85,
                                 alpha: colour.alpha)
        let normal = project(Vector3(0, 0, 1)) - project(.zero)
        let normalLength = (normal * normal).sum().squareRoot()
        if normalLength < 1e-9 {
            drawing.add(.polygon([project(Vector3(-extent.x, -extent.y, 0)), project(Vector3(extent.x, -extent.y, 0)),
                                  project(Vector3(extent.x, extent.y, 0)), project(Vector3(-extent.x, extent.y, 0))]),
                        colour)
            guard isTracking else { return }
            let width = 0.01 * viewport.width
            for x in stride(from: -extent.x.rounded(.down), through: extent.x, by: 1) {
                drawing.add(.polyline([project(Vector3(x, -extent.y, 0)), project(Vector3(x, extent.y, 0))], width: width), grid)
            }
            for y in stride(from: -extent.y.rounded(.down), through: extent.y, by: 1) {
                drawing.add(.polyline([project(Vector3(-extent.x, y, 0)), project(Vector3(extent.x, y, 0))], width: width), grid)
            }
            return
        }
        // Edge-on: one of the plane's own axes projects onto the ground line, the other (nearly) to a point.
        let alongX = project(Vector3(1, 0, 0)) - project(.zero), alongY = project(Vector3(0, 1, 0)) - project(.zero)
        let useX = (alongX * alongX).sum() >= (alongY * alongY).sum()
        let half = useX ? extent.x : extent.y
        func ground(_ s: Double, depth: Double) -> DrawingPoint {
            project(useX ? Vector3(s, 0, -depth) : Vector3(0, s, -depth))
        }
        let depth = 100.0
        drawing.add(.polygon([ground(-half, depth: 0), ground(half, depth: 0), ground(half, depth: depth),
                              ground(-half, depth: depth)]), colour)
        guard isTracking else { return }
        let depthOfTiles = 0.1 * viewport.height
        for s in stride(from: -half.rounded(.down), to: half, by: 2) {
            drawing.add(.polygon([ground(s, depth: 0), ground(s + 1, depth: 0), ground(s + 1, depth: depthOfTiles),
                                  ground(s, depth: depthOfTiles)]), grid)
        }
    }

    /// The projected outline of a solid geom: the convex hull of points on its surface (exact for boxes, a
    /// 24-gon approximation for round shapes).
    static func outline(_ geom: GeomOutline, in simulation: Simulation, model: PlanarModel) -> [DrawingPoint] {
        let axes = model.planeAxes, s = geom.size
        var local: [Vector3] = []
        let angles = (0..<24).map { 2 * Double.pi * Double($0) / 24 }
        switch geom.shape {
        case .box:
            for x in [-s.x, s.x] { for y in [-s.y, s.y] { for z in [-s.z, s.z] { local.append(Vector3(x, y, z)) } } }
        case .cylinder:
            for a in angles { for z in [-s.y, s.y] { local.append(Vector3(s.x * cos(a), s.x * sin(a), z)) } }
        case .capsule:
            for a in angles { for z in [-s.y, s.y] { for b in angles {
                local.append(Vector3(s.x * cos(a) * cos(b / 2 - .pi / 2), s.x * sin(a) * cos(b / 2 - .pi / 2),
                                     z + (z < 0 ? -1 : 1) * s.x * abs(sin(b / 2 - .pi / 2))))
            } } }
        case .sphere, .ellipsoid:
            let semi = geom.shape == .sphere ? Vector3(s.x, s.x, s.x) : s
            for a in angles { for b in angles {
                local.append(Vector3(semi.x * cos(a) * cos(b), semi.y * sin(a) * cos(b), semi.z * sin(b)))
            } }
        case .plane:
            return []
        }
        let points = local.map { point -> DrawingPoint in
            let world = simulation.worldPosition(of: geom.bodyPoint(point), inBody: geom.body)
            return DrawingPoint(world[axes.0], world[axes.1])
        }
        return convexHull(points)
    }

    /// The convex hull of `points`, anticlockwise (Andrew's monotone chain).
    static func convexHull(_ points: [DrawingPoint]) -> [DrawingPoint] {
        let sorted = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: DrawingPoint, _ a: DrawingPoint, _ b: DrawingPoint) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [DrawingPoint] = [], upper: [DrawingPoint] = []
        for point in sorted {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], point) <= 1e-15 { lower.removeLast() }
            lower.append(point)
        }
        for point in sorted.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], point) <= 1e-15 { upper.removeLast() }
            upper.append(point)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }
}
