import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// What the trainer relies on, checked for every algorithm: shapes, hooks, statistics columns, determinism.
final class LearnerContractTests: XCTestCase {
    /// Each algorithm with the options that draw random numbers or keep state switched on.
    private var configurations: [LearnerConfiguration] {
        var ddpg = LearnerTestSupport.configuration(.ddpg)
        ddpg.offPolicySettings?.layerNorm = true
        ddpg.offPolicySettings?.observationNormalization = true
        ddpg.offPolicySettings?.criticWeightDecay = 1e-2
        ddpg.offPolicySettings?.noise = ExplorationNoiseConfiguration(kind: .parameter, scale: 0.2)
        ddpg.offPolicySettings?.noise.adaptationInterval = 5
        var td3 = LearnerTestSupport.configuration(.td3)
        td3.offPolicySettings?.noise = ExplorationNoiseConfiguration(kind: .ornsteinUhlenbeck, scale: 0.3)
        td3.offPolicySettings?.observationNormalization = true
        var sac = LearnerTestSupport.configuration(.sac)
        sac.offPolicySettings?.noise = ExplorationNoiseConfiguration(kind: .gaussian, scale: 0.1)
        sac.offPolicySettings?.layerNorm = true
        var stateDependent = LearnerTestSupport.sac()
        stateDependent.stateDependentExploration = StateDependentExplorationConfiguration(resampleEvery: 3)
        stateDependent.observationNormalization = true
        return [ddpg, td3, sac, .sac(stateDependent)]
    }

    func testFactoryBuildsEachAlgorithm() {
        XCTAssertTrue(LearnerTestSupport.learner(LearnerTestSupport.configuration(.ddpg)) is DDPG)
        XCTAssertTrue(LearnerTestSupport.learner(LearnerTestSupport.configuration(.td3)) is TD3)
        XCTAssertTrue(LearnerTestSupport.learner(LearnerTestSupport.configuration(.sac)) is SAC)
        let learner = LearnerTestSupport.learner(LearnerTestSupport.configuration(.sac), observation: 5, action: 3)
        XCTAssertEqual(learner.observationDimension, 5)
        XCTAssertEqual(learner.actionDimension, 3)
    }

    func testHooksAgreeWithActingAndHaveTheRightShapes() {
        for configuration in configurations {
            var learner = LearnerTestSupport.learner(configuration)
            for step in 0..<20 { learner.observe([Float(step) * 0.1, -1, 3]) }
            let states: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 3, low: -3, high: 3, seed: 1)
            let actions = learner.actions(for: states)
            XCTAssertEqual(actions.shape, MatrixShape(rows: 5, columns: 2))
            for row in 0..<5 {
                let single = learner.deterministicAction(for: states.row(row))
                for column in 0..<2 {
                    XCTAssertEqual(actions[row, column], single[column], accuracy: 1e-6, "\(configuration.algorithm)")
                    XCTAssertLessThanOrEqual(abs(single[column]), 1)
                }
            }
            let values = learner.values(for: states, actions: actions)
            XCTAssertEqual(values.count, 5)
            XCTAssertTrue(values.allSatisfy { $0.isFinite })
            let stream = RandomStream(seed: 1, name: "exploration")
            for row in 0..<5 {
                let action = learner.explorationAction(for: states.row(row), using: stream)
                XCTAssertEqual(action.count, 2)
                XCTAssertTrue(action.allSatisfy { $0 >= -1 && $0 <= 1 }, "\(configuration.algorithm)")
            }
        }
    }

    func testObservationNormalisationUsesTheObservedStatistics() throws {
        var configuration = LearnerTestSupport.td3()
        configuration.observationNormalization = true
        var learner = TD3(observationDimension: 3, actionDimension: 2, configuration: configuration,
                          initialization: RandomStream(seed: 2, name: "initialisation"))
        let unnormalised = TD3(observationDimension: 3, actionDimension: 2,
                               configuration: LearnerTestSupport.td3(),
                               initialization: RandomStream(seed: 2, name: "initialisation"))
        XCTAssertEqual(learner.actor, unnormalised.actor)
        // The statistics follow the observations; inputs are (x − μ)/√(σ² + 1e-8), clipped to ±5.
        for step in 0..<100 { learner.observe([10 + Float(step % 3), -Float(step % 5), 0.5]) }
        let statistics = try XCTUnwrap(learner.observationStatistics)
        XCTAssertEqual(statistics.mean[0], 10.99, accuracy: 0.01)
        XCTAssertEqual(statistics.count, 100.0001, accuracy: 1e-9)
        for observation: [Float] in [[11, -2, 0.5], [1e6, -1e6, 1e6]] {
            let normalised = (0..<3).map { index in
                Float(min(max((Double(observation[index]) - statistics.mean[index])
                                / (statistics.variance[index] + 1e-8).squareRoot(), -5), 5))
            }
            let expected = unnormalised.deterministicAction(for: normalised)
            let action = learner.deterministicAction(for: observation)
            for k in 0..<2 { XCTAssertEqual(action[k], expected[k], accuracy: 1e-6) }
        }
    }

    func testStatisticsMatchTheColumns() {
        for configuration in configurations {
            var learner = LearnerTestSupport.learner(configuration)
            let statistics = LearnerTestSupport.train(&learner, on: LearnerTestSupport.randomBuffer(), updates: 2,
                                                      batchSize: 16, replay: RandomStream(seed: 1, name: "replay"),
                                                      update: RandomStream(seed: 1, name: "update"))
            XCTAssertEqual(statistics.values.count, learner.updateColumns.count, "\(configuration.algorithm)")
            XCTAssertFalse(statistics.values[0].isNaN)
        }
    }

    /// Collects, learns and distils with one learner, from named streams under `seed`; returns the learner.
    private func run(_ configuration: LearnerConfiguration, seed: UInt64) -> (any OffPolicyLearner, [[Double]]) {
        let root = RandomStream(seed: seed)
        var learner = makeLearner(configuration: configuration, observationDimension: 3, actionDimension: 2,
                                  initialization: root.child("initialisation"))
        let log = drive(&learner, steps: 0..<30, root: root)
        return (learner, log)
    }

    /// Steps `steps` of collecting (observe, explore, episode ends every 10 steps), learning and distilling, with
    /// streams named under `root`; returns what the learner reported.
    private func drive(_ learner: inout any OffPolicyLearner, steps: Range<Int>, root: RandomStream) -> [[Double]] {
        let exploration = root.child("exploration")
        let buffer = LearnerTestSupport.randomBuffer(stream: root.child("data"))
        let replay = root.child("replay")
        let update = root.child("update")
        var log: [[Double]] = []
        var batch = ReplayBatch()
        for step in steps {
            let observation = buffer.transition(step).observation
            learner.observe(observation)
            log.append(learner.explorationAction(for: observation, using: exploration).map(Double.init))
            if step % 10 == 9 { learner.episodeDidEnd(using: exploration) }
            buffer.sample(count: 16, using: replay, into: &batch)
            log.append(learner.update(on: batch, using: update).values)
            let states: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 8, columns: 3, seed: UInt64(step))
            let targets: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 8, columns: 2, seed: UInt64(step + 1))
            log.append([learner.distill(states: states, targets: targets, weights: Array(repeating: 0.125, count: 8))])
        }
        return log
    }

    /// A learner stored mid-run (after its exploration state, noise, statistics and optimisers have moved), and
    /// restored into a fresh learner with other initial weights, continues exactly as the original does.
    func testARestoredLearnerContinuesBitForBit() throws {
        for configuration in configurations {
            let name = "\(configuration.algorithm)\(configuration.stateDependentExploration == nil ? "" : " gSDE")"
            var original = makeLearner(configuration: configuration, observationDimension: 3, actionDimension: 2,
                                       initialization: RandomStream(seed: 1, name: "initialisation"))
            _ = drive(&original, steps: 0..<13, root: RandomStream(seed: 7))
            // One more step of acting without an update, so that state held between updates (the OU value, gSDE's
            // exploration matrix) matters after the checkpoint.
            _ = original.explorationAction(for: [0.1, -0.2, 0.3], using: RandomStream(seed: 9, name: "extra"))
            var archive = ParameterArchive<Float>()
            original.store(in: &archive, prefix: "learner0")
            let decoded = try ParameterArchive<Float>(decoding: archive.encoded(), source: "checkpoint")
            var restored = makeLearner(configuration: configuration, observationDimension: 3, actionDimension: 2,
                                       initialization: RandomStream(seed: 2, name: "initialisation"))
            XCTAssertNotEqual(parameters(restored), parameters(original), name)
            try restored.restore(from: decoded, prefix: "learner0")
            XCTAssertEqual(parameters(restored), parameters(original), name)
            let continued = drive(&original, steps: 13..<30, root: RandomStream(seed: 8))
            let resumed = drive(&restored, steps: 13..<30, root: RandomStream(seed: 8))
            XCTAssertEqual(resumed.map { $0.map(\.bitPattern) }, continued.map { $0.map(\.bitPattern) }, name)
            XCTAssertEqual(parameters(restored), parameters(original), name)
            var again = ParameterArchive<Float>()
            restored.store(in: &again, prefix: "learner0")
            var expected = ParameterArchive<Float>()
            original.store(in: &expected, prefix: "learner0")
            XCTAssertTrue(again.encoded() == expected.encoded(), "\(name): the whole stored state must agree")
        }
    }

    func testRestoringAnotherConfigurationFailsAndChangesNothing() {
        var small = LearnerTestSupport.learner(LearnerTestSupport.configuration(.td3, hidden: [8, 8]))
        var archive = ParameterArchive<Float>(source: "checkpoint.duet")
        small.store(in: &archive, prefix: "learner0")
        var wide = LearnerTestSupport.learner(LearnerTestSupport.configuration(.td3, hidden: [16, 8]))
        let before = parameters(wide)
        XCTAssertThrowsError(try wide.restore(from: archive, prefix: "learner0")) { error in
            XCTAssertTrue("\(error)".hasPrefix("checkpoint.duet: "), "\(error)")
            XCTAssertTrue("\(error)".contains("learner0.actor"), "\(error)")
        }
        XCTAssertEqual(parameters(wide), before)
        XCTAssertThrowsError(try small.restore(from: archive, prefix: "learner1"))
    }

    /// The learner's networks, compared bit for bit.
    private func parameters(_ learner: any OffPolicyLearner) -> [Matrix<Float>] {
        switch learner {
        case let ddpg as DDPG: return ddpg.actor.tensors + ddpg.targetActor.tensors + ddpg.critics.tensors
            + ddpg.targetCritics.tensors
        case let td3 as TD3: return td3.actor.tensors + td3.targetActor.tensors + td3.critics.tensors
            + td3.targetCritics.tensors
        case let sac as SAC: return sac.actor.tensors + sac.critics.tensors + sac.targetCritics.tensors
            + [Matrix(row: [sac.logEntropyCoefficient])]
        default: return []
        }
    }

    func testTheSameStreamsGiveBitIdenticalLearners() {
        for configuration in configurations {
            let (first, firstLog) = run(configuration, seed: 42)
            let (second, secondLog) = run(configuration, seed: 42)
            let (other, _) = run(configuration, seed: 43)
            XCTAssertFalse(parameters(first).isEmpty)
            XCTAssertEqual(parameters(first), parameters(second), "\(configuration.algorithm)")
            XCTAssertEqual(firstLog.map { $0.map(\.bitPattern) }, secondLog.map { $0.map(\.bitPattern) },
                           "\(configuration.algorithm)")
            XCTAssertNotEqual(parameters(first), parameters(other), "\(configuration.algorithm)")
        }
    }
}
