import DuetEnvironments
import DuetRandom
import XCTest

/// Single steps worked out by hand from each specification (the arithmetic is in the comments).
final class HandWorkedValueTests: XCTestCase {
    private let stream = RandomStream(seed: 0)

    private func step<E: Environment>(_ environment: E, from state: [Double], action: Float) throws
        -> (E, Transition) {
        var environment = environment
        try environment.setState(state)
        let transition = try environment.step([action], using: stream)
        return (environment, transition)
    }

    // MARK: Pendulum

    func testPendulumStepFromHorizontal() throws {
        // θ = π/2, θ̇ = 0, u = 1: θ̇' = (15·sin(π/2) + 3·1)·0.05 = 0.9, θ' = π/2 + 0.9·0.05 = π/2 + 0.045.
        // r = −((π/2)² + 0.1·0² + 0.001·1²), with 0.001 rounded to float32 as NumPy does: −2.468401100319837.
        let (pendulum, transition) = try step(Pendulum(), from: [.pi / 2, 0], action: 1)
        XCTAssertEqual(pendulum.angularVelocity, 0.9, accuracy: 1e-15)
        XCTAssertEqual(pendulum.angle, .pi / 2 + 0.045, accuracy: 1e-15)
        XCTAssertEqual(transition.reward, -(Double.pi / 2 * Double.pi / 2) - Double(Float(0.001)), accuracy: 1e-15)
        XCTAssertEqual(transition.observation, [Float(cos(pendulum.angle)), Float(sin(pendulum.angle)), 0.9])
    }

    func testPendulumNormalizesTheAngleInTheReward() throws {
        // norm(2π + 0.5) = 0.5 → r = −0.25; norm(±π) = norm(3π) = −π → r = −π².
        XCTAssertEqual(try step(Pendulum(), from: [2 * .pi + 0.5, 0], action: 0).1.reward, -0.25, accuracy: 1e-12)
        for angle in [Double.pi, -.pi, 3 * .pi] {
            XCTAssertEqual(try step(Pendulum(), from: [angle, 0], action: 0).1.reward, -.pi * .pi, accuracy: 1e-12)
        }
    }

    func testPendulumClipsTorqueAndSpeed() throws {
        // u = 3 acts (and costs) as u = 2; from θ̇ = 7.9 upright, θ̇' = 7.9 + 6·0.05 = 8.2 → clipped to 8.
        let (clipped, clippedTransition) = try step(Pendulum(), from: [0, 7.9], action: 3)
        let (bounded, boundedTransition) = try step(Pendulum(), from: [0, 7.9], action: 2)
        XCTAssertEqual(clipped.state, bounded.state)
        XCTAssertEqual(clippedTransition, boundedTransition)
        XCTAssertEqual(clipped.angularVelocity, 8)
        XCTAssertEqual(clipped.angle, 0.4)
    }

    // MARK: MountainCarContinuous

    func testMountainCarStepFromTheBottom() throws {
        // p = −0.5, v = 0, a = 0: v' = −0.0025·cos(−1.5) = −1.76843e−4; p' = −0.5 + v'; both then float32.
        let (car, transition) = try step(MountainCarContinuous(), from: [-0.5, 0], action: 0)
        XCTAssertEqual(car.velocity, -0.0025 * cos(1.5), accuracy: 1e-11)
        XCTAssertEqual(car.position, -0.5 - 0.0025 * cos(1.5), accuracy: 1e-7)
        XCTAssertEqual(car.position, Double(Float(car.position)))  // stored as float32
        XCTAssertEqual(transition.reward, 0)
        XCTAssertTrue(car.isSinglePrecision)
    }

    func testMountainCarLeftWallStopsTheCar() throws {
        // v' = clip(−0.07 − 0.0015 + 0.0025·0.8968…, ±0.07) = −0.07; p' = −1.26 → −1.2, and v' = 0 at the wall.
        let (car, transition) = try step(MountainCarContinuous(), from: [-1.19, -0.07], action: -1)
        XCTAssertEqual(car.state, [Double(Float(-1.2)), 0])
        XCTAssertEqual(transition.reward, -0.1, accuracy: 1e-15)
    }

    func testMountainCarCostUsesTheUnclippedAction() throws {
        // a = 2 moves the car as a = 1 but costs 0.1·2² = 0.4.
        let (pushed, pushedTransition) = try step(MountainCarContinuous(), from: [-0.5, 0.01], action: 2)
        let (bounded, boundedTransition) = try step(MountainCarContinuous(), from: [-0.5, 0.01], action: 1)
        XCTAssertEqual(pushed.state, bounded.state)
        XCTAssertEqual(pushedTransition.reward, -0.4, accuracy: 1e-15)
        XCTAssertEqual(boundedTransition.reward, -0.1, accuracy: 1e-15)
    }

    // MARK: Cart-pole

    func testCartPolePushFromRest() throws {
        // From rest upright, a = 1 (F = 10 N): temp = 10/1.1 = 100/11; θ̈ = −temp/(0.5·(4/3 − 0.1/1.1)) = −600/41;
        // ẍ = temp − 0.05·θ̈/1.1 = 400/41. Euler: x' = 0, ẋ' = 0.02·400/41 = 8/41, θ' = 0, θ̇' = −12/41.
        let (cartPole, transition) = try step(CartPoleContinuous(), from: [0, 0, 0, 0], action: 1)
        let expected = [0, 8.0 / 41, 0, -12.0 / 41]
        for (value, wanted) in zip(cartPole.state, expected) { XCTAssertEqual(value, wanted, accuracy: 1e-14) }
        XCTAssertEqual(transition.reward, 1)
        XCTAssertFalse(transition.isTerminal)
        // The push is mirrored exactly by a = −1, and a = 5 acts as a = 1.
        XCTAssertEqual(try step(CartPoleContinuous(), from: [0, 0, 0, 0], action: -1).0.state, expected.map { -$0 })
        XCTAssertEqual(try step(CartPoleContinuous(), from: [0, 0, 0, 0], action: 5).0.state, cartPole.state)
    }

    func testSwingUpUsesTheSamePhysics() throws {
        let (swingUp, _) = try step(CartPoleSwingUp(), from: [0.3, -0.2, 2.0, 1.5], action: 0.7)
        let (balance, _) = try step(CartPoleContinuous(), from: [0.3, -0.2, 2.0, 1.5], action: 0.7)
        XCTAssertEqual(swingUp.state, balance.state)
    }

    func testSwingUpRewardTerms() throws {
        // Upright, centred, at rest, a = 0: every term is 1, and the state does not move (sin 0 = 0).
        let (upright, uprightTransition) = try step(CartPoleSwingUp(), from: [0, 0, 0, 0], action: 0)
        XCTAssertEqual(upright.state, [0, 0, 0, 0])
        XCTAssertEqual(uprightTransition.reward, 1)
        XCTAssertEqual(uprightTransition.observation, [0, 1, 0, 0, 0])
        // Hanging: upright = (cos π + 1)/2 = 0.
        XCTAssertEqual(try step(CartPoleSwingUp(), from: [0, 0, .pi, 0], action: 0).1.reward, 0, accuracy: 1e-15)
        // The tolerances are 0.1 at their margins: centered(x = 2) = (1 + 0.1)/2 = 0.55, small_velocity(θ̇ = 5)
        // = 0.55; small_control(a) = (4 + 1 − a²)/5: 0.95 at a = 0.5, 0.8 at |a| ≥ 1.
        var task = CartPoleSwingUp()
        try task.setState([2, 0, 0, 0])
        XCTAssertEqual(task.reward(control: 0), 0.55, accuracy: 1e-12)
        try task.setState([-2, 0, 0, -5])
        XCTAssertEqual(task.reward(control: 0), 0.55 * 0.55, accuracy: 1e-12)
        try task.setState([0, 0, 0, 0])
        XCTAssertEqual(task.reward(control: 0.5), 0.95, accuracy: 1e-12)
        XCTAssertEqual(task.reward(control: -1), 0.8, accuracy: 1e-12)
        try task.setState([0, 0, .pi / 2, 0])
        XCTAssertEqual(task.reward(control: 0), 0.5, accuracy: 1e-12)
        // a = 4 acts and is rewarded as a = 1.
        let (far, farTransition) = try step(CartPoleSwingUp(), from: [0.1, 0, 1, 0], action: 4)
        let (edge, edgeTransition) = try step(CartPoleSwingUp(), from: [0.1, 0, 1, 0], action: 1)
        XCTAssertEqual(far.state, edge.state)
        XCTAssertEqual(farTransition, edgeTransition)
    }

    func testSwingUpStartsHangingDown() {
        var task = CartPoleSwingUp()
        let stream = RandomStream(seed: 17, name: "environment")
        for _ in 0..<100 {
            let observation = task.reset(using: stream)
            XCTAssertLessThan(observation[1], -0.99)  // cos θ ≈ −1
            XCTAssertEqual(task.cartPole.angle, .pi, accuracy: 0.06)  // 6σ
            XCTAssertEqual(task.cartPole.position, 0, accuracy: 0.06)
        }
    }

    // MARK: Acrobot

    func testAcrobotWrapsAnglesAndClipsVelocities() throws {
        // From θ̇1 = 12.5 with τ = 1, RK4 takes θ̇1 beyond 4π: clipped to 4π. From θ2 = 3, θ̇2 = 28.2, both
        // velocities leave their bounds (θ̇1 below −4π, θ̇2 above 9π).
        let (acrobot, _) = try step(AcrobotContinuous(), from: [0, 0, 12.5, 28], action: 1)
        XCTAssertEqual(acrobot.angularVelocity1, 4 * .pi)
        let (both, _) = try step(AcrobotContinuous(), from: [0, 3, 0, 28.2], action: 1)
        XCTAssertEqual(both.angularVelocity1, -4 * .pi)
        XCTAssertEqual(both.angularVelocity2, 9 * .pi)
        // From θ1 = 3.1 turning at 5 rad/s, θ1 passes π and is wrapped into [−π, π].
        let (wrapped, _) = try step(AcrobotContinuous(), from: [3.1, 0, 5, 0], action: 0)
        XCTAssertLessThan(wrapped.angle1, 0)
        XCTAssertGreaterThanOrEqual(wrapped.angle1, -.pi)
        // a = 4 acts as a = 1.
        XCTAssertEqual(try step(AcrobotContinuous(), from: [0.1, 0, 0, 0], action: 4).0.state,
                       try step(AcrobotContinuous(), from: [0.1, 0, 0, 0], action: 1).0.state)
    }

    func testAcrobotResetIsFloat32() {
        var acrobot = AcrobotContinuous()
        _ = acrobot.reset(using: RandomStream(seed: 19))
        for value in acrobot.state {
            XCTAssertEqual(value, Double(Float(value)))
            XCTAssertLessThanOrEqual(abs(value), 0.1)
        }
    }
}
