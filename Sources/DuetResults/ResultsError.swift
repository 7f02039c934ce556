/// Why run data, a normalisation table or a request for results could not be used.
///
/// Every case names the file (and the line and column where there is one) and says what was expected, in one
/// line (``description``), so a command can print it and exit.
public enum ResultsError: Error, Equatable, CustomStringConvertible {
    /// A file or folder that must exist does not.
    case missingFile(path: String, expected: String)
    /// A file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// A JSON file is not valid JSON, or not an object at the top level.
    case malformedJSON(path: String, reason: String)
    /// A JSON object lacks a required key.
    case missingKey(path: String, key: String)
    /// A JSON key holds a value of the wrong type.
    case wrongType(path: String, key: String, expected: String)
    /// A CSV file is empty (not even a header line).
    case emptyTable(path: String)
    /// A CSV header lacks required columns.
    case missingColumns(path: String, missing: [String], header: String)
    /// A CSV row has the wrong number of fields.
    case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
    /// A CSV field could not be read as the column's type.
    case badValue(path: String, line: Int, column: String, value: String, expected: String)
    /// A step column that must increase did not.
    case stepNotIncreasing(path: String, line: Int, step: Int, previous: Int)
    /// An evaluation table with a header but no rows.
    case noEvaluations(path: String)
    /// A run folder without a `learner0/` sub-folder.
    case noLearners(path: String)
    /// A learner was asked for that the run does not have.
    case missingLearner(path: String, learner: Int, available: Int)
    /// Two run folders claim the same arm, task and seed.
    case duplicateRun(path: String, other: String, arm: String, task: String, seed: UInt64)
    /// A folder holds no run folders at all.
    case noRuns(path: String)
    /// A normalisation table line repeats a task.
    case duplicateTask(path: String, line: Int, task: String, firstLine: Int)
    /// A normalisation entry whose reference equals its random score (division by zero).
    case degenerateNormalisation(path: String, line: Int, task: String)
    /// Normalised scores were asked for a task the table does not cover.
    case noNormalisation(task: String, known: [String])
    /// An arm was named that no run belongs to.
    case unknownArm(arm: String, known: [String])
    /// A request that cannot be met with the given data (too few runs, empty grid, ...).
    case insufficientData(context: String, reason: String)

    /// The one-line message, naming the file (and the line, where there is one) and what was expected.
    public var description: String {
        switch self {
        case let .missingFile(path, expected):
            return "\(path): missing (expected \(expected))"
        case let .unreadable(path, reason):
            return "\(path): cannot read the file: \(oneLine(reason))"
        case let .malformedJSON(path, reason):
            return "\(path): not a valid JSON object: \(oneLine(reason))"
        case let .missingKey(path, key):
            return "\(path): missing required key '\(key)'"
        case let .wrongType(path, key, expected):
            return "\(path): key '\(key)' must be \(expected)"
        case let .emptyTable(path):
            return "\(path): empty file (expected a CSV header line)"
        case let .missingColumns(path, missing, header):
            return "\(path): header lacks column\(missing.count == 1 ? "" : "s") "
                + "\(missing.map { "'\($0)'" }.joined(separator: ", ")) (header is '\(oneLine(header))')"
        case let .wrongFieldCount(path, line, expected, found):
            return "\(path):\(line): expected \(expected) comma-separated values, found \(found)"
        case let .badValue(path, line, column, value, expected):
            return "\(path):\(line): column '\(column)': '\(oneLine(value))' is not \(expected)"
        case let .stepNotIncreasing(path, line, step, previous):
            return "\(path):\(line): step \(step) does not increase on the previous row's step \(previous)"
        case let .noEvaluations(path):
            return "\(path): no evaluations (the header has no rows below it)"
        case let .noLearners(path):
            return "\(path): no learner0/ folder (a run folder holds learner0/ and, for dual runs, learner1/)"
        case let .missingLearner(path, learner, available):
            return "\(path): has no learner\(learner) (the run has \(available) learner\(available == 1 ? "" : "s"))"
        case let .duplicateRun(path, other, arm, task, seed):
            return "\(path): same arm '\(arm)', task '\(task)' and seed \(seed) as \(other); remove one of them"
        case let .noRuns(path):
            return "\(path): no run folders found (a run folder contains run.json)"
        case let .duplicateTask(path, line, task, firstLine):
            return "\(path):\(line): task '\(task)' already given on line \(firstLine)"
        case let .degenerateNormalisation(path, line, task):
            return "\(path):\(line): task '\(task)': reference equals random, so scores cannot be normalised"
        case let .noNormalisation(task, known):
            return "no normalisation entry for task '\(task)' (known: \(known.joined(separator: ", "))); "
                + "supply a CSV with a line '\(task),<random>,<reference>'"
        case let .unknownArm(arm, known):
            return "no run belongs to arm '\(arm)' (arms found: \(known.joined(separator: ", ")))"
        case let .insufficientData(context, reason):
            return "\(context): \(oneLine(reason))"
        }
    }
}

/// `text` with line breaks replaced by spaces, so a message stays on one line.
func oneLine(_ text: String) -> String {
    String(text.map { $0.isNewline ? " " : $0 })
}
