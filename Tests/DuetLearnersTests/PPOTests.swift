import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// The PPO learner: initialisation, acting, `VecNormalize`-style statistics, determinism, checkpoints and the
/// distillation side.
final class PPOTests: XCTestCase {
    /// A small PPO on 3 observations and a 2-d action box [−2, 2] × [0, 1], with `envs` copies.
    private func learner(_ adjust: (inout PPOConfiguration) -> Void = { _ in }, envs: Int = 2,
                         seed: UInt64 = 3) -> PPO {
        var configuration = PPOConfiguration()
        configuration.hidden = [8, 8]
        configuration.envs = envs
        configuration.rolloutSteps = 6
        configuration.batchSize = 4
        configuration.epochs = 2
        adjust(&configuration)
        return PPO(observationDimension: 3, actionLow: [-2, 0], actionHigh: [2, 1], configuration: configuration,
                   initialization: RandomStream(seed: seed, name: "learner0/initialization"))
    }

    /// Collects one rollout per copy with a made-up environment (observations from `stream`, rewards the
    /// negative squared action), as the trainer does: act on all copies, observe, scale rewards, append.
    private func collect(_ ppo: inout PPO, stream: RandomStream) -> (rollouts: [Rollout], last: [[Float]]) {
        var rollouts = Array(repeating: Rollout(observationDimension: 3, actionDimension: 2), count: ppo.environmentCopies)
        var observations = (0..<ppo.environmentCopies).map { _ in (0..<3).map { _ in Float(stream.gaussian()) } }
        ppo.observe(observations)
        for t in 0..<ppo.rolloutLength {
            let steps = ppo.act(on: observations, using: stream)
            observations = (0..<ppo.environmentCopies).map { _ in (0..<3).map { _ in Float(stream.gaussian()) } }
            ppo.observe(observations)
            let ended = (0..<ppo.environmentCopies).map { copy in (t + copy) % 4 == 3 }
            let rewards = ppo.scaleRewards(steps.map { -Double($0.action.reduce(0) { $0 + $1 * $1 }) },
                                           episodeEnded: ended)
            for copy in steps.indices {
                rollouts[copy].append(step: steps[copy], reward: rewards[copy], isTerminal: ended[copy] && copy == 0,
                                      isTruncated: ended[copy] && copy == 1, truncationValue: 0.5)
            }
        }
        return (rollouts, observations)
    }

    func testOrthogonalInitialisationHasSB3sGainsAndZeroBiases() {
        let ppo = learner()
        let head = ppo.parameters.policy.layers[2].weight  // 8 × 2: orthonormal columns times 0.01
        for k in 0..<2 {
            let norm = (0..<8).reduce(0.0) { $0 + Double(head[$1, k] * head[$1, k]) }.squareRoot()
            XCTAssertEqual(norm, 0.01, accuracy: 1e-6)
        }
        let hidden = ppo.parameters.value.layers[1].weight  // 8 × 8 orthogonal times √2
        let norm = (0..<8).reduce(0.0) { $0 + Double(hidden[$1, 0] * hidden[$1, 0]) }.squareRoot()
        XCTAssertEqual(norm, 2.0.squareRoot(), accuracy: 1e-5)
        XCTAssert(ppo.parameters.policy.layers.allSatisfy { $0.bias.scalars.allSatisfy { $0 == 0 } })
        XCTAssertEqual(ppo.parameters.logDeviation.values.scalars, [0, 0])
    }

    /// Actions come back in [−1, 1]ᵈ units of the box; the mean is the deterministic action, clipped.
    func testActionsAreInUnitsOfTheBox() {
        var ppo = learner()
        let observation: [Float] = [0.3, -0.2, 0.5]
        let mean = ppo.parameters.policy.forward(single: observation)
        let deterministic = ppo.deterministicAction(for: observation)
        XCTAssertEqual(deterministic[0], mean[0] / 2, accuracy: 1e-6)  // centre 0, half-range 2
        XCTAssertEqual(deterministic[1], (mean[1] - 0.5) / 0.5, accuracy: 1e-6)  // centre 0.5, half-range 0.5
        let steps = ppo.act(on: [observation, observation], using: RandomStream(seed: 1, name: "act"))
        XCTAssertNotEqual(steps[0].action, steps[1].action)
        XCTAssertEqual(steps[0].policyInput, observation)
        XCTAssertEqual(steps[0].value, ppo.stateValue(of: observation), accuracy: 1e-6)
    }

    /// `observe` updates the observation statistics; acting, evaluating and distillation inputs only read them.
    func testObservationStatisticsUpdateOnlyWhenObserving() {
        var ppo = learner { $0.observationNormalization = true }
        ppo.observe([[1, 2, 3], [3, 2, 1]])
        let statistics = ppo.observationStatistics
        XCTAssertEqual(statistics?.mean[0] ?? 0, 2, accuracy: 1e-3)
        let steps = ppo.act(on: [[1, 2, 3], [3, 2, 1]], using: RandomStream(seed: 1, name: "act"))
        _ = ppo.deterministicAction(for: [5, 5, 5])
        _ = ppo.policyEvaluation(for: Matrix(rows: 1, columns: 3, scalars: [5, 5, 5]))
        XCTAssertEqual(ppo.observationStatistics, statistics)
        XCTAssertEqual(steps[0].policyInput, statistics?.normalize([1, 2, 3]))
    }

    /// `VecNormalize`'s reward scaling: returns gₜ = γ·gₜ₋₁ + rₜ per copy, their running variance, r/√(var + 10⁻⁸),
    /// and a copy's return reset when its episode ends.
    func testRewardScalingFollowsTheDiscountedReturn() {
        var ppo = learner({ $0.rewardNormalization = true; $0.discount = 0.5 })
        var statistics = RunningMeanStandardDeviation(dimension: 1, clip: .infinity)
        statistics.update(with: [2])
        statistics.update(with: [-1])
        let first = ppo.scaleRewards([2, -1], episodeEnded: [false, true])
        XCTAssertEqual(first[0], 2 / (statistics.variance[0] + 1e-8).squareRoot(), accuracy: 1e-9)
        statistics.update(with: [0.5 * 2 + 1])  // copy 0 continues its return
        statistics.update(with: [1])  // copy 1 starts again
        let second = ppo.scaleRewards([1, 1], episodeEnded: [false, false])
        XCTAssertEqual(second[1], 1 / (statistics.variance[0] + 1e-8).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(ppo.returnStatistics, statistics)
    }

    /// Same seed, same rollouts, same updates: identical parameters and statistics; a linear learning-rate
    /// schedule reports α·p.
    func testUpdatesAreDeterministic() {
        func train() -> (PPO, [UpdateStatistics]) {
            var ppo = learner({ $0.stateDependentExploration = true; $0.resampleEvery = 2
                $0.learningRateSchedule = .linear })
            let stream = RandomStream(seed: 5, name: "drive")
            var rows: [UpdateStatistics] = []
            for iteration in 0..<3 {
                let (rollouts, last) = collect(&ppo, stream: stream)
                rows.append(ppo.update(on: rollouts, lastObservations: last,
                                       progressRemaining: 1 - Double(iteration) / 3, using: stream))
            }
            return (ppo, rows)
        }
        let (first, firstRows) = train()
        let (second, secondRows) = train()
        XCTAssertEqual(first.parameters, second.parameters)
        XCTAssertEqual(firstRows, secondRows)
        XCTAssertEqual(first.updateCount, 3)
        XCTAssertEqual(firstRows[1].values[PPO.columns.firstIndex(of: "learningRate")!], 3e-4 * 2 / 3, accuracy: 1e-12)
        XCTAssertEqual(firstRows[0].values[PPO.columns.firstIndex(of: "epochs")!], 2)
        XCTAssertNotEqual(first.parameters, learner { $0.stateDependentExploration = true }.parameters)
    }

    /// A tiny target KL stops the epochs of an update early.
    func testTargetKLStopsEarly() {
        var ppo = learner({ $0.targetKL = 1e-9; $0.epochs = 5; $0.learningRate = 1e-2 })
        let stream = RandomStream(seed: 6, name: "drive")
        var (rollouts, last) = collect(&ppo, stream: stream)
        _ = ppo.update(on: rollouts, lastObservations: last, progressRemaining: 1, using: stream)
        (rollouts, last) = collect(&ppo, stream: stream)
        let row = ppo.update(on: rollouts, lastObservations: last, progressRemaining: 1, using: stream)
        XCTAssertLessThan(row.values[PPO.columns.firstIndex(of: "epochs")!], 5)
    }

    /// A learner restored from an archive continues bit for bit: same actions, same updates.
    func testCheckpointRoundTripContinuesExactly() throws {
        var original = learner({ $0.stateDependentExploration = true; $0.observationNormalization = true
            $0.rewardNormalization = true; $0.resampleEvery = 4 })
        let stream = RandomStream(seed: 7, name: "drive")
        let (rollouts, last) = collect(&original, stream: stream)
        _ = original.update(on: rollouts, lastObservations: last, progressRemaining: 1, using: stream)
        _ = original.act(on: last, using: stream)  // mid-rollout: W drawn, one round acted
        var archive = ParameterArchive<Float>()
        original.store(in: &archive, prefix: "learner0")
        var restored = learner({ $0.stateDependentExploration = true; $0.observationNormalization = true
            $0.rewardNormalization = true; $0.resampleEvery = 4 }, seed: 99)
        try restored.restore(from: archive, prefix: "learner0")
        XCTAssertEqual(restored.parameters, original.parameters)
        let continuation = RandomStream(seed: 8, name: "continue")
        let again = RandomStream(seed: 8, name: "continue")
        let a = collect(&original, stream: continuation)
        let b = collect(&restored, stream: again)
        XCTAssertEqual(a.rollouts.map(\.logProbabilities), b.rollouts.map(\.logProbabilities))
        XCTAssertEqual(original.update(on: a.rollouts, lastObservations: a.last, progressRemaining: 0.5, using: continuation),
                       restored.update(on: b.rollouts, lastObservations: b.last, progressRemaining: 0.5, using: again))
        XCTAssertEqual(restored.parameters, original.parameters)
        var broken = archive
        broken.store(Matrix<Float>(rows: 1, columns: 1), as: "learner0.explorationMatrix.0")
        var victim = learner({ $0.stateDependentExploration = true; $0.observationNormalization = true
            $0.rewardNormalization = true })
        let before = victim.parameters
        XCTAssertThrowsError(try victim.restore(from: broken, prefix: "learner0"))
        XCTAssertEqual(victim.parameters, before)
    }

    /// Distillation moves only the policy network: with `separate` through its own Adam, with `shared` through
    /// the PPO optimiser's policy moments; log σ and the value network never move.
    func testDistillationMovesOnlyThePolicyThroughTheChosenOptimiser() {
        for shared in [false, true] {
            var ppo = learner { $0.distillationSharesOptimizer = shared }
            let states = Matrix<Float>(rows: 4, columns: 3) { row, column in Float(row - column) * 0.3 }
            let targets = Matrix<Float>(rows: 4, columns: 2, repeating: 0.5)
            let before = ppo.parameters
            var archive = ParameterArchive<Float>()
            ppo.store(in: &archive, prefix: "")
            let loss = ppo.distill(states: states, targets: targets, weights: [0.25, 0.25, 0.25, 0.25])
            XCTAssertGreaterThan(loss, 0)
            XCTAssertNotEqual(ppo.parameters.policy, before.policy)
            XCTAssertEqual(ppo.parameters.value, before.value)
            XCTAssertEqual(ppo.parameters.logDeviation, before.logDeviation)
            var after = ParameterArchive<Float>()
            ppo.store(in: &after, prefix: "")
            XCTAssertEqual(after["policyAdam.step"] != archive["policyAdam.step"], shared)
            XCTAssertEqual(after["distillationAdam.step"] != archive["distillationAdam.step"], !shared)
            XCTAssertEqual(after["valueAdam.step"], archive["valueAdam.step"])
            // The loss is the weighted squared error of the means in [−1, 1]ᵈ units.
            let means = PPO(observationDimension: 3, actionLow: [-2, 0], actionHigh: [2, 1],
                            configuration: ppo.configuration,
                            initialization: RandomStream(seed: 3, name: "learner0/initialization"))
                .policyEvaluation(for: states).actions
            var expected = 0.0
            for row in 0..<4 {
                for k in 0..<2 { expected += 0.25 * pow(Double(means[row, k]) - 0.5, 2) / 2 }
            }
            XCTAssertEqual(loss, expected, accuracy: 1e-6)
        }
    }

    /// Sampled targets scatter around the mean with the policy's standard deviation (σ = e⁰ = 1 raw, so 0.5 and
    /// 2 in the two dimensions' units); deterministic learners have none.
    func testSampledActionsFollowThePolicy() throws {
        let ppo = learner()
        let states = Matrix<Float>(rows: 4000, columns: 3, repeating: 0.1)
        let samples = try XCTUnwrap(ppo.sampledActions(for: states, using: RandomStream(seed: 9, name: "s")))
        let mean = ppo.policyEvaluation(for: Matrix(rows: 1, columns: 3, repeating: 0.1)).actions
        for (k, deviation) in [(0, 0.5), (1, 2.0)] {
            let column = (0..<4000).map { Double(samples[$0, k]) }
            let average = column.reduce(0, +) / 4000
            let spread = (column.reduce(0) { $0 + ($1 - average) * ($1 - average) } / 4000).squareRoot()
            XCTAssertEqual(average, Double(mean[0, k]), accuracy: 4 * deviation / 4000.0.squareRoot())
            XCTAssertEqual(spread, deviation, accuracy: 0.05 * deviation)
        }
        XCTAssertNil(LearnerTestSupport.learner(LearnerTestSupport.configuration(.td3))
            .sampledActions(for: states, using: RandomStream(seed: 9, name: "s")))
    }

    func testConfigurationRejectsOutOfRangeValuesByKey() {
        var configuration = PPOConfiguration()
        configuration.envs = 0
        XCTAssertThrowsError(try configuration.validate(at: "learner")) { error in
            XCTAssert(String(describing: error).contains("learner.envs"), "\(error)")
        }
        configuration = PPOConfiguration()
        configuration.hidden = []
        configuration.stateDependentExploration = true
        XCTAssertThrowsError(try configuration.validate(at: "learner")) { error in
            XCTAssert(String(describing: error).contains("stateDependentExploration"), "\(error)")
        }
    }
}
