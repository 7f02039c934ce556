import Foundation

/// Named tensors, integers and Float64 vectors, saved to and loaded from Duet's versioned binary format: model
/// parameters, optimiser moments, step counts and the small Float64 states of a checkpoint (running statistics,
/// noise processes).
///
/// ```swift
/// var archive = ParameterArchive<Float>()
/// archive.store(actor, prefix: "actor")
/// optimizer.store(in: &archive, prefix: "actor.adam")
/// try archive.write(to: url)
///
/// let loaded = try ParameterArchive<Float>(contentsOf: url)
/// try loaded.restore(&actor, prefix: "actor")
/// try optimizer.restore(from: loaded, prefix: "actor.adam")
/// ```
///
/// Loading is exact (bit for bit) and strict: a truncated or corrupted file, another format version, another
/// scalar type, a missing name or a different shape is a ``NumericsError`` naming the file and the entry. The
/// format is described in `ParameterArchive+Encoding.swift`.
public struct ParameterArchive<Scalar: BLASScalar>: Sendable, Equatable {
    /// One stored value.
    public enum Entry: Sendable, Equatable {
        /// A tensor.
        case tensor(Matrix<Scalar>)
        /// A signed 64-bit integer, such as an optimiser's step count.
        case integer(Int64)
        /// Float64 values whatever the archive's scalar type, such as running means or a noise process's state.
        case reals([Double])
    }

    /// Where the archive came from, for error messages: a file path, or `<memory>`.
    public var source: String
    /// The entry names in the order they were first stored (and are written).
    public private(set) var names: [String] = []
    /// The entries by name.
    private var entries: [String: Entry] = [:]

    /// An empty archive.
    public init(source: String = "<memory>") {
        self.source = source
    }

    /// The entry called `name`, if any.
    public subscript(name: String) -> Entry? { entries[name] }

    /// Stores `entry` under `name`, replacing (in place) an entry of that name.
    public mutating func store(_ entry: Entry, as name: String) {
        if entries.updateValue(entry, forKey: name) == nil { names.append(name) }
    }

    /// Stores a tensor under `name`.
    public mutating func store(_ tensor: Matrix<Scalar>, as name: String) {
        store(.tensor(tensor), as: name)
    }

    /// Stores an integer under `name`.
    public mutating func store(_ integer: Int, as name: String) {
        store(.integer(Int64(integer)), as: name)
    }

    /// Stores Float64 values under `name`.
    public mutating func store(_ reals: [Double], as name: String) {
        store(.reals(reals), as: name)
    }

    /// Stores every tensor of `group` as `prefix.tensorName` (or just `tensorName` for an empty prefix).
    public mutating func store(_ group: some ParameterGroup<Scalar>, prefix: String) {
        for index in 0..<group.tensorCount {
            store(group.tensor(at: index), as: Self.qualified(group.tensorName(at: index), prefix: prefix))
        }
    }

    /// The tensor called `name`.
    /// - Throws: ``NumericsError/missingEntry(source:name:)`` or
    ///   ``NumericsError/entryKindMismatch(source:name:expected:)``.
    public func tensor(named name: String) throws -> Matrix<Scalar> {
        switch entries[name] {
        case .tensor(let tensor)?: return tensor
        case .integer?, .reals?:
            throw NumericsError.entryKindMismatch(source: source, name: name, expected: "a tensor")
        case nil: throw NumericsError.missingEntry(source: source, name: name)
        }
    }

    /// The tensor called `name`, which must have shape `shape`.
    /// - Throws: as ``tensor(named:)``, or ``NumericsError/shapeMismatch(source:name:stored:expected:)``.
    public func tensor(named name: String, shape: MatrixShape) throws -> Matrix<Scalar> {
        let tensor = try tensor(named: name)
        guard tensor.shape == shape else {
            throw NumericsError.shapeMismatch(source: source, name: name, stored: tensor.shape, expected: shape)
        }
        return tensor
    }

    /// The integer called `name`.
    /// - Throws: ``NumericsError/missingEntry(source:name:)`` or
    ///   ``NumericsError/entryKindMismatch(source:name:expected:)``.
    public func integer(named name: String) throws -> Int {
        switch entries[name] {
        case .integer(let value)?:
            guard let result = Int(exactly: value) else {
                throw NumericsError.malformedArchive(source: source, reason: "integer '\(name)' does not fit an Int")
            }
            return result
        case .tensor?, .reals?:
            throw NumericsError.entryKindMismatch(source: source, name: name, expected: "an integer")
        case nil: throw NumericsError.missingEntry(source: source, name: name)
        }
    }

    /// The Float64 values called `name`, which must number `count` when given.
    /// - Throws: ``NumericsError/missingEntry(source:name:)``,
    ///   ``NumericsError/entryKindMismatch(source:name:expected:)`` or, for another count,
    ///   ``NumericsError/shapeMismatch(source:name:stored:expected:)`` (as a 1-row shape).
    public func reals(named name: String, count: Int? = nil) throws -> [Double] {
        switch entries[name] {
        case .reals(let values)?:
            if let count, values.count != count {
                throw NumericsError.shapeMismatch(source: source, name: name,
                                                  stored: MatrixShape(rows: 1, columns: values.count),
                                                  expected: MatrixShape(rows: 1, columns: count))
            }
            return values
        case .tensor?, .integer?:
            throw NumericsError.entryKindMismatch(source: source, name: name, expected: "Float64 values")
        case nil: throw NumericsError.missingEntry(source: source, name: name)
        }
    }

    /// Loads every tensor of `group` from `prefix.tensorName`. Either all tensors load or `group` is unchanged.
    /// - Throws: a ``NumericsError`` naming the first missing or differently shaped tensor.
    public func restore<Group: ParameterGroup>(_ group: inout Group, prefix: String) throws
    where Group.Scalar == Scalar {
        var loaded: [Matrix<Scalar>] = []
        for index in 0..<group.tensorCount {
            loaded.append(try tensor(named: Self.qualified(group.tensorName(at: index), prefix: prefix),
                                     shape: group.tensor(at: index).shape))
        }
        for index in loaded.indices {
            group.withTensor(at: index) { $0 = loaded[index] }
        }
    }

    /// `prefix.name`, or `name` when the prefix is empty: how composite state (a learner's networks, optimisers
    /// and buffers) names its entries.
    public static func qualified(_ name: String, prefix: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }

    /// Equal names in the same order with equal entries (the source is not compared).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.names == rhs.names && lhs.entries == rhs.entries
    }
}
