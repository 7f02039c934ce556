import Foundation

/// One committed Gymnasium reference trace, `envs/reference/traces/<identifier>.csv`, written by
/// `envs/reference/generate_traces.py`.
struct ReferenceTrace {
    /// One recorded step.
    struct Step {
        var step: Int
        var action: Float
        var stateBefore: [Double]
        var state: [Double]
        var observation: [Float]
        var reward: Double
        var isTerminal: Bool
        var isTruncated: Bool
    }

    /// One trajectory from a start state.
    struct Case {
        var name: String
        var steps: [Step]
    }

    var cases: [Case]

    /// The folder with the committed traces, found from this file's location.
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("envs/reference/traces")
    }

    enum LoadError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self { case let .malformed(message): return message }
        }
    }

    /// Loads the trace of `identifier`; `stateCount` and `observationCount` give the column layout.
    init(identifier: String, stateCount: Int, observationCount: Int) throws {
        let url = Self.folder.appendingPathComponent("\(identifier).csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard !lines.isEmpty else { throw LoadError.malformed("\(url.path): empty") }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let expectedColumns = 3 + 2 * stateCount + observationCount + 3
        guard header.count == expectedColumns else {
            throw LoadError.malformed("\(url.path): \(header.count) columns, expected \(expectedColumns)")
        }
        var cases: [Case] = []
        for (index, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == expectedColumns else {
                throw LoadError.malformed("\(url.path): row \(index + 1) has \(cells.count) cells")
            }
            func number(_ column: Int) throws -> Double {
                guard let value = Double(cells[column]) else {
                    throw LoadError.malformed("\(url.path): row \(index + 1) column \(header[column]) '\(cells[column])'")
                }
                return value
            }
            var column = 2
            func take(_ count: Int) throws -> [Double] {
                defer { column += count }
                return try (column..<column + count).map(number)
            }
            let action = Float(try take(1)[0])
            let stateBefore = try take(stateCount)
            let state = try take(stateCount)
            let observation = try take(observationCount).map { Float($0) }
            let tail = try take(3)
            let step = Step(step: Int(cells[1]) ?? -1, action: action, stateBefore: stateBefore, state: state,
                            observation: observation, reward: tail[0], isTerminal: tail[1] != 0,
                            isTruncated: tail[2] != 0)
            if cases.last?.name == cells[0] {
                cases[cases.count - 1].steps.append(step)
            } else {
                cases.append(Case(name: cells[0], steps: [step]))
            }
        }
        self.cases = cases
    }
}
