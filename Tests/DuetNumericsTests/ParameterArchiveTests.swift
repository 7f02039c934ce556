import DuetNumerics
import DuetTestSupport
import Foundation
import XCTest

/// The archive format: exact round trips, and a clear error for every kind of damage.
final class ParameterArchiveTests: XCTestCase {
    /// A fresh temporary folder per test, removed afterwards.
    private var directory = FileManager.default.temporaryDirectory

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("duet-numerics-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// An archive with a network, special values and an integer.
    private func sampleArchive() -> (ParameterArchive<Float>, MLP<Float>) {
        var source = SeededSource(seed: 50)
        let network = MLP<Float>(widths: [4, 8, 8, 2], usesLayerNorm: true, using: &source)
        var archive = ParameterArchive<Float>()
        archive.store(network, prefix: "actor")
        archive.store(Matrix(row: [-0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                   Float(nan: 0x1234, signaling: false), .pi]), as: "special")
        archive.store(Matrix<Float>(rows: 0, columns: 3), as: "empty")
        archive.store(-1234567890123, as: "counter")
        archive.store([0.1, -0.0, .infinity, Double(nan: 0x42, signaling: false), .leastNonzeroMagnitude], as: "reals")
        return (archive, network)
    }

    /// Eight bytes at a time and one at a time agree, for every length around the 8-byte blocks and for
    /// collections without contiguous storage.
    func testCRC32SlicingMatchesTheBytewiseDefinition() {
        func bytewise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }
        for length in 0..<data.count {
            let prefix = Array(data.prefix(length))
            XCTAssertEqual(CRC32.checksum(of: prefix), bytewise(prefix), "length \(length)")
            XCTAssertEqual(CRC32.checksum(of: prefix[...]), bytewise(prefix), "slice of length \(length)")
        }
        XCTAssertEqual(CRC32.checksum(of: data.lazy.map { $0 }), bytewise(data))
    }

    /// Combining the CRC-32s of two pieces gives the CRC-32 of both, for pieces of every length around the
    /// combination's bit steps, and pieces checksummed one after another give the whole's checksum.
    func testCRC32CombineAndRunningChecksumsMatchTheWholeChecksum() {
        let data = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ ($0 >> 7)) }
        for split in [0, 1, 2, 7, 8, 9, 63, 64, 65, 255, 256, 1000, 4095, 4096, 4999, 5000] {
            let whole = CRC32.checksum(of: data)
            let first = CRC32.checksum(of: data[..<split]), second = CRC32.checksum(of: data[split...])
            XCTAssertEqual(CRC32.combine(first, second, secondCount: data.count - split), whole, "split \(split)")
        }
        var generator = SeededSource(seed: 7)
        var running = RunningCRC32()
        var start = 0
        while start < data.count {
            let end = min(data.count, start + Int(generator.nextBits() % 700))
            data[start..<end].withUnsafeBytes { running.add($0) }
            start = end
        }
        XCTAssertEqual(running.value, CRC32.checksum(of: data))
        XCTAssertEqual(running.byteCount, data.count)
        XCTAssertEqual(RunningCRC32().value, CRC32.checksum(of: [UInt8]()))
    }

    /// The archive's bytes as the encoder before streaming built them (one array, then one CRC-32 over it),
    /// written out here so that the streaming encoder is checked against the format, not against itself.
    private func referenceEncoding(_ archive: ParameterArchive<Float>) -> [UInt8] {
        func append<Integer: FixedWidthInteger>(_ value: Integer, to bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        var payload: [UInt8] = []
        append(UInt32(archive.names.count), to: &payload)
        for name in archive.names {
            append(UInt32(name.utf8.count), to: &payload)
            payload += Array(name.utf8)
            switch archive[name] {
            case .tensor(let tensor)?:
                payload.append(1)
                append(UInt64(tensor.rows), to: &payload)
                append(UInt64(tensor.columns), to: &payload)
                for value in tensor.scalars { append(value.bitPattern, to: &payload) }
            case .integer(let value)?:
                payload.append(2)
                append(UInt64(bitPattern: value), to: &payload)
            case .reals(let values)?:
                payload.append(3)
                append(UInt64(values.count), to: &payload)
                for value in values { append(value.bitPattern, to: &payload) }
            case nil: break
            }
        }
        var bytes = Array("DUET".utf8)
        append(UInt32(2), to: &bytes)
        bytes += [1, 0, 0, 0]
        append(UInt64(payload.count), to: &bytes)
        bytes += payload
        append(CRC32.checksum(of: bytes), to: &bytes)
        return bytes
    }

    /// The streaming encoder gives the format's bytes, in pieces that concatenate to ``encoded()`` (large tensors
    /// handed over whole, small fields gathered), with the CRC-32 of all of them; an output that throws stops it;
    /// writing a file leaves no temporary file beside it.
    func testStreamingEncodingGivesTheFormatsBytes() throws {
        var (archive, _) = sampleArchive()
        var source = SeededSource(seed: 53)
        archive.store(Matrix<Float>(rows: 300, columns: 70) { _, _ in Float(source.nextBits() % 1000) },
                      as: "large")
        archive.store(Array(repeating: 0.25, count: 20_000), as: "manyReals")
        for index in 0..<2000 { archive.store(index, as: "counter\(index)") }
        let expected = referenceEncoding(archive)
        XCTAssertEqual(archive.encoded(), expected)
        XCTAssertEqual(archive.encodedByteCount, expected.count)
        var pieces: [[UInt8]] = []
        let checksum = archive.encode { pieces.append(Array($0)) }
        XCTAssertEqual(pieces.flatMap { $0 }, expected)
        XCTAssertGreaterThan(pieces.count, 3)
        XCTAssert(pieces.contains { $0.count == 300 * 70 * 4 }, "the large tensor is handed over whole")
        XCTAssertEqual(checksum.value, CRC32.checksum(of: expected))
        XCTAssertEqual(checksum.byteCount, expected.count)
        struct Full: Error {}
        var calls = 0
        XCTAssertThrowsError(try archive.encode { (_) throws(Full) in
            calls += 1
            if calls == 2 { throw Full() }
        })
        XCTAssertEqual(calls, 2)
        let url = directory.appendingPathComponent("streamed.duet")
        try archive.write(to: url)
        XCTAssertEqual([UInt8](try Data(contentsOf: url)), expected)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["streamed.duet"])
    }

    /// Writing into a folder that does not exist fails with one line naming the file, and leaves nothing.
    func testAnUnwritableFileIsOneLineNamingIt() {
        let url = directory.appendingPathComponent("missing/policy.duet")
        XCTAssertThrowsError(try sampleArchive().0.write(to: url)) { error in
            XCTAssertEqual("\(error)", url.path + ": cannot write the file: open: No such file or directory")
        }
    }

    func testCRC32CheckValue() {
        XCTAssertEqual(CRC32.checksum(of: Array("123456789".utf8)), 0xCBF4_3926)
    }

    func testRoundTripIsExactToTheBit() throws {
        let (archive, network) = sampleArchive()
        let bytes = archive.encoded()
        XCTAssertEqual(Array(bytes.prefix(4)), Array("DUET".utf8))
        let loaded = try ParameterArchive<Float>(decoding: bytes)
        XCTAssertEqual(loaded.names, archive.names)
        let special = try loaded.tensor(named: "special")
        let original = try archive.tensor(named: "special")
        XCTAssertEqual(special.scalars.map(\.bitPattern), original.scalars.map(\.bitPattern))
        XCTAssertEqual(try loaded.integer(named: "counter"), -1234567890123)
        XCTAssertEqual(try loaded.tensor(named: "empty").shape, MatrixShape(rows: 0, columns: 3))
        XCTAssertEqual(try loaded.reals(named: "reals", count: 5).map(\.bitPattern),
                       try archive.reals(named: "reals").map(\.bitPattern))
        XCTAssertThrowsError(try loaded.reals(named: "reals", count: 4))
        XCTAssertThrowsError(try loaded.reals(named: "counter"))
        XCTAssertThrowsError(try loaded.tensor(named: "reals"))
        var restored = network.zeroed()
        try loaded.restore(&restored, prefix: "actor")
        XCTAssertEqual(restored, network)
        XCTAssertEqual(loaded.encoded(), bytes)
    }

    func testFileRoundTripInDouble() throws {
        var source = SeededSource(seed: 51)
        let network = MLP<Double>(widths: [3, 5, 1], hiddenActivation: .tanh, using: &source)
        var archive = ParameterArchive<Double>()
        archive.store(network, prefix: "")
        let url = directory.appendingPathComponent("critic.duet")
        try archive.write(to: url)
        let loaded = try ParameterArchive<Double>(contentsOf: url)
        XCTAssertEqual(loaded.source, url.path)
        var restored = network.zeroed()
        try loaded.restore(&restored, prefix: "")
        XCTAssertEqual(restored, network)
    }

    /// Writes `bytes` to a file, loads it, and returns the error.
    private func loadingError(_ bytes: [UInt8], name: String) -> NumericsError? {
        let url = directory.appendingPathComponent(name)
        do {
            try Data(bytes).write(to: url)
            _ = try ParameterArchive<Float>(contentsOf: url)
            XCTFail("\(name) loaded without error")
            return nil
        } catch {
            XCTAssertTrue("\(error)".hasPrefix(url.path + ": "), "the message names the file: \(error)")
            XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)")
            return error as? NumericsError
        }
    }

    func testTruncatedFileIsRejected() {
        let bytes = sampleArchive().0.encoded()
        let path = directory.appendingPathComponent("truncated.duet").path
        XCTAssertEqual(loadingError(Array(bytes.dropLast(10)), name: "truncated.duet"),
                       .truncatedArchive(source: path, expectedBytes: bytes.count, actualBytes: bytes.count - 10))
        let error = NumericsError.truncatedArchive(source: "a.duet", expectedBytes: 100, actualBytes: 90)
        XCTAssertEqual(error.description, "a.duet: truncated parameter archive: 90 bytes, expected 100")
        guard case .truncatedArchive? = loadingError(Array(bytes.prefix(12)), name: "header.duet") else {
            return XCTFail("a cut header is a truncation")
        }
        guard case .truncatedArchive? = loadingError([], name: "empty.duet") else {
            return XCTFail("an empty file is a truncation")
        }
    }

    func testCorruptedByteIsRejectedByTheChecksum() {
        var bytes = sampleArchive().0.encoded()
        bytes[bytes.count / 2] ^= 0x10
        guard case let .checksumMismatch(_, stored, computed)? = loadingError(bytes, name: "corrupt.duet") else {
            return XCTFail("a flipped bit must fail the checksum")
        }
        XCTAssertNotEqual(stored, computed)
        var trailer = sampleArchive().0.encoded()
        trailer[trailer.count - 1] ^= 0xFF
        guard case .checksumMismatch? = loadingError(trailer, name: "trailer.duet") else {
            return XCTFail("a damaged checksum must fail")
        }
    }

    /// Version 1 archives (before Float64 entries) still load, and a Float64 entry inside one is rejected.
    func testVersionOneArchivesStillLoad() throws {
        var archive = ParameterArchive<Float>()
        archive.store(Matrix<Float>([[1, 2]]), as: "weight")
        archive.store(7, as: "steps")
        var bytes = archive.encoded()
        XCTAssertEqual(bytes[4], 2)
        bytes[4] = 1
        bytes.removeLast(4)
        bytes += withUnsafeBytes(of: CRC32.checksum(of: bytes).littleEndian) { Array($0) }
        let loaded = try ParameterArchive<Float>(decoding: bytes, source: "v1.duet")
        XCTAssertEqual(try loaded.tensor(named: "weight"), Matrix([[1, 2]]))
        XCTAssertEqual(try loaded.integer(named: "steps"), 7)
        var withReals = ParameterArchive<Float>()
        withReals.store([1.5], as: "mean")
        var old = withReals.encoded()
        old[4] = 1
        old.removeLast(4)
        old += withUnsafeBytes(of: CRC32.checksum(of: old).littleEndian) { Array($0) }
        XCTAssertThrowsError(try ParameterArchive<Float>(decoding: old, source: "v1.duet")) { error in
            XCTAssertTrue("\(error)".contains("unknown kind 3"), "\(error)")
        }
    }

    func testOtherFilesVersionsAndScalarTypesAreRejected() throws {
        guard case .notAnArchive? = loadingError(Array("{\"json\": true, \"padding\": 1234567890}".utf8),
                                                 name: "config.json") else {
            return XCTFail("a JSON file is not an archive")
        }
        var future = sampleArchive().0.encoded()
        future[4] = 3
        XCTAssertEqual(loadingError(future, name: "future.duet"),
                       .unsupportedArchiveVersion(source: directory.appendingPathComponent("future.duet").path,
                                                  version: 3, supported: 2))
        var doubles = ParameterArchive<Double>()
        doubles.store(Matrix<Double>([[1, 2]]), as: "weight")
        XCTAssertThrowsError(try ParameterArchive<Float>(decoding: doubles.encoded(), source: "d.duet")) { error in
            XCTAssertEqual(error as? NumericsError,
                           .scalarTypeMismatch(source: "d.duet", stored: "Float64", expected: "Float32"))
            XCTAssertEqual("\(error)", "d.duet: parameter archive holds Float64 values, expected Float32")
        }
    }

    func testRestoringAnotherLayoutNamesTheTensorAndChangesNothing() throws {
        let (archive, _) = sampleArchive()
        var source = SeededSource(seed: 52)
        var wider = MLP<Float>(widths: [4, 9, 8, 2], usesLayerNorm: true, using: &source)
        let before = wider
        XCTAssertThrowsError(try archive.restore(&wider, prefix: "actor")) { error in
            XCTAssertEqual(error as? NumericsError, .shapeMismatch(
                source: "<memory>", name: "actor.layers.0.weight", stored: MatrixShape(rows: 4, columns: 8),
                expected: MatrixShape(rows: 4, columns: 9)))
            XCTAssertEqual("\(error)", "<memory>: tensor 'actor.layers.0.weight' is 4×8 in the archive, expected 4×9")
        }
        XCTAssertEqual(wider, before)
        var plain = MLP<Float>(widths: [4, 8, 8, 2], usesLayerNorm: false, using: &source)
        XCTAssertNoThrow(try archive.restore(&plain, prefix: "actor"))
        var missing = MLP<Float>(widths: [4, 8, 2], using: &source)
        XCTAssertThrowsError(try archive.restore(&missing, prefix: "critic")) { error in
            XCTAssertEqual(error as? NumericsError, .missingEntry(source: "<memory>", name: "critic.layers.0.weight"))
        }
        XCTAssertThrowsError(try archive.integer(named: "special")) { error in
            XCTAssertEqual(error as? NumericsError,
                           .entryKindMismatch(source: "<memory>", name: "special", expected: "an integer"))
        }
    }

    func testMissingFileIsAClearError() {
        let url = directory.appendingPathComponent("absent.duet")
        XCTAssertThrowsError(try ParameterArchive<Float>(contentsOf: url)) { error in
            guard case .unreadableFile(let path, _)? = error as? NumericsError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(path, url.path)
        }
    }
}
