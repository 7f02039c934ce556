import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// The learner side of the DPD fidelity options: the update split before its target step (the reference's
/// order: RL update, distillation step, target update), `optimizer: shared`, twin-critic minima and SAC's sampled
/// targets.
final class DistillationFidelityTests: XCTestCase {
    private let offPolicy = LearnerAlgorithm.allCases.filter(\.isOffPolicy)

    private func archive(_ learner: any OffPolicyLearner) -> ParameterArchive<Float> {
        var archive = ParameterArchive<Float>()
        learner.store(in: &archive, prefix: "l")
        return archive
    }

    /// The entries of `archive` whose names contain `part`.
    private func entries(_ archive: ParameterArchive<Float>, containing part: String) -> [ParameterArchive<Float>.Entry] {
        let names = archive.names.filter { $0.contains(part) }
        XCTAssertFalse(names.isEmpty, "no entry named like \(part)")
        return names.compactMap { archive[$0] }
    }

    private func batch(seed: UInt64) -> ReplayBatch {
        var batch = ReplayBatch()
        LearnerTestSupport.randomBuffer().sample(count: 16, using: RandomStream(seed: seed, name: "replay"), into: &batch)
        return batch
    }

    private let states: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 12, columns: 3, low: -2, high: 2, seed: 3)
    private let targets: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 12, columns: 2, low: -0.9, high: 0.9,
                                                                         seed: 4)
    private var weights: [Float] { Array(repeating: 1 / 12, count: 12) }

    /// `updateBeforeTargets` then `updateTargetsIfDue` is `update`, bit for bit, over several updates (TD3's delayed
    /// target steps included), and a second `updateTargetsIfDue` does nothing.
    func testTheSplitUpdateIsTheWholeUpdate() {
        for algorithm in offPolicy {
            let configuration = LearnerTestSupport.configuration(algorithm)
            var whole = LearnerTestSupport.learner(configuration, seed: 7)
            var split = LearnerTestSupport.learner(configuration, seed: 7)
            let wholeStream = RandomStream(seed: 8, name: "update")
            let splitStream = RandomStream(seed: 8, name: "update")
            for round in 0..<4 {
                let statistics = whole.update(on: batch(seed: UInt64(round)), using: wholeStream)
                let splitStatistics = split.updateBeforeTargets(on: batch(seed: UInt64(round)), using: splitStream)
                XCTAssertEqual(splitStatistics.values.map(\.bitPattern), statistics.values.map(\.bitPattern))
                split.updateTargetsIfDue()
                split.updateTargetsIfDue()
            }
            XCTAssertEqual(archive(split), archive(whole), "\(algorithm)")
        }
    }

    /// A distillation step between an update and its target step reaches the target actor (DDPG, TD3), which a
    /// step after the target update does not; SAC has no target actor, so its order changes nothing.
    func testADistillationStepBeforeTheTargetUpdateReachesTheTargetActor() {
        for algorithm in offPolicy {
            var configuration = LearnerTestSupport.configuration(algorithm)
            configuration.distillationLearningRate = 1e-2
            var interleaved = LearnerTestSupport.learner(configuration, seed: 9)
            var after = LearnerTestSupport.learner(configuration, seed: 9)
            // TD3 moves its targets on every second update; DDPG's second update would already read different targets.
            for round in 0..<(algorithm == .td3 ? 2 : 1) {
                _ = interleaved.updateBeforeTargets(on: batch(seed: UInt64(round)), using: RandomStream(seed: 1, name: "u"))
                _ = interleaved.distill(states: states, targets: targets, weights: weights)
                interleaved.updateTargetsIfDue()
                _ = after.update(on: batch(seed: UInt64(round)), using: RandomStream(seed: 1, name: "u"))
                _ = after.distill(states: states, targets: targets, weights: weights)
            }
            XCTAssertEqual(interleaved.actions(for: states), after.actions(for: states), "\(algorithm): the actors agree")
            if algorithm == .sac {
                XCTAssertEqual(archive(interleaved), archive(after), "sac: the order changes nothing")
            } else {
                XCTAssertNotEqual(entries(archive(interleaved), containing: "targetActor"),
                                  entries(archive(after), containing: "targetActor"), "\(algorithm)")
            }
        }
    }

    /// `optimizer: shared` steps through the actor's own Adam (its moments move, the distillation Adam's stay);
    /// `separate` the other way round.
    func testSharedOptimizerMovesTheActorsAdamMoments() {
        for algorithm in offPolicy {
            for shares in [false, true] {
                var configuration = LearnerTestSupport.configuration(algorithm)
                configuration.distillationSharesOptimizer = shares
                var learner = LearnerTestSupport.learner(configuration, seed: 11)
                let before = archive(learner)
                _ = learner.distill(states: states, targets: targets, weights: weights)
                let after = archive(learner)
                let moved = shares ? "actorAdam" : "distillationAdam"
                let kept = shares ? "distillationAdam" : "actorAdam"
                XCTAssertNotEqual(entries(after, containing: moved), entries(before, containing: moved),
                                  "\(algorithm), shared \(shares): \(moved) did not move")
                XCTAssertEqual(entries(after, containing: kept), entries(before, containing: kept),
                               "\(algorithm), shared \(shares): \(kept) moved")
            }
        }
    }

    /// minⱼ Qⱼ is the first critic's value or below it, strictly below somewhere for twin critics; DDPG's one
    /// critic is its own minimum.
    func testMinimumValuesAreTheLowerOfTheCritics() {
        let actions: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 12, columns: 2, seed: 5)
        for algorithm in offPolicy {
            var strictlyLower = false
            for seed in UInt64(13)..<23 {
                let learner = LearnerTestSupport.learner(LearnerTestSupport.configuration(algorithm), seed: seed)
                let first = learner.values(for: states, actions: actions)
                let minimum = learner.minimumValues(for: states, actions: actions)
                XCTAssertEqual(learner.minimumActionValues(for: states, actions: actions), minimum)
                XCTAssert(zip(minimum, first).allSatisfy { $0 <= $1 }, "\(algorithm)")
                if algorithm == .ddpg { XCTAssertEqual(minimum, first) }
                strictlyLower = strictlyLower || zip(minimum, first).contains { $0 < $1 }
            }
            XCTAssertEqual(strictlyLower, algorithm != .ddpg, "\(algorithm): whether a second critic is ever lower")
        }
    }

    /// SAC's sampled targets: reproducible from the stream, in [−1, 1], spread around the mode (for `target:
    /// sample`); deterministic learners have none.
    func testSACSamplesItsPolicyForSampledTargets() throws {
        let sac = LearnerTestSupport.learner(LearnerTestSupport.configuration(.sac), seed: 15)
        let first = try XCTUnwrap(sac.sampledActions(for: states, using: RandomStream(seed: 1, name: "d")))
        let again = try XCTUnwrap(sac.sampledActions(for: states, using: RandomStream(seed: 1, name: "d")))
        let other = try XCTUnwrap(sac.sampledActions(for: states, using: RandomStream(seed: 2, name: "d")))
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
        XCTAssertNotEqual(first, sac.actions(for: states))
        XCTAssert(first.scalars.allSatisfy { abs($0) <= 1 })
        // Averaged over many draws of one state, the samples come near the mode (tanh of the mean).
        let state = Matrix<Float>(rows: 2000, columns: 3, repeating: 0.3)
        let draws = try XCTUnwrap(sac.sampledActions(for: state, using: RandomStream(seed: 3, name: "d")))
        let mode = sac.actions(for: Matrix(rows: 1, columns: 3, repeating: 0.3))
        for k in 0..<2 {
            let mean = (0..<2000).reduce(0.0) { $0 + Double(draws[$1, k]) } / 2000
            XCTAssertEqual(mean, Double(mode[0, k]), accuracy: 0.2)
        }
        for algorithm in [LearnerAlgorithm.ddpg, .td3] {
            let learner = LearnerTestSupport.learner(LearnerTestSupport.configuration(algorithm), seed: 15)
            XCTAssertNil(learner.sampledActions(for: states, using: RandomStream(seed: 1, name: "d")))
        }
    }
}
