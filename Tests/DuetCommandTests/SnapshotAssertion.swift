import Foundation
import XCTest

/// Asserts `text` equals the snapshot `name`, or records it when DUET_RECORD_SNAPSHOTS=1 (or it is missing).
func assertSnapshot(_ text: String, named name: String, file: StaticString = #filePath,
                     line: UInt = #line) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots/\(name)")
    let recording = ProcessInfo.processInfo.environment["DUET_RECORD_SNAPSHOTS"] == "1"
    guard !recording, FileManager.default.fileExists(atPath: url.path) else {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        if !recording {
            XCTFail("recorded the missing snapshot \(name); run the test again", file: file, line: line)
        }
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    guard text != expected else { return }
    let actualLines = text.components(separatedBy: "\n")
    let expectedLines = expected.components(separatedBy: "\n")
    let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(actualLines.count, expectedLines.count)
    XCTFail("""
        \(name) differs from the snapshot at line \(first + 1):
          expected: \(first < expectedLines.count ? expectedLines[first] : "(end of file)")
          actual:   \(first < actualLines.count ? actualLines[first] : "(end of file)")
        (re-record with DUET_RECORD_SNAPSHOTS=1 if the change is intended)
        """, file: file, line: line)
}
