import Foundation

/// The binary format, version 2 (version 1 is version 2 without Float64 entries, and is still read). All integers
/// are little-endian.
///
/// | offset | size | content                                                        |
/// |--------|------|----------------------------------------------------------------|
/// | 0      | 4    | magic `DUET` (0x44 0x55 0x45 0x54)                             |
/// | 4      | 4    | format version, UInt32 (2)                                     |
/// | 8      | 1    | scalar type tag, UInt8 (1 = Float32, 2 = Float64)              |
/// | 9      | 3    | reserved, zero                                                 |
/// | 12     | 8    | payload length P in bytes, UInt64                              |
/// | 20     | P    | payload: entry count (UInt32), then the entries                 |
/// | 20 + P | 4    | CRC-32 (IEEE) of bytes 0 ..< 20 + P                            |
///
/// An entry is: name length (UInt32), name (UTF-8), kind (UInt8: 1 tensor, 2 integer, 3 Float64 values), then for
/// a tensor rows and columns (UInt64 each) and rows·columns scalars in row-major order as IEEE 754 bit patterns; for
/// an integer one Int64; for Float64 values their count (UInt64) and their IEEE 754 binary64 bit patterns.
///
/// Reading checks, in order: the magic, the version, the length (truncation), the checksum (corruption), the
/// scalar type, then the structure.
extension ParameterArchive {
    /// The format version this build writes; it reads this one and every earlier one.
    public static var formatVersion: UInt32 { 2 }

    /// The magic bytes `DUET`.
    static var magic: [UInt8] { Array("DUET".utf8) }

    /// The bytes before the payload.
    static var headerSize: Int { 20 }

    /// The archive in the binary format.
    public func encoded() -> [UInt8] {
        var payload: [UInt8] = []
        let scalarSize = MemoryLayout<Scalar>.size
        payload.reserveCapacity(4 + names.reduce(0) { total, name in
            let tensorBytes: Int
            if case .tensor(let tensor)? = self[name] { tensorBytes = tensor.count * scalarSize } else { tensorBytes = 0 }
            return total + 32 + name.utf8.count + tensorBytes
        })
        Self.append(UInt32(names.count), to: &payload)
        for name in names {
            let nameBytes = Array(name.utf8)
            Self.append(UInt32(nameBytes.count), to: &payload)
            payload += nameBytes
            switch self[name] {
            case .tensor(let tensor)?:
                payload.append(1)
                Self.append(UInt64(tensor.rows), to: &payload)
                Self.append(UInt64(tensor.columns), to: &payload)
                tensor.withUnsafeBufferPointer { buffer in
                    #if _endian(little)
                    // The scalars' memory is their little-endian IEEE 754 patterns: copy it whole.
                    payload.append(contentsOf: UnsafeRawBufferPointer(buffer))
                    #else
                    for value in buffer {
                        let bits = value.archiveBits
                        for byte in 0..<scalarSize { payload.append(UInt8(truncatingIfNeeded: bits >> (8 * byte))) }
                    }
                    #endif
                }
            case .integer(let value)?:
                payload.append(2)
                Self.append(UInt64(bitPattern: value), to: &payload)
            case .reals(let values)?:
                payload.append(3)
                Self.append(UInt64(values.count), to: &payload)
                #if _endian(little)
                values.withUnsafeBytes { payload.append(contentsOf: $0) }
                #else
                for value in values { Self.append(value.bitPattern, to: &payload) }
                #endif
            case nil:
                break
            }
        }
        var bytes = Self.magic
        bytes.reserveCapacity(Self.headerSize + payload.count + 4)
        Self.append(Self.formatVersion, to: &bytes)
        bytes += [Scalar.archiveTag, 0, 0, 0]
        Self.append(UInt64(payload.count), to: &bytes)
        bytes += payload
        Self.append(CRC32.checksum(of: bytes), to: &bytes)
        return bytes
    }

    /// Decodes an archive from `bytes`; `source` names it in errors (and becomes ``source``).
    /// - Throws: a ``NumericsError`` describing the first problem found.
    public init(decoding bytes: [UInt8], source: String = "<memory>") throws {
        self.init(source: source)
        guard bytes.count >= 4 else {
            throw NumericsError.truncatedArchive(source: source, expectedBytes: Self.headerSize + 8,
                                                 actualBytes: bytes.count)
        }
        guard Array(bytes[0..<4]) == Self.magic else {
            throw NumericsError.notAnArchive(source: source, leadingBytes: Array(bytes.prefix(4)))
        }
        guard bytes.count >= Self.headerSize else {
            throw NumericsError.truncatedArchive(source: source, expectedBytes: Self.headerSize + 8,
                                                 actualBytes: bytes.count)
        }
        var reader = ByteReader(bytes: bytes, offset: 4, source: source)
        let version = try reader.read(UInt32.self)
        guard (1...Self.formatVersion).contains(version) else {
            throw NumericsError.unsupportedArchiveVersion(source: source, version: version,
                                                          supported: Self.formatVersion)
        }
        let tag = try reader.read(UInt8.self)
        reader.offset += 3
        let payloadLength = try reader.read(UInt64.self)
        guard payloadLength <= UInt64(Int.max / 2) else {
            throw NumericsError.malformedArchive(source: source,
                                                 reason: "payload length \(payloadLength) is impossible")
        }
        let expectedBytes = Self.headerSize + Int(payloadLength) + 4
        guard bytes.count >= expectedBytes else {
            throw NumericsError.truncatedArchive(source: source, expectedBytes: expectedBytes,
                                                 actualBytes: bytes.count)
        }
        guard bytes.count == expectedBytes else {
            throw NumericsError.malformedArchive(
                source: source, reason: "\(bytes.count - expectedBytes) unexpected bytes after the checksum")
        }
        let checksummed = expectedBytes - 4
        let computed = CRC32.checksum(of: bytes[0..<checksummed])
        var trailer = ByteReader(bytes: bytes, offset: checksummed, source: source)
        let stored = try trailer.read(UInt32.self)
        guard stored == computed else {
            throw NumericsError.checksumMismatch(source: source, stored: stored, computed: computed)
        }
        guard tag == Scalar.archiveTag else {
            let storedName = tag == Float.archiveTag ? Float.archiveName
                : tag == Double.archiveTag ? Double.archiveName : "an unknown scalar type (tag \(tag))"
            throw NumericsError.scalarTypeMismatch(source: source, stored: storedName, expected: Scalar.archiveName)
        }

        reader.end = checksummed
        let entryCount = try reader.read(UInt32.self)
        let scalarSize = MemoryLayout<Scalar>.size
        for _ in 0..<entryCount {
            let nameLength = Int(try reader.read(UInt32.self))
            let nameBytes = try reader.bytes(count: nameLength, what: "an entry name")
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw NumericsError.malformedArchive(source: source, reason: "an entry name is not valid UTF-8")
            }
            guard self[name] == nil else {
                throw NumericsError.malformedArchive(source: source, reason: "entry '\(name)' appears twice")
            }
            switch try reader.read(UInt8.self) {
            case 1:
                let rows = try reader.read(UInt64.self)
                let columns = try reader.read(UInt64.self)
                let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
                guard !overflow, count <= UInt64(reader.remaining / scalarSize) else {
                    throw NumericsError.malformedArchive(
                        source: source, reason: "tensor '\(name)' of \(rows)×\(columns) does not fit the file")
                }
                var tensor = Matrix<Scalar>(rows: Int(rows), columns: Int(columns))
                tensor.withUnsafeMutableBufferPointer { buffer in
                    #if _endian(little)
                    let byteCount = buffer.count * scalarSize
                    bytes.withUnsafeBytes { source in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(
                            from: UnsafeRawBufferPointer(rebasing: source[reader.offset..<(reader.offset + byteCount)]))
                    }
                    reader.offset += byteCount
                    #else
                    for index in buffer.indices {
                        var bits: UInt64 = 0
                        for byte in 0..<scalarSize {
                            bits |= UInt64(bytes[reader.offset + byte]) << (8 * byte)
                        }
                        buffer[index] = Scalar(archiveBits: bits)
                        reader.offset += scalarSize
                    }
                    #endif
                }
                store(.tensor(tensor), as: name)
            case 2:
                store(.integer(Int64(bitPattern: try reader.read(UInt64.self))), as: name)
            case 3 where version >= 2:
                let count = try reader.read(UInt64.self)
                guard count <= UInt64(reader.remaining / 8) else {
                    throw NumericsError.malformedArchive(
                        source: source, reason: "'\(name)' of \(count) Float64 values does not fit the file")
                }
                #if _endian(little)
                let byteCount = Int(count) * 8
                let values = [Double](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
                    bytes.withUnsafeBytes { source in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(
                            from: UnsafeRawBufferPointer(rebasing: source[reader.offset..<(reader.offset + byteCount)]))
                    }
                    initialized = Int(count)
                }
                reader.offset += byteCount
                #else
                var values: [Double] = []
                values.reserveCapacity(Int(count))
                for _ in 0..<count { values.append(Double(bitPattern: try reader.read(UInt64.self))) }
                #endif
                store(.reals(values), as: name)
            case let kind:
                throw NumericsError.malformedArchive(source: source, reason: "entry '\(name)' has unknown kind \(kind)")
            }
        }
        guard reader.remaining == 0 else {
            throw NumericsError.malformedArchive(source: source,
                                                 reason: "\(reader.remaining) bytes left after the last entry")
        }
    }

    /// Writes the archive to `url` atomically (a temporary file renamed into place, so a crash mid-write never
    /// leaves a truncated archive under the final name).
    /// - Throws: ``NumericsError/unwritableFile(path:reason:)``.
    public func write(to url: URL) throws {
        do {
            try Data(encoded()).write(to: url, options: .atomic)
        } catch {
            throw NumericsError.unwritableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
    }

    /// Reads and decodes the archive at `url`; errors name the file.
    /// - Throws: ``NumericsError/unreadableFile(path:reason:)`` or a decoding error.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NumericsError.unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
        try self.init(decoding: [UInt8](data), source: url.path)
    }

    /// Appends `value` in little-endian byte order.
    static func append<Integer: FixedWidthInteger>(_ value: Integer, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// A bounds-checked little-endian reader over an archive's bytes.
struct ByteReader {
    /// The whole archive.
    let bytes: [UInt8]
    /// The next byte to read.
    var offset: Int
    /// The archive's source, for errors.
    let source: String
    /// One past the last readable byte.
    var end: Int

    init(bytes: [UInt8], offset: Int, source: String) {
        self.bytes = bytes
        self.offset = offset
        self.source = source
        end = bytes.count
    }

    /// Bytes left before ``end``.
    var remaining: Int { end - offset }

    /// Reads one little-endian integer.
    mutating func read<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        let size = MemoryLayout<Integer>.size
        guard remaining >= size else {
            throw NumericsError.malformedArchive(source: source, reason: "a field runs past the end of the payload")
        }
        var value: Integer = 0
        for byte in 0..<size { value |= Integer(bytes[offset + byte]) << (8 * byte) }
        offset += size
        return value
    }

    /// Reads `count` raw bytes.
    mutating func bytes(count: Int, what: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            throw NumericsError.malformedArchive(source: source, reason: "\(what) runs past the end of the payload")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}
