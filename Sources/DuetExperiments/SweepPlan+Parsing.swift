import Foundation

/// Parsing of the sweep's flags: `--grid key=v1,v2` and `--arms on,off`.
extension SweepPlan.Dimension {
    /// Parses `key=v1,v2,...`. Commas inside brackets or braces belong to a value, so `learner.hidden=[64,64],[256,256]`
    /// has two values.
    /// - Throws: ``SweepError/badGrid(text:reason:)`` naming the flag and what is accepted.
    public init(parsing text: String) throws {
        let flag = "--grid \(text)"
        guard let equals = text.firstIndex(of: "=") else {
            throw SweepError.badGrid(text: flag, reason: "expected key=value1,value2,... (e.g. learner.batchSize=64,256)")
        }
        let key = String(text[..<equals])
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }) else {
            throw SweepError.badGrid(
                text: flag, reason: "'\(key)' is not a configuration key (a dotted key path such as learner.batchSize)")
        }
        var values: [String] = []
        var current = ""
        var depth = 0
        for character in text[text.index(after: equals)...] {
            switch character {
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            case "," where depth == 0:
                values.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        values.append(current)
        if depth != 0 { throw SweepError.badGrid(text: flag, reason: "unbalanced brackets") }
        if let empty = values.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw SweepError.badGrid(text: flag, reason: "value \(empty + 1) is empty (expected key=value1,value2,...)")
        }
        if Set(values).count != values.count {
            throw SweepError.badGrid(text: flag, reason: "each value once")
        }
        self.init(key: key, values: values)
    }

    /// Parses every `--grid` flag and checks that no key is given twice.
    public static func parsing(_ texts: [String]) throws -> [SweepPlan.Dimension] {
        let grid = try texts.map(SweepPlan.Dimension.init(parsing:))
        for (position, dimension) in grid.enumerated()
        where grid[..<position].contains(where: { $0.key == dimension.key }) {
            throw SweepError.badGrid(text: "--grid \(texts[position])",
                                     reason: "the key '\(dimension.key)' is already swept by another --grid")
        }
        return grid
    }
}

extension SweepPlan.Arm {
    /// Parses `on,off`, `on,off,single`, ... (each arm once, in the order given).
    /// - Throws: ``SweepError/badArms(text:)``.
    public static func parsing(_ text: String) throws -> [SweepPlan.Arm] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let arms = parts.compactMap(SweepPlan.Arm.init(rawValue:))
        guard arms.count == parts.count, Set(arms).count == arms.count else { throw SweepError.badArms(text: text) }
        return arms
    }
}
