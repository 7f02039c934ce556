import DuetConfiguration
import Foundation
import Yams

/// Reads experiment files (YAML) into typed configurations, applying `--set key=value` overrides.
///
/// Missing keys take their defaults, unknown keys and wrong types are errors naming the file, the key and
/// the accepted keys or type, and ranges are checked by the configuration's `validate(at:)`. Every error
/// is a ``ConfigurationError`` whose `description` is one line.
public enum ConfigurationFile {
    /// Loads and validates the configuration in the file at `path`, with `overrides` (`key.path=value`)
    /// applied on top of the file. An empty file is an error (``decode(_:fromYAML:source:overrides:)`` of empty
    /// text gives the defaults).
    public static func load<Configuration: ValidatedConfiguration>(
        _ type: Configuration.Type, from path: String, overrides: [String] = []
    ) throws -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "not readable as UTF-8 text" : "no such file"
            throw ConfigurationError.unreadable(source: path, reason: reason)
        }
        // An empty file (or one of comments only) is almost always a mistake: say so rather than train on defaults.
        if (try? Yams.compose(yaml: text)) == .some(nil) {
            throw ConfigurationError.malformed(
                source: path, reason: "the file is empty (give at least the environment, e.g. env: Pendulum-v1; "
                    + "every other key has a default)")
        }
        return try decode(type, fromYAML: text, source: path, overrides: overrides)
    }

    /// Decodes and validates a configuration from YAML text; `source` names it in errors.
    public static func decode<Configuration: ValidatedConfiguration>(
        _ type: Configuration.Type, fromYAML text: String, source: String, overrides: [String] = []
    ) throws -> Configuration {
        var root: Node
        do {
            root = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw ConfigurationError.malformed(source: source, reason: oneLine(String(describing: error)))
        }
        guard case .mapping = root else {
            throw ConfigurationError.malformed(source: source, reason: "the top level must be a mapping of keys")
        }
        var overridden: [(path: String, text: String)] = []
        for override in overrides {
            let (path, value) = try parseOverride(override)
            root = try setting(value, at: path.split(separator: ".").map(String.init), in: root, override: override)
            overridden.append((path, override))
        }
        /// Errors under an overridden key are the flag's, not the file's.
        func origin(of path: String) -> String {
            for (overridePath, text) in overridden.reversed()
            where path == overridePath || path.hasPrefix(overridePath + ".") || path.hasPrefix(overridePath + "[") {
                return "--set \(text)"
            }
            return source
        }
        do {
            let configuration = try YAMLDecoder().decode(type, from: root)
            try configuration.validate(at: "")
            return configuration
        } catch let error as ConfigurationError {
            throw error.attributed(to: origin(of: error.path))
        } catch let error as DecodingError {
            let translated = translate(error, root: root)
            throw translated.attributed(to: origin(of: translated.path))
        } catch {
            throw ConfigurationError.malformed(source: source, reason: oneLine(String(describing: error)))
        }
    }

    // MARK: Overrides

    /// Splits `key.path=value`, parsing the value as YAML (so `0.5`, `true`, `[400, 300]` keep their types).
    static func parseOverride(_ override: String) throws -> (path: String, value: Node) {
        guard let equals = override.firstIndex(of: "=") else {
            throw ConfigurationError.badOverride(override: override, reason: "expected key=value, e.g. learner.discount=0.98")
        }
        let path = String(override[..<equals]).trimmingCharacters(in: .whitespaces)
        let valueText = String(override[override.index(after: equals)...])
        guard !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else {
            throw ConfigurationError.badOverride(override: override, reason: "the key must be a dotted path such as learner.discount")
        }
        do {
            let value = try Yams.compose(yaml: valueText) ?? Node("", Tag(.str))
            return (path, value)
        } catch {
            throw ConfigurationError.badOverride(override: override, reason: "the value is not valid YAML")
        }
    }

    /// `node` with the value at `path` replaced by (or set to) `value`, creating mappings along the way.
    static func setting(_ value: Node, at path: [String], in node: Node, override: String) throws -> Node {
        guard let first = path.first else { return value }
        guard case var .mapping(mapping) = node else {
            throw ConfigurationError.badOverride(override: override, reason: "'\(first)' is inside a value that is not a mapping")
        }
        let existing = mapping[Node(first)] ?? Node.mapping(Node.Mapping([]))
        mapping[Node(first)] = try setting(value, at: Array(path.dropFirst()), in: existing, override: override)
        return .mapping(mapping)
    }

    // MARK: Decoding errors

    /// A `DecodingError` from Codable, restated in the file's terms.
    static func translate(_ error: DecodingError, root: Node) -> ConfigurationError {
        switch error {
        case let .typeMismatch(type, context):
            let path = ConfigurationPath.dotted(context.codingPath)
            return .wrongType(source: "", path: path, expected: describe(type),
                              found: describeValue(at: context.codingPath, in: root))
        case let .valueNotFound(type, context):
            return .wrongType(source: "", path: ConfigurationPath.dotted(context.codingPath),
                              expected: describe(type), found: "nothing (null)")
        case let .keyNotFound(key, context):
            return .missingKey(source: "", path: ConfigurationPath.dotted(context.codingPath + [key]))
        case let .dataCorrupted(context):
            let path = ConfigurationPath.dotted(context.codingPath)
            return .wrongType(source: "", path: path, expected: "a valid value (\(oneLine(context.debugDescription)))",
                              found: describeValue(at: context.codingPath, in: root))
        @unknown default:
            return .malformed(source: "", reason: oneLine(String(describing: error)))
        }
    }

    /// How a Swift type reads to a user.
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is UInt64.Type, is UInt.Type, is UInt32.Type: return "a non-negative integer"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "text"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a mapping" }
            return "a mapping"
        }
    }

    /// The value found at `codingPath` in the file, as the user wrote it.
    static func describeValue(at codingPath: [any CodingKey], in root: Node) -> String {
        var node: Node? = root
        for key in codingPath {
            guard let current = node else { break }
            if let index = key.intValue, case let .sequence(sequence) = current {
                node = index < sequence.count ? sequence[index] : nil
            } else {
                node = current[key.stringValue]
            }
        }
        switch node {
        case let .scalar(scalar)?: return "'\(scalar.string)'"
        case .sequence?: return "a list"
        case .mapping?: return "a mapping"
        default: return "nothing"
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
