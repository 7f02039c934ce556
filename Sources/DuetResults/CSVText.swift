import Foundation

/// CSV output: fields quoted only when they must be (RFC 4180), lines ended by `\n`.
enum CSVText {
    /// `field`, quoted if it holds a comma, a quote or a line break (quotes inside doubled).
    static func field(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One CSV line (with its newline) of already formatted fields.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
