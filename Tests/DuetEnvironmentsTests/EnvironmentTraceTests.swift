import DuetEnvironments
import DuetRandom
import Foundation
import XCTest

/// The trace that `duet envs trace` prints: CSV header, rows, stopping rules, and action-file parsing errors.
final class EnvironmentTraceTests: XCTestCase {
    private func trace(_ identifier: String, state: [Double]? = nil, seed: UInt64 = 0,
                       actions: EnvironmentTrace.Actions) throws -> [String] {
        var lines: [String] = []
        try EnvironmentTrace.run(EnvironmentRegistry.registration(identifier), initialState: state, seed: seed,
                                 actions: actions) { lines.append($0) }
        return lines
    }

    func testHeaders() throws {
        XCTAssertEqual(EnvironmentTrace.header(for: try EnvironmentRegistry.registration("Pendulum-v1")),
                       "step,obs_0,obs_1,obs_2,reward,terminated,truncated,state_0,state_1")
        XCTAssertEqual(EnvironmentTrace.header(for: try EnvironmentRegistry.registration("CartPoleSwingUp-v0")),
                       "step,obs_0,obs_1,obs_2,obs_3,obs_4,reward,terminated,truncated,state_0,state_1,state_2,state_3")
    }

    func testRowsFromAStateStopAtTermination() throws {
        // The car at the flag terminates on the first step; the other four actions are not used.
        let lines = try trace("MountainCarContinuous-v0", state: [0.44, 0.02], actions: .table([[1], [1], [1], [1], [1]]))
        XCTAssertEqual(lines.count, 2)
        let cells = lines[1].split(separator: ",").map(String.init)
        XCTAssertEqual(cells.count, 1 + 2 + 3 + 2)
        XCTAssertEqual(cells[0], "1")
        XCTAssertEqual(cells[3], String(100 - 0.1))
        XCTAssertEqual(cells[4...5], ["1", "0"])
        XCTAssertEqual(Double(cells[6]), Double(Float(cells[1])!))  // state_0 is the observed float32 position
    }

    func testRandomActionsStopAtTruncationAndAreSeeded() throws {
        let lines = try trace("Pendulum-v1", seed: 3, actions: .random(count: 500))
        XCTAssertEqual(lines.count, 1 + 200)
        XCTAssertTrue(lines[200].hasPrefix("200,"))
        XCTAssertTrue(lines[200].split(separator: ",")[5...6] == ["0", "1"])
        XCTAssertEqual(try trace("Pendulum-v1", seed: 3, actions: .random(count: 500)), lines)
        XCTAssertNotEqual(try trace("Pendulum-v1", seed: 4, actions: .random(count: 500)), lines)
        // The action stream does not depend on the start state.
        let fromState = try trace("Pendulum-v1", state: [0, 0], seed: 3, actions: .random(count: 3))
        XCTAssertEqual(fromState.count, 4)
    }

    func testTraceMatchesDirectStepping() throws {
        let lines = try trace("AcrobotContinuous-v0", state: [0.1, -0.2, 0.3, -0.4], actions: .table([[0.5], [-2]]))
        var acrobot = AcrobotContinuous()
        try acrobot.setState([0.1, -0.2, 0.3, -0.4])
        let stream = RandomStream(seed: 0)
        for (index, action) in [Float(0.5), -2].enumerated() {
            let transition = try acrobot.step([action], using: stream)
            XCTAssertEqual(lines[index + 1], EnvironmentTrace.row(step: index + 1, transition: transition,
                                                                  state: acrobot.state))
        }
    }

    func testBadStatesAreErrors() {
        XCTAssertThrowsError(try trace("Pendulum-v1", state: [0, 0, 0], actions: .random(count: 1))) { error in
            XCTAssertEqual("\(error)", "Pendulum has a state of 2 values, got 3")
        }
        XCTAssertThrowsError(try trace("Pendulum-v1", state: [0, .nan], actions: .random(count: 1))) { error in
            XCTAssertEqual("\(error)", "Pendulum state component 1 is nan; states must be finite")
        }
    }

    // MARK: Parsing

    func testParsesActionsWithOrWithoutHeader() throws {
        XCTAssertEqual(try EnvironmentTrace.parseActions("0.5\n-1\n\n2e-1\n", path: "a.csv", dimension: 1),
                       [[0.5], [-1], [0.2]])
        XCTAssertEqual(try EnvironmentTrace.parseActions("a_0\r\n0.25\r\n 3 \r\n", path: "a.csv", dimension: 1),
                       [[0.25], [3]])
        XCTAssertEqual(try EnvironmentTrace.parseActions("a_0,a_1\n1,2\n", path: "a.csv", dimension: 2), [[1, 2]])
        XCTAssertEqual(try EnvironmentTrace.parseActions("", path: "a.csv", dimension: 1), [])
    }

    func testMalformedActionRowsNameTheLine() {
        let cases: [(String, String)] = [
            ("0.5\n0.1,0.2\n", "a.csv:2: expected 1 value, found 2 in '0.1,0.2'"),
            ("0.5\n\nabc\n", "a.csv:3: 'abc' is not a number"),
            ("nan\n", "a.csv:1: 'nan' is not finite"),
            ("0\n-inf\n", "a.csv:2: '-inf' is not finite"),
            ("a_1\n0\n", "a.csv:1: header must be a_0, found 'a_1'"),
            ("0.5\na_0\n", "a.csv:2: 'a_0' is not a number"),
            ("0.5\n,\n", "a.csv:2: expected 1 value, found 2 in ','"),
            ("\n \n0.5,\n", "a.csv:3: expected 1 value, found 2 in '0.5,'"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try EnvironmentTrace.parseActions(text, path: "a.csv", dimension: 1)) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }

    func testReadActionsReportsMissingFiles() {
        XCTAssertThrowsError(try EnvironmentTrace.readActions(path: "/nonexistent/actions.csv", dimension: 1)) { error in
            XCTAssertEqual("\(error)", "cannot read /nonexistent/actions.csv: no such file")
        }
    }

    func testParsesNumberLists() throws {
        XCTAssertEqual(try EnvironmentTrace.parseNumbers("3.14, -0.5,1e-3", what: "--state"), [3.14, -0.5, 0.001])
        XCTAssertThrowsError(try EnvironmentTrace.parseNumbers("1,,2", what: "--state")) { error in
            XCTAssertEqual("\(error)", "--state '1,,2': value 1 '' is not a number")
        }
        XCTAssertThrowsError(try EnvironmentTrace.parseNumbers("", what: "--state")) { error in
            XCTAssertEqual("\(error)", "--state '': no values")
        }
        XCTAssertThrowsError(try EnvironmentTrace.parseNumbers("0,x", what: "--state"))
    }

    func testListingAndDescription() throws {
        XCTAssertEqual(EnvironmentRegistry.listing(), [
            "identifier                 observation  action  steps",
            "Pendulum-v1                          3       1    200",
            "MountainCarContinuous-v0             2       1    999",
            "CartPoleContinuous-v0                4       1    500",
            "CartPoleSwingUp-v0                   5       1   1000",
            "AcrobotContinuous-v0                 6       1    500",
            "InvertedPendulum-v5                  4       1   1000",
            "InvertedDoublePendulum-v5            9       1   1000",
            "Reacher-v5                          10       2     50",
            "Swimmer-v5                           8       2   1000",
            "Hopper-v5                           11       3   1000",
            "HalfCheetah-v5                      17       6   1000",
            "Walker2d-v5                         17       6   1000",
        ])
        let description = try EnvironmentRegistry.registration("Pendulum-v1").describe()
        XCTAssertEqual(description.first, "Pendulum-v1: Swing a pendulum up with a bounded torque at its pivot and hold it upright.")
        XCTAssertTrue(description.contains("  2  θ̇ (rad/s)  [-8.0, 8.0]"), "\(description)")
        XCTAssertTrue(description.contains("episode end: never terminates; truncated at 200 steps"))
    }
}
