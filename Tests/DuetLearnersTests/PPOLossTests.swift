import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// GAE, the Gaussian policy and the clipped PPO loss against closed forms and hand-worked numbers, and a finite-
/// difference check of the whole loss's gradient in Double.
final class PPOLossTests: XCTestCase {
    // MARK: GAE

    /// Five transitions with a truncation (bootstrapped with V(s′) = 10) at t = 1 and a termination at t = 3;
    /// γ = 0.9, λ = 0.8, V = 1 … 5, r = 1, V after the rollout 7. By hand:
    /// δ₄ = 1 + 0.9·7 − 5 = 2.3; δ₃ = 1 − 4 = −3; δ₂ = 1 + 0.9·4 − 3 = 1.6, A₂ = 1.6 + 0.72·(−3) = −0.56;
    /// δ₁ = 1 + 0.9·10 − 2 = 8 (nothing flows back from t = 2); δ₀ = 1 + 0.9·2 − 1 = 1.8, A₀ = 1.8 + 0.72·8 = 7.56.
    func testAdvantagesAndReturnsMatchTheClosedForm() {
        var rollout = Rollout(observationDimension: 1, actionDimension: 1)
        let ends: [(terminal: Bool, truncated: Bool, value: Double)] = [
            (false, false, 0), (false, true, 10), (false, false, 0), (true, false, 0), (false, false, 0),
        ]
        for (t, end) in ends.enumerated() {
            rollout.append(step: PolicyStep(action: [0], logProbability: 0, value: Double(t + 1), policyInput: [0]),
                           reward: 1, isTerminal: end.terminal, isTruncated: end.truncated, truncationValue: end.value)
        }
        let (advantages, returns) = GeneralizedAdvantageEstimation.advantages(of: rollout, lastValue: 7,
                                                                               discount: 0.9, lambda: 0.8)
        let expected = [7.56, 8, -0.56, -3, 2.3]
        for (got, want) in zip(advantages, expected) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        for (index, got) in returns.enumerated() {
            XCTAssertEqual(got, expected[index] + Double(index + 1), accuracy: 1e-12)
        }
        // A last transition that ends its episode ignores the value after the rollout.
        var ended = Rollout(observationDimension: 1, actionDimension: 1)
        ended.append(step: PolicyStep(action: [0], logProbability: 0, value: 2, policyInput: [0]), reward: 1,
                     isTerminal: true, isTruncated: false)
        XCTAssertEqual(GeneralizedAdvantageEstimation.advantages(of: ended, lastValue: 100, discount: 0.9,
                                                                  lambda: 0.8).advantages, [-1])
    }

    // MARK: Gaussian

    func testGaussianLogProbabilityAndEntropyMatchClosedForms() {
        let logDeviation = Matrix<Float>(rows: 1, columns: 2, scalars: [0.3, -0.7])
        let means = Matrix<Float>(rows: 1, columns: 2, scalars: [0.5, -1])
        let actions = Matrix<Float>(rows: 1, columns: 2, scalars: [1.25, 0.5])
        let variances = DiagonalGaussian.variances(logDeviation: logDeviation, latent: nil, batch: 1)
        var logProbability = 0.0, entropy = 0.0
        for k in 0..<2 {
            let sigma = Double.exponential(Double(logDeviation[0, k]))
            let z = (Double(actions[0, k]) - Double(means[0, k])) / sigma
            logProbability += -z * z / 2 - Double.naturalLogarithm(sigma) - 0.5 * Double.naturalLogarithm(2 * .pi)
            entropy += 0.5 + 0.5 * Double.naturalLogarithm(2 * .pi) + Double.naturalLogarithm(sigma)
        }
        XCTAssertEqual(DiagonalGaussian.logProbabilities(actions: actions, means: means, variances: variances)[0],
                       logProbability, accuracy: 1e-6)
        XCTAssertEqual(DiagonalGaussian.entropies(variances: variances, dimension: 2)[0], entropy, accuracy: 1e-6)
    }

    /// gSDE's variance is vₖ = Σₕ hₕ²·exp(2Lₕₖ) + 10⁻⁶.
    func testStateDependentVarianceIsTheFeatureWeightedSum() {
        let logDeviation = Matrix<Double>(rows: 2, columns: 1, scalars: [0.1, -0.4])
        let latent = Matrix<Double>(rows: 1, columns: 2, scalars: [0.5, -2])
        let variance = DiagonalGaussian.variances(logDeviation: logDeviation, latent: latent, batch: 1)[0]
        XCTAssertEqual(variance, 0.25 * Double.exponential(0.2) + 4 * Double.exponential(-0.8) + 1e-6, accuracy: 1e-12)
    }

    // MARK: The clipped objective

    /// A linear policy with μ = 0, σ = 1 and actions a = 1 (so ∂log π/∂μ = 1 and ∂log π/∂log σ = 0), old
    /// log-probabilities chosen for ratios r = 1.5, 0.5, 1.1, 0.7, advantages 1, 1, −1, −1 (not normalised),
    /// ε = 0.2. min(r·A, clip(r)·A) = 1.2 (clipped), 0.5, −1.1 (inside the range), −0.8 (clipped), so
    /// L_π = −(1.2 + 0.5 − 1.1 − 0.8)/4 = 0.05; only states 1 and 2 pass a gradient, ∂L/∂log π = −A·r/4:
    /// −0.125 and 0.275, so ∂L/∂b_μ = 0.15. Clipped: 3 of 4. KL ≈ mean((r − 1) − log r).
    func testClippedSurrogateOnHandWorkedNumbers() {
        var configuration = PPOConfiguration()
        configuration.hidden = []
        configuration.normalizeAdvantage = false
        configuration.entropyCoefficient = 0
        let parameters = linearParameters(valueBias: 0)
        let ratios = [1.5, 0.5, 1.1, 0.7]
        let currentLogProbability = -0.5 - 0.5 * Double.naturalLogarithm(2 * .pi)
        let minibatch = PPOMinibatch<Double>(
            observations: Matrix(rows: 4, columns: 1, repeating: 0), actions: Matrix(rows: 4, columns: 1, repeating: 1),
            oldLogProbabilities: ratios.map { currentLogProbability - Double.naturalLogarithm($0) },
            oldValues: [0, 0, 0, 0], advantages: [1, 1, -1, -1], returns: [0, 0, 0, 0])
        let loss = PPOLoss.evaluate(parameters, on: minibatch, configuration: configuration, clipRange: 0.2)
        XCTAssertEqual(loss.policyLoss, 0.05, accuracy: 1e-12)
        XCTAssertEqual(loss.clipFraction, 0.75)
        let kl = ratios.reduce(0) { $0 + ($1 - 1 - Double.naturalLogarithm($1)) } / 4
        XCTAssertEqual(loss.approximateKL, kl, accuracy: 1e-12)
        XCTAssertEqual(loss.gradient.policy.layers[0].bias[0, 0], 0.15, accuracy: 1e-12)
        XCTAssertEqual(loss.gradient.policy.layers[0].weight[0, 0], 0, accuracy: 1e-12)  // inputs are 0
        XCTAssertEqual(loss.gradient.logDeviation.values[0, 0], 0, accuracy: 1e-12)
        // Entropy of N(0, 1): ½ + ½·log 2π, and its loss is its negative mean.
        XCTAssertEqual(loss.entropyLoss, -(0.5 + 0.5 * Double.naturalLogarithm(2 * .pi)), accuracy: 1e-12)
    }

    /// Value clipping: V = 2 against rollout values 1.5 and 1.9 with ε_V = 0.2 predicts 1.7 (clipped: no
    /// gradient) and 2.0; returns 3: L_V = (1.3² + 1²)/2 = 1.345, ∂(c₁·L_V)/∂b_V = 0.5·(2·(−1)/2) = −0.5.
    func testValueClipOnHandWorkedNumbers() {
        var configuration = PPOConfiguration()
        configuration.hidden = []
        configuration.valueClipRange = 0.2
        let parameters = linearParameters(valueBias: 2)
        let minibatch = PPOMinibatch<Double>(
            observations: Matrix(rows: 2, columns: 1, repeating: 0), actions: Matrix(rows: 2, columns: 1, repeating: 0),
            oldLogProbabilities: [0, 0], oldValues: [1.5, 1.9], advantages: [1, -1], returns: [3, 3])
        let loss = PPOLoss.evaluate(parameters, on: minibatch, configuration: configuration, clipRange: 0.2)
        XCTAssertEqual(loss.valueLoss, 1.345, accuracy: 1e-12)
        XCTAssertEqual(loss.gradient.value.layers[0].bias[0, 0], -0.5, accuracy: 1e-12)
    }

    // MARK: Gradient check

    /// Central differences of the whole loss (clipped surrogate with some ratios clipped, value loss with some
    /// predictions clipped, entropy bonus, normalised advantages) against the backward pass, in Double, for the
    /// state-independent Gaussian and for gSDE. Under gSDE the features h that scale the variance are detached,
    /// as SB3's PPO has them (`learn_features=False`): the policy's hidden layers then get the gradient through
    /// μ only, which is not the derivative of the loss, so for gSDE only the tensors h does not depend on (the
    /// mean head, log σ_W and the value network) are checked here.
    func testWholeLossGradientMatchesFiniteDifferences() {
        for stateDependent in [false, true] {
            var configuration = PPOConfiguration()
            configuration.hidden = [5, 4]
            configuration.entropyCoefficient = 0.05
            configuration.valueCoefficient = 0.7
            configuration.valueClipRange = 0.3
            configuration.stateDependentExploration = stateDependent
            let stream = RandomStream(seed: 21, name: "gradient-check")
            var source = ActorNetwork.randomSource(stream)
            let policy = MLP<Double>(widths: [3, 5, 4, 2], hiddenActivation: .tanh, using: &source)
            let value = MLP<Double>(widths: [3, 5, 4, 1], hiddenActivation: .tanh, using: &source)
            let logDeviation = Matrix<Double>(rows: stateDependent ? 4 : 1, columns: 2) { _, _ in
                stream.uniform(from: -0.8, to: 0.2)
            }
            let parameters = PPOParameters(policy: policy, logDeviation: LogStandardDeviation(values: logDeviation),
                                           value: value)
            let batch = 8
            let observations = Matrix<Double>(rows: batch, columns: 3) { _, _ in stream.uniform(from: -1, to: 1) }
            let actions = Matrix<Double>(rows: batch, columns: 2) { _, _ in stream.uniform(from: -1.5, to: 1.5) }
            // Old log-probabilities that put the ratios well inside and well outside [0.8, 1.2].
            let probe = PPOMinibatch(observations: observations, actions: actions,
                                     oldLogProbabilities: Array(repeating: 0, count: batch),
                                     oldValues: Array(repeating: 0, count: batch),
                                     advantages: Array(repeating: 0, count: batch),
                                     returns: Array(repeating: 0, count: batch))
            let means = parameters.policy.forward(observations).output
            let latent = stateDependent ? parameters.policy.forward(observations).cache.lastHiddenActivation : nil
            let current = DiagonalGaussian.logProbabilities(
                actions: actions, means: means,
                variances: DiagonalGaussian.variances(logDeviation: logDeviation, latent: latent, batch: batch))
            let ratios = [0.5, 0.9, 1.05, 1.5, 1.0, 0.7, 1.3, 0.95]
            let values = parameters.value.forward(observations).output.scalars
            var minibatch = probe
            minibatch.oldLogProbabilities = zip(current, ratios).map { $0 - Double.naturalLogarithm($1) }
            minibatch.oldValues = values.enumerated().map { $1 + ($0 % 2 == 0 ? 0.6 : -0.1) }
            minibatch.advantages = (0..<batch).map { _ in stream.uniform(from: -2, to: 2) }
            minibatch.returns = (0..<batch).map { _ in stream.uniform(from: -1, to: 1) }

            let analytic = PPOLoss.evaluate(parameters, on: minibatch, configuration: configuration, clipRange: 0.2)
            XCTAssertGreaterThan(analytic.clipFraction, 0)
            XCTAssertLessThan(analytic.clipFraction, 1)
            let step = 1e-6
            let hiddenTensors = 2 * (parameters.policy.layers.count - 1)
            for tensor in (stateDependent ? hiddenTensors : 0)..<parameters.tensorCount {
                for index in 0..<parameters.tensor(at: tensor).count {
                    var plus = parameters
                    var minus = parameters
                    plus.withTensor(at: tensor) { $0.withUnsafeMutableBufferPointer { $0[index] += step } }
                    minus.withTensor(at: tensor) { $0.withUnsafeMutableBufferPointer { $0[index] -= step } }
                    let numeric = (PPOLoss.evaluate(plus, on: minibatch, configuration: configuration, clipRange: 0.2).total
                        - PPOLoss.evaluate(minus, on: minibatch, configuration: configuration, clipRange: 0.2).total)
                        / (2 * step)
                    let got = analytic.gradient.tensor(at: tensor).withUnsafeBufferPointer { $0[index] }
                    XCTAssertEqual(got, numeric, accuracy: 1e-7 + 1e-6 * abs(numeric),
                                   "gSDE \(stateDependent): \(parameters.tensorName(at: tensor))[\(index)]")
                }
            }
        }
    }

    /// μ(s) = 0·s + 0 and V(s) = 0·s + `valueBias` with log σ = 0: linear networks for hand-worked numbers.
    private func linearParameters(valueBias: Double) -> PPOParameters<Double> {
        let policy = MLP<Double>(layers: [Dense(weight: Matrix(rows: 1, columns: 1, repeating: 0),
                                                bias: Matrix(rows: 1, columns: 1, repeating: 0))])
        let value = MLP<Double>(layers: [Dense(weight: Matrix(rows: 1, columns: 1, repeating: 0),
                                               bias: Matrix(rows: 1, columns: 1, repeating: valueBias))])
        return PPOParameters(policy: policy, logDeviation: LogStandardDeviation(values: Matrix(rows: 1, columns: 1)),
                             value: value)
    }
}
