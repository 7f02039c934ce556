import DuetLearners
import DuetNumerics
import DuetTestSupport
import Foundation
import XCTest

final class SquashedGaussianTests: XCTestCase {
    func testSampleAndLogProbabilityByHand() {
        // One state, two action dimensions: μ = [0.2, −0.5], ℓ_raw = [log 0.5, 3] (clamped to 2), ε = [1, −0.5].
        let parameters = Matrix<Double>([[0.2, -0.5, log(0.5), 3]])
        let noise = Matrix<Double>([[1, -0.5]])
        var actions = Matrix<Double>()
        var logProbabilities = Matrix<Double>()
        SquashedGaussian.sample(parameters: parameters, noise: noise, actions: &actions,
                                logProbabilities: &logProbabilities)
        // u₀ = 0.2 + 0.5·1 = 0.7, a₀ = tanh 0.7 = 0.604368; u₁ = −0.5 + e²·(−0.5) = −4.194528, a₁ = −0.999545.
        XCTAssertEqual(actions[0, 0], tanh(0.7), accuracy: 1e-15)
        XCTAssertEqual(actions[0, 1], tanh(-0.5 - 0.5 * exp(2.0)), accuracy: 1e-15)
        // log π = Σₖ [−εₖ²/2 − ℓₖ − ½ log 2π − log(1 − aₖ² + 1e-6)]
        //       = (−0.5 − log 0.5 − 0.918939 − log(1 − 0.365261 + 1e-6))
        //       + (−0.125 − 2 − 0.918939 − log(1 − 0.999090 + 1e-6)).
        let a0 = tanh(0.7)
        let a1 = tanh(-0.5 - 0.5 * exp(2.0))
        let halfLogTwoPi = 0.5 * log(2 * Double.pi)
        let expected = (-0.5 - log(0.5) - halfLogTwoPi - log(1 - a0 * a0 + 1e-6))
            + (-0.125 - 2 - halfLogTwoPi - log(1 - a1 * a1 + 1e-6))
        XCTAssertEqual(logProbabilities[0, 0], expected, accuracy: 1e-12)
        // The mode is tanh μ.
        var mode = Matrix<Double>()
        SquashedGaussian.mode(parameters: parameters, into: &mode)
        XCTAssertEqual(mode.scalars, [tanh(0.2), tanh(-0.5)])
    }

    func testBackwardMatchesCentralDifferences() {
        // L = Σ R_a ⊙ a + Σ R_l ⊙ log π for fixed random R, at parameters whose log-stds are inside the clamp.
        let means: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 3, low: -1.5, high: 1.5, seed: 1)
        let logs: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 3, low: -2, high: 1, seed: 2)
        var parameters = Matrix<Double>(rows: 5, columns: 6) { row, column in
            column < 3 ? means[row, column] : logs[row, column - 3]
        }
        parameters[4, 5] = -25  // one clamped log-std: no gradient there
        let noise: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 3, low: -2, high: 2, seed: 3)
        let actionWeights: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 3, seed: 4)
        let logWeights: Matrix<Double> = LearnerTestSupport.uniformMatrix(rows: 5, columns: 1, seed: 5)
        func loss(_ point: Matrix<Double>) -> Double {
            var actions = Matrix<Double>()
            var logProbabilities = Matrix<Double>()
            SquashedGaussian.sample(parameters: point, noise: noise, actions: &actions,
                                    logProbabilities: &logProbabilities)
            return GradientCheck.projection(actions, onto: actionWeights)
                + GradientCheck.projection(logProbabilities, onto: logWeights)
        }
        var actions = Matrix<Double>()
        var logProbabilities = Matrix<Double>()
        SquashedGaussian.sample(parameters: parameters, noise: noise, actions: &actions,
                                logProbabilities: &logProbabilities)
        var analytic = Matrix<Double>()
        SquashedGaussian.backward(parameters: parameters, noise: noise, actions: actions,
                                  actionGradient: actionWeights, logProbabilityGradient: logWeights,
                                  into: &analytic)
        XCTAssertEqual(analytic[4, 5], 0)
        let result = GradientCheck.check(at: parameters, analytic: analytic, step: 1e-6, of: loss)
        XCTAssertLessThan(result.relativeError, 1e-8, "\(result)")
        // Without an action gradient, only the log-probability path counts.
        var logOnly = Matrix<Double>()
        SquashedGaussian.backward(parameters: parameters, noise: noise, actions: actions, actionGradient: nil,
                                  logProbabilityGradient: logWeights, into: &logOnly)
        let logResult = GradientCheck.check(at: parameters, analytic: logOnly, step: 1e-6) { point in
            var actions = Matrix<Double>()
            var logProbabilities = Matrix<Double>()
            SquashedGaussian.sample(parameters: point, noise: noise, actions: &actions,
                                    logProbabilities: &logProbabilities)
            return GradientCheck.projection(logProbabilities, onto: logWeights)
        }
        XCTAssertLessThan(logResult.relativeError, 1e-8, "\(logResult)")
    }

    func testSingleActionMatchesTheBatchPath() {
        // ℓ_raw = 5 is clamped to 2: a = tanh(0.2 + e²·0.1) = tanh(0.938906) = 0.734719.
        let action = SquashedGaussian.action(mean: Float(0.2), rawLogStandardDeviation: 5, noise: 0.1)
        var actions = Matrix<Float>()
        var logProbabilities = Matrix<Float>()
        SquashedGaussian.sample(parameters: Matrix([[0.2, 5]]), noise: Matrix([[0.1]]), actions: &actions,
                                logProbabilities: &logProbabilities)
        XCTAssertEqual(action, actions[0, 0], accuracy: 1e-6)
        XCTAssertEqual(Double(action), tanh(0.2 + exp(2.0) * 0.1), accuracy: 1e-6)
    }
}
