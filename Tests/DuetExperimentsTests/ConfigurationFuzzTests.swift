import DuetConfiguration
import DuetExperiments
import Foundation
import XCTest

/// Bounded fuzzing of the experiment-file loader: random mutations of every preset and random text each either
/// decode to a configuration that passes validation or fail with one `ConfigurationError` line; none crashes or
/// hangs. The mutations are drawn from a fixed seed, so a failure reproduces.
final class ConfigurationFuzzTests: XCTestCase {
    /// SplitMix64, so the mutations are the same on every run.
    private struct Mutations: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let replacements = ["-1", "0", "1e308", "-1e308", ".nan", ".inf", "99999999999999999999", "[]",
                                       "{}", "null", "''", "true", "[1, [2]]", "{a: b}", "ppo", "~", "\"\\u0000\"",
                                       ":", "- x", "&a", "*a", "!!binary AAAA"]

    private func mutate(_ text: String, using random: inout Mutations) -> String {
        var characters = Array(text)
        guard !characters.isEmpty else { return text }
        switch Int.random(in: 0..<5, using: &random) {
        case 0:  // delete a span
            let start = Int.random(in: 0..<characters.count, using: &random)
            characters.removeSubrange(start..<min(characters.count, start + Int.random(in: 1...12, using: &random)))
        case 1:  // replace a span with a hostile value
            let start = Int.random(in: 0..<characters.count, using: &random)
            let end = min(characters.count, start + Int.random(in: 1...8, using: &random))
            characters.replaceSubrange(start..<end, with: Self.replacements.randomElement(using: &random)!)
        case 2:  // duplicate a line
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = Int.random(in: 0..<lines.count, using: &random)
            lines.insert(lines[line], at: line)
            return lines.joined(separator: "\n")
        case 3:  // a random printable or control character
            characters.insert(Character(UnicodeScalar(UInt8.random(in: 0...127, using: &random))),
                              at: Int.random(in: 0...characters.count, using: &random))
        default:  // replace every number by a hostile value
            return text.replacingOccurrences(of: "[0-9]+(\\.[0-9]+)?", with: Self.replacements.randomElement(using: &random)!,
                                             options: .regularExpression)
        }
        return String(characters)
    }

    private func assertDecodesOrFailsCleanly(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try ConfigurationFile.decode(ExperimentConfiguration.self, fromYAML: text, source: "fuzz.yaml")
        } catch let error as ConfigurationError {
            XCTAssertFalse(String(describing: error).contains("\n"), "\(error)", file: file, line: line)
            XCTAssert(String(describing: error).hasPrefix("fuzz.yaml") || String(describing: error).hasPrefix("--set")
                      || String(describing: error).contains("fuzz.yaml"), "\(error)", file: file, line: line)
        } catch {
            XCTFail("not a ConfigurationError: \(error) for\n\(text)", file: file, line: line)
        }
    }

    func testMutatedPresetsDecodeOrFailWithOneLine() throws {
        let presets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("experiments")
        var random = Mutations(state: 2026)
        let names = try FileManager.default.contentsOfDirectory(atPath: presets.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertGreaterThan(names.count, 10)
        for name in names.sorted() {
            let text = try String(contentsOf: presets.appendingPathComponent(name), encoding: .utf8)
            for _ in 0..<60 {
                var mutated = text
                for _ in 0..<Int.random(in: 1...3, using: &random) { mutated = mutate(mutated, using: &random) }
                assertDecodesOrFailsCleanly(mutated)
            }
        }
    }

    func testRandomTextFailsWithOneLine() {
        var random = Mutations(state: 7)
        for _ in 0..<300 {
            let length = Int.random(in: 0..<200, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            assertDecodesOrFailsCleanly(String(decoding: bytes, as: UTF8.self))
        }
    }
}
