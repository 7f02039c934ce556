/// A configuration that checks its own value ranges after decoding.
///
/// Conforming types decode strictly (``Swift/Decoder/configurationContainer(keyedBy:)`` and
/// ``Swift/KeyedDecodingContainer/decode(_:forKey:default:)``), then `validate(at:)` checks every range in one
/// place.
public protocol ValidatedConfiguration: Decodable {
    /// Throws ``ConfigurationError/invalidValue(source:path:value:accepted:)`` for the first value outside its
    /// accepted range; `path` is this configuration's dotted key path in the file (`""` at the top level).
    func validate(at path: String) throws
}

extension ValidatedConfiguration {
    /// Throws an ``ConfigurationError/invalidValue(source:path:value:accepted:)`` for `key` (below `path`)
    /// unless `isValid`.
    public func require(_ isValid: Bool, _ key: String, at path: String, value: @autoclosure () -> Any,
                        accepted: String) throws {
        guard isValid else {
            throw ConfigurationError.invalidValue(source: "", path: ConfigurationPath.appending(key, to: path),
                                                  value: "\(value())", accepted: accepted)
        }
    }
}
