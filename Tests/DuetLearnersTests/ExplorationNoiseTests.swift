import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import Foundation
import XCTest

final class ExplorationNoiseTests: XCTestCase {
    func testAdaptationRuleDividesAboveTheTargetAndMultipliesOtherwise() {
        var noise = ParameterNoise(standardDeviation: 0.2, desiredActionDeviation: 0.2)
        noise.adapt(toDistance: 0.3)  // d > δ: σ = 0.2 / 1.01 = 0.198019802
        XCTAssertEqual(noise.standardDeviation, 0.2 / 1.01, accuracy: 1e-15)
        XCTAssertEqual(noise.standardDeviation, 0.198019802, accuracy: 1e-9)
        noise.adapt(toDistance: 0.1)  // d ≤ δ: σ = 0.198019802 · 1.01 = 0.2
        XCTAssertEqual(noise.standardDeviation, 0.2, accuracy: 1e-15)
        noise.adapt(toDistance: 0.2)  // d = δ is not above the target: σ = 0.2 · 1.01 = 0.202
        XCTAssertEqual(noise.standardDeviation, 0.202, accuracy: 1e-15)
        XCTAssertEqual(noise.lastDistance, 0.2)
    }

    func testDistanceIsTheRootMeanSquareActionDifference() {
        // μ(s) = tanh(s), μ̂(s) = tanh(s + 0.5) on s = 0 and s = 1:
        // d = √(((tanh 0 − tanh 0.5)² + (tanh 1 − tanh 1.5)²)/2) = √((0.213552 + 0.020608)/2) = 0.342170.
        let actor = MLP<Float>(layers: [Dense(weight: Matrix([[1]]), bias: Matrix(row: [0]))], outputActivation: .tanh)
        let other = MLP<Float>(layers: [Dense(weight: Matrix([[1]]), bias: Matrix(row: [0.5]))], outputActivation: .tanh)
        let distance = ParameterNoise.distance(between: actor, and: other, on: Matrix([[0], [1]]))
        let expected = ((pow(tanh(0.0) - tanh(0.5), 2) + pow(tanh(1.0) - tanh(1.5), 2)) / 2).squareRoot()
        XCTAssertEqual(distance, expected, accuracy: 1e-6)
        XCTAssertEqual(distance, 0.342170, accuracy: 1e-5)
    }

    func testPerturbationNoisesDenseParametersButNotLayerNorms() {
        var source = ActorNetwork.randomSource(RandomStream(seed: 6, name: "initialisation"))
        let actor: MLP<Float> = ActorNetwork.deterministic(observationDimension: 10, actionDimension: 4,
                                                           hidden: [64, 64], layerNorm: true, using: &source)
        var perturbed = actor
        ParameterNoise.perturb(actor, into: &perturbed, standardDeviation: 0.05,
                               using: RandomStream(seed: 6, name: "noise"))
        XCTAssertEqual(perturbed.layerNorms, actor.layerNorms)
        var differences: [Double] = []
        for layer in actor.layers.indices {
            for (a, b) in zip(actor.layers[layer].weight.scalars + actor.layers[layer].bias.scalars,
                              perturbed.layers[layer].weight.scalars + perturbed.layers[layer].bias.scalars) {
                differences.append(Double(b) - Double(a))
            }
        }
        // 10·64 + 64 + 64·64 + 64 + 64·4 + 4 = 5124 draws of N(0, 0.05²): mean ≈ 0, standard deviation ≈ 0.05.
        XCTAssertEqual(differences.count, 5124)
        let mean = differences.reduce(0, +) / Double(differences.count)
        let deviation = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(differences.count))
            .squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.005)
        XCTAssertEqual(deviation, 0.05, accuracy: 0.003)
    }

    func testDDPGAdaptsEveryIntervalAndExploresWithThePerturbedActor() {
        var configuration = LearnerTestSupport.ddpg()
        configuration.noise = ExplorationNoiseConfiguration(kind: .parameter, scale: 0.2)
        configuration.noise.adaptationInterval = 3
        var learner = DDPG(observationDimension: 3, actionDimension: 2, configuration: configuration,
                           initialization: RandomStream(seed: 7, name: "initialisation"))
        let exploration = RandomStream(seed: 7, name: "exploration")
        let observation: [Float] = [0.3, -0.2, 0.9]
        XCTAssertNil(learner.parameterNoise?.perturbedActor)
        let first = learner.explorationAction(for: observation, using: exploration)
        XCTAssertNotNil(learner.parameterNoise?.perturbedActor)
        XCTAssertNotEqual(first, learner.deterministicAction(for: observation))
        XCTAssertEqual(learner.explorationAction(for: observation, using: exploration), first,
                       "one perturbation per episode")
        learner.episodeDidEnd(using: exploration)
        XCTAssertNotEqual(learner.explorationAction(for: observation, using: exploration), first,
                          "a new perturbation after the episode ends")

        let buffer = LearnerTestSupport.randomBuffer()
        let replay = RandomStream(seed: 7, name: "replay")
        let stream = RandomStream(seed: 7, name: "update")
        var batch = ReplayBatch()
        var deviation = 0.2
        for update in 0..<7 {
            buffer.sample(count: 16, using: replay, into: &batch)
            let values = learner.update(on: batch, using: stream).values
            let distance = values[4]
            XCTAssertEqual(!distance.isNaN, update % 3 == 0, "adaptation on update \(update)")
            if !distance.isNaN { deviation = distance > 0.2 ? deviation / 1.01 : deviation * 1.01 }
            XCTAssertEqual(values[3], deviation, accuracy: 1e-12)
            XCTAssertEqual(learner.parameterNoise?.standardDeviation ?? 0, deviation, accuracy: 1e-12)
        }
    }

    func testGaussianNoiseIsAddedAndClipped() {
        var configuration = LearnerTestSupport.configuration(.td3)
        configuration.offPolicySettings?.noise = ExplorationNoiseConfiguration(kind: .gaussian, scale: 0.5)
        var learner = LearnerTestSupport.learner(configuration)
        let observation: [Float] = [0.1, 0.2, 0.3]
        let mean = learner.deterministicAction(for: observation)
        let stream = RandomStream(seed: 8, name: "exploration")
        var sums = [0.0, 0.0]
        var squares = [0.0, 0.0]
        let count = 4000
        for _ in 0..<count {
            let action = learner.explorationAction(for: observation, using: stream)
            XCTAssertTrue(action.allSatisfy { $0 >= -1 && $0 <= 1 })
            for k in 0..<2 {
                sums[k] += Double(action[k] - mean[k])
                squares[k] += Double(action[k] - mean[k]) * Double(action[k] - mean[k])
            }
        }
        // Unclipped, a − μ(s) ~ N(0, 0.5²); clipping at ±1 (4.6% of the mass when μ = 0) shrinks the spread a little.
        for k in 0..<2 {
            XCTAssertEqual(sums[k] / Double(count), 0, accuracy: 0.05)
            let deviation = (squares[k] / Double(count)).squareRoot()
            XCTAssertGreaterThan(deviation, 0.4)
            XCTAssertLessThan(deviation, 0.51)
        }
    }

    func testOrnsteinUhlenbeckNoiseIsCorrelatedAndResetsAtEpisodeEnd() {
        var noise = ActionNoise(ExplorationNoiseConfiguration(kind: .ornsteinUhlenbeck, scale: 0.3),
                                actionDimension: 1)
        let stream = RandomStream(seed: 9, name: "exploration")
        // x₁ = 0 + 0.15·(0 − 0)·0.01 + 0.3·√0.01·ε₁ = 0.03·ε₁
        var action: [Float] = [0]
        noise.add(to: &action, using: stream)
        let replay = RandomStream(seed: 9, name: "exploration")
        let first = 0.03 * replay.gaussian()
        XCTAssertEqual(Double(action[0]), first, accuracy: 1e-7)
        // x₂ = x₁ + 0.15·(0 − x₁)·0.01 + 0.03·ε₂
        action = [0]
        noise.add(to: &action, using: stream)
        XCTAssertEqual(Double(action[0]), first * (1 - 0.0015) + 0.03 * replay.gaussian(), accuracy: 1e-7)
        noise.reset()
        action = [0]
        noise.add(to: &action, using: stream)
        XCTAssertEqual(Double(action[0]), 0.03 * replay.gaussian(), accuracy: 1e-7)
    }
}
