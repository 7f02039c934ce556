/// A configuration value chosen from a fixed set of names, such as an algorithm or a weighting.
///
/// Conforming string enums decode with an error that lists every accepted name, instead of Codable's
/// "Cannot initialize ... from invalid String value".
public protocol ConfigurationChoice: RawRepresentable, CaseIterable, Codable, Sendable, Equatable
where RawValue == String {}

extension ConfigurationChoice {
    /// Decodes the choice from a string, rejecting unknown names with the accepted ones.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: name) else {
            throw ConfigurationError.invalidValue(
                source: "", path: ConfigurationPath.dotted(decoder.codingPath), value: name,
                accepted: Self.acceptedNames)
        }
        self = value
    }

    /// The accepted names, comma-separated, for error messages and help text.
    public static var acceptedNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
