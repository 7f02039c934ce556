import DuetRandom
import Foundation

/// Replays actions in a registered environment and formats the transitions as CSV: what `duet envs trace`
/// prints.
///
/// Randomness: the run's root stream is `RandomStream(seed: seed)`; the environment (its reset and steps) uses
/// the child `environment`, random actions the child `actions`, so a trace from `--state` with `--random N`
/// draws the same actions as one without `--state`.
///
/// Output: a header `step,obs_0,…,obs_{n−1},reward,terminated,truncated,state_0,…,state_{k−1}` and one row per
/// step, `step` counting from 1 (so a truncated row has `step` equal to the time limit), the flags as 0 or 1,
/// numbers in Swift's shortest round-trip form (`Float` for observations, `Double` for the reward and state),
/// and `state_*` the internal state after the step. The trace stops after the step that terminates or
/// truncates the episode, or when the actions run out.
public enum EnvironmentTrace {
    /// Where the actions come from.
    public enum Actions: Sendable, Equatable {
        /// These actions, in order (each of the action dimension).
        case table([[Float]])
        /// `count` actions drawn uniformly from the action box with the `actions` stream.
        case random(count: Int)
    }

    /// The CSV header for `registration`'s environment.
    public static func header(for registration: EnvironmentRegistration) -> String {
        let observations = (0..<registration.observationDimension).map { "obs_\($0)" }
        let states = registration.documentation.state.indices.map { "state_\($0)" }
        return (["step"] + observations + ["reward", "terminated", "truncated"] + states).joined(separator: ",")
    }

    /// One CSV row: step number, observation, reward, flags, then the internal state after the step.
    public static func row(step: Int, transition: Transition, state: [Double]) -> String {
        var cells = [String(step)]
        cells.reserveCapacity(4 + transition.observation.count + state.count)
        cells += transition.observation.map { $0.description }
        cells += [transition.reward.description, transition.isTerminal ? "1" : "0", transition.isTruncated ? "1" : "0"]
        cells += state.map { $0.description }
        return cells.joined(separator: ",")
    }

    /// Runs the trace and hands each output line (header first) to `emit`.
    ///
    /// - Parameters:
    ///   - registration: the environment, made with its time limit.
    ///   - initialState: the internal state to start from, in Gymnasium's `env.unwrapped.state` order; `nil`
    ///     draws it from the reset distribution.
    ///   - seed: the root seed of the trace's random streams.
    ///   - actions: the actions to replay, or how many random ones to draw.
    ///   - emit: receives each line, without a line terminator.
    /// - Returns: the number of steps taken.
    /// - Throws: ``EnvironmentError`` for a state of the wrong length or with a non-finite value, or an action
    ///   of the wrong length or not finite.
    @discardableResult
    public static func run(_ registration: EnvironmentRegistration, initialState: [Double]?, seed: UInt64,
                           actions: Actions, emit: (String) -> Void) throws -> Int {
        let root = RandomStream(seed: seed)
        let environmentStream = root.child("environment")
        var environment = registration.make()
        _ = environment.reset(using: environmentStream)
        if let initialState { try environment.setState(initialState) }

        let count: Int
        switch actions {
        case let .table(rows):
            count = rows.count
            for (index, row) in rows.enumerated() where row.count != registration.actionDimension {
                throw EnvironmentError.malformedActionRow(
                    path: "actions", line: index + 1,
                    reason: "expected \(registration.actionDimension) values, found \(row.count)")
            }
        case let .random(requested):
            count = max(0, requested)
        }
        let actionStream = root.child("actions")
        let actionSpace = environment.actionSpace

        emit(header(for: registration))
        var steps = 0
        while steps < count {
            let action: [Float]
            switch actions {
            case let .table(rows): action = rows[steps]
            case .random: action = actionSpace.sample(using: actionStream)
            }
            let transition = try environment.step(action, using: environmentStream)
            steps += 1
            emit(row(step: steps, transition: transition, state: environment.state))
            if transition.isLast { break }
        }
        return steps
    }

    // MARK: Parsing

    /// Parses an action CSV: one action per row, `dimension` comma-separated numbers, no header or a header
    /// `a_0,…,a_{dimension−1}`. Blank lines are skipped; spaces around cells are ignored.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: the file's name, for error messages.
    ///   - dimension: the action dimension.
    /// - Throws: ``EnvironmentError/malformedActionRow(path:line:reason:)`` naming the line (1-based) of a row
    ///   with the wrong number of values, a value that is not a number, or a NaN or infinite value.
    public static func parseActions(_ text: String, path: String, dimension: Int) throws -> [[Float]] {
        let header = (0..<dimension).map { "a_\($0)" }
        var actions: [[Float]] = []
        var sawContent = false
        // "\r\n" is one Character in Swift, and a newline: splitting on isNewline handles both line ends.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            defer { sawContent = true }
            if !sawContent && cells.contains(where: { $0.hasPrefix("a_") }) {
                guard cells == header else {
                    throw EnvironmentError.malformedActionRow(
                        path: path, line: offset + 1,
                        reason: "header must be \(header.joined(separator: ",")), found '\(line)'")
                }
                continue
            }
            guard cells.count == dimension else {
                throw EnvironmentError.malformedActionRow(
                    path: path, line: offset + 1,
                    reason: "expected \(dimension) value\(dimension == 1 ? "" : "s"), found \(cells.count) in '\(line)'")
            }
            var action: [Float] = []
            action.reserveCapacity(dimension)
            for cell in cells {
                guard let value = Float(cell) else {
                    throw EnvironmentError.malformedActionRow(path: path, line: offset + 1,
                                                              reason: "'\(cell)' is not a number")
                }
                guard value.isFinite else {
                    throw EnvironmentError.malformedActionRow(path: path, line: offset + 1,
                                                              reason: "'\(cell)' is not finite")
                }
                action.append(value)
            }
            actions.append(action)
        }
        return actions
    }

    /// Reads and parses the action CSV at `path` (see ``parseActions(_:path:dimension:)``).
    /// - Throws: ``EnvironmentError/unreadableFile(path:reason:)``, or a parse error.
    public static func readActions(path: String, dimension: Int) throws -> [[Float]] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text" : "no such file"
            throw EnvironmentError.unreadableFile(path: path, reason: reason)
        }
        return try parseActions(text, path: path, dimension: dimension)
    }

    /// Parses a comma-separated list of numbers such as `--state 3.14,0`.
    /// - Parameter what: the list's name in error messages, e.g. `--state`.
    /// - Throws: ``EnvironmentError/malformedNumberList(what:text:reason:)`` for an empty list or a cell that
    ///   is not a number. Non-finite numbers are accepted here and refused by ``Environment/setState(_:)``.
    public static func parseNumbers(_ text: String, what: String) throws -> [Double] {
        let cells = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !(cells.count == 1 && cells[0].isEmpty) else {
            throw EnvironmentError.malformedNumberList(what: what, text: text, reason: "no values")
        }
        return try cells.enumerated().map { index, cell in
            guard let value = Double(cell) else {
                throw EnvironmentError.malformedNumberList(
                    what: what, text: text, reason: "value \(index) '\(cell)' is not a number")
            }
            return value
        }
    }
}
