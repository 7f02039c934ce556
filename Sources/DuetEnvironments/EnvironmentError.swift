/// Everything that can go wrong in DuetEnvironments, with the context to find it; `description` is one line.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    /// No registered environment has this identifier.
    case unknownEnvironment(identifier: String, accepted: [String])
    /// A state of the wrong length was given to ``Environment/setState(_:)``.
    case stateLength(environment: String, expected: Int, found: Int)
    /// A state component is NaN or infinite.
    case nonFiniteState(environment: String, index: Int, value: Double)
    /// An action component is NaN or infinite.
    case nonFiniteAction(environment: String, index: Int, value: Float)
    /// ``TimeLimit/step(_:using:)`` was called after the episode terminated or was truncated, without a reset.
    case episodeEnded(environment: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A row of an action CSV file is not a finite action of the right length.
    case malformedActionRow(path: String, line: Int, reason: String)
    /// A comma-separated list of numbers (such as `--state`) could not be parsed.
    case malformedNumberList(what: String, text: String, reason: String)

    /// One line naming the problem and its context (environment, file and line, value, accepted values).
    public var description: String {
        switch self {
        case let .unknownEnvironment(identifier, accepted):
            return "unknown environment '\(identifier)'; accepted: \(accepted.joined(separator: ", "))"
        case let .stateLength(environment, expected, found):
            return "\(environment) has a state of \(expected) values, got \(found)"
        case let .nonFiniteState(environment, index, value):
            return "\(environment) state component \(index) is \(value); states must be finite"
        case let .nonFiniteAction(environment, index, value):
            return "\(environment) action component \(index) is \(value); actions must be finite"
        case let .episodeEnded(environment):
            return "\(environment) episode has ended; call reset(using:) before stepping again"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformedActionRow(path, line, reason):
            return "\(path):\(line): \(reason)"
        case let .malformedNumberList(what, text, reason):
            return "\(what) '\(text)': \(reason)"
        }
    }
}
