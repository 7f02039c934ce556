import DuetDistillation
import DuetNumerics
import DuetRandom
import XCTest

/// The student's inner training and the distiller's outer loop (`StateSetStudent.swift`, `StateSetDistiller.swift`).
final class StateSetStudentTests: XCTestCase {
    let student = StateSetStudent(widths: [3, 8, 8, 1], steps: 20, learningRate: 0.2)

    /// A teacher to imitate: a = tanh(x₀ − 0.5·x₁ + 0.3·x₂) on N = 40 states in [−1, 1]³.
    func objective() -> StateSetObjective {
        let stream = RandomStream(seed: 7).child("teacher states")
        let states = Matrix<Double>(rows: 40, columns: 3) { _, _ in stream.uniform(from: -1, to: 1) }
        let actions = Matrix<Double>(rows: 40, columns: 1) { row, _ in
            tanh(states[row, 0] - 0.5 * states[row, 1] + 0.3 * states[row, 2])
        }
        return StateSetObjective(student: student, teacherStates: states, teacherActions: actions)
    }

    /// The first K teacher states with their teacher actions.
    func realSet(_ objective: StateSetObjective, count: Int) -> StateSet {
        StateSet(states: Matrix(rows: count, columns: 3) { objective.teacherStates[$0, $1] },
                 actions: Matrix(rows: count, columns: 1) { objective.teacherActions[$0, $1] })
    }

    func testTheStudentsTrainingIsDeterministicForASeed() {
        let set = realSet(objective(), count: 4)
        let first = student.initialNetwork(using: RandomStream(seed: 11).child("student"))
        let again = student.initialNetwork(using: RandomStream(seed: 11).child("student"))
        let other = student.initialNetwork(using: RandomStream(seed: 12).child("student"))
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
        let trained = student.trained(on: set, from: first)
        XCTAssertEqual(trained, student.trained(on: set, from: again), "same seed, same set: the same bytes")
        XCTAssertNotEqual(trained, first, "the training moved the network")
        XCTAssertNotEqual(trained, student.trained(on: set, from: other))
        let trajectory = student.trajectory(on: set, from: first)
        XCTAssertEqual(trajectory.count, student.steps + 1)
        XCTAssertEqual(trajectory.first, first)
        XCTAssertEqual(trajectory.last, trained)
        XCTAssertLessThan(student.loss(of: trained, on: set), student.loss(of: first, on: set))
    }

    /// Forty outer iterations from K = 2 real states lower J for students the distiller never saw.
    func testDistillingLowersTheImitationLossOfFreshStudents() {
        let objective = objective()
        let initial = realSet(objective, count: 2)
        let distiller = StateSetDistiller(objective: objective, iterations: 40, learningRate: 0.05)
        let (learned, kept, losses) = distiller.distill(from: initial,
                                                        initializations: RandomStream(seed: 5).child("init"))
        XCTAssertEqual(losses.count, 40)
        // Blocks of 25: the kept set started block 0 (the initial set) or block 1 (after 25 steps), whichever
        // block's mean J was lower.
        let blocks = [losses[0..<25].reduce(0, +) / 25, losses[25...].reduce(0, +) / 15]
        XCTAssertEqual(kept, blocks[1] < blocks[0] ? 25 : 0, "block means \(blocks)")
        XCTAssertNotEqual(learned, initial)
        let held = RandomStream(seed: 99).child("held-out students")
        var before = 0.0, after = 0.0
        for _ in 0..<5 {
            let network = student.initialNetwork(using: held)
            before += objective.value(of: initial, from: network)
            after += objective.value(of: learned, from: network)
        }
        XCTAssertLessThan(after, 0.8 * before, "J before \(before / 5), after \(after / 5)")
    }

    /// The labels stay in their box: means in [−1, 1], deviations in [s_min, s_max], even with a large step.
    func testTheLabelsStayInTheirBox() {
        let objective = objective()
        let distiller = StateSetDistiller(objective: objective, iterations: 20, learningRate: 0.5,
                                          minimumStandardDeviation: 0.8, maximumStandardDeviation: 1.25, block: 1)
        let (learned, _, _) = distiller.distill(from: realSet(objective, count: 3),
                                             initializations: RandomStream(seed: 6).child("init"))
        XCTAssertTrue(learned.means.scalars.allSatisfy { (-1...1).contains($0) }, "\(learned.means)")
        let deviations = learned.logStandardDeviations.scalars.map { exp($0) }
        XCTAssertTrue(deviations.allSatisfy { $0 >= 0.8 * (1 - 1e-12) && $0 <= 1.25 * (1 + 1e-12) }, "\(deviations)")
        XCTAssertTrue(deviations.contains { abs($0 - 1) > 0.1 }, "the deviations moved: \(deviations)")
        let clipped = distiller.projected(StateSet(states: Matrix(rows: 1, columns: 3), means: Matrix([[1.5]]),
                                                   logStandardDeviations: Matrix([[-3.0]])))
        XCTAssertEqual(clipped.means[0, 0], 1)
        XCTAssertEqual(clipped.logStandardDeviations[0, 0], log(0.8), accuracy: 1e-15)
    }
}
