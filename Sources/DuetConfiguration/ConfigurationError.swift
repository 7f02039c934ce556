/// Why an experiment file or a command-line override could not be turned into a configuration.
///
/// Every case names where the problem is (the file, or the `--set` flag, and the dotted key path) and what
/// would have been accepted, in one line (``description``), so the command can print it and exit.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(source: String, reason: String)
    /// The text is not valid YAML, or its top level is not a mapping.
    case malformed(source: String, reason: String)
    /// A key no configuration field has.
    case unknownKey(source: String, path: String, key: String, nearest: String?, accepted: [String])
    /// A key of a tagged configuration that only other variants have (a TD3 key such as `policyDelay` in a learner
    /// block with `algorithm: sac`): `tag` is the key that picks the variant (`algorithm`), `owners` the variants
    /// that have the key, `accepted` the keys of the `chosen` variant.
    case foreignKey(source: String, path: String, key: String, tag: String, owners: [String], chosen: String,
                    accepted: [String])
    /// A value of the wrong type (e.g. text where a number belongs).
    case wrongType(source: String, path: String, expected: String, found: String)
    /// A value of the right type outside its accepted range or set.
    case invalidValue(source: String, path: String, value: String, accepted: String)
    /// A key the configuration requires but the file does not give.
    case missingKey(source: String, path: String)
    /// A `--set` override that is not `key=value` with a known dotted key.
    case badOverride(override: String, reason: String)

    /// The same error attributed to `source` (a file path or a flag), for errors raised below the file level.
    public func attributed(to source: String) -> ConfigurationError {
        if source.isEmpty { return self }
        switch self {
        case let .unreadable(_, reason): return .unreadable(source: source, reason: reason)
        case let .malformed(_, reason): return .malformed(source: source, reason: reason)
        case let .unknownKey(_, path, key, nearest, accepted):
            return .unknownKey(source: source, path: path, key: key, nearest: nearest, accepted: accepted)
        case let .foreignKey(_, path, key, tag, owners, chosen, accepted):
            return .foreignKey(source: source, path: path, key: key, tag: tag, owners: owners, chosen: chosen,
                               accepted: accepted)
        case let .wrongType(_, path, expected, found):
            return .wrongType(source: source, path: path, expected: expected, found: found)
        case let .invalidValue(_, path, value, accepted):
            return .invalidValue(source: source, path: path, value: value, accepted: accepted)
        case let .missingKey(_, path): return .missingKey(source: source, path: path)
        case .badOverride: return self
        }
    }

    /// The one-line message, naming the file or `--set` flag, the dotted key path and what is accepted, where
    /// they apply.
    public var description: String {
        switch self {
        case let .unreadable(source, reason):
            return "\(source): cannot read the file: \(reason)"
        case let .malformed(source, reason):
            return "\(source): not a valid experiment file: \(reason)"
        case let .unknownKey(source, path, key, nearest, accepted):
            let full = path.isEmpty ? key : path + "." + key
            let hint = nearest.map { "; did you mean '\($0)'?" } ?? ""
            return "\(source): unknown key '\(full)'\(hint) (accepted keys here: \(accepted.joined(separator: ", ")))"
        case let .foreignKey(source, path, key, tag, owners, chosen, accepted):
            let full = path.isEmpty ? key : path + "." + key
            let variants = (owners.count == 1 ? tag : tag + "s") + " " + owners.joined(separator: " and ")
            return "\(source): key '\(full)' belongs to \(variants), not to \(tag) \(chosen) "
                + "(accepted keys for \(chosen): \(accepted.joined(separator: ", ")))"
        case let .wrongType(source, path, expected, found):
            return "\(source): \(path.isEmpty ? "the file" : "'\(path)'"): expected \(expected), found \(found)"
        case let .invalidValue(source, path, value, accepted):
            return "\(source): '\(path)' = \(value) is not accepted (accepted: \(accepted))"
        case let .missingKey(source, path):
            return "\(source): missing required key '\(path)'"
        case let .badOverride(override, reason):
            return "--set \(override): \(reason)"
        }
    }
}

extension ConfigurationError {
    /// The dotted key path the error is about (`""` when it concerns the whole file).
    public var path: String {
        switch self {
        case .unreadable, .malformed, .badOverride: return ""
        case let .unknownKey(_, path, key, _, _), let .foreignKey(_, path, key, _, _, _, _):
            return ConfigurationPath.appending(key, to: path)
        case let .wrongType(_, path, _, _), let .invalidValue(_, path, _, _), let .missingKey(_, path): return path
        }
    }
}
