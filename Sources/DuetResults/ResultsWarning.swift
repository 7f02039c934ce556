/// Something in the run data that results were computed despite, reported so it is never silent.
///
/// Summaries, exports and plots return their warnings in a list; a command prints each ``description`` (one
/// line) to standard error.
public enum ResultsWarning: Sendable, Hashable, CustomStringConvertible {
    /// A last CSV line without its newline could not be read and was left out (a run still being written).
    case droppedUnterminatedLine(path: String, line: Int)
    /// A dual run's learners were evaluated at different steps; combined scores use the steps all have.
    case learnerStepsDiffer(path: String, counts: [Int], common: Int)
    /// A run's last evaluation comes before the last evaluation step of other runs of its task.
    case endsEarly(path: String, lastStep: Int, taskLastStep: Int, excluded: Bool)
    /// A run lacks evaluation steps that other runs of its task have, within its own span.
    case missingSteps(path: String, missing: Int, firstMissing: Int, excluded: Bool)
    /// A run has no distillation log, so it is left out of the distillation diagnostics.
    case noDistillationLog(path: String)
    /// A run's first evaluation comes after the step the scores are taken up to (`--until`), so it has no score.
    case noEvaluationUntil(path: String, step: Int, firstStep: Int)

    /// The one-line message, naming the run's file or folder and what was done about it.
    public var description: String {
        switch self {
        case let .droppedUnterminatedLine(path, line):
            return "\(path):\(line): last line is incomplete (no newline; run still being written?); left out"
        case let .learnerStepsDiffer(path, counts, common):
            let list = counts.enumerated().map { "learner\($0.offset) \($0.element)" }.joined(separator: ", ")
            return "\(path): learners were evaluated at different steps (\(list) evaluations); "
                + "combined scores use the \(common) steps all learners have"
        case let .endsEarly(path, lastStep, taskLastStep, excluded):
            return "\(path): last evaluation at step \(lastStep), before step \(taskLastStep) reached by other runs "
                + "of its task; " + (excluded ? "excluded" : "its score comes from step \(lastStep)")
        case let .missingSteps(path, missing, firstMissing, excluded):
            return "\(path): lacks \(missing) evaluation step\(missing == 1 ? "" : "s") other runs of its task have "
                + "(first: step \(firstMissing)); " + (excluded ? "excluded" : "its score uses the steps it has")
        case let .noDistillationLog(path):
            return "\(path): no distillation.csv; left out of the distillation diagnostics"
        case let .noEvaluationUntil(path, step, firstStep):
            return "\(path): first evaluation at step \(firstStep), after step \(step) (--until); excluded"
        }
    }
}
