/// A JSON value with ordered object keys, rendered with fixed formatting (two-space indent, numbers by
/// ``NumberText/shortest(_:)``, non-finite numbers as `null`), so the same results give the same bytes.
indirect enum JSONText {
    case object([(String, JSONText)])
    case array([JSONText])
    case string(String)
    case number(Double)
    case integer(Int)
    case unsigned(UInt64)
    case bool(Bool)
    case null

    /// A number, or `null` when absent.
    static func number(_ value: Double?) -> JSONText { value.map { .number($0) } ?? .null }
    /// A string, or `null` when absent.
    static func string(_ value: String?) -> JSONText { value.map { .string($0) } ?? .null }

    /// The value as text, ending in a newline.
    func rendered() -> String {
        var output = ""
        write(to: &output, indent: 0)
        return output + "\n"
    }

    private var isScalar: Bool {
        switch self {
        case .object, .array: return false
        default: return true
        }
    }

    private func write(to output: inout String, indent: Int) {
        let padding = String(repeating: " ", count: indent + 2)
        switch self {
        case let .object(members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += padding + Self.quoted(key) + ": "
                value.write(to: &output, indent: indent + 2)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "}"
        case let .array(elements):
            guard !elements.isEmpty else { output += "[]"; return }
            if elements.allSatisfy({ $0.isScalar }) && elements.count <= 8 {
                output += "["
                for (index, element) in elements.enumerated() {
                    if index > 0 { output += ", " }
                    element.write(to: &output, indent: indent)
                }
                output += "]"
                return
            }
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += padding
                element.write(to: &output, indent: indent + 2)
                output += index == elements.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case let .string(text): output += Self.quoted(text)
        case let .number(value): output += value.isFinite ? NumberText.shortest(value) : "null"
        case let .integer(value): output += String(value)
        case let .unsigned(value): output += String(value)
        case let .bool(value): output += value ? "true" : "false"
        case .null: output += "null"
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

/// A plain-text table with aligned columns: text columns left-aligned, number columns right-aligned, two
/// spaces between columns, a rule under the header.
struct TextTable {
    enum Alignment { case left, right }

    var columns: [(title: String, alignment: Alignment)]
    var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) { self.columns = columns.map { (title: $0.0, alignment: $0.1) } }

    func rendered() -> String {
        var widths = columns.map(\.title.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { text += "  " }
                text += columns[index].alignment == .left ? cell + pad : pad + cell
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }
        var text = line(columns.map(\.title))
        text += line(widths.map { String(repeating: "-", count: $0) })
        for row in rows { text += line(row) }
        return text
    }
}
