import DuetEnvironments
import DuetPhysics
import DuetRandom
import Foundation
import XCTest

/// The MuJoCo tasks against Gymnasium v5 on MuJoCo 4.0: open-loop replays of `envs/reference/mujoco/<id>.json`
/// (from `envs/reference/mujoco_fixtures.py`) from Gymnasium's post-reset state with the same float32 actions,
/// over the horizons where round-off stays small (simulator.md §3: IP 100, IDP and Reacher 50, Swimmer 300
/// control steps). Compared each step: the state (qpos, qvel) to `stateTolerance` relative (to max(|x|, 1)),
/// the observation to two float32 ulps of Gymnasium's float64 value (or that step's state error, if larger),
/// the reward to `rewardTolerance`, the flags exactly.
///
/// Two things carry round-off-level differences beyond 1e-13: the balancing InvertedPendulum cases (an
/// upright pole amplifies any difference by about e^{λt}, λ ≈ 5/s: MuJoCo itself, started 1e-15 off, ends
/// 1.7e-10 away), and active joint limits, where Gymnasium's MuJoCo stops its constraint solver at tolerance
/// 1e-8, short of the exact minimiser Duet computes (ForwardParityTests). The state tolerance leaves room for
/// both; the test prints the largest errors it saw.
final class MuJoCoTaskParityTests: XCTestCase {
    let stateTolerance = 1e-6
    let rewardTolerance = 1e-6

    struct Fixture: Decodable {
        struct Step: Decodable {
            var action, observation: [Double]
            var reward: Double
            var terminated, truncated: Bool
            var qpos, qvel: [Double]
        }
        struct Case: Decodable {
            var start_qpos, start_qvel: [Double]
            var steps: [Step]
        }
        var identifier: String
        var horizon: Int
        var cases: [Case]
    }

    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    func testInvertedPendulumMatchesGymnasium() throws { try replay("InvertedPendulum-v5") }
    func testInvertedDoublePendulumMatchesGymnasium() throws { try replay("InvertedDoublePendulum-v5") }
    func testReacherMatchesGymnasium() throws { try replay("Reacher-v5") }
    func testSwimmerMatchesGymnasium() throws { try replay("Swimmer-v5") }
    /// The locomotion tasks, contacts active in most steps (`mujoco_contact_fixtures.py`): Hopper and Walker2d
    /// over 100 control steps (or to termination), HalfCheetah over 10 (its amplification, simulator.md §3).
    func testHopperMatchesGymnasium() throws { try replay("Hopper-v5") }
    func testHalfCheetahMatchesGymnasium() throws { try replay("HalfCheetah-v5") }
    func testWalker2dMatchesGymnasium() throws { try replay("Walker2d-v5") }

    /// The environments embed envs/models/*.xml byte for byte (run envs/reference/embed_models.py if not).
    func testEmbeddedModelsEqualTheFilesInEnvsModels() throws {
        let embedded: [(String, PlanarModel)] = [
            ("inverted_pendulum.xml", InvertedPendulum.physicsModel),
            ("inverted_double_pendulum.xml", InvertedDoublePendulum.physicsModel),
            ("reacher.xml", Reacher.physicsModel), ("swimmer.xml", Swimmer.physicsModel),
            ("hopper.xml", Hopper.physicsModel), ("half_cheetah.xml", HalfCheetah.physicsModel),
            ("walker2d_v5.xml", Walker2d.physicsModel),
        ]
        for (file, model) in embedded {
            let fromFile = try MJCF.load(contentsOfFile: Self.root.appendingPathComponent("envs/models/\(file)").path)
            XCTAssertEqual(model.model, fromFile, file)
        }
        let source = try String(contentsOf: Self.root.appendingPathComponent("Sources/DuetEnvironments/MuJoCoModelFiles.swift"),
                                encoding: .utf8)
        for (file, _) in embedded {
            let text = try String(contentsOf: Self.root.appendingPathComponent("envs/models/\(file)"), encoding: .utf8)
            XCTAssertTrue(source.contains(text + "\n\"\"\"#"), "\(file) is not embedded verbatim")
        }
    }

    /// `duet envs describe` lists the model's bodies and joints.
    func testDescriptionListsBodiesAndJoints() throws {
        let lines = try EnvironmentRegistry.registration("Reacher-v5").describe()
        XCTAssertTrue(lines.contains { $0.hasPrefix("model: envs/models/reacher.xml (MJCF 'reacher'), RK4, h = 0.01 s") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("  body body1 ← body0 at (0.1, 0.0, 0.0): m 0.0356047167406843") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("  joint joint1: hinge about/along (0.0, 0.0, 1.0) in body1") })
        XCTAssertEqual(lines.filter { $0.hasPrefix("  joint ") }.count, 4)
        XCTAssertEqual(lines.filter { $0.hasPrefix("  body ") }.count, 4)
    }

    private func replay(_ identifier: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.root.appendingPathComponent("envs/reference/mujoco/\(identifier).json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let registration = try EnvironmentRegistry.registration(identifier)
        let stream = RandomStream(seed: 0, name: "parity")
        var worstState = 0.0, worstReward = 0.0, steps = 0
        for (caseIndex, reference) in fixture.cases.enumerated() {
            var environment = registration.make()
            _ = environment.reset(using: stream)
            try environment.setState(reference.start_qpos + reference.start_qvel)
            for (index, expected) in reference.steps.enumerated() {
                let context = "\(identifier) case \(caseIndex) step \(index + 1)"
                let transition = try environment.step(expected.action.map { Float($0) }, using: stream)
                let stateError = zip(environment.state, expected.qpos + expected.qvel)
                    .map { abs($0 - $1) / max(abs($1), 1) }.max() ?? .infinity
                worstState = max(worstState, stateError)
                worstReward = max(worstReward, abs(transition.reward - expected.reward))
                steps += 1
                XCTAssertLessThanOrEqual(stateError, stateTolerance, "\(context): state", file: file, line: line)
                XCTAssertLessThanOrEqual(abs(transition.reward - expected.reward), rewardTolerance,
                                         "\(context): reward \(transition.reward) vs \(expected.reward)", file: file, line: line)
                for (ours, theirs) in zip(transition.observation, expected.observation) {
                    let rounded = Float(theirs)
                    let allowed = max(2 * rounded.ulp, Float(2 * stateError * max(abs(theirs), 1)))
                    XCTAssertLessThanOrEqual(abs(ours - rounded), allowed,
                                             "\(context): observation \(transition.observation) vs \(expected.observation)",
                                             file: file, line: line)
                }
                XCTAssertEqual(transition.isTerminal, expected.terminated, "\(context): terminated", file: file, line: line)
                XCTAssertEqual(transition.isTruncated, expected.truncated, "\(context): truncated", file: file, line: line)
                if transition.isLast { break }
            }
        }
        print("\(identifier): \(steps) steps in \(fixture.cases.count) cases, largest relative state error "
              + "\(worstState), largest reward error \(worstReward)")
    }
}
