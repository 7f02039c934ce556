import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

final class DistillationTests: XCTestCase {
    func testWeightedLossAndGradientByHand() {
        // Two states, two action dimensions, w = [0.25, 0.75]:
        // L = 0.25·((0.5 − 0)² + (0 − 0)²)/2 + 0.75·((−0.2 − 0.2)² + (0.1 − 0.4)²)/2
        //   = 0.25·0.125 + 0.75·0.125 = 0.125.
        let prediction = Matrix<Double>([[0.5, 0], [-0.2, 0.1]])
        let targets = Matrix<Double>([[0, 0], [0.2, 0.4]])
        var gradient = Matrix<Double>()
        let loss = DistillationLoss.weightedSquaredError(prediction: prediction, targets: targets,
                                                         weights: [0.25, 0.75], gradient: &gradient)
        XCTAssertEqual(loss, 0.125, accuracy: 1e-12)
        // ∂L/∂μᵢₖ = 2wᵢ(μᵢₖ − ãᵢₖ)/K: [0.25·0.5, 0; 0.75·(−0.4), 0.75·(−0.3)] = [0.125, 0; −0.3, −0.225].
        XCTAssertEqual(gradient[0, 0], 0.125, accuracy: 1e-12)
        XCTAssertEqual(gradient[0, 1], 0, accuracy: 1e-12)
        XCTAssertEqual(gradient[1, 0], -0.3, accuracy: 1e-12)
        XCTAssertEqual(gradient[1, 1], -0.225, accuracy: 1e-12)
    }

    /// Σᵢ wᵢ·meanₖ (μ(sᵢ)ₖ − ãᵢₖ)² from the learner's public actions.
    private func weightedLoss(_ learner: any OffPolicyLearner, states: Matrix<Float>, targets: Matrix<Float>,
                              weights: [Float]) -> Double {
        let actions = learner.actions(for: states)
        var total = 0.0
        for row in 0..<states.rows {
            var squares = 0.0
            for column in 0..<targets.columns {
                let difference = Double(actions[row, column]) - Double(targets[row, column])
                squares += difference * difference
            }
            total += Double(weights[row]) * squares / Double(targets.columns)
        }
        return total
    }

    func testDistillationStepReducesTheWeightedLossAndTouchesOnlyTheActor() {
        for algorithm in LearnerAlgorithm.allCases where algorithm.isOffPolicy {
            var configuration = LearnerTestSupport.configuration(algorithm)
            configuration.distillationLearningRate = 1e-2
            configuration.offPolicySettings?.observationNormalization = true
            var learner = LearnerTestSupport.learner(configuration, seed: 12)
            let observations = RandomStream(seed: 12, name: "observations")
            for _ in 0..<100 { learner.observe((0..<3).map { _ in Float(observations.uniform(from: -2, to: 2)) }) }
            let states: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 12, columns: 3, low: -2, high: 2,
                                                                        seed: 13)
            let targets: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 12, columns: 2, low: -0.9, high: 0.9,
                                                                         seed: 14)
            let raw: [Float] = (0..<12).map { Float($0 % 4 + 1) }
            let weights = raw.map { $0 / raw.reduce(0, +) }
            let probeActions: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 12, columns: 2, seed: 15)
            let valuesBefore = learner.values(for: states, actions: probeActions)
            let before = weightedLoss(learner, states: states, targets: targets, weights: weights)
            let reported = learner.distill(states: states, targets: targets, weights: weights)
            XCTAssertEqual(reported, before, accuracy: 1e-6, "\(algorithm): the loss before the step is returned")
            var after = weightedLoss(learner, states: states, targets: targets, weights: weights)
            XCTAssertLessThan(after, before, "\(algorithm)")
            for _ in 0..<50 { _ = learner.distill(states: states, targets: targets, weights: weights) }
            after = weightedLoss(learner, states: states, targets: targets, weights: weights)
            XCTAssertLessThan(after, 0.5 * before, "\(algorithm): repeated steps keep reducing the loss")
            XCTAssertEqual(learner.values(for: states, actions: probeActions), valuesBefore,
                           "\(algorithm): distillation leaves the critics alone")
        }
    }

    /// DDPG and TD3 keep the actor's pass of their own evaluation for the distillation step on the same states, and
    /// take it only while it is their current policy's on those states: after a distillation step, an RL update
    /// (TD3's actor step on its second update) or a new observation statistic, or on other states, they run the
    /// pass again. In every case the step's loss and the actor after it are bit for bit those of a step that runs
    /// the pass itself.
    func testDistillationStepReusesItsOwnPolicyPassOnlyWhileItIsCurrent() {
        for algorithm in [LearnerAlgorithm.ddpg, .td3] {
            var configuration = LearnerTestSupport.configuration(algorithm)
            configuration.distillationLearningRate = 1e-2
            configuration.offPolicySettings?.observationNormalization = true
            var reusing = LearnerTestSupport.learner(configuration, seed: 22)
            reusing.observe([0.5, -1, 2])
            reusing.observe([-0.5, 1, 0])
            var running = reusing
            let states: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 10, columns: 3, low: -2, high: 2,
                                                                        seed: 23)
            let otherStates: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 10, columns: 3, seed: 24)
            let targets: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 10, columns: 2, low: -0.9,
                                                                         high: 0.9, seed: 25)
            let weights = [Float](repeating: 0.1, count: 10)
            let buffer = LearnerTestSupport.randomBuffer()
            let replay = RandomStream(seed: 26, name: "replay")
            let update = RandomStream(seed: 26, name: "update")

            /// One step of each learner, `reusing` handed `forward`; both must end the same.
            func step(_ forward: PolicyForward?, on batch: Matrix<Float>, _ what: String) {
                let reused = reusing.distill(states: batch, targets: targets, weights: weights, reusing: forward)
                let ran = running.distill(states: batch, targets: targets, weights: weights)
                XCTAssertEqual(reused.bitPattern, ran.bitPattern, "\(algorithm), \(what): the loss")
                XCTAssertEqual(reusing.actions(for: states), running.actions(for: states),
                               "\(algorithm), \(what): the actor after the step")
            }

            let fresh = reusing.policyEvaluation(for: states)
            XCTAssertNotNil(fresh.forward, "\(algorithm) keeps its policy pass")
            XCTAssertEqual(fresh.actions, running.actions(for: states), "\(algorithm): the kept pass is μ(s)")
            step(fresh.forward, on: states, "a current pass")
            XCTAssertNotEqual(reusing.actions(for: states), fresh.actions,
                              "\(algorithm): the step changed the policy, so a stale pass would show below")
            step(fresh.forward, on: states, "a pass from before a distillation step")

            let beforeUpdate = reusing.policyEvaluation(for: states)
            var trained = reusing
            LearnerTestSupport.train(&trained, on: buffer, updates: 2, batchSize: 16, replay: replay, update: update)
            reusing = trained
            running = trained
            step(beforeUpdate.forward, on: states, "a pass from before two RL updates")

            let beforeObservation = reusing.policyEvaluation(for: states)
            reusing.observe([3, 3, -3])
            running.observe([3, 3, -3])
            step(beforeObservation.forward, on: states, "a pass from before a new observation")

            step(reusing.policyEvaluation(for: otherStates).forward, on: states, "a pass on other states")
        }
    }

    func testZeroWeightsLeaveTheActorUnchanged() {
        var learner = LearnerTestSupport.learner(LearnerTestSupport.configuration(.td3), seed: 16)
        let states: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 4, columns: 3, seed: 17)
        let targets: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 4, columns: 2, seed: 18)
        let before = learner.actions(for: states)
        _ = learner.distill(states: states, targets: targets, weights: [0, 0, 0, 0])
        XCTAssertEqual(learner.actions(for: states), before)
    }

    func testGradientClipShrinksTheStep() {
        // A global-norm clip of 1e-10 scales every gradient entry below 1e-10, so Adam's first step
        // α·g/(|g| + 1e-8) is about 1% of the unclipped one (α·sign g).
        var clipped = LearnerTestSupport.configuration(.ddpg)
        clipped.distillationGradientClip = 1e-10
        var first = LearnerTestSupport.learner(clipped, seed: 19)
        var second = LearnerTestSupport.learner(LearnerTestSupport.configuration(.ddpg), seed: 19)
        let states: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 6, columns: 3, seed: 20)
        let targets: Matrix<Float> = LearnerTestSupport.uniformMatrix(rows: 6, columns: 2, seed: 21)
        let weights = [Float](repeating: 1.0 / 6, count: 6)
        let before = first.actions(for: states)
        _ = first.distill(states: states, targets: targets, weights: weights)
        _ = second.distill(states: states, targets: targets, weights: weights)
        func change(_ learner: any OffPolicyLearner) -> Float {
            zip(learner.actions(for: states).scalars, before.scalars).map { abs($0 - $1) }.max() ?? 0
        }
        XCTAssertGreaterThan(change(second), 0)
        XCTAssertLessThan(change(first), 0.02 * change(second))
    }
}
