import DuetLearners
import DuetNumerics
import Foundation
import XCTest

/// PPO against Stable-Baselines3 itself (`Fixtures/ppo.json`, written by `Fixtures/make_ppo_fixture.py` with SB3
/// 2.9.2 in float64): for SB3's weights and a fixed rollout of two copies with a termination and a truncation,
/// the same advantages and returns (SB3's `compute_returns_and_advantage`), and the same losses and gradients as
/// SB3's `train()` takes on one minibatch, for the state-independent Gaussian and for gSDE.
final class PPOFixtureTests: XCTestCase {
    private struct Linear: Decodable {
        let weight: [[Double]]
        let bias: [Double]
        var dense: Dense<Double> {
            Dense(weight: Matrix(weight), bias: Matrix(row: bias))
        }
    }

    private struct Case: Decodable {
        let stateDependentExploration: Bool
        let policy, value: [Linear]
        let logStandardDeviation: [[Double]]
        let observations, actions: [[[Double]]]
        let rewards: [[Double]]
        let terminal, truncated: [[Bool]]
        let truncationValue: Double
        let lastValues: [Double]
        let oldLogProbabilities, oldValues, advantages, returns: [[Double]]
        let policyLoss, valueLoss, entropyLoss, approxKL, clipFraction, loss: Double
        let policyGradient, valueGradient: [Linear]
        let logStandardDeviationGradient: [[Double]]
    }

    private struct Fixture: Decodable {
        let stableBaselines3: String
        let gamma, gaeLambda: Double
        let cases: [Case]
    }

    private func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ppo.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    private func network(_ layers: [Linear], hidden: Activation) -> MLP<Double> {
        MLP(layers: layers.map(\.dense), hiddenActivation: hidden, outputActivation: .identity)
    }

    func testAdvantagesAndReturnsMatchStableBaselines3() throws {
        let fixture = try fixture()
        XCTAssertEqual(fixture.stableBaselines3, "2.9.2")
        for (index, sb3) in fixture.cases.enumerated() {
            let steps = sb3.rewards.count
            for copy in 0..<sb3.lastValues.count {
                var rollout = Rollout(observationDimension: 1, actionDimension: 1)
                for t in 0..<steps {
                    // SB3 flattens (step, copy) copy by copy.
                    let value = sb3.oldValues[copy * steps + t][0]
                    rollout.append(step: PolicyStep(action: [0], logProbability: 0, value: value, policyInput: [0]),
                                   reward: sb3.rewards[t][copy], isTerminal: sb3.terminal[t][copy],
                                   isTruncated: sb3.truncated[t][copy], truncationValue: sb3.truncationValue)
                }
                let (advantages, returns) = GeneralizedAdvantageEstimation.advantages(
                    of: rollout, lastValue: sb3.lastValues[copy], discount: fixture.gamma, lambda: fixture.gaeLambda)
                for t in 0..<steps {
                    XCTAssertEqual(advantages[t], sb3.advantages[copy * steps + t][0], accuracy: 1e-12, "case \(index)")
                    XCTAssertEqual(returns[t], sb3.returns[copy * steps + t][0], accuracy: 1e-12, "case \(index)")
                }
            }
        }
    }

    func testLossesAndGradientsMatchStableBaselines3() throws {
        let fixture = try fixture()
        for (index, sb3) in fixture.cases.enumerated() {
            var configuration = PPOConfiguration()
            configuration.hidden = [8, 8]
            configuration.entropyCoefficient = 0.01
            configuration.valueCoefficient = 0.5
            configuration.valueClipRange = 0.3
            configuration.stateDependentExploration = sb3.stateDependentExploration
            let parameters = PPOParameters(
                policy: network(sb3.policy, hidden: .tanh),
                logDeviation: LogStandardDeviation(values: Matrix(sb3.logStandardDeviation)),
                value: network(sb3.value, hidden: .tanh))
            let steps = sb3.rewards.count
            let copies = sb3.lastValues.count
            let order = (0..<copies).flatMap { copy in (0..<steps).map { (t: $0, copy: copy) } }
            let minibatch = PPOMinibatch(
                observations: Matrix(order.map { sb3.observations[$0.t][$0.copy] }),
                actions: Matrix(order.map { sb3.actions[$0.t][$0.copy] }),
                oldLogProbabilities: sb3.oldLogProbabilities.map { $0[0] }, oldValues: sb3.oldValues.map { $0[0] },
                advantages: sb3.advantages.map { $0[0] }, returns: sb3.returns.map { $0[0] })
            let loss = PPOLoss.evaluate(parameters, on: minibatch, configuration: configuration, clipRange: 0.2)
            let label = "case \(index) (gSDE \(sb3.stateDependentExploration))"
            XCTAssertEqual(loss.policyLoss, sb3.policyLoss, accuracy: 1e-10, label)
            XCTAssertEqual(loss.valueLoss, sb3.valueLoss, accuracy: 1e-10, label)
            XCTAssertEqual(loss.entropyLoss, sb3.entropyLoss, accuracy: 1e-10, label)
            XCTAssertEqual(loss.approximateKL, sb3.approxKL, accuracy: 1e-10, label)
            XCTAssertEqual(loss.clipFraction, sb3.clipFraction, label)
            XCTAssertEqual(loss.total, sb3.loss, accuracy: 1e-10, label)
            XCTAssertGreaterThan(sb3.clipFraction, 0, "the fixture exercises the clip")

            let expected = PPOParameters(
                policy: network(sb3.policyGradient, hidden: .tanh),
                logDeviation: LogStandardDeviation(values: Matrix(sb3.logStandardDeviationGradient)),
                value: network(sb3.valueGradient, hidden: .tanh))
            for tensor in 0..<expected.tensorCount {
                let want = expected.tensor(at: tensor).scalars
                let got = loss.gradient.tensor(at: tensor).scalars
                for (g, w) in zip(got, want) {
                    XCTAssertEqual(g, w, accuracy: 1e-10 + 1e-8 * abs(w), "\(label): \(expected.tensorName(at: tensor))")
                }
            }
        }
    }
}
