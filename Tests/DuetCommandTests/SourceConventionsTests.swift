import Foundation
import XCTest

/// The house rules that can be checked mechanically over `Sources/`, so that they stay true as the code grows.
final class SourceConventionsTests: XCTestCase {
    /// The package's `Sources` folder, found from this file's path (Tests/DuetCommandTests/…).
    private let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Every `public` or `open` declaration carries a `///` doc comment (or ends a `/** … */` block) directly above
    /// it or above its attributes. Imports are exempt.
    func testEveryPublicDeclarationHasADocComment() throws {
        let undocumented = try swiftFiles().flatMap { file in
            try Self.undocumentedPublicDeclarations(in: String(contentsOf: file, encoding: .utf8))
                .map { "\(file.path.replacingOccurrences(of: sources.path + "/", with: "")):\($0.line): \($0.text)" }
        }
        XCTAssertGreaterThan(try swiftFiles().count, 50, "Sources/ not found at \(sources.path)")
        XCTAssertEqual(undocumented, [], "public declarations without a /// doc comment:\n"
                       + undocumented.joined(separator: "\n"))
    }

    /// The checker itself: it flags a bare public declaration, and accepts one documented directly or above its
    /// attributes.
    func testTheCheckerFlagsOnlyUndocumentedDeclarations() {
        let text = """
            public import Foundation
            /// Documented.
            public struct A {
                public var bare: Int
                /// Documented above an attribute.
                @inlinable
                public func documented() {}
                @discardableResult public func alsoBare() -> Int { 0 }
            }
            /** Block-documented. */
            public enum B {}
            """
        let found = Self.undocumentedPublicDeclarations(in: text)
        XCTAssertEqual(found.map(\.line), [4, 8])
    }

    private func swiftFiles() throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        return (enumerator?.allObjects ?? []).compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
            .sorted { $0.path < $1.path }
    }

    /// The 1-based line numbers and texts of the `public`/`open` declarations in `text` that no doc comment
    /// precedes, attributes (`@inlinable`, `@discardableResult`, …) skipped on the way up.
    static func undocumentedPublicDeclarations(in text: String) -> [(line: Int, text: String)] {
        let lines = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let declaration = #/^(@\w+(\(.*\))?\s+)*(public|open)\s/#
        var found: [(line: Int, text: String)] = []
        for (index, line) in lines.enumerated()
        where line.prefixMatch(of: declaration) != nil && !line.hasPrefix("public import") {
            var above = index - 1
            while above >= 0 && lines[above].hasPrefix("@") { above -= 1 }
            let previous = above >= 0 ? lines[above] : ""
            if !(previous.hasPrefix("///") || previous.hasSuffix("*/")) { found.append((index + 1, line)) }
        }
        return found
    }
}
