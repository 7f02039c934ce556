import DuetDistillation
import DuetNumerics
import DuetRandom
import DuetTestSupport
import XCTest

/// The distilled state set's meta-gradient (DuetDistillation, `StateSetObjective.swift`), checked in Double
/// against central differences of J itself: train the student from the same θ_0 on the set with one entry moved
/// by ±h, and compare (J(S + h·e) − J(S − h·e))/2h with the analytic entry, for every state, label mean and log
/// deviation. (Here rather than beside DuetDistillation for the shared checker in DuetTestSupport.)
final class StateSetMetaGradientTests: XCTestCase {
    /// A tiny problem: a 2-4-2 student reading standardised states, K = 3 states, T = 4 steps, N = 5 teacher
    /// states.
    func problem(hidden: Activation, seed: UInt64) -> (objective: StateSetObjective, set: StateSet,
                                                        initial: MLP<Double>) {
        let stream = RandomStream(seed: seed)
        func matrix(_ rows: Int, _ columns: Int, _ low: Double, _ high: Double) -> Matrix<Double> {
            Matrix(rows: rows, columns: columns) { _, _ in stream.uniform(from: low, to: high) }
        }
        let student = StateSetStudent(widths: [2, 4, 2], hiddenActivation: hidden, steps: 4, learningRate: 0.5,
                                      inputMean: [0.3, -0.2], inputScale: [2, 0.5])
        let objective = StateSetObjective(student: student, teacherStates: matrix(5, 2, -1, 1),
                                          teacherActions: matrix(5, 2, -0.8, 0.8))
        let set = StateSet(states: matrix(3, 2, -1, 1), means: matrix(3, 2, -0.8, 0.8),
                           logStandardDeviations: matrix(3, 2, -0.3, 0.3))
        return (objective, set, student.initialNetwork(using: stream.child("student")))
    }

    /// Every entry of ∂J/∂(X, M, ρ) against its central difference, h = 10⁻⁶.
    func checkAgainstCentralDifferences(hidden: Activation, seed: UInt64) {
        let (objective, set, initial) = problem(hidden: hidden, seed: seed)
        let (loss, gradient) = objective.metaGradient(of: set, from: initial)
        XCTAssertEqual(loss, objective.value(of: set, from: initial), accuracy: 1e-15)
        let result = GradientCheck.check(parametersOf: set, analytic: gradient, step: 1e-6) {
            objective.value(of: $0, from: initial)
        }
        XCTAssertEqual(result.entryCount, 18)
        XCTAssertLessThan(result.relativeError, 1e-7, "\(hidden) hidden layers: \(result)")
        // The check is not vacuous: every tensor's gradient is far from zero.
        for index in 0..<gradient.tensorCount {
            XCTAssertGreaterThan(gradient.tensor(at: index).scalars.map(abs).max() ?? 0, 1e-4,
                                 gradient.tensorName(at: index))
        }
    }

    func testMetaGradientMatchesCentralDifferencesWithTanhHiddenLayers() {
        checkAgainstCentralDifferences(hidden: .tanh, seed: 1)
    }

    func testMetaGradientMatchesCentralDifferencesWithReLUHiddenLayers() {
        checkAgainstCentralDifferences(hidden: .relu, seed: 2)
    }

    /// One step of the student's training is θ − η·∇_θ ℓ: the step divided by −η is checked against central
    /// differences of the set loss ℓ.
    func testOneTrainingStepFollowsTheCentralDifferenceGradientOfTheSetLoss() {
        let (objective, set, initial) = problem(hidden: .tanh, seed: 3)
        var oneStep = objective.student
        oneStep.steps = 1
        var gradient = oneStep.trained(on: set, from: initial)
        gradient.add(initial, scaledBy: -1)
        gradient.scale(by: -1 / oneStep.learningRate)
        let result = GradientCheck.check(parametersOf: initial, analytic: gradient, step: 1e-6) {
            oneStep.loss(of: $0, on: set)
        }
        XCTAssertLessThan(result.relativeError, 1e-7, "\(result)")
    }
}
