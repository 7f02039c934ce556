import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

final class ReplayBufferTests: XCTestCase {
    private func filled(capacity: Int, adding count: Int) -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: capacity, observationDimension: 2, actionDimension: 1)
        for step in 0..<count {
            let value = Float(step)
            buffer.append(observation: [value, -value], action: [value / 100], reward: value * 10,
                          nextObservation: [value + 1, -value - 1], isTerminal: step % 5 == 4,
                          isTruncated: step % 7 == 6)
        }
        return buffer
    }

    func testStoresTerminationAndTruncationApart() {
        let buffer = filled(capacity: 10, adding: 7)
        XCTAssertEqual(buffer.count, 7)
        let fifth = buffer.transition(4)
        XCTAssertEqual(fifth.observation, [4, -4])
        XCTAssertTrue(fifth.isTerminal)
        XCTAssertFalse(fifth.isTruncated)
        let seventh = buffer.transition(6)
        XCTAssertFalse(seventh.isTerminal)
        XCTAssertTrue(seventh.isTruncated)
    }

    func testRingOverwritesTheOldest() {
        let buffer = filled(capacity: 4, adding: 6)
        XCTAssertEqual(buffer.count, 4)
        XCTAssertEqual(buffer.totalAdded, 6)
        XCTAssertEqual((0..<4).map { buffer.transition($0).reward }, [20, 30, 40, 50])
    }

    func testSampleCopiesWholeTransitionsAndMarksOnlyTerminations() {
        let buffer = filled(capacity: 16, adding: 16)
        var batch = ReplayBatch()
        buffer.sample(count: 64, using: RandomStream(seed: 1, name: "replay"), into: &batch)
        XCTAssertEqual(batch.count, 64)
        for row in 0..<64 {
            let step = batch.observations[row, 0]
            XCTAssertEqual(batch.observations[row, 1], -step)
            XCTAssertEqual(batch.nextObservations[row, 0], step + 1)
            XCTAssertEqual(batch.actions[row, 0], step / 100)
            XCTAssertEqual(batch.rewards[row, 0], step * 10)
            // Steps 4, 9, 14 terminate; truncations (6, 13) must not be marked.
            XCTAssertEqual(batch.terminations[row, 0], Int(step) % 5 == 4 ? 1 : 0)
        }
    }

    func testSamplingIsDeterministicForAStream() {
        let buffer = filled(capacity: 100, adding: 100)
        var first = ReplayBatch(), second = ReplayBatch()
        buffer.sample(count: 32, using: RandomStream(seed: 3, name: "replay"), into: &first)
        buffer.sample(count: 32, using: RandomStream(seed: 3, name: "replay"), into: &second)
        XCTAssertEqual(first.observations, second.observations)
    }

    func testRecentWindowDrawsOnlyRecentObservations() {
        let buffer = filled(capacity: 8, adding: 20)  // holds steps 12...19
        var states = Matrix<Float>()
        buffer.sampleObservations(count: 200, mostRecent: 3, using: RandomStream(seed: 2, name: "d"), into: &states)
        let seen = Set((0..<200).map { states[$0, 0] })
        XCTAssertEqual(seen, [17, 18, 19])
        buffer.sampleObservations(count: 400, mostRecent: nil, using: RandomStream(seed: 2, name: "d"), into: &states)
        XCTAssertEqual(Set((0..<400).map { states[$0, 0] }), Set((12...19).map(Float.init)))
    }

    // MARK: Archiving (for checkpoints)

    func testArchiveRoundTripIsExactForPartialAndWrappedBuffers() throws {
        for (capacity, added) in [(8, 0), (8, 5), (8, 20)] {
            let buffer = filled(capacity: capacity, adding: added)
            var archive = ParameterArchive<Float>()
            buffer.store(in: &archive, prefix: "learner0.replay")
            let url = FileManager.default.temporaryDirectory
                .appendingPathComponent("duet-replay-\(UUID().uuidString).archive")
            defer { try? FileManager.default.removeItem(at: url) }
            try archive.write(to: url)
            var restored = try ReplayBuffer(from: ParameterArchive<Float>(contentsOf: url), prefix: "learner0.replay")
            XCTAssertEqual(restored.count, buffer.count)
            XCTAssertEqual(restored.nextIndex, buffer.nextIndex)
            XCTAssertEqual(restored.totalAdded, buffer.totalAdded)
            for index in 0..<buffer.count {
                XCTAssertTrue(restored.transition(index) == buffer.transition(index), "transition \(index)")
            }
            guard added > 0 else { continue }
            var expected = ReplayBatch()
            var actual = ReplayBatch()
            buffer.sample(count: 32, using: RandomStream(seed: 4, name: "replay"), into: &expected)
            restored.sample(count: 32, using: RandomStream(seed: 4, name: "replay"), into: &actual)
            XCTAssertEqual(actual.observations, expected.observations)
            XCTAssertEqual(actual.rewards, expected.rewards)
            XCTAssertEqual(actual.terminations, expected.terminations)
            // And the restored buffer carries on as the original would.
            var original = buffer
            original.append(observation: [99, 99], action: [0.5], reward: 3, nextObservation: [1, 1],
                            isTerminal: true, isTruncated: false)
            restored.append(observation: [99, 99], action: [0.5], reward: 3, nextObservation: [1, 1],
                            isTerminal: true, isTruncated: false)
            XCTAssertTrue(restored.transition(restored.count - 1) == original.transition(original.count - 1))
            XCTAssertEqual(restored.nextIndex, original.nextIndex)
        }
    }

    func testArchiveErrorsNameTheEntry() {
        let buffer = filled(capacity: 8, adding: 5)
        var archive = ParameterArchive<Float>(source: "checkpoint.archive")
        buffer.store(in: &archive, prefix: "replay")
        XCTAssertThrowsError(try ReplayBuffer(from: archive, prefix: "other")) { error in
            XCTAssertTrue(String(describing: error).contains("other.capacity"), "\(error)")
        }
        var inconsistent = archive
        inconsistent.store(7, as: "replay.nextIndex")  // a partial buffer writes at its count
        XCTAssertThrowsError(try ReplayBuffer(from: inconsistent, prefix: "replay")) { error in
            XCTAssertTrue(String(describing: error).contains("inconsistent sizes"), "\(error)")
        }
        var misshapen = archive
        misshapen.store(Matrix<Float>(rows: 4, columns: 3), as: "replay.observations")
        XCTAssertThrowsError(try ReplayBuffer(from: misshapen, prefix: "replay")) { error in
            XCTAssertTrue(String(describing: error).contains("replay.observations"), "\(error)")
        }
    }
}

final class RunningMeanStandardDeviationTests: XCTestCase {
    func testMatchesBatchMomentsAndClips() {
        var statistics = RunningMeanStandardDeviation(dimension: 2, clip: 5, epsilon: 1e-4)
        let samples: [[Float]] = [[1, 10], [2, 20], [3, 30], [4, 40]]
        for sample in samples { statistics.update(with: sample) }
        // With the ε = 1e-4 prior at mean 0, variance 1: mean = Σx/(4 + ε), close to 2.5 and 25.
        XCTAssertEqual(statistics.mean[0], 10 / 4.0001, accuracy: 1e-9)
        XCTAssertEqual(statistics.mean[1], 100 / 4.0001, accuracy: 1e-9)
        // Population variance of 1...4 is 1.25 (and 125 for 10...40), up to the ε prior.
        XCTAssertEqual(statistics.variance[0], 1.25, accuracy: 1e-3)
        XCTAssertEqual(statistics.variance[1], 125, accuracy: 0.1)
        let normalized = statistics.normalize([4, 1000])
        XCTAssertEqual(Double(normalized[0]), (4 - statistics.mean[0]) / (statistics.variance[0] + 1e-8).squareRoot(),
                       accuracy: 1e-6)
        XCTAssertEqual(normalized[1], 5)
    }
}
