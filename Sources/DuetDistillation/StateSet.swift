// A distilled state set (issue 18, item 5): K synthetic states, each with a soft action label, a Gaussian
// N(m_k, diag(s_k²)) over the teacher's action in [−1, 1]ᵈ. A student trained only on these K pairs (see
// `StateSetStudent.swift`) learns to act like the teacher; the set is learned by the meta-gradient of
// `StateSetObjective.swift`. The label's standard deviation s = exp(ρ) is stored as ρ, so it stays positive
// while Adam moves it freely.
import DuetNumerics
import Foundation

/// K synthetic states x_k with soft action labels (mean m_k, standard deviation s_k = exp(ρ_k)), the learned
/// parameters of a distilled state set; as a ``ParameterGroup`` it is updated by ``Adam`` and stored in a
/// ``ParameterArchive``.
public struct StateSet: Sendable, Equatable {
    /// The states X, K × dim(S), one per row, in raw observation units.
    public var states: Matrix<Double>
    /// The label means M, K × dim(A), in the learner's [−1, 1]ᵈ action units.
    public var means: Matrix<Double>
    /// The labels' log standard deviations ρ, K × dim(A): s_kj = exp(ρ_kj).
    public var logStandardDeviations: Matrix<Double>

    /// A set from its parts.
    /// - Precondition: the three matrices have K rows; the means and log standard deviations have equal shapes.
    public init(states: Matrix<Double>, means: Matrix<Double>, logStandardDeviations: Matrix<Double>) {
        precondition(states.rows == means.rows && means.shape == logStandardDeviations.shape,
                     "a state set needs one label per state: \(states.shape) states, \(means.shape) means, "
                        + "\(logStandardDeviations.shape) log standard deviations")
        self.states = states
        self.means = means
        self.logStandardDeviations = logStandardDeviations
    }

    /// The set of `states` labelled with `actions` (the teacher's) and a standard deviation of `deviation`.
    public init(states: Matrix<Double>, actions: Matrix<Double>, deviation: Double = 1) {
        self.init(states: states, means: actions,
                  logStandardDeviations: Matrix(rows: actions.rows, columns: actions.columns,
                                                repeating: log(deviation)))
    }

    /// K, the number of states.
    public var count: Int { states.rows }

    /// The label weights w_kj = 1/s_kj² = exp(−2ρ_kj) of the student's loss.
    public var weights: Matrix<Double> {
        Matrix(rows: means.rows, columns: means.columns,
               scalars: logStandardDeviations.scalars.map { exp(-2 * $0) })
    }
}

extension StateSet: ParameterGroup {
    /// Three tensors: the states, the means, the log standard deviations.
    public var tensorCount: Int { 3 }

    /// The tensor at `index`, in the order states, means, log standard deviations.
    public func tensor(at index: Int) -> Matrix<Double> {
        switch index {
        case 0: return states
        case 1: return means
        default: return logStandardDeviations
        }
    }

    /// In-place access to the tensor at `index`.
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Double>) throws -> Result) rethrows
        -> Result {
        switch index {
        case 0: return try body(&states)
        case 1: return try body(&means)
        default: return try body(&logStandardDeviations)
        }
    }

    /// `states`, `means`, `logStandardDeviations`.
    public func tensorName(at index: Int) -> String {
        ["states", "means", "logStandardDeviations"][index]
    }
}
