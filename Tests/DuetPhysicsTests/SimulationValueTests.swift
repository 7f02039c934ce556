import DuetPhysics
import XCTest

/// `Simulation` keeps value semantics although its pipeline runs in a shared, pointer-backed workspace
/// (copy-on-write): copies evolve independently, and a copy made mid-run continues exactly as the original.
final class SimulationValueTests: XCTestCase {
    func simulation(_ name: String) throws -> Simulation {
        try Simulation(contentsOfFile: MuJoCoFixture.modelPath(name))
    }

    func testACopyKeepsTheOriginalsEvaluationWhenTheOtherSteps() throws {
        var original = try simulation("swimmer")
        original.controls = [0.4, -0.7]
        original.setState(positions: [0.1, -0.2, 0.3, 1.0, -0.5], velocities: [0.5, -0.3, 0.2, 1.0, -1.5])
        let accelerations = original.accelerations, mass = original.massMatrix
        let tail = original.bodyPosition(3), force = original.passiveForce
        var copy = original
        copy.step(frames: 7)
        XCTAssertEqual(original.accelerations, accelerations)
        XCTAssertEqual(original.massMatrix, mass)
        XCTAssertEqual(original.passiveForce, force)
        XCTAssertEqual(original.bodyPosition(3), tail)
        XCTAssertNotEqual(copy.positions, original.positions)
    }

    func testACopyContinuesBitForBitAsTheOriginal() throws {
        for name in ["inverted_pendulum", "inverted_double_pendulum", "reacher", "swimmer"] {
            var original = try simulation(name)
            for index in original.controls.indices { original.controls[index] = 0.9 - 0.6 * Double(index) }
            original.step(frames: 5)
            var copy = original
            original.step(frames: 11)
            copy.step(frames: 11)
            XCTAssertEqual(copy.positions, original.positions, name)
            XCTAssertEqual(copy.velocities, original.velocities, name)
            XCTAssertEqual(copy.constraintForce, original.constraintForce, name)
            XCTAssertEqual(copy.time, original.time, name)
            for dof in 0..<original.model.dofCount {
                XCTAssertEqual(copy.constraintForce(dof), original.constraintForce[dof], name)
            }
        }
    }

    func testStepsUseTheStateAsAssigned() throws {
        // Positions, velocities and controls are plain arrays: assigning them between steps is what the next
        // step integrates from.
        var a = try simulation("reacher"), b = try simulation("reacher")
        a.positions = [0.3, -1.0, 0.1, -0.1]
        a.velocities = [0.5, 2.0, 0, 0]
        a.controls = [1, -1]
        a.step(frames: 2)
        b.controls = [1, -1]
        b.setState(positions: [0.3, -1.0, 0.1, -0.1], velocities: [0.5, 2.0, 0, 0])
        b.step(frames: 2)
        XCTAssertEqual(a.positions, b.positions)
        XCTAssertEqual(a.velocities, b.velocities)
    }
}
