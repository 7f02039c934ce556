import Foundation

/// A CSV file read into rows of text fields, with its header checked; errors name the file and line.
///
/// Fields are split on commas; a field may be quoted with `"` (a doubled `""` inside is a quote), though Duet's
/// own logs never need quoting. `\r\n` line ends are accepted. Columns are found by name, so extra columns and a
/// different column order are accepted; a missing required column is an error.
///
/// A run that is still being written may end in a half-written line. A last line without its terminating newline
/// that cannot be read is therefore dropped with a ``ResultsWarning/droppedUnterminatedLine(path:line:)``
/// warning instead of failing the whole table (see ``readRows(_:)``). Any other bad line is an error.
struct CSVTable {
    /// The file's path, as errors print it.
    let path: String
    /// The header's column names.
    let header: [String]
    /// The data rows, in file order.
    let rows: [CSVRow]
    /// Whether the file's last data line lacks its newline (it may be half-written).
    let endsInUnterminatedLine: Bool

    /// Reads the file at `url` and checks that its header has `requiredColumns`.
    /// - Parameter allowsComments: skip lines whose first character is `#`.
    static func read(_ url: URL, requiredColumns: [String], allowsComments: Bool = false) throws -> CSVTable {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ResultsError.missingFile(path: path, expected: "a CSV file with columns "
                + requiredColumns.joined(separator: ","))
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ResultsError.unreadable(path: path, reason: error.localizedDescription)
        }
        let text = String(decoding: data, as: UTF8.self)
        // "\r\n" is one Character in Swift, so both line ends are separators.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        let unterminated = !(lines.last?.isEmpty ?? true)
        if !unterminated { lines.removeLast() }

        var headerFields: [String]?
        var rows: [CSVRow] = []
        var columnIndex: [String: Int] = [:]
        for (offset, rawLine) in lines.enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let number = offset + 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if allowsComments, line.hasPrefix("#") { continue }
            let fields = splitFields(line)
            guard let header = headerFields else {
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces) }
                headerFields = names
                for (index, name) in names.enumerated() where columnIndex[name] == nil { columnIndex[name] = index }
                let missing = requiredColumns.filter { columnIndex[$0] == nil }
                if !missing.isEmpty {
                    throw ResultsError.missingColumns(path: path, missing: missing, header: String(line))
                }
                continue
            }
            rows.append(CSVRow(path: path, line: number, fields: fields, expectedCount: header.count,
                               columnIndex: columnIndex))
        }
        guard let header = headerFields else { throw ResultsError.emptyTable(path: path) }
        return CSVTable(path: path, header: header, rows: rows, endsInUnterminatedLine: unterminated)
    }

    /// Converts every row with `parse`, dropping (with a warning) a last, unterminated row that fails to parse.
    func readRows<Value>(_ parse: (CSVRow) throws -> Value) throws -> (values: [Value], warnings: [ResultsWarning]) {
        var values: [Value] = []
        values.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            do {
                try row.checkFieldCount()
                values.append(try parse(row))
            } catch {
                if endsInUnterminatedLine, index == rows.count - 1 {
                    return (values, [.droppedUnterminatedLine(path: path, line: row.line)])
                }
                throw error
            }
        }
        return (values, [])
    }

    /// Splits one line into fields (commas; `"` quoting with `""` escapes).
    static func splitFields(_ line: Substring) -> [String] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if inQuotes {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex, line[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
            index = line.index(after: index)
        }
        fields.append(current)
        return fields
    }
}

/// One data row of a ``CSVTable``, with typed accessors that throw errors naming the file, line and column.
struct CSVRow {
    let path: String
    /// The 1-based line number in the file.
    let line: Int
    let fields: [String]
    let expectedCount: Int
    let columnIndex: [String: Int]

    func checkFieldCount() throws {
        guard fields.count == expectedCount else {
            throw ResultsError.wrongFieldCount(path: path, line: line, expected: expectedCount, found: fields.count)
        }
    }

    /// The field of `column`, trimmed of spaces.
    func text(_ column: String) throws -> String {
        try checkFieldCount()
        guard let index = columnIndex[column] else {
            preconditionFailure("column '\(column)' was not among the required columns")
        }
        return fields[index].trimmingCharacters(in: .whitespaces)
    }

    /// The field of `column` when the table has that column (it need not be among the required ones).
    func optionalText(_ column: String) throws -> String? {
        try checkFieldCount()
        return columnIndex[column].map { fields[$0].trimmingCharacters(in: .whitespaces) }
    }

    /// An integer field; an integral number written as a float (`2000.0`, `2e3`) is accepted.
    func integer(_ column: String) throws -> Int {
        let field = try text(column)
        if let value = Int(field) { return value }
        if let value = Double(field), value.isFinite, value == value.rounded(), abs(value) < 9e15 {
            return Int(value)
        }
        throw ResultsError.badValue(path: path, line: line, column: column, value: field, expected: "an integer")
    }

    /// A number; `nan`, `inf` and `-inf` (as Duet's logs write them) are accepted.
    func double(_ column: String) throws -> Double {
        let field = try text(column)
        guard let value = Double(field) else {
            throw ResultsError.badValue(path: path, line: line, column: column, value: field, expected: "a number")
        }
        return value
    }

    /// A finite number.
    func finiteDouble(_ column: String) throws -> Double {
        let value = try double(column)
        guard value.isFinite else {
            throw ResultsError.badValue(path: path, line: line, column: column, value: try text(column),
                                        expected: "a finite number")
        }
        return value
    }
}
