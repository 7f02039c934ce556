import DuetEnvironments
import DuetRandom
import XCTest

/// The locomotion tasks never produce a non-finite state: 10,000 control steps of uniformly random actions and
/// 10,000 of bang-bang actions (each component ±1, redrawn every step), four seeds each, on the environment
/// without its time limit and without resets, so falls, flips, limits and self-contacts all happen and the
/// state runs on from them.
final class LocomotionRobustnessTests: XCTestCase {
    let steps = 10_000

    func testHopperStaysFinite() throws { try run(Hopper()) }
    func testHalfCheetahStaysFinite() throws { try run(HalfCheetah()) }
    func testWalker2dStaysFinite() throws { try run(Walker2d()) }

    private func run<Task: Environment>(_ task: Task, file: StaticString = #filePath, line: UInt = #line) throws {
        let name = Task.documentation.name
        for seed in 0..<4 {
            for bangBang in [false, true] {
                var environment = task
                let stream = RandomStream(seed: UInt64(seed), name: "\(name) robustness \(bangBang)")
                _ = environment.reset(using: stream)
                let dimension = environment.actionSpace.dimension
                var largest = 0.0
                for index in 0..<steps {
                    let action = (0..<dimension).map { _ -> Float in
                        bangBang ? (stream.uniform(from: 0, to: 1) < 0.5 ? -1 : 1) : Float(stream.uniform(from: -1, to: 1))
                    }
                    let transition = try environment.step(action, using: stream)
                    guard environment.state.allSatisfy(\.isFinite), transition.reward.isFinite else {
                        return XCTFail("\(name) seed \(seed) bang-bang \(bangBang): non-finite at step \(index)",
                                       file: file, line: line)
                    }
                    largest = max(largest, environment.state.map(abs).max() ?? 0)
                }
                print("\(name) seed \(seed) \(bangBang ? "bang-bang" : "random"): \(steps) steps finite, "
                      + "largest |state component| \(largest)")
            }
        }
    }
}
