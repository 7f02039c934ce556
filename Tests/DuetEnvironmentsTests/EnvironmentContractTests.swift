import DuetEnvironments
import DuetRandom
import XCTest

/// What every registered environment must do: consistent spaces, observations in bounds, deterministic resets
/// and steps, truncation exactly at the time limit, termination where its specification says, and errors
/// (not NaN states) for bad actions and states.
final class EnvironmentContractTests: XCTestCase {
    /// The time limits of the specification pages (envs/<id>.md), one per registered environment.
    private let timeLimits = ["Pendulum-v1": 200, "MountainCarContinuous-v0": 999, "CartPoleContinuous-v0": 500,
                              "CartPoleSwingUp-v0": 1000, "AcrobotContinuous-v0": 500, "InvertedPendulum-v5": 1000,
                              "InvertedDoublePendulum-v5": 1000, "Reacher-v5": 50, "Swimmer-v5": 1000,
                              "Hopper-v5": 1000, "HalfCheetah-v5": 1000, "Walker2d-v5": 1000]

    /// A state from which a zero action does not end the episode, for counting steps to the time limit.
    private let safeStates: [String: [Double]] = [
        "Pendulum-v1": [.pi, 0], "MountainCarContinuous-v0": [-0.5, 0], "CartPoleContinuous-v0": [0, 0, 0, 0],
        "CartPoleSwingUp-v0": [0, 0, .pi, 0], "AcrobotContinuous-v0": [0, 0, 0, 0],
        "InvertedPendulum-v5": [0, 0, 0, 0], "InvertedDoublePendulum-v5": [0, 0, 0, 0, 0, 0],
        "Reacher-v5": [0, 0, 0.1, -0.1, 0, 0, 0, 0], "Swimmer-v5": [Double](repeating: 0, count: 10),
        // The locomotion tasks standing at q₀ (HalfCheetah never terminates).
        "Hopper-v5": [0, 1.25] + [Double](repeating: 0, count: 10),
        "HalfCheetah-v5": [Double](repeating: 0, count: 18),
        "Walker2d-v5": [0, 1.25] + [Double](repeating: 0, count: 16),
    ]

    /// The zero action of `environment`'s dimension.
    private func zero(_ environment: any Environment) -> [Float] {
        [Float](repeating: 0, count: environment.actionSpace.dimension)
    }

    func testRegistryListsEachEnvironmentOnceWithItsTimeLimit() throws {
        XCTAssertEqual(EnvironmentRegistry.identifiers, ["Pendulum-v1", "MountainCarContinuous-v0",
                                                          "CartPoleContinuous-v0", "CartPoleSwingUp-v0",
                                                          "AcrobotContinuous-v0", "InvertedPendulum-v5",
                                                          "InvertedDoublePendulum-v5", "Reacher-v5", "Swimmer-v5",
                                                          "Hopper-v5", "HalfCheetah-v5", "Walker2d-v5"])
        XCTAssertEqual(Set(EnvironmentRegistry.identifiers).count, EnvironmentRegistry.all.count)
        for registration in EnvironmentRegistry.all {
            XCTAssertEqual(registration.maximumEpisodeSteps, timeLimits[registration.identifier], registration.identifier)
        }
        XCTAssertThrowsError(try EnvironmentRegistry.make("Pendulum-v0")) { error in
            XCTAssertEqual(error as? EnvironmentError, .unknownEnvironment(
                identifier: "Pendulum-v0", accepted: EnvironmentRegistry.identifiers))
            XCTAssertEqual("\(error)", "unknown environment 'Pendulum-v0'; accepted: Pendulum-v1, "
                + "MountainCarContinuous-v0, CartPoleContinuous-v0, CartPoleSwingUp-v0, AcrobotContinuous-v0, "
                + "InvertedPendulum-v5, InvertedDoublePendulum-v5, Reacher-v5, Swimmer-v5, Hopper-v5, HalfCheetah-v5, "
                + "Walker2d-v5")
        }
    }

    func testSpacesAreConsistent() {
        for registration in EnvironmentRegistry.all {
            let id = registration.identifier
            var environment = registration.make()
            let docs = registration.documentation
            XCTAssertEqual(environment.observationSpace.dimension, registration.observationDimension, id)
            XCTAssertEqual(environment.actionSpace.dimension, registration.actionDimension, id)
            XCTAssertEqual(docs.observation.count, registration.observationDimension, id)
            XCTAssertEqual(docs.action.count, registration.actionDimension, id)
            XCTAssertTrue(environment.actionSpace.isBounded, id)
            XCTAssertTrue(zip(environment.observationSpace.low, environment.observationSpace.high).allSatisfy(<), id)
            let observation = environment.reset(using: RandomStream(seed: 1, name: id))
            XCTAssertEqual(observation.count, registration.observationDimension, id)
            XCTAssertEqual(observation, environment.observation, id)
            XCTAssertEqual(environment.state.count, docs.state.count, id)
            let transition = try? environment.step(zero(environment), using: RandomStream(seed: 1))
            XCTAssertEqual(transition?.observation.count, registration.observationDimension, id)
        }
    }

    /// Random rollouts, with actions up to twice the box, never leave the observation box (resets included).
    func testObservationsStayInsideTheirBounds() throws {
        for registration in EnvironmentRegistry.all {
            let id = registration.identifier
            let stream = RandomStream(seed: 3, name: id)
            var environment = registration.make()
            let high = environment.actionSpace.high[0]
            for _ in 0..<4 {
                var observation = environment.reset(using: stream)
                XCTAssertTrue(environment.observationSpace.contains(observation), "\(id) reset: \(observation)")
                var transition: Transition
                repeat {
                    let action = (0..<environment.actionSpace.dimension).map { _ in
                        Float(stream.uniform(from: -2 * Double(high), to: 2 * Double(high)))
                    }
                    transition = try environment.step(action, using: stream)
                    observation = transition.observation
                    XCTAssertTrue(environment.observationSpace.contains(observation), "\(id): \(observation)")
                    XCTAssertTrue(transition.reward.isFinite, id)
                    XCTAssertTrue(environment.state.allSatisfy(\.isFinite), id)
                } while !transition.isLast
            }
        }
    }

    func testSeededResetIsDeterministic() {
        for registration in EnvironmentRegistry.all {
            let id = registration.identifier
            var first = registration.make(), second = registration.make(), other = registration.make()
            let a = first.reset(using: RandomStream(seed: 42, name: "environment"))
            let b = second.reset(using: RandomStream(seed: 42, name: "environment"))
            let c = other.reset(using: RandomStream(seed: 43, name: "environment"))
            XCTAssertEqual(a, b, id)
            XCTAssertEqual(first.state, second.state, id)
            XCTAssertNotEqual(first.state, other.state, id)
            XCTAssertNotEqual(a, c, id)
        }
    }

    /// Two environments, and a copy of one made mid-episode (environments are values), step identically.
    func testSteppingIsDeterministicAndEnvironmentsAreValues() throws {
        for registration in EnvironmentRegistry.all {
            let id = registration.identifier
            var first = registration.make(), second = registration.make()
            _ = first.reset(using: RandomStream(seed: 5, name: "environment"))
            _ = second.reset(using: RandomStream(seed: 5, name: "environment"))
            let actions = RandomStream(seed: 5, name: "actions")
            var copy: (any Environment)?
            var recorded: [Transition] = []
            for step in 0..<60 {
                let action = first.actionSpace.sample(using: actions)
                let a = try first.step(action, using: actions)
                let b = try second.step(action, using: actions)
                XCTAssertEqual(a, b, "\(id) step \(step)")
                XCTAssertEqual(first.state, second.state, "\(id) step \(step)")
                if step == 2 { copy = first }
                if step >= 3 { recorded.append(a) }
                if a.isLast { break }
            }
            // The copy taken after 3 steps replays the rest when fed the same actions.
            let replayActions = RandomStream(seed: 5, name: "actions")
            var replay = try XCTUnwrap(copy, id)
            for _ in 0..<3 { _ = first.actionSpace.sample(using: replayActions) }
            for (index, expected) in recorded.enumerated() {
                let transition = try replay.step(first.actionSpace.sample(using: replayActions), using: replayActions)
                XCTAssertEqual(transition, expected, "\(id) replayed step \(index + 4)")
            }
        }
    }

    /// The step that reaches the time limit is truncated, not one before; stepping on throws until a reset.
    func testTruncationExactlyAtTheTimeLimit() throws {
        for registration in EnvironmentRegistry.all {
            let id = registration.identifier
            let safe = try XCTUnwrap(safeStates[id], id)
            let stream = RandomStream(seed: 7)
            var environment = registration.make()
            _ = environment.reset(using: stream)
            for step in 1...registration.maximumEpisodeSteps {
                try environment.setState(safe)  // not a reset: the count goes on
                let transition = try environment.step(zero(environment), using: stream)
                XCTAssertFalse(transition.isTerminal, "\(id) step \(step)")
                XCTAssertEqual(transition.isTruncated, step == registration.maximumEpisodeSteps, "\(id) step \(step)")
            }
            XCTAssertThrowsError(try environment.step(zero(environment), using: stream)) { error in
                XCTAssertEqual(error as? EnvironmentError,
                               .episodeEnded(environment: registration.documentation.name), id)
            }
            _ = environment.reset(using: stream)
            XCTAssertFalse(try environment.step(zero(environment), using: stream).isTruncated, id)
        }
    }

    /// Each specification's termination rule, from either side of the boundary.
    func testTerminationWhereSpecified() throws {
        // (identifier, state, action, terminates, reward)
        let cases: [(String, [Double], Float, Bool, Double?)] = [
            // Pendulum never terminates, even spinning at the speed bound.
            ("Pendulum-v1", [0, 8], 2, false, nil),
            // MountainCar: p' = 0.44 + 0.02 + … ≥ 0.45 with v' ≥ 0; reward 100 − 0.1·1².
            ("MountainCarContinuous-v0", [0.44, 0.02], 1, true, 100 - 0.1),
            ("MountainCarContinuous-v0", [0.46, -0.02], -1, false, -0.1),  // past the flag, moving back
            ("MountainCarContinuous-v0", [0.3, 0.0], 0, false, 0),
            // CartPoleContinuous: |θ| > 12° or |x| > 2.4 after the step; the terminating step still pays +1.
            ("CartPoleContinuous-v0", [0, 0, 0.2, 1], 0, true, 1),
            ("CartPoleContinuous-v0", [0, 0, -0.2, -1], 0, true, 1),
            ("CartPoleContinuous-v0", [2.39, 1, 0, 0], 0, true, 1),
            ("CartPoleContinuous-v0", [-2.39, -1, 0, 0], 0, true, 1),
            ("CartPoleContinuous-v0", [0, 0, 0.2, -1], 0, false, 1),
            // CartPoleSwingUp: only the track end; a fallen pole does not terminate.
            ("CartPoleSwingUp-v0", [2.39, 1, .pi, 0], 0, true, nil),
            ("CartPoleSwingUp-v0", [-2.39, -1, 0, 0], 0, true, nil),
            ("CartPoleSwingUp-v0", [0, 0, 1.5, 3], 0, false, nil),
            // AcrobotContinuous: −cos θ1 − cos(θ2 + θ1) > 1; reward 0 when it does, −1 otherwise.
            ("AcrobotContinuous-v0", [2.5, 0.5, 0, 0], 0, true, 0),
            ("AcrobotContinuous-v0", [0, 0, 0, 0], 1, false, -1),
            // InvertedPendulum: |pole angle| > 0.2 after the step; reward 0 when it does, 1 otherwise.
            ("InvertedPendulum-v5", [0, 0.19, 0, 1], 0, true, 0),
            ("InvertedPendulum-v5", [0, -0.19, 0, -1], 0, true, 0),
            ("InvertedPendulum-v5", [0, 0.19, 0, -1], 0, false, 1),
            // InvertedDoublePendulum: the tip (1.2 m when upright) at or below 1 m.
            ("InvertedDoublePendulum-v5", [0, 0.6, 0, 0, 0, 0], 0, true, nil),
            ("InvertedDoublePendulum-v5", [0, 0, 0, 0, 0, 0], 0, false, nil),
            // Reacher and Swimmer never terminate, whatever the state.
            ("Reacher-v5", [3, 2.9, 0.2, -0.2, 10, 10, 0, 0], 1, false, nil),
            ("Swimmer-v5", [5, -3, 2, 1.7, -1.7, 3, 3, 3, 3, 3], 1, false, nil),
            // Hopper: unhealthy beyond |pitch| 0.2 or with a velocity of 100 or more (here the torso rising).
            ("Hopper-v5", [0, 1.25, 0.25, 0, 0, 0] + [Double](repeating: 0, count: 6), 0, true, nil),
            ("Hopper-v5", [0, 1.25, 0, 0, 0, 0, 0, 150, 0, 0, 0, 0], 0, true, nil),
            ("Hopper-v5", [0, 1.25] + [Double](repeating: 0, count: 10), 0, false, nil),
            // Walker2d: healthy for 0.8 < z < 2 and |pitch| < 1 only (above 2 m, tilted past 1 rad).
            ("Walker2d-v5", [0, 2.5] + [Double](repeating: 0, count: 16), 0, true, nil),
            ("Walker2d-v5", [0, 1.25, 1.2] + [Double](repeating: 0, count: 15), 0, true, nil),
            ("Walker2d-v5", [0, 1.25] + [Double](repeating: 0, count: 16), 0, false, nil),
            // HalfCheetah never terminates, even upside down.
            ("HalfCheetah-v5", [0, 0.2, 3.1] + [Double](repeating: 0, count: 15), 1, false, nil),
        ]
        for (id, state, action, terminates, reward) in cases {
            var environment = try EnvironmentRegistry.make(id)
            let stream = RandomStream(seed: 9)
            _ = environment.reset(using: stream)
            try environment.setState(state)
            let fullAction = [Float](repeating: action, count: environment.actionSpace.dimension)
            let transition = try environment.step(fullAction, using: stream)
            XCTAssertEqual(transition.isTerminal, terminates, "\(id) from \(state)")
            XCTAssertFalse(transition.isTruncated, id)
            if let reward { XCTAssertEqual(transition.reward, reward, accuracy: 1e-6, "\(id) from \(state)") }
            if terminates {
                XCTAssertThrowsError(try environment.step(fullAction, using: stream), id)
            }
        }
    }

    /// A full Pendulum episode of random actions never terminates.
    func testPendulumNeverTerminates() throws {
        var environment = try EnvironmentRegistry.make("Pendulum-v1")
        let stream = RandomStream(seed: 11)
        _ = environment.reset(using: stream)
        var steps = 0
        while true {
            let transition = try environment.step(environment.actionSpace.sample(using: stream), using: stream)
            steps += 1
            XCTAssertFalse(transition.isTerminal)
            if transition.isTruncated { break }
        }
        XCTAssertEqual(steps, 200)
    }

    func testNonFiniteActionsThrowAndLeaveTheStateUnchanged() throws {
        for registration in EnvironmentRegistry.all {
            let id = registration.identifier
            var environment = registration.make()
            let stream = RandomStream(seed: 13)
            _ = environment.reset(using: stream)
            let before = environment.state
            for bad in [Float.nan, .infinity, -.infinity] {
                var action = zero(environment)
                action[0] = bad
                XCTAssertThrowsError(try environment.step(action, using: stream)) { error in
                    guard case let .nonFiniteAction(name, index, value)? = error as? EnvironmentError else {
                        return XCTFail("\(id): \(error)")
                    }
                    XCTAssertEqual(name, registration.documentation.name)
                    XCTAssertEqual(index, 0)
                    XCTAssertEqual(value.isNaN, bad.isNaN)
                }
                XCTAssertEqual(environment.state, before, id)
            }
            // The episode goes on: a failed step is not a step.
            XCTAssertNoThrow(try environment.step(zero(environment), using: stream), id)
        }
        XCTAssertEqual(EnvironmentError.nonFiniteAction(environment: "Pendulum", index: 0, value: .nan).description,
                       "Pendulum action component 0 is nan; actions must be finite")
    }

    func testSetStateChecksLengthAndFiniteness() throws {
        for registration in EnvironmentRegistry.all {
            let id = registration.identifier
            let count = registration.documentation.state.count
            var environment = registration.make()
            XCTAssertThrowsError(try environment.setState(Array(repeating: 0, count: count + 1))) { error in
                XCTAssertEqual(error as? EnvironmentError, .stateLength(
                    environment: registration.documentation.name, expected: count, found: count + 1), id)
            }
            var withNaN = Array(repeating: 0.0, count: count)
            withNaN[count - 1] = .nan
            XCTAssertThrowsError(try environment.setState(withNaN)) { error in
                guard case let .nonFiniteState(_, index, _)? = error as? EnvironmentError else {
                    return XCTFail("\(id): \(error)")
                }
                XCTAssertEqual(index, count - 1, id)
            }
            let state = (0..<count).map { 0.01 * Double($0 + 1) }
            try environment.setState(state)
            XCTAssertEqual(environment.state, state, id)
        }
    }
}
