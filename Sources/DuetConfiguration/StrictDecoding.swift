/// Strict, defaulted decoding for configuration structs.
///
/// `Codable` alone neither fills in missing keys nor rejects unknown ones. A configuration struct's
/// `init(from:)` starts with ``Swift/Decoder/configurationContainer(keyedBy:)``, which rejects any key that is
/// not one of the struct's `CodingKeys` (naming the nearest valid key), and then reads each field with
/// ``Swift/KeyedDecodingContainer/decode(_:forKey:default:)``, which takes the default when the key is absent.

/// A coding key made from any string, to list the keys a mapping actually has.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    /// The key's name.
    public var stringValue: String
    /// The key's integer value, for an index; `nil` for a named key.
    public var intValue: Int?
    /// The key named `stringValue`, with no integer value.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// The key of index `intValue`, named by its decimal digits.
    public init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension AnyCodingKey {
    /// The key with the same name as `key`, to write keys of several types into one container.
    public init(_ key: some CodingKey) { self.init(stringValue: key.stringValue) }
}

extension Decoder {
    /// The keyed container of a configuration mapping, after checking that every key in the file is one of
    /// `Key.allCases`.
    /// - Throws: ``ConfigurationError/unknownKey(source:path:key:nearest:accepted:)`` for the first unknown key
    ///   in the file's order (source left empty; the file loader fills it in).
    public func configurationContainer<Key: CodingKey & CaseIterable>(keyedBy type: Key.Type) throws
        -> KeyedDecodingContainer<Key>
    {
        try rejectKeys(otherThan: Key.allCases.map(\.stringValue))
        return try container(keyedBy: type)
    }

    /// Checks that every key of this mapping is one of `accepted`.
    /// - Throws: ``ConfigurationError/unknownKey(source:path:key:nearest:accepted:)`` for the first other key in
    ///   the file's order, with the nearest accepted key.
    public func rejectKeys(otherThan accepted: [String]) throws {
        try rejectKeys(otherThan: accepted, owners: { _ in [] }, tag: "", chosen: "")
    }

    /// Checks that every key of this mapping is one of `accepted`, the keys of variant `chosen` of a tagged
    /// configuration (one whose key `tag` picks the variant, as `algorithm` picks a learner's).
    /// - Parameter owners: the other variants that have a key (none for a key no variant has).
    /// - Throws: for the first other key in the file's order,
    ///   ``ConfigurationError/foreignKey(source:path:key:tag:owners:chosen:accepted:)`` when other variants have it,
    ///   else ``ConfigurationError/unknownKey(source:path:key:nearest:accepted:)`` with the nearest accepted key.
    public func rejectKeys(otherThan accepted: [String], ofVariant chosen: String, taggedBy tag: String,
                           owners: (String) -> [String]) throws {
        try rejectKeys(otherThan: accepted, owners: owners, tag: tag, chosen: chosen)
    }

    private func rejectKeys(otherThan accepted: [String], owners: (String) -> [String], tag: String,
                            chosen: String) throws {
        let present = try container(keyedBy: AnyCodingKey.self).allKeys
        for key in present where !accepted.contains(key.stringValue) {
            let path = ConfigurationPath.dotted(codingPath)
            let variants = owners(key.stringValue)
            if !variants.isEmpty {
                throw ConfigurationError.foreignKey(source: "", path: path, key: key.stringValue, tag: tag,
                                                    owners: variants, chosen: chosen, accepted: accepted)
            }
            throw ConfigurationError.unknownKey(
                source: "", path: path, key: key.stringValue,
                nearest: NearestKey.find(key.stringValue, among: accepted), accepted: accepted)
        }
    }
}

extension KeyedDecodingContainer {
    /// The value for `key`, or `defaultValue` when the file does not mention the key.
    /// An explicit `null` is a type error, not a request for the default.
    public func decode<Value: Decodable>(_ type: Value.Type = Value.self, forKey key: Key,
                                         default defaultValue: @autoclosure () -> Value) throws -> Value {
        contains(key) ? try decode(type, forKey: key) : defaultValue()
    }
}

/// Dotted key paths such as `learner.noise.gaussian` or `learner.hidden[1]`.
public enum ConfigurationPath {
    /// The dotted form of a coding path.
    public static func dotted(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result
    }

    /// `path` extended by `key`.
    public static func appending(_ key: String, to path: String) -> String {
        path.isEmpty ? key : path + "." + key
    }
}

/// Suggests the valid key closest to a misspelt one.
public enum NearestKey {
    /// The candidate with the smallest edit distance to `key`, if it is close enough to be a likely typo
    /// (distance at most a third of the longer word, and at least 1 allowed); ties go to the first candidate.
    public static func find(_ key: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(key.lowercased(), candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let allowed = max(1, max(key.count, best.candidate.count) / 3)
        return best.distance <= allowed ? best.candidate : nil
    }

    /// Levenshtein distance (insertions, deletions and substitutions each cost 1).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
