// A minimal XML reader for MJCF files: elements, attributes (single or double quotes), comments, the `<?xml?>`
// declaration and character data (ignored). No DTDs, CDATA or namespaces: MJCF uses none. Every element
// keeps the line it starts on, so errors can name it.

/// One XML element: its name, its attributes in file order, its child elements and the line it starts on.
public struct XMLElement: Sendable, Equatable {
    /// The tag name, e.g. `joint`.
    public var name: String
    /// The attributes as (name, value) pairs in file order, entities decoded.
    public var attributes: [(name: String, value: String)]
    /// The child elements in file order.
    public var children: [XMLElement]
    /// The 1-based line of the element's `<`.
    public var line: Int

    /// The value of attribute `name`, if present.
    public subscript(attribute name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Equal names, attributes (in order), children and lines.
    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.line == rhs.line && lhs.children == rhs.children
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }

    /// Parses `text` and returns its root element.
    /// - Parameter file: the file's name, for error messages.
    /// - Throws: ``PhysicsError/malformedXML(file:line:reason:)`` naming the line.
    public static func parse(_ text: String, file: String) throws -> XMLElement {
        var parser = Parser(bytes: Array(text.utf8), file: file)
        return try parser.document()
    }
}

/// A recursive-descent reader over the UTF-8 bytes of a document.
private struct Parser {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    func fail(_ reason: String) -> PhysicsError { .malformedXML(file: file, line: line, reason: reason) }

    var atEnd: Bool { index >= bytes.count }

    func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    func starts(with literal: String) -> Bool {
        let pattern = Array(literal.utf8)
        guard index + pattern.count <= bytes.count else { return false }
        return bytes[index..<index + pattern.count].elementsEqual(pattern)
    }

    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
    }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { advance() }
    }

    /// Skips up to and including `terminator`.
    mutating func skip(past terminator: String, what: String) throws {
        while !atEnd {
            if starts(with: terminator) { advance(terminator.utf8.count); return }
            advance()
        }
        throw fail("unterminated \(what)")
    }

    /// Skips character data, comments, declarations and processing instructions up to the next element tag.
    mutating func skipMisc() throws {
        while !atEnd {
            if starts(with: "<!--") { try skip(past: "-->", what: "comment") }
            else if starts(with: "<?") { try skip(past: "?>", what: "processing instruction") }
            else if starts(with: "<!") { try skip(past: ">", what: "declaration") }
            else if peek() == UInt8(ascii: "<") { return }
            else { advance() }
        }
    }

    mutating func document() throws -> XMLElement {
        try skipMisc()
        guard !atEnd else { throw fail("no root element") }
        let root = try element()
        try skipMisc()
        guard atEnd else { throw fail("content after the root element") }
        return root
    }

    mutating func name() throws -> String {
        let start = index
        while let byte = peek(), !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
                                   || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
                                   || byte == UInt8(ascii: "=")) {
            advance()
        }
        guard index > start else { throw fail("expected a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func element() throws -> XMLElement {
        let startLine = line
        advance()  // "<"
        let tag = try name()
        var attributes: [(name: String, value: String)] = []
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw fail("unterminated tag <\(tag)>") }
            if byte == UInt8(ascii: "/") {
                advance()
                guard peek() == UInt8(ascii: ">") else { throw fail("expected '>' after '/' in <\(tag)>") }
                advance()
                return XMLElement(name: tag, attributes: attributes, children: [], line: startLine)
            }
            if byte == UInt8(ascii: ">") { advance(); break }
            let attribute = try name()
            skipWhitespace()
            guard peek() == UInt8(ascii: "=") else { throw fail("attribute '\(attribute)' of <\(tag)> has no value") }
            advance()
            skipWhitespace()
            guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw fail("attribute '\(attribute)' of <\(tag)> is not quoted")
            }
            advance()
            let start = index
            while let byte = peek(), byte != quote { advance() }
            guard !atEnd else { throw fail("unterminated value of attribute '\(attribute)'") }
            let raw = String(decoding: bytes[start..<index], as: UTF8.self)
            advance()
            if attributes.contains(where: { $0.name == attribute }) {
                throw fail("attribute '\(attribute)' repeated in <\(tag)>")
            }
            attributes.append((attribute, Self.decodeEntities(raw)))
        }
        var children: [XMLElement] = []
        while true {
            try skipMisc()
            guard !atEnd else { throw fail("<\(tag)> opened on line \(startLine) is never closed") }
            if starts(with: "</") {
                advance(2)
                let closing = try name()
                skipWhitespace()
                guard closing == tag, peek() == UInt8(ascii: ">") else {
                    throw fail("</\(closing)> closes <\(tag)> opened on line \(startLine)")
                }
                advance()
                return XMLElement(name: tag, attributes: attributes, children: children, line: startLine)
            }
            children.append(try element())
        }
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"")
            .replacingAll("&apos;", "'").replacingAll("&amp;", "&")
    }
}

extension String {
    /// `self` with every occurrence of `target` replaced (Foundation-free).
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
