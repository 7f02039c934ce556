import DuetDistillation
import DuetExperiments
import DuetNumerics
import DuetRandom
import Foundation
import XCTest

/// The distilled state set file (`DistilledStateSetFile.swift`) and the study's helpers.
final class DistilledStateSetFileTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-state-set-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    private func file() -> DistilledStateSetFile {
        let stream = RandomStream(seed: 3)
        let set = StateSet(states: Matrix(rows: 4, columns: 3) { _, _ in stream.gaussian() },
                           means: Matrix(rows: 4, columns: 1) { _, _ in stream.uniform(from: -1, to: 1) },
                           logStandardDeviations: Matrix(rows: 4, columns: 1) { _, _ in stream.gaussian() })
        return DistilledStateSetFile(set: set, student: StateSetStudent(widths: [3, 16, 1], hiddenActivation: .tanh,
                                                                        steps: 25, learningRate: 0.05,
                                                                        inputMean: [0.1, -2, 3],
                                                                        inputScale: [1, 0.125, 4]),
                                     teacherStep: 1200)
    }

    func testTheFileKeepsTheSetAndItsStudentExactly() throws {
        let url = scratch.appendingPathComponent(DistilledStateSetFile.fileName)
        let original = file()
        try original.write(to: url)
        XCTAssertEqual(try DistilledStateSetFile(contentsOf: url), original)
        XCTAssertEqual(original.archive.names,
                       ["stateSet.format", "stateSet.states", "stateSet.means", "stateSet.logStandardDeviations",
                        "student.widths", "student.hiddenActivation", "student.steps", "student.learningRate",
                        "student.inputMean", "student.inputScale", "teacher.step"])
    }

    func testUnreadableFilesNameTheFileAndTheReason() throws {
        let missing = scratch.appendingPathComponent("none.duet")
        XCTAssertThrowsError(try DistilledStateSetFile(contentsOf: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing.path): no policy file (no such file)")
        }
        // Labels that do not fit the student's outputs.
        var archive = file().archive
        archive.store(Matrix<Double>(rows: 4, columns: 2), as: "stateSet.means")
        let misfit = scratch.appendingPathComponent("misfit.duet")
        try archive.write(to: misfit)
        XCTAssertThrowsError(try DistilledStateSetFile(contentsOf: misfit)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(misfit.path): not a readable policy file: "), "\(error)")
            XCTAssertTrue("\(error)".contains("stateSet.means"), "\(error)")
        }
        var newer = file().archive
        newer.store(2, as: "stateSet.format")
        let future = scratch.appendingPathComponent("future.duet")
        try newer.write(to: future)
        XCTAssertThrowsError(try DistilledStateSetFile(contentsOf: future)) { error in
            XCTAssertEqual("\(error)", "\(future.path): not a readable policy file: state-set format 2; this Duet "
                                       + "reads format 1")
        }
    }

    /// A student as a policy acts as its Double network does on the standardised observation, to Float
    /// precision (the standardisation folded into its first layer).
    func testAStudentPolicyActsAsItsNetworkOnStandardisedObservations() {
        let student = StateSetStudent(widths: [3, 8, 1], steps: 0, learningRate: 0.1, inputMean: [0.5, -1, 2],
                                      inputScale: [2, 0.25, 0.125])
        let network = student.initialNetwork(using: RandomStream(seed: 1))
        let policy = DistilledStateSetStudy.policy(of: network, student: student)
        let observation: [Float] = [0.5, -0.25, 7]
        let input = student.standardized(Matrix(row: observation.map(Double.init)))
        XCTAssertEqual(input.row(0), [0, 0.1875, 0.625])
        let expected = network.forward(input).output[0, 0]
        XCTAssertEqual(Double(policy.action(for: observation)[0]), expected, accuracy: 1e-6)
    }

    /// The standardisation: the states' mean and 1/σ per column, 1 for a constant column.
    func testTheStandardisationIsTheStatesMeanAndDeviation() {
        let states = Matrix<Double>([[1, 5], [3, 5], [5, 5]])
        let (mean, scale) = DistilledStateSetStudy.standardization(of: states)
        XCTAssertEqual(mean, [3, 5])
        XCTAssertEqual(scale[0], 1 / (8.0 / 3).squareRoot(), accuracy: 1e-15)   // σ² = (4 + 0 + 4)/3
        XCTAssertEqual(scale[1], 1)
    }

    /// Real sets are K distinct teacher states with the teacher's actions and s = 1.
    func testARealSetIsDistinctTeacherStatesWithTheirActions() {
        let states = Matrix<Double>(rows: 10, columns: 2) { row, column in Double(10 * row + column) }
        let actions = Matrix<Double>(rows: 10, columns: 1) { row, _ in Double(row) / 10 }
        let objective = StateSetObjective(student: StateSetStudent(widths: [2, 4, 1], steps: 1, learningRate: 0.1),
                                          teacherStates: states, teacherActions: actions)
        let set = DistilledStateSetStudy.realSet(of: objective, count: 6, using: RandomStream(seed: 4))
        let rows = (0..<6).map { Int(set.states[$0, 0]) / 10 }
        XCTAssertEqual(Set(rows).count, 6)
        for (index, row) in rows.enumerated() {
            XCTAssertEqual(set.states.row(index), states.row(row))
            XCTAssertEqual(set.means[index, 0], actions[row, 0])
            XCTAssertEqual(set.logStandardDeviations[index, 0], 0)
        }
    }
}
