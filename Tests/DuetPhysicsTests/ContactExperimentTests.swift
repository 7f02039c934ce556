import DuetPhysics
import Foundation
import XCTest

/// Whole contact events against MuJoCo (`Fixtures/contact_experiments.json` from
/// `envs/reference/mujoco_contact_fixtures.py`, models written into the fixture): a capsule of 5 kg on a planar
/// root dropped with its centre at 0.3 m, with Hopper's, Walker2d's and HalfCheetah's contact parameters and
/// capsule radii, through impact and bounce to rest; and a 1 kg box of 0.2 m pushed along the floor at 2 m/s until
/// friction stops it. Every physics step's state is compared for 2 s.
final class ContactExperimentTests: XCTestCase {
    struct Experiment: Decodable {
        var name, xml: String
        var radius, timestep: Double
        var start_qvel: [Double]
        var qpos, qvel: [[Double]]
        var ncon: [Int]
    }
    struct Fixture: Decodable { var experiments: [Experiment] }

    let tolerance = 1e-8

    func experiments() throws -> [Experiment] {
        let url = MuJoCoFixture.root.appendingPathComponent("Tests/DuetPhysicsTests/Fixtures/contact_experiments.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).experiments
    }

    /// The drop: first contact on the same step as MuJoCo (simulator.md: 0.222 s with Hopper's and Walker2d's
    /// parameters, 0.240 s with HalfCheetah's), the same peak and resting penetration, every state to 1e-8.
    func testDropsMatchMuJoCo() throws {
        for experiment in try experiments() where experiment.name.hasPrefix("drop") {
            var simulation = Simulation(try PlanarModel(try MJCF.read(experiment.xml, file: experiment.name)))
            var worst = 0.0, firstContact: Int?, peak = 0.0
            for (index, (qpos, qvel)) in zip(experiment.qpos, experiment.qvel).enumerated() {
                simulation.step()  // its contact count is that of the step's last evaluation, as MuJoCo's ncon
                worst = max(worst, relativeError(simulation.positions + simulation.velocities, qpos + qvel))
                if firstContact == nil && simulation.activeContactCount > 0 { firstContact = index + 1 }
                peak = max(peak, experiment.radius - (0.3 + simulation.positions[1]))
            }
            let expectedPeak = experiment.qpos.map { experiment.radius - (0.3 + $0[1]) }.max() ?? 0
            let rest = experiment.radius - (0.3 + simulation.positions[1])
            let expectedRest = experiment.radius - (0.3 + (experiment.qpos.last?[1] ?? 0))
            let time = Double(firstContact ?? 0) * experiment.timestep
            print("\(experiment.name): first contact \(time) s, peak penetration \(peak * 1000) mm (MuJoCo "
                  + "\(expectedPeak * 1000)), at 2 s \(rest * 1000) mm (MuJoCo \(expectedRest * 1000)), largest "
                  + "relative state error \(worst)")
            XCTAssertLessThanOrEqual(worst, tolerance, experiment.name)
            XCTAssertEqual(time, experiment.name.hasSuffix("HalfCheetah") ? 0.24 : 0.222, accuracy: 1e-9, experiment.name)
        }
    }

    /// The slide: the box stops where MuJoCo's does, and where the pyramidal cone in the plane says. Its four
    /// edges J_n ± μ·J_t1, J_n ± μ·J_t2 share the normal load equally (the same R), and the t2 edges, normal
    /// to the plane of motion, carry no friction: while it slides the box decelerates at μ·g/2 = 4.905 m/s²
    /// and it comes to rest v₀²/(μ·g) = 4/9.81 = 0.408 m further on (μ = max(1, 0.5) = 1, the floor's); the
    /// soft contact lets the last millimetre creep, so the deceleration is timed between 1.5 and 0.5 m/s.
    func testSlidingBoxStopsAsThePyramidalConeSays() throws {
        let experiment = try XCTUnwrap(try experiments().first { $0.name == "slide" })
        var simulation = Simulation(try PlanarModel(try MJCF.read(experiment.xml, file: "slide")))
        simulation.setState(positions: [0, 0, 0], velocities: experiment.start_qvel)
        var worst = 0.0, fast: Double?, slow: Double?
        for (index, (qpos, qvel)) in zip(experiment.qpos, experiment.qvel).enumerated() {
            simulation.step()
            worst = max(worst, relativeError(simulation.positions + simulation.velocities, qpos + qvel))
            let time = Double(index + 1) * experiment.timestep
            if fast == nil && simulation.velocities[0] < 1.5 { fast = time }
            if slow == nil && simulation.velocities[0] < 0.5 { slow = time }
        }
        let (μ, g, v0) = (1.0, 9.81, experiment.start_qvel[0])
        let distance = simulation.positions[0]
        let deceleration = 1 / (try XCTUnwrap(slow) - (try XCTUnwrap(fast)))
        print("slide: deceleration \(deceleration) m/s² (pyramid in the plane: \(μ * g / 2)), at rest after "
              + "\(distance) m (\(v0 * v0 / (μ * g))), largest relative state error \(worst)")
        XCTAssertLessThanOrEqual(worst, tolerance)
        XCTAssertEqual(deceleration, μ * g / 2, accuracy: 0.02 * μ * g / 2)
        XCTAssertEqual(distance, v0 * v0 / (μ * g), accuracy: 0.01 * v0 * v0 / (μ * g))
        XCTAssertEqual(simulation.velocities[0], 0, accuracy: 1e-6)
    }
}
