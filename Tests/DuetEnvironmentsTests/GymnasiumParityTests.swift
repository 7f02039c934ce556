import DuetEnvironments
import DuetRandom
import XCTest

/// Duet against Gymnasium: every committed reference trace (`envs/reference/traces/<id>.csv`, from
/// `envs/reference/generate_traces.py`) replayed step by step from the same start state with the same float32
/// actions. Tolerances are the issue's: internal state within 1e-9 (absolute), observations and rewards within
/// float32 rounding (one float32 ulp of the reference value), flags equal, and the episode ends on the same step.
///
/// Each case is one rollout, not a set of one-step checks, so roundings must agree all the way (MountainCar's
/// float32 state, Acrobot's RK4, the chaotic swing-up). The traces were made with glibc's libm, as is Duet's
/// sin/cos/exp on Linux; on another libm a long chaotic case may drift by more than 1e-9.
final class GymnasiumParityTests: XCTestCase {
    func testPendulumMatchesGymnasium() throws { try checkParity("Pendulum-v1") }
    func testMountainCarContinuousMatchesGymnasium() throws { try checkParity("MountainCarContinuous-v0") }
    func testCartPoleContinuousMatchesGymnasiumReference() throws { try checkParity("CartPoleContinuous-v0") }
    func testCartPoleSwingUpMatchesGymnasiumReference() throws { try checkParity("CartPoleSwingUp-v0") }
    func testAcrobotContinuousMatchesGymnasiumReference() throws { try checkParity("AcrobotContinuous-v0") }

    /// Every registered classic-control environment has a reference trace, with a case that terminates (if the
    /// environment can), one that is truncated by the time limit, and actions outside the box. (The MuJoCo
    /// tasks have theirs in envs/reference/mujoco/, checked by MuJoCoTaskParityTests.)
    func testEveryRegisteredEnvironmentHasATrace() throws {
        for registration in EnvironmentRegistry.all where registration.modelDescription.isEmpty {
            let trace = try load(registration)
            XCTAssertGreaterThanOrEqual(trace.cases.count, 5, registration.identifier)
            let lastSteps = trace.cases.compactMap(\.steps.last)
            XCTAssertTrue(lastSteps.contains { $0.isTruncated && $0.step == registration.maximumEpisodeSteps },
                          "\(registration.identifier): no case reaches the time limit")
            if registration.identifier != "Pendulum-v1" {
                XCTAssertTrue(lastSteps.contains(where: \.isTerminal), "\(registration.identifier): no termination")
            }
            let high = registration.make().actionSpace.high[0]
            XCTAssertTrue(trace.cases.contains { $0.steps.contains { abs($0.action) > high } },
                          "\(registration.identifier): no out-of-box action")
        }
    }

    // MARK: Helpers

    private func load(_ registration: EnvironmentRegistration) throws -> ReferenceTrace {
        try ReferenceTrace(identifier: registration.identifier, stateCount: registration.documentation.state.count,
                           observationCount: registration.observationDimension)
    }

    private func checkParity(_ identifier: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let registration = try EnvironmentRegistry.registration(identifier)
        let trace = try load(registration)
        let stream = RandomStream(seed: 0, name: "parity")
        var largestStateError = 0.0, exactStates = 0, steps = 0
        for reference in trace.cases {
            var environment = registration.make()
            _ = environment.reset(using: stream)
            try environment.setState(reference.steps[0].stateBefore)
            for (index, expected) in reference.steps.enumerated() {
                let context = "\(identifier) case \(reference.name) step \(expected.step)"
                XCTAssertEqual(expected.step, index + 1, context, file: file, line: line)
                let transition = try environment.step([expected.action], using: stream)
                let state = environment.state
                let error = zip(state, expected.state).map { abs($0 - $1) }.max() ?? .infinity
                largestStateError = max(largestStateError, error)
                exactStates += state == expected.state ? 1 : 0
                steps += 1
                XCTAssertLessThanOrEqual(error, 1e-9, "\(context): state \(state) vs \(expected.state)",
                                         file: file, line: line)
                for (ours, theirs) in zip(transition.observation, expected.observation) {
                    XCTAssertLessThanOrEqual(abs(ours - theirs), theirs.ulp,
                                             "\(context): observation \(transition.observation) vs \(expected.observation)",
                                             file: file, line: line)
                }
                XCTAssertLessThanOrEqual(abs(transition.reward - expected.reward), Double(Float(expected.reward).ulp),
                                         "\(context): reward \(transition.reward) vs \(expected.reward)",
                                         file: file, line: line)
                XCTAssertEqual(transition.isTerminal, expected.isTerminal, "\(context): terminated", file: file, line: line)
                XCTAssertEqual(transition.isTruncated, expected.isTruncated, "\(context): truncated", file: file, line: line)
                if transition.isLast {
                    XCTAssertEqual(index, reference.steps.count - 1, "\(context): Duet's episode ended early",
                                   file: file, line: line)
                    break
                }
            }
        }
        print("\(identifier): \(steps) steps in \(trace.cases.count) cases, \(exactStates) states bit-identical, "
              + "largest state error \(largestStateError)")
    }
}
