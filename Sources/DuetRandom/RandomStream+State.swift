import CGSL

/// The complete state of a ``RandomStream``, for checkpoints: restoring it continues the exact stream.
public struct RandomStreamState: Codable, Sendable, Equatable {
    /// The root seed of the stream the state was taken from.
    public var seed: UInt64
    /// The stream's name (its path from the root).
    public var name: String
    /// GSL's generator type (`gsl_rng_name`), checked on restore.
    public var generatorType: String
    /// The raw generator state as GSL stores it (`gsl_rng_state`, `gsl_rng_size` bytes).
    public var bytes: [UInt8]

    /// Creates a state record; normally obtained from ``RandomStream/state``.
    public init(seed: UInt64, name: String, generatorType: String, bytes: [UInt8]) {
        self.seed = seed
        self.name = name
        self.generatorType = generatorType
        self.bytes = bytes
    }
}

/// Why a saved ``RandomStreamState`` could not be restored.
public enum RandomStreamError: Error, Equatable, CustomStringConvertible {
    /// The state belongs to another stream (seed or name differ).
    case streamMismatch(expected: String, found: String)
    /// The state was made by another generator type or has the wrong size.
    case incompatibleState(String)

    /// The one-line message, naming the streams (`name@seed`) or why the state cannot be restored.
    public var description: String {
        switch self {
        case let .streamMismatch(expected, found):
            return "random state belongs to stream '\(found)', not '\(expected)'"
        case let .incompatibleState(reason):
            return "random state cannot be restored: \(reason)"
        }
    }
}

extension RandomStream {
    /// The generator's complete current state.
    public var state: RandomStreamState {
        let size = gsl_rng_size(generator)
        var bytes = [UInt8](repeating: 0, count: size)
        if let raw = gsl_rng_state(generator) {
            bytes.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: size)) }
        }
        return RandomStreamState(seed: seed, name: name, generatorType: String(cString: gsl_rng_name(generator)),
                                 bytes: bytes)
    }

    /// Puts the generator back in `saved`, so its next draws are exactly those that followed when `saved`
    /// was taken.
    /// - Throws: ``RandomStreamError`` if `saved` belongs to another stream or generator type.
    public func restore(_ saved: RandomStreamState) throws {
        guard saved.seed == seed, saved.name == name else {
            throw RandomStreamError.streamMismatch(expected: "\(name)@\(seed)", found: "\(saved.name)@\(saved.seed)")
        }
        let type = String(cString: gsl_rng_name(generator))
        let size = gsl_rng_size(generator)
        guard saved.generatorType == type, saved.bytes.count == size, let raw = gsl_rng_state(generator) else {
            throw RandomStreamError.incompatibleState(
                "expected \(type) with \(size) bytes, found \(saved.generatorType) with \(saved.bytes.count)")
        }
        if type == "mt19937" {
            // GSL indexes `mt[mti]` without a lower-bound check: a corrupted position must not reach it.
            let offset = MemoryLayout<CUnsignedLong>.stride * MersenneTwisterState.wordCount
            let position = saved.bytes[offset..<(offset + MemoryLayout<CInt>.size)].enumerated()
                .reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
            guard position <= UInt32(MersenneTwisterState.wordCount) else {
                throw RandomStreamError.incompatibleState("position \(Int32(bitPattern: position)) outside 0...624")
            }
        }
        saved.bytes.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: size) }
    }
}
