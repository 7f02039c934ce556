import DuetTestSupport
import Foundation
import XCTest

/// `duet envs` end to end: the built executable's help text, list, describe, a trace checked against the
/// committed Gymnasium reference trace, rendering, and every kind of bad input.
final class EnvsCommandTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-envs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    private func duet(_ arguments: [String]) throws -> DuetExecutable.Outcome {
        try DuetExecutable.run(arguments, in: scratch, environment: ["COLUMNS": "80"])
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Asserts a failed run printed exactly one line, `Error: <message>`, and exited with `status`.
    private func assertError(_ arguments: [String], _ message: String, status: Int32 = 1,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try duet(arguments)
        XCTAssertEqual(outcome.status, status, "\(arguments)", file: file, line: line)
        XCTAssertEqual(outcome.standardOutput, "", "\(arguments)", file: file, line: line)
        XCTAssertEqual(outcome.standardError, "Error: \(message)\n", "\(arguments)", file: file, line: line)
    }

    // MARK: Help, list, describe

    func testHelpText() throws {
        let outcome = try duet(["envs", "--help"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.standardOutput, """
            OVERVIEW: List, describe, trace and render the environments.

            Each environment's specification is envs/<identifier>.md.

            USAGE: duet envs <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              list                    List the environments: identifier, observation and
                                      action dimensions, episode length.
              describe                Describe an environment: its spaces, state, reward,
                                      start state and episode end.
              trace                   Replay actions in an environment and print the
                                      transitions as CSV.
              render                  Draw random-policy episodes as an animated SVG, a GIF
                                      or an MP4.

              See 'duet help envs <subcommand>' for detailed help.

            """)
    }

    func testTraceHelpText() throws {
        let outcome = try duet(["envs", "trace", "--help"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.standardOutput, """
            OVERVIEW: Replay actions in an environment and print the transitions as CSV.

            Output: the header step,obs_0,...,reward,terminated,truncated,state_0,... and
            one row per step (step counts from 1; state_* is the internal state after the
            step), until the episode terminates, is truncated, or the actions run out. The
            run's random streams descend from --seed: 'environment' for the reset and the
            steps, 'actions' for --random.

            USAGE: duet envs trace <identifier> [--state <v1,v2,...>] [--seed <seed>] [--actions <file>] [--random <n>]

            ARGUMENTS:
              <identifier>            The environment's identifier, e.g. Pendulum-v1 (see
                                      `duet envs list`).

            OPTIONS:
              --state <v1,v2,...>     Start from this internal state instead of a reset
                                      draw, e.g. 3.14,0.
                    Comma-separated, in the order of Gymnasium's env.unwrapped.state, or
                    qpos then qvel for the MuJoCo tasks (listed by `duet envs describe`).
              --seed <seed>           Root seed of the trace's random streams. (default: 0)
              --actions <file>        A CSV file with one action per row (no header, or the
                                      header a_0,...).
              --random <n>            Step this many uniformly random actions drawn from
                                      the seed.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testList() throws {
        let outcome = try duet(["envs", "list"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.standardOutput, """
            identifier                 observation  action  steps
            Pendulum-v1                          3       1    200
            MountainCarContinuous-v0             2       1    999
            CartPoleContinuous-v0                4       1    500
            CartPoleSwingUp-v0                   5       1   1000
            AcrobotContinuous-v0                 6       1    500
            InvertedPendulum-v5                  4       1   1000
            InvertedDoublePendulum-v5            9       1   1000
            Reacher-v5                          10       2     50
            Swimmer-v5                           8       2   1000
            Hopper-v5                           11       3   1000
            HalfCheetah-v5                      17       6   1000
            Walker2d-v5                         17       6   1000

            """)
        XCTAssertEqual(outcome.standardError, "")
    }

    func testDescribe() throws {
        let outcome = try duet(["envs", "describe", "MountainCarContinuous-v0"])
        XCTAssertEqual(outcome.status, 0)
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "MountainCarContinuous-v0: Drive an under-powered car out of a valley to the "
            + "flag on the right hill by building momentum.")
        XCTAssertTrue(lines.contains("  0  position p  [-1.2, 0.6]"), "\(lines)")
        XCTAssertTrue(lines.contains("episode end: terminates when p ≥ 0.45 and v ≥ 0; truncated at 999 steps"))
        XCTAssertEqual(lines.last, "specification: envs/MountainCarContinuous-v0.md")
    }

    /// A MuJoCo task's description lists its model's bodies, joints and motors.
    func testDescribeShowsTheModel() throws {
        let outcome = try duet(["envs", "describe", "Swimmer-v5"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("model: envs/models/swimmer.xml (MJCF 'swimmer'), RK4, h = 0.01 s × frame skip 4") },
                      "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("  body mid ← torso at (0.5, 0.0, 0.0): m 35.604716740684324 kg") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("  joint motor1_rot: hinge about/along (0.0, 0.0, 1.0) in mid") }, "\(lines)")
        XCTAssertTrue(lines.contains("  motor on motor2_rot: gear 150.0, ctrl [-1.0, 1.0]"), "\(lines)")
        XCTAssertEqual(lines.last, "specification: envs/Swimmer-v5.md")
    }

    // MARK: Traces

    /// The first Reacher case of the committed MuJoCo replay through the command line: --state is qpos then qvel,
    /// the state columns are qpos and qvel after each step, and both match Gymnasium's to round-off.
    func testMuJoCoTraceMatchesTheGymnasiumReplay() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("envs/reference/mujoco/Reacher-v5.json"))
        let fixture = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let first = try XCTUnwrap((fixture["cases"] as? [[String: Any]])?.first)
        let start = try XCTUnwrap(first["start_qpos"] as? [Double]) + XCTUnwrap(first["start_qvel"] as? [Double])
        let steps = try XCTUnwrap(first["steps"] as? [[String: Any]])
        let actions = try steps.map { try XCTUnwrap($0["action"] as? [Double]) }
        let file = try write("reacher.csv", "a_0,a_1\n" + actions.map { "\($0[0]),\($0[1])\n" }.joined())
        let outcome = try duet(["envs", "trace", "Reacher-v5", "--state", start.map { "\($0)" }.joined(separator: ","),
                                "--actions", file])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(lines.first?.count, 1 + 10 + 3 + 8)
        XCTAssertEqual(lines.count, 1 + 50)
        XCTAssertEqual(lines.last?[13], "1")  // truncated at the time limit
        for (printed, expected) in zip(lines.dropFirst(), steps) {
            let state = try XCTUnwrap(expected["qpos"] as? [Double]) + XCTUnwrap(expected["qvel"] as? [Double])
            for (value, reference) in zip(printed[14...].compactMap { Double($0) }, state) {
                XCTAssertEqual(value, reference, accuracy: 1e-12 * max(abs(reference), 1))
            }
        }
    }

    /// The Pendulum speed-clip case of the committed Gymnasium trace, replayed through the command line:
    /// the printed states equal Gymnasium's bit for bit, observations and rewards too.
    func testTraceMatchesTheGymnasiumReference() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let reference = try String(contentsOf: root.appendingPathComponent("envs/reference/traces/Pendulum-v1.csv"),
                                   encoding: .utf8)
        let rows = reference.split(separator: "\n").filter { $0.hasPrefix("speed-clip-positive,") }
            .map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.count, 30)
        // case,step,action_0,state_before_0,state_before_1,state_0,state_1,obs_0,obs_1,obs_2,reward,term,trunc
        let actions = try write("actions.csv", "a_0\n" + rows.map { $0[2] + "\n" }.joined())
        let start = rows[0][3] + "," + rows[0][4]
        let outcome = try duet(["envs", "trace", "Pendulum-v1", "--state", start, "--actions", actions])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(lines.first, ["step", "obs_0", "obs_1", "obs_2", "reward", "terminated", "truncated",
                                     "state_0", "state_1"])
        XCTAssertEqual(lines.count, 1 + 30)
        for (printed, expected) in zip(lines.dropFirst(), rows) {
            XCTAssertEqual(printed[0], expected[1])                                      // step
            XCTAssertEqual(printed[1...3].map { Float($0) }, expected[7...9].map { Float($0) })  // observation
            XCTAssertEqual(Double(printed[4]), Double(expected[10]))                      // reward
            XCTAssertEqual(printed[5...6], ["0", "0"])
            XCTAssertEqual(printed[7...8].map { Double($0) }, expected[5...6].map { Double($0) })  // state
        }
    }

    func testRandomTraceStopsAtTheTimeLimitAndNegativeStatesParse() throws {
        let outcome = try duet(["envs", "trace", "Pendulum-v1", "--state", "-1,0.5", "--random", "250", "--seed", "3"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 200)
        XCTAssertTrue(lines[200].hasPrefix("200,"))
        XCTAssertEqual(lines[200].split(separator: ",")[5...6], ["0", "1"])
        XCTAssertEqual(try duet(["envs", "trace", "Pendulum-v1", "--state", "-1,0.5", "--random", "250",
                                 "--seed", "3"]).standardOutput, outcome.standardOutput)
    }

    func testTraceStopsAtTermination() throws {
        let actions = try write("actions.csv", "1\n1\n1\n")
        let outcome = try duet(["envs", "trace", "MountainCarContinuous-v0", "--state", "0.44,0.02",
                                "--actions", actions])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let lines = outcome.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[1].split(separator: ",")[3...5], ["99.9", "1", "0"])
    }

    // MARK: Bad input

    func testUnknownIdentifierNamesTheAcceptedOnes() throws {
        let accepted = "Pendulum-v1, MountainCarContinuous-v0, CartPoleContinuous-v0, CartPoleSwingUp-v0, "
            + "AcrobotContinuous-v0, InvertedPendulum-v5, InvertedDoublePendulum-v5, Reacher-v5, Swimmer-v5, "
            + "Hopper-v5, HalfCheetah-v5, Walker2d-v5"
        try assertError(["envs", "trace", "Pendulum-v0", "--random", "3"],
                        "unknown environment 'Pendulum-v0'; accepted: \(accepted)")
        try assertError(["envs", "describe", "pendulum"], "unknown environment 'pendulum'; accepted: \(accepted)")
    }

    func testBadStates() throws {
        try assertError(["envs", "trace", "Pendulum-v1", "--state", "1,2,3", "--random", "3"],
                        "Pendulum has a state of 2 values, got 3")
        try assertError(["envs", "trace", "CartPoleContinuous-v0", "--state", "0,0,nan,0", "--random", "3"],
                        "CartPoleContinuous state component 2 is nan; states must be finite")
        try assertError(["envs", "trace", "Pendulum-v1", "--state", "1,x", "--random", "3"],
                        "--state '1,x': value 1 'x' is not a number")
    }

    func testBadActionFiles() throws {
        let twoColumns = try write("two.csv", "0.5\n0.1,0.2\n")
        try assertError(["envs", "trace", "Pendulum-v1", "--actions", twoColumns],
                        "\(twoColumns):2: expected 1 value, found 2 in '0.1,0.2'")
        let text = try write("text.csv", "a_0\n0.5\nfast\n")
        try assertError(["envs", "trace", "Pendulum-v1", "--actions", text], "\(text):3: 'fast' is not a number")
        let nan = try write("nan.csv", "0.5\nnan\n")
        try assertError(["envs", "trace", "Pendulum-v1", "--actions", nan], "\(nan):2: 'nan' is not finite")
        let missing = scratch.appendingPathComponent("missing.csv").path
        try assertError(["envs", "trace", "Pendulum-v1", "--actions", missing], "cannot read \(missing): no such file")
    }

    func testMissingOrDoubleActionSourceIsAUsageError() throws {
        for arguments in [["envs", "trace", "Pendulum-v1"],
                          ["envs", "trace", "Pendulum-v1", "--random", "3", "--actions", "a.csv"]] {
            let outcome = try duet(arguments)
            XCTAssertEqual(outcome.status, 64, "\(arguments)")
            XCTAssertTrue(outcome.standardError.hasPrefix("Error: give "), outcome.standardError)
            XCTAssertEqual(outcome.standardOutput, "")
        }
    }

    // MARK: Rendering

    func testRenderHelpText() throws {
        let outcome = try duet(["envs", "render", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "envs-render-help.txt")
    }

    /// A short random episode as an SVG: one frame group per state (the reset and each step), reported on one
    /// line; the same seed writes the same file, and two episodes side by side double the width.
    func testRenderWritesOneFramePerState() throws {
        let outcome = try duet(["envs", "render", "CartPoleSwingUp-v0", "--steps", "7", "--seed", "4", "-o", "a.svg"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let svg = try String(contentsOf: scratch.appendingPathComponent("a.svg"), encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "class=\"f\"").count - 1, 8)
        XCTAssertTrue(outcome.standardOutput.hasPrefix("wrote a.svg: 8 frames, 480 × 320 px, \(svg.utf8.count) bytes; return "),
                      outcome.standardOutput)
        _ = try duet(["envs", "render", "CartPoleSwingUp-v0", "--steps", "7", "--seed", "4", "-o", "b.svg"])
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("b.svg"), encoding: .utf8), svg)
        let pair = try duet(["envs", "render", "Reacher-v5", "--random", "2", "--steps", "3", "-o", "pair.gif"])
        XCTAssertEqual(pair.status, 0, pair.standardError)
        XCTAssertTrue(pair.standardOutput.hasPrefix("wrote pair.gif: 4 frames, 640 × 320 px"), pair.standardOutput)
    }

    func testRenderErrorsNameTheFlagAndLeaveNoFile() throws {
        let unknown = try duet(["envs", "render", "Pendulum", "-o", "p.svg"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.standardError.hasPrefix("Error: unknown environment 'Pendulum'; accepted: Pendulum-v1, "),
                      unknown.standardError)
        XCTAssertEqual(unknown.standardError.filter { $0 == "\n" }.count, 1)
        try assertError(["envs", "render", "Pendulum-v1", "-o", "p.png"],
                        "-o p.png: unknown output format; accepted extensions are .svg, .gif, .mp4")
        try assertError(["envs", "render", "Pendulum-v1", "-o", "missing/p.svg"],
                        "-o missing/p.svg: cannot write the file (no such folder)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
        let outcome = try duet(["envs", "render", "Pendulum-v1", "--random", "9"])
        XCTAssertEqual(outcome.status, 64)
        XCTAssertTrue(outcome.standardError.hasPrefix("Error: --random must be 1 to 8, got 9\n"), outcome.standardError)
    }
}
