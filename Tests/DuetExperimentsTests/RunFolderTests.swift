import DuetExperiments
import Foundation
import XCTest

final class RunFolderTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-runfolder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func testCSVLogWritesHeaderAndRowsWithStableNumberFormat() throws {
        let folder = try RunFolder.create(at: scratch.appendingPathComponent("run"))
        let log = try folder.log("episodes.csv", columns: ["step", "return", "flag"])
        try log.append([CSVLog.format(200), CSVLog.format(-1234.5678), CSVLog.format(true)])
        try log.append([400, 0.1, .nan])
        try log.append([1e20, -.infinity, 3])
        let text = try String(contentsOf: folder.file("episodes.csv"), encoding: .utf8)
        XCTAssertEqual(text, "step,return,flag\n200,-1234.5678,true\n400,0.1,nan\n1e+20,-inf,3\n")
    }

    func testExistingFolderIsRefusedAndKeptUnlessOverwriting() throws {
        let url = scratch.appendingPathComponent("run")
        let folder = try RunFolder.create(at: url)
        try Data("keep".utf8).write(to: folder.file("episodes.csv"))
        XCTAssertThrowsError(try RunFolder.create(at: url)) { error in
            XCTAssertEqual(error as? RunFolderError, .alreadyExists(path: url.path))
        }
        XCTAssertEqual(try String(contentsOf: folder.file("episodes.csv"), encoding: .utf8), "keep")
        let replaced = try RunFolder.create(at: url, overwrite: true)
        XCTAssertFalse(FileManager.default.fileExists(atPath: replaced.file("episodes.csv").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), ["run"])
    }

    func testJSONIsStable() throws {
        let folder = try RunFolder.create(at: scratch.appendingPathComponent("run"))
        try folder.writeJSON(["b": 2, "a": 1], to: "run.json")
        XCTAssertEqual(try String(contentsOf: folder.file("run.json"), encoding: .utf8),
                       "{\n  \"a\" : 1,\n  \"b\" : 2\n}\n")
    }
}
