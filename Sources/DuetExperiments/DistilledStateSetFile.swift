// The distilled state set file, `state-set.duet` in the folder `duet distill-set` writes: a ``StateSet`` and the
// student it was learned for, as a Duet parameter archive of Float64 tensors (format 2,
// `ParameterArchive+Encoding.swift`: magic, version, CRC-32) holding the entries below.
//
// | entry                          | kind    | content                                                          |
// |--------------------------------|---------|------------------------------------------------------------------|
// | `stateSet.format`              | integer | the state-set format's version, 1                                |
// | `stateSet.states`              | tensor  | X, K × dim(S): the synthetic states, raw observation units       |
// | `stateSet.means`               | tensor  | M, K × dim(A): the label means, actions in [−1, 1]ᵈ              |
// | `stateSet.logStandardDeviations` | tensor | ρ, K × dim(A): the labels' log standard deviations (s = exp ρ) |
// | `student.widths`               | Float64 | the student's widths [dim(S), hidden…, dim(A)]                   |
// | `student.hiddenActivation`     | integer | f: 0 identity, 1 ReLU, 2 tanh (the output is tanh)               |
// | `student.steps`                | integer | T, the student's gradient steps on the set                       |
// | `student.learningRate`         | Float64 | η, its step size                                                 |
// | `student.inputMean`            | Float64 | μ_S: the student reads (x − μ_S) ⊙ c_S                           |
// | `student.inputScale`           | Float64 | c_S = 1/σ_S                                                      |
// | `teacher.step`                 | integer | the teacher policy's environment steps when it was kept          |
//
// A student trained as `student.*` says, from any θ_0, on (X, M, ρ) is what the set was learned to teach.
import DuetDistillation
import DuetNumerics
import Foundation

/// A distilled state set with the student description it was learned for.
public struct DistilledStateSetFile: Sendable, Equatable {
    /// The state-set format version this Duet writes and reads.
    public static let formatVersion = 1
    /// The file's name in the output folder.
    public static let fileName = "state-set.duet"

    /// The synthetic states and their labels.
    public var set: StateSet
    /// The student the set teaches.
    public var student: StateSetStudent
    /// The teacher policy's environment steps when it was kept.
    public var teacherStep: Int

    /// A file's content from its parts.
    public init(set: StateSet, student: StateSetStudent, teacherStep: Int) {
        self.set = set
        self.student = student
        self.teacherStep = teacherStep
    }

    /// The entries of the table above.
    public var archive: ParameterArchive<Double> {
        var archive = ParameterArchive<Double>()
        archive.store(Self.formatVersion, as: "stateSet.format")
        archive.store(set, prefix: "stateSet")
        archive.store(student.widths.map(Double.init), as: "student.widths")
        archive.store(PolicyFile.code(of: student.hiddenActivation), as: "student.hiddenActivation")
        archive.store(student.steps, as: "student.steps")
        archive.store([student.learningRate], as: "student.learningRate")
        archive.store(student.inputMean, as: "student.inputMean")
        archive.store(student.inputScale, as: "student.inputScale")
        archive.store(teacherStep, as: "teacher.step")
        return archive
    }

    /// Writes the file atomically.
    /// - Throws: ``RunFolderError/cannotWrite(path:reason:)``.
    public func write(to url: URL) throws {
        do { try archive.write(to: url) } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    /// Reads the file at `url`.
    /// - Throws: ``PolicyFileError`` naming the file (a missing or unreadable archive, or entries that do not fit).
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PolicyFileError.missing(path: url.path, reason: "no such file")
        }
        func fail(_ reason: String) -> PolicyFileError { .unreadable(path: url.path, reason: reason) }
        do {
            let archive = try ParameterArchive<Double>(contentsOf: url)
            let format = try archive.integer(named: "stateSet.format")
            guard format == Self.formatVersion else {
                throw fail("state-set format \(format); this Duet reads format \(Self.formatVersion)")
            }
            let widths = try archive.reals(named: "student.widths").map { Int(exactly: $0) ?? 0 }
            guard widths.count >= 2, widths.allSatisfy({ $0 > 0 }) else { throw fail("student.widths are not positive") }
            guard let activation = PolicyFile.activation(coded: try archive.integer(named: "student.hiddenActivation")) else {
                throw fail("unknown student.hiddenActivation (accepted: 0 identity, 1 ReLU, 2 tanh)")
            }
            let steps = try archive.integer(named: "student.steps")
            let rate = try archive.reals(named: "student.learningRate", count: 1)[0]
            guard steps >= 0, rate > 0 else { throw fail("student.steps must be ≥ 0 and student.learningRate positive") }
            let mean = try archive.reals(named: "student.inputMean", count: widths[0])
            let scale = try archive.reals(named: "student.inputScale", count: widths[0])
            guard mean.allSatisfy(\.isFinite), scale.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw fail("student.inputMean must be finite and student.inputScale positive")
            }
            let states = try archive.tensor(named: "stateSet.states")
            guard states.columns == widths[0], states.rows > 0 else {
                throw fail("stateSet.states is \(states.shape), the student takes \(widths[0]) inputs")
            }
            let labels = MatrixShape(rows: states.rows, columns: widths[widths.count - 1])
            set = StateSet(states: states, means: try archive.tensor(named: "stateSet.means", shape: labels),
                           logStandardDeviations: try archive.tensor(named: "stateSet.logStandardDeviations",
                                                                     shape: labels))
            student = StateSetStudent(widths: widths, hiddenActivation: activation, steps: steps, learningRate: rate,
                                      inputMean: mean, inputScale: scale)
            teacherStep = try archive.integer(named: "teacher.step")
        } catch let error as PolicyFileError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
