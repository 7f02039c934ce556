import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// A distillation step between two real TD3 learners on random states.
final class DistillationStepTests: XCTestCase {
    private func learner(_ name: String, configuration: LearnerConfiguration? = nil) -> any OffPolicyLearner {
        var defaults = LearnerConfiguration(algorithm: .td3)
        defaults.hidden = [16, 16]
        return makeLearner(configuration: configuration ?? defaults, observationDimension: 3, actionDimension: 2,
                           initialization: RandomStream(seed: 1, name: name))
    }

    private func buffer() -> ReplayBuffer {
        let stream = RandomStream(seed: 2, name: "states")
        var buffer = ReplayBuffer(capacity: 100, observationDimension: 3, actionDimension: 2)
        for _ in 0..<100 {
            let observation = (0..<3).map { _ in Float(stream.gaussian()) }
            buffer.append(observation: observation, action: [0, 0], reward: 0, nextObservation: observation,
                          isTerminal: false, isTruncated: false)
        }
        return buffer
    }

    private func configuration(_ weighting: DistillationWeighting, alpha: Double = 1) -> DistillationConfiguration {
        var configuration = DistillationConfiguration()
        configuration.weighting = weighting
        configuration.alpha = alpha
        configuration.batchSize = 16
        return configuration
    }

    /// The step's targets are the peer's actions on the drawn states and ξ is the peer's value there minus the
    /// student's, computed once at preparation; applying moves the student only toward them. (The peer is a
    /// value the step cannot reach: there is no gradient into it to test.)
    func testTargetsAreThePeersActionsAndOnlyTheStudentMoves() throws {
        var student = learner("student")
        let peer = learner("peer")
        let probe = Matrix<Float>(rows: 8, columns: 3) { row, column in Float(row - column) / 4 }
        let studentBefore = student.actions(for: probe)
        for round in 0..<5 {
            let prepared = try XCTUnwrap(PreparedDistillation.prepare(
                learner: student, peer: peer, peerBuffer: buffer(), configuration: configuration(.disadvantage),
                using: RandomStream(seed: 3, name: "distillation")))
            XCTAssertEqual(prepared.targets, peer.actions(for: prepared.states), "round \(round)")
            XCTAssertNotEqual(prepared.targets, student.actions(for: prepared.states))
            let peerValues = peer.values(for: prepared.states, actions: prepared.targets)
            let studentValues = student.values(for: prepared.states, actions: student.actions(for: prepared.states))
            let meanDisadvantage = zip(peerValues, studentValues).map { Double($0) - Double($1) }.reduce(0, +)
                / Double(peerValues.count)
            XCTAssertEqual(prepared.weights.meanDisadvantage, meanDisadvantage, accuracy: 1e-9)
            _ = prepared.apply(to: &student)
        }
        XCTAssertNotEqual(student.actions(for: probe), studentBefore, "the student did not change")
    }

    /// The `lockstep` snapshot: both learners' steps prepared before either is applied give the same learners
    /// whichever is applied first; preparing the second after the first was applied reads a changed peer and
    /// gives another result (so the trainer's prepare-all-then-apply order is what makes it order-free).
    func testStepsPreparedFromOneSnapshotDoNotDependOnTheOrderOfApplying() throws {
        let probe = Matrix<Float>(rows: 8, columns: 3) { row, column in Float(row + column) / 5 }
        let first = learner("a")
        let second = learner("b")
        func stepBoth(applyingFirst: Int) throws -> [Matrix<Float>] {
            var learners = [first, second]
            var prepared: [PreparedDistillation] = []
            for index in 0..<2 {
                let own = learners[index]
                let peer = learners[1 - index]
                prepared.append(try XCTUnwrap(PreparedDistillation.prepare(
                    learner: own, peer: peer, peerBuffer: buffer(), configuration: configuration(.disadvantage),
                    using: RandomStream(seed: 5, name: "d\(index)"))))
            }
            for index in [applyingFirst, 1 - applyingFirst] {
                var stepped = learners[index]
                _ = prepared[index].apply(to: &stepped)
                learners[index] = stepped
            }
            return learners.map { $0.actions(for: probe) }
        }
        XCTAssertEqual(try stepBoth(applyingFirst: 0), try stepBoth(applyingFirst: 1))
        var one = first
        var other = second
        _ = try XCTUnwrap(PreparedDistillation.prepare(
            learner: one, peer: other, peerBuffer: buffer(), configuration: configuration(.disadvantage),
            using: RandomStream(seed: 5, name: "d0"))).apply(to: &one)
        _ = try XCTUnwrap(PreparedDistillation.prepare(
            learner: other, peer: one, peerBuffer: buffer(), configuration: configuration(.disadvantage),
            using: RandomStream(seed: 5, name: "d1"))).apply(to: &other)
        XCTAssertNotEqual(other.actions(for: probe), try stepBoth(applyingFirst: 0)[1])
    }

    func testDistillationLowersTheWeightedLossAndKeepsTargetsFixed() throws {
        var student = learner("student")
        let peer = learner("peer")
        var configuration = self.configuration(.uniform)
        configuration.batchSize = 64
        let prepared = try XCTUnwrap(PreparedDistillation.prepare(
            learner: student, peer: peer, peerBuffer: buffer(), configuration: configuration,
            using: RandomStream(seed: 4, name: "distillation")))
        let targets = prepared.targets
        XCTAssertEqual(targets, peer.actions(for: prepared.states))
        var losses: [Double] = []
        var learnerCopy = student
        for _ in 0..<200 { losses.append(prepared.apply(to: &learnerCopy).loss) }
        XCTAssertEqual(losses[0], prepared.loss, accuracy: 1e-5)
        XCTAssertLessThan(losses.last!, 0.5 * losses[0])
        student = learnerCopy
        XCTAssertLessThan(PreparedDistillation.meanDistanceForTesting(student.actions(for: prepared.states), targets),
                          prepared.actionDistance)
    }

    /// The reference DDPG's loss is Σᵢ meanₖ(π(sᵢ)ₖ − ãᵢₖ)², the unweighted sum over the batch, whatever α.
    func testReferenceDDPGLossIsTheUnweightedSumWhateverAlpha() throws {
        let student = learner("student")
        let peer = learner("peer")
        var losses: [Double] = []
        var prepared: PreparedDistillation?
        for alpha in [0.1, 1, 10] {
            prepared = PreparedDistillation.prepare(
                learner: student, peer: peer, peerBuffer: buffer(), configuration: configuration(.referenceDDPG, alpha: alpha),
                using: RandomStream(seed: 5, name: "distillation"))
            losses.append(try XCTUnwrap(prepared).loss)
        }
        XCTAssertEqual(losses[0], losses[1])
        XCTAssertEqual(losses[1], losses[2])
        let batch = try XCTUnwrap(prepared)
        let own = student.actions(for: batch.states)
        var sum = 0.0
        for row in 0..<own.rows {
            let a = Double(own[row, 0] - batch.targets[row, 0]), b = Double(own[row, 1] - batch.targets[row, 1])
            sum += (a * a + b * b) / 2
        }
        XCTAssertEqual(losses[0], sum, accuracy: 1e-6 * sum)
    }

    func testValueEstimateChoosesWhichActionTheOwnCriticSees() throws {
        let student = learner("student")
        let peer = learner("peer")
        var own = configuration(.disadvantage)
        own.valueEstimate = .ownAction
        var reference = own
        reference.valueEstimate = .peerAction
        let a = try XCTUnwrap(PreparedDistillation.prepare(learner: student, peer: peer, peerBuffer: buffer(),
                                                          configuration: own, using: RandomStream(seed: 6)))
        let b = try XCTUnwrap(PreparedDistillation.prepare(learner: student, peer: peer, peerBuffer: buffer(),
                                                          configuration: reference, using: RandomStream(seed: 6)))
        XCTAssertEqual(a.states, b.states)
        // ξ = Q̃(s, π̃(s)) − Q(s, π(s)) versus Q̃(s, π̃(s)) − Q(s, π̃(s)).
        let peerValues = peer.values(for: a.states, actions: a.targets)
        let ownAtOwn = student.values(for: a.states, actions: student.actions(for: a.states))
        let ownAtPeer = student.values(for: a.states, actions: a.targets)
        let expectedOwn = zip(peerValues, ownAtOwn).map { Double($0) - Double($1) }.reduce(0, +) / 16
        let expectedReference = zip(peerValues, ownAtPeer).map { Double($0) - Double($1) }.reduce(0, +) / 16
        XCTAssertEqual(a.weights.meanDisadvantage, expectedOwn, accuracy: 1e-9)
        XCTAssertEqual(b.weights.meanDisadvantage, expectedReference, accuracy: 1e-9)
    }

    func testAnEmptyPeerBufferMeansNothingToDistil() {
        let empty = ReplayBuffer(capacity: 10, observationDimension: 3, actionDimension: 2)
        XCTAssertNil(PreparedDistillation.prepare(learner: learner("a"), peer: learner("b"), peerBuffer: empty,
                                                  configuration: configuration(.uniform), using: RandomStream(seed: 7)))
    }
}
