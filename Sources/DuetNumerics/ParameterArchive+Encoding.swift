import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// The archive in the binary format: ``encode(to:)``'s pieces gathered in memory.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encodedByteCount)
        encode { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The length of the encoding in bytes (``encoded()``'s count), computed without encoding.
    public var encodedByteCount: Int { Self.headerSize + payloadByteCount + 4 }

    /// The payload's length: the entry count, then each entry.
    private var payloadByteCount: Int {
        names.reduce(4) { total, name in
            let body: Int
            switch self[name] {
            case .tensor(let tensor)?: body = 16 + tensor.count * MemoryLayout<Scalar>.size
            case .integer?: body = 8
            case .reals(let values)?: body = 8 + 8 * values.count
            case nil: body = 0
            }
            return total + 5 + name.utf8.count + body
        }
    }

    /// Streams the archive in the binary format to `output`, in order, in pieces (the tensors' and Float64
    /// values' memory handed over as it lies, the small fields gathered 64 KiB at a time), without building the
    /// file in memory. The CRC-32 is computed once, piece by piece as they go out.
    /// - Returns: the CRC-32 of every byte handed to `output` (the trailer included) and their count, so that a
    ///   file embedding the archive can checksum itself without reading the archive's bytes again.
    /// - Throws: whatever `output` throws; the stream then stops.
    @discardableResult
    public func encode<Failure: Error>(
        to output: (UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) -> RunningCRC32 {
        var stream = ChecksummedStream()
        stream.append(contentsOf: Self.magic)
        stream.append(Self.formatVersion)
        stream.append(contentsOf: [Scalar.archiveTag, 0, 0, 0])
        stream.append(UInt64(payloadByteCount))
        stream.append(UInt32(names.count))
        var failure: Failure?
        for name in names {
            let nameBytes = Array(name.utf8)
            stream.append(UInt32(nameBytes.count))
            stream.append(contentsOf: nameBytes)
            switch self[name] {
            case .tensor(let tensor)?:
                stream.append(contentsOf: [1])
                stream.append(UInt64(tensor.rows))
                stream.append(UInt64(tensor.columns))
                #if _endian(little)
                // The scalars' memory is their little-endian IEEE 754 patterns: hand it over whole.
                tensor.withUnsafeBufferPointer { buffer in
                    do throws(Failure) { try stream.write(UnsafeRawBufferPointer(buffer), to: output) } catch {
                        failure = error
                    }
                }
                #else
                for value in tensor.scalars {
                    let bits = value.archiveBits
                    stream.append(contentsOf: (0..<MemoryLayout<Scalar>.size).map {
                        UInt8(truncatingIfNeeded: bits >> (8 * $0))
                    })
                    try stream.flushIfFull(to: output)
                }
                #endif
            case .integer(let value)?:
                stream.append(contentsOf: [2])
                stream.append(UInt64(bitPattern: value))
            case .reals(let values)?:
                stream.append(contentsOf: [3])
                stream.append(UInt64(values.count))
                #if _endian(little)
                values.withUnsafeBytes { bytes in
                    do throws(Failure) { try stream.write(bytes, to: output) } catch { failure = error }
                }
                #else
                for value in values {
                    stream.append(value.bitPattern)
                    try stream.flushIfFull(to: output)
                }
                #endif
            case nil:
                break
            }
            if let failure { throw failure }
            try stream.flushIfFull(to: output)
        }
        try stream.flush(to: output)
        stream.append(stream.checksum.value)
        try stream.flush(to: output)
        return stream.checksum
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

    /// Writes the archive to `url` atomically: streamed (``encode(to:)``) into a temporary file beside it, which
    /// is then renamed into place, so a crash or a full disk mid-write never leaves a truncated archive under the
    /// final name (nor the temporary file, on an error).
    /// - Throws: ``NumericsError/unwritableFile(path:reason:)``, saying when the disk is full (`ENOSPC`).
    public func write(to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        do {
            let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileWriteError.current("open") }
            defer { close(descriptor) }
            try encode { try FileWriteError.writeAll($0, to: descriptor) }
            guard rename(temporary.path, url.path) == 0 else { throw FileWriteError.current("rename") }
        } catch {
            unlink(temporary.path)
            throw NumericsError.unwritableFile(path: url.path, reason: "\(error)")
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

/// A CRC-32 computed piece by piece: each piece is checksummed once and combined with what came before
/// (``CRC32/combine(_:_:secondCount:)``), so pieces can be checksummed where they lie, without copying them
/// together.
public struct RunningCRC32: Sendable, Equatable {
    /// The CRC-32 of every byte added so far (0 for none, as for an empty input).
    public private(set) var value: UInt32 = 0
    /// How many bytes were added.
    public private(set) var byteCount = 0

    /// Nothing added yet.
    public init() {}

    /// Adds `bytes` after those added so far.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let start = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let piece = CRC32.checksum(of: UnsafeBufferPointer(start: start, count: bytes.count))
        add(checksum: piece, count: bytes.count)
    }

    /// Adds `count` bytes whose CRC-32 is `checksum`, after those added so far.
    public mutating func add(checksum: UInt32, count: Int) {
        value = CRC32.combine(value, checksum, secondCount: count)
        byteCount += count
    }

    /// Adds the bytes `other` checksummed, after those added so far.
    public mutating func add(_ other: RunningCRC32) { add(checksum: other.value, count: other.byteCount) }
}

extension CRC32 {
    /// The CRC-32 of the concatenation A‖B from the CRC-32s of A (`first`) and of B (`second`) and B's length
    /// in bytes, without B itself (zlib's `crc32_combine`: A's CRC multiplied by x^(8·count) modulo the
    /// polynomial, in O(log count) small multiplications).
    public static func combine(_ first: UInt32, _ second: UInt32, secondCount: Int) -> UInt32 {
        precondition(secondCount >= 0, "a negative length")
        return multiplyModulo(powerOfX(eightTimes: UInt64(secondCount)), first) ^ second
    }

    /// The reflected polynomial.
    private static let polynomial: UInt32 = 0xEDB8_8320

    /// a·b modulo the polynomial, in the reflected bit order (bit 31 is x^0).
    private static func multiplyModulo(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var a = a, b = b, product: UInt32 = 0
        while a != 0 {
            if a & 0x8000_0000 != 0 { product ^= b }
            a <<= 1
            b = b & 1 == 1 ? (b >> 1) ^ polynomial : b >> 1
        }
        return product
    }

    /// x^(2^k) modulo the polynomial, for k in 0 ..< 64.
    private static let powersOfTwo: [UInt32] = {
        var table: [UInt32] = [1 << 30]  // x^1
        for _ in 1..<64 { table.append(multiplyModulo(table.last!, table.last!)) }
        return table
    }()

    /// x^(8·count) modulo the polynomial.
    private static func powerOfX(eightTimes count: UInt64) -> UInt32 {
        var result: UInt32 = 1 << 31  // x^0
        var remaining = count
        var k = 3  // 8 = 2^3
        while remaining != 0 {
            if remaining & 1 == 1 { result = multiplyModulo(powersOfTwo[k], result) }
            remaining >>= 1
            k += 1
        }
        return result
    }
}

/// The archive encoder's output: small fields gathered in a buffer, large pieces passed on where they lie, and
/// every byte checksummed once on its way out.
private struct ChecksummedStream {
    private var buffer: [UInt8] = []
    /// The bytes passed on so far.
    private(set) var checksum = RunningCRC32()
    private static var capacity: Int { 1 << 16 }

    init() { buffer.reserveCapacity(Self.capacity) }

    mutating func append(contentsOf bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    mutating func append<Integer: FixedWidthInteger>(_ value: Integer) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// Passes `bytes` on after what is buffered: gathered when small, else as they lie.
    mutating func write<Failure: Error>(_ bytes: UnsafeRawBufferPointer,
                                        to output: (UnsafeRawBufferPointer) throws(Failure) -> Void) throws(Failure) {
        if bytes.count <= Self.capacity / 4 {
            buffer.append(contentsOf: bytes)
            try flushIfFull(to: output)
            return
        }
        try flush(to: output)
        checksum.add(bytes)
        try output(bytes)
    }

    mutating func flushIfFull<Failure: Error>(to output: (UnsafeRawBufferPointer) throws(Failure) -> Void)
    throws(Failure) {
        if buffer.count >= Self.capacity { try flush(to: output) }
    }

    mutating func flush<Failure: Error>(to output: (UnsafeRawBufferPointer) throws(Failure) -> Void)
    throws(Failure) {
        guard !buffer.isEmpty else { return }
        var piece = RunningCRC32()
        var failure: Failure?
        buffer.withUnsafeBytes { bytes in
            piece.add(bytes)
            do throws(Failure) { try output(bytes) } catch { failure = error }
        }
        checksum.add(piece)
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }
}

/// A failed system call while writing a file, with `errno`'s message, and what a full disk means spelt out.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    /// The call that failed and why, e.g. `write: No space left on device (ENOSPC): the disk is full`.
    public let description: String
    /// The `errno` value (0 for a failure that is not a system call's).
    public let code: Int32

    /// An error with its description and `errno` value.
    public init(description: String, code: Int32) {
        self.description = description
        self.code = code
    }

    /// The error `errno` holds now, for the system call `call`.
    public static func current(_ call: String) -> FileWriteError {
        let code = errno
        let message = String(cString: strerror(code))
        switch code {
        case ENOSPC: return FileWriteError(description: "\(call): \(message) (ENOSPC): the disk is full", code: code)
        case EDQUOT: return FileWriteError(description: "\(call): \(message) (EDQUOT): the disk quota is used up",
                                           code: code)
        default: return FileWriteError(description: "\(call): \(message)", code: code)
        }
    }

    /// Writes all of `bytes` to `descriptor`, retrying short writes and interruptions.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { try writeAll($0, to: descriptor) }
    }

    /// Writes all of the buffer `bytes` to `descriptor`, retrying short writes and interruptions.
    /// - Throws: ``FileWriteError``.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw current("write")
            }
            offset += written
        }
    }
}
