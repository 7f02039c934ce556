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
