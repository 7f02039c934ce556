import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// The plain data an on-policy learner is fed: rollouts, and the observation history its peers distil on.
final class OnPolicyShapeTests: XCTestCase {
    func testRolloutKeepsTerminationsAndTruncationsApart() {
        var rollout = Rollout(observationDimension: 2, actionDimension: 1)
        rollout.append(step: PolicyStep(action: [0.5], logProbability: -1, value: 3,
                                         policyInput: [1, 2]),
                       reward: 1, isTerminal: false, isTruncated: false, truncationValue: 99)
        rollout.append(step: PolicyStep(action: [-0.5], logProbability: -2, value: 4,
                                         policyInput: [3, 4]),
                       reward: 2, isTerminal: false, isTruncated: true, truncationValue: 7)
        rollout.append(step: PolicyStep(action: [0], logProbability: -3, value: 5,
                                         policyInput: [5, 6]),
                       reward: 3, isTerminal: true, isTruncated: true, truncationValue: 8)
        XCTAssertEqual(rollout.count, 3)
        XCTAssertEqual(rollout.observations, Matrix(rows: 3, columns: 2, scalars: [1, 2, 3, 4, 5, 6]))
        XCTAssertEqual(rollout.actions.scalars, [0.5, -0.5, 0])
        XCTAssertEqual(rollout.logProbabilities, [-1, -2, -3])
        XCTAssertEqual(rollout.values, [3, 4, 5])
        // Only a truncation that is not also a termination bootstraps.
        XCTAssertEqual(rollout.truncationValues, [0, 7, 0])
        XCTAssertEqual(rollout.isTerminal, [false, false, true])
        rollout.removeAll()
        XCTAssertEqual(rollout.count, 0)
        XCTAssertEqual(rollout.observationDimension, 2)
    }

    func testObservationHistoryDrawsFromTheMostRecentStates() {
        var history = ObservationHistory(capacity: 4, observationDimension: 1)
        for value in 1...6 { history.append([Float(value)]) }  // holds 3, 4, 5, 6
        XCTAssertEqual(history.stateCount, 4)
        var states = Matrix<Float>()
        history.sampleStates(count: 200, mostRecent: nil, using: RandomStream(seed: 1, name: "h"), into: &states)
        XCTAssertEqual(Set(states.scalars), [3, 4, 5, 6])
        history.sampleStates(count: 200, mostRecent: 2, using: RandomStream(seed: 1, name: "h"), into: &states)
        XCTAssertEqual(Set(states.scalars), [5, 6])
    }

    /// The replay buffer as a distillation state source draws what `sampleObservations` draws.
    func testReplayBufferIsAStateSource() {
        var buffer = ReplayBuffer(capacity: 10, observationDimension: 1, actionDimension: 1)
        for value in 0..<10 {
            buffer.append(observation: [Float(value)], action: [0], reward: 0, nextObservation: [0],
                          isTerminal: false, isTruncated: false)
        }
        var direct = Matrix<Float>()
        var throughProtocol = Matrix<Float>()
        buffer.sampleObservations(count: 32, mostRecent: 5, using: RandomStream(seed: 2, name: "b"), into: &direct)
        let source: any DistillationStateSource = buffer
        source.sampleStates(count: 32, mostRecent: 5, using: RandomStream(seed: 2, name: "b"), into: &throughProtocol)
        XCTAssertEqual(direct, throughProtocol)
        XCTAssertEqual(source.stateCount, 10)
        XCTAssert(direct.scalars.allSatisfy { $0 >= 5 })
    }
}
