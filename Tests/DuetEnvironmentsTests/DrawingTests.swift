import DuetEnvironments
import DuetPhysics
import Foundation
import XCTest

/// Drawings put each body where the state says: hand-worked positions for a known state of every task family,
/// and the generic MuJoCo drawing checked against the simulation's own body and site positions.
final class DrawingTests: XCTestCase {
    /// The shapes of `drawing` of one kind.
    private func circles(_ drawing: Drawing) -> [(DrawingPoint, Double)] {
        drawing.elements.compactMap { if case let .circle(c, r) = $0.shape { return (c, r) }; return nil }
    }
    private func capsules(_ drawing: Drawing) -> [(DrawingPoint, DrawingPoint, Double)] {
        drawing.elements.compactMap { if case let .capsule(a, b, r) = $0.shape { return (a, b, r) }; return nil }
    }
    private func polygons(_ drawing: Drawing) -> [[DrawingPoint]] {
        drawing.elements.compactMap { if case let .polygon(p) = $0.shape { return p }; return nil }
    }
    private func centre(_ points: [DrawingPoint]) -> DrawingPoint { points.reduce(.zero, +) / Double(points.count) }
    private func assertClose(_ a: DrawingPoint, _ b: DrawingPoint, _ accuracy: Double = 1e-9,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.x, b.x, accuracy: accuracy, "x of \(a) vs \(b)", file: file, line: line)
        XCTAssertEqual(a.y, b.y, accuracy: accuracy, "y of \(a) vs \(b)", file: file, line: line)
    }

    func testEveryRegisteredEnvironmentIsDrawable() throws {
        for registration in EnvironmentRegistry.all {
            let environment = registration.make()
            let drawable = try XCTUnwrap(environment as? any Drawable, registration.identifier)
            XCTAssertFalse(drawable.drawing.elements.isEmpty, registration.identifier)
            XCTAssertGreaterThan(drawable.secondsPerStep, 0, registration.identifier)
        }
    }

    func testPendulumRodPointsAlongTheAngle() throws {
        // θ = π/2 is a quarter turn anticlockwise from upright: the tip is at (−1, 0).
        var pendulum = Pendulum()
        try pendulum.setState([Double.pi / 2, 0])
        let rod = try XCTUnwrap(capsules(pendulum.drawing).first)
        assertClose(rod.0, .zero)
        assertClose(rod.1, DrawingPoint(-1, 0))
        XCTAssertEqual(rod.2, 0.1)
    }

    func testCartAndPoleSitAtXAndLeanByTheta() throws {
        // x = 1, θ = 0.3: the cart is centred at (1, 0); the pole's far edge is centred 2l − w/2 = 0.96 from
        // the axle (1, 0.06) along (sin θ, cos θ).
        var cartPole = CartPoleContinuous()
        try cartPole.setState([1, 0, 0.3, 0])
        let shapes = polygons(cartPole.drawing)
        XCTAssertEqual(shapes.count, 2)
        assertClose(centre(shapes[0]), DrawingPoint(1, 0))
        let pole = shapes[1]
        let farEnd = (pole[2] + pole[3]) / 2
        assertClose(farEnd, DrawingPoint(1, 0.06) + 0.96 * DrawingPoint(sin(0.3), cos(0.3)))
        // Swing-up hangs from the same axle at θ = π.
        var swingUp = CartPoleSwingUp()
        try swingUp.setState([-0.5, 0, Double.pi, 0])
        let hanging = polygons(swingUp.drawing)[1]
        assertClose((hanging[2] + hanging[3]) / 2, DrawingPoint(-0.5, 0.06 - 0.96), 1e-12)
    }

    func testMountainCarRidesTheHill() throws {
        var car = MountainCarContinuous()
        try car.setState([-0.5, 0])
        let body = polygons(car.drawing)[1]  // after the flag
        // The body's bottom edge midpoint is 10 px (0.03) above the track, turned by cos(3x).
        let bottom = (body[0] + body[1]) / 2
        let hill = DrawingPoint(-0.5, sin(-1.5) * 0.45 + 0.55)
        assertClose(bottom, hill + DrawingPoint(0, 0.03).rotated(by: cos(-1.5)))
    }

    func testAcrobotJointsFollowTheAngles() throws {
        // θ1 = π/2 swings the first link to the right (elbow (1, 0)); θ2 = π/2 turns the second up (tip (1, 1)).
        var acrobot = AcrobotContinuous()
        try acrobot.setState([Double.pi / 2, Double.pi / 2, 0, 0])
        let joints = circles(acrobot.drawing).map(\.0)
        assertClose(joints[0], .zero)
        assertClose(joints[1], DrawingPoint(1, 0), 1e-12)
        let secondLink = polygons(acrobot.drawing)[1]
        assertClose(centre(secondLink), DrawingPoint(1, 0.5), 1e-12)
    }

    func testMuJoCoGeomsFollowTheBodies() throws {
        // InvertedPendulum at slider 0.5, hinge 0.3: the cart capsule is centred on x = 0.5, the pole runs from the
        // cart to (0.5, 0) + R(−0.3)·(0.001, 0.6) (a hinge about +y turns x towards −z).
        var pendulum = InvertedPendulum()
        try pendulum.setState([0.5, 0.3, 0, 0])
        let parts = capsules(pendulum.drawing)
        XCTAssertEqual(parts.count, 3)  // rail, cart, pole
        assertClose((parts[1].0 + parts[1].1) / 2, DrawingPoint(0.5, 0), 1e-12)
        XCTAssertEqual(parts[1].2, 0.1)
        let tip = DrawingPoint(0.5 + 0.001 * cos(0.3) + 0.6 * sin(0.3), -0.001 * sin(0.3) + 0.6 * cos(0.3))
        let ends = [parts[2].0, parts[2].1].sorted { $0.y < $1.y }
        assertClose(ends[0], DrawingPoint(0.5, 0), 1e-12)
        assertClose(ends[1], tip, 1e-12)

        // Reacher: the fingertip sphere and the target sphere are where the simulation puts their bodies.
        var reacher = Reacher()
        try reacher.setState([0.4, -0.7, 0.05, 0.12, 0, 0, 0, 0])
        let spheres = circles(reacher.drawing)
        let model = Reacher.physicsModel.model
        for name in ["fingertip", "target"] {
            let body = try XCTUnwrap(model.bodyIndex(named: name))
            let position = reacher.simulation.bodyPosition(body)
            XCTAssertTrue(spheres.contains { ($0.0 - DrawingPoint(position.x, position.y)).squaredLength < 1e-24 }, name)
        }
        XCTAssertTrue(spheres.contains { ($0.0 - DrawingPoint(0.05, 0.12)).squaredLength < 1e-24 })
    }

    func testInvertedDoublePendulumTipIsTheModelsSite() throws {
        var pendulum = InvertedDoublePendulum()
        try pendulum.setState([0.2, 0.4, -0.9, 0, 0, 0])
        let upper = capsules(pendulum.drawing).last.map { [$0.0, $0.1] } ?? []
        let site = pendulum.simulation.sitePosition(try XCTUnwrap(InvertedDoublePendulum.physicsModel.model.siteIndex(named: "tip")))
        XCTAssertTrue(upper.contains { ($0 - DrawingPoint(site.x, site.z)).squaredLength < 1e-24 }, "\(upper) vs \(site)")
    }

    func testSwimmerViewFollowsItsCentreOfMass() throws {
        // Sliding the whole swimmer by (3, −2) moves the view by as much; bending it moves the view with its
        // centre of mass (the mean of the three equal links' centres, (0, 0) at q₀).
        var swimmer = Swimmer()
        let still = swimmer.drawing.viewport
        try swimmer.setState([3, -2, 0, 0, 0, 0, 0, 0, 0, 0])
        let moved = swimmer.drawing.viewport
        assertClose(moved.centre - still.centre, DrawingPoint(3, -2), 1e-12)
        try swimmer.setState([0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
        let model = Swimmer.physicsModel.model
        let centres = (1..<model.bodies.count).map { swimmer.simulation.bodyCentreOfMass($0) }
        let mean = centres.reduce(Vector3.zero, +) / Double(centres.count)
        assertClose(swimmer.drawing.viewport.centre - still.centre, DrawingPoint(mean.x, mean.y), 1e-12)
        XCTAssertEqual(moved.width, still.width)
        // The pendulums' rails are limited slides: their views stay put.
        var pendulum = InvertedPendulum()
        let fixed = pendulum.drawing.viewport
        try pendulum.setState([0.9, 0, 0, 0])
        XCTAssertEqual(pendulum.drawing.viewport, fixed)
    }

    func testGeomReaderMatchesTheModelsBodies() throws {
        // Every geom's body exists and the reader's fromto handling gives the pole's 0.3 half-length.
        let geoms = InvertedDoublePendulum.scenery.geoms.sorted { $0.body < $1.body }
        let model = InvertedDoublePendulum.physicsModel.model
        XCTAssertEqual(Set(geoms.map(\.name)), ["floor", "rail", "cart", "cpole", "cpole2"])
        XCTAssertEqual(geoms.map { model.bodies[$0.body].name }, ["world", "world", "cart", "pole", "pole2"])
        let pole = try XCTUnwrap(geoms.first { $0.name == "cpole" })
        XCTAssertEqual(pole.size.y, 0.3, accuracy: 1e-12)
        XCTAssertEqual(pole.colour, SIMD4(0, 0.7, 0.7, 1))
        XCTAssertEqual(geoms.first { $0.name == "cart" }?.colour, SIMD4(0.7, 0.7, 0, 1))  // from the default class
    }
}

final class GeomReaderTests: XCTestCase {
    /// The drawing's geoms agree with the compiled model's (read by the physics' own reader) in body, shape,
    /// size, position and axis, for every MuJoCo task: the two readers of one document cannot drift apart.
    func testDrawnGeomsAreTheCompiledModelsGeoms() {
        let sceneries = [InvertedPendulum.scenery, InvertedDoublePendulum.scenery, Reacher.scenery, Swimmer.scenery,
                         Hopper.scenery, HalfCheetah.scenery, Walker2d.scenery]
        func axis(_ q: SIMD4<Double>) -> Vector3 {  // the geom's z axis, q·(0, 0, 1)·q*
            Vector3(2 * (q[1] * q[3] + q[0] * q[2]), 2 * (q[2] * q[3] - q[0] * q[1]), 1 - 2 * (q[1] * q[1] + q[2] * q[2]))
        }
        func key(_ body: Int, _ shape: String, _ size: Vector3, _ position: Vector3, _ orientation: SIMD4<Double>) -> String {
            let numbers = [size.x, size.y, size.z, position.x, position.y, position.z] + [0, 1, 2].map { axis(orientation)[$0] }
            return "\(body) \(shape) " + numbers.map { String(format: "%.9f", $0 == 0 ? 0 : $0) }.joined(separator: " ")
        }
        for scenery in sceneries {
            let model = scenery.model.model
            let drawn = scenery.geoms.map { key($0.body, $0.shape.rawValue, $0.size, $0.position, $0.orientation) }.sorted()
            let compiled = model.geoms.map { key($0.body, $0.shape.rawValue, $0.size, $0.position, $0.orientation) }.sorted()
            XCTAssertEqual(drawn, compiled, model.file)
        }
    }

    func testAxisAngleFollowsTheCompilersAngleUnit() throws {
        // A capsule turned 90° about y (given in degrees, then in radians) lies along x: its local z is world x.
        for (unit, angle) in [("degree", "90"), ("radian", "1.5707963267948966")] {
            let document = """
                <mujoco><compiler angle="\(unit)"/><worldbody><body name="b">
                <geom type="capsule" size="0.1 0.5" axisangle="0 1 0 \(angle)" rgba="1 0 0 1"/>
                </body></worldbody></mujoco>
                """
            let geom = try XCTUnwrap(try MJCF.geoms(document, file: "test.xml").first)
            XCTAssertEqual(geom.body, 1)
            let end = geom.bodyPoint(Vector3(0, 0, geom.size.y))
            XCTAssertEqual(end.x, 0.5, accuracy: 1e-12, unit)
            XCTAssertEqual(end.z, 0, accuracy: 1e-12, unit)
            XCTAssertEqual(geom.colour, SIMD4(1, 0, 0, 1))
        }
    }
}

extension DrawingPoint {
    /// x² + y².
    var squaredLength: Double { (self * self).sum() }
}
