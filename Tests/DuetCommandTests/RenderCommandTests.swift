import DuetTestSupport
import Foundation
import XCTest

/// `duet render` end to end on tiny trained runs: one frame per state, the episodes `duet evaluate` plays with the
/// same seed, two peers or two runs side by side, PNG frames through rsvg-convert, and one-line errors that
/// leave no file.
final class RenderCommandTests: CommandTestCase {
    private func train(_ config: String, _ name: String, _ extra: [String] = []) throws -> String {
        let outcome = try duet(["train", config, "--seed", "4", "--out", path(name)] + extra)
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        return path(name)
    }

    func testHelpText() throws {
        let outcome = try duet(["render", "--help"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "render-help.txt")
    }

    func testRenderDrawsTheEpisodesEvaluatePlays() throws {
        let run = try train("experiments/smoke/pendulum-td3-tiny.yaml", "td3", ["--steps", "300"])
        let outcome = try duet(["render", run, "--episodes", "2", "--policy", "best", "-o", path("a.svg")])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let svg = try String(contentsOfFile: path("a.svg"), encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "class=\"f\"").count - 1, 201, "a Pendulum episode's 201 states")
        let evaluation = try duet(["evaluate", run, "--policy", "best", "--episodes", "2", "--csv", path("e.csv")])
        XCTAssertEqual(evaluation.status, 0, evaluation.standardError)
        let returns = try String(contentsOfFile: path("e.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String(format: "%.2f", Double($0.split(separator: ",")[1]) ?? .nan) }
        XCTAssertEqual(outcome.standardOutput,
                       "wrote \(path("a.svg")): 201 frames, 640 × 320 px, \(svg.utf8.count) bytes; return "
                           + returns.joined(separator: ", ") + "\n")
        XCTAssertEqual(try duet(["render", run, "--episodes", "2", "--policy", "best", "-o", path("b.svg")]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: path("b.svg"), encoding: .utf8), svg, "the same seed draws the same file")

        // A frame converts to a non-blank PNG, as the README's figures are made.
        let frame = path("frame.svg")
        let converted = try duet(["render", run, "--frame", "50", "-o", frame])
        XCTAssertEqual(converted.status, 0, converted.standardError)
        XCTAssertTrue(converted.standardOutput.hasPrefix("wrote \(frame): 1 frames, 320 × 320 px"),
                      converted.standardOutput)
        let png = path("frame.png")
        let rsvg = Process()
        rsvg.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        rsvg.arguments = ["rsvg-convert", "-o", png, frame]
        do { try rsvg.run() } catch { throw XCTSkip("rsvg-convert is not installed") }
        rsvg.waitUntilExit()
        guard rsvg.terminationStatus != 127 else { throw XCTSkip("rsvg-convert is not installed") }
        XCTAssertEqual(rsvg.terminationStatus, 0)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: png))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertGreaterThan(bytes.count, 1000, "a blank picture compresses to almost nothing")
    }

    func testSideBySidePeersAndRuns() throws {
        let pair = try train("experiments/smoke/pendulum-dual-tiny.yaml", "pair", ["--steps", "300"])
        let peers = try duet(["render", pair, "--side-by-side", "--steps", "20", "-o", path("peers.gif")])
        XCTAssertEqual(peers.status, 0, peers.standardError)
        XCTAssertTrue(peers.standardOutput.hasPrefix("wrote \(path("peers.gif")): 21 frames, 640 × 320 px"),
                      peers.standardOutput)
        let off = try train("experiments/smoke/pendulum-dual-tiny.yaml", "off", ["--steps", "300", "--no-distill"])
        let runs = try duet(["render", pair, off, "--peer", "1", "--steps", "10", "-o", path("runs.svg")])
        XCTAssertEqual(runs.status, 0, runs.standardError)
        XCTAssertTrue(runs.standardOutput.hasPrefix("wrote \(path("runs.svg")): 11 frames, 640 × 320 px"),
                      runs.standardOutput)
    }

    /// Asserts a failed run printed exactly one line, `Error: <message>`, exited with 1 and wrote nothing.
    private func assertError(_ arguments: [String], _ message: String, file: StaticString = #filePath,
                             line: UInt = #line) throws {
        let before = try FileManager.default.subpathsOfDirectory(atPath: scratch.path).sorted()
        let outcome = try duet(arguments)
        XCTAssertEqual(outcome.status, 1, "\(arguments)", file: file, line: line)
        XCTAssertEqual(outcome.standardOutput, "", "\(arguments)", file: file, line: line)
        XCTAssertEqual(outcome.standardError, "Error: \(message)\n", "\(arguments)", file: file, line: line)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: scratch.path).sorted(), before,
                       "\(arguments) wrote something", file: file, line: line)
    }

    func testBadInputIsOneLineAndLeavesNoFile() throws {
        let run = try train("experiments/smoke/pendulum-td3-tiny.yaml", "td3", ["--steps", "300"])
        try assertError(["render", path("nowhere"), "-o", path("x.svg")],
                        "\(path("nowhere")): not a run folder (no run.json); give a folder that `duet train` wrote")
        try assertError(["render", run, "--peer", "2", "-o", path("x.svg")], "--peer 2: \(run) has no learner2; its peers are 0")
        try assertError(["render", run, "--policy", "last", "-o", path("x.svg")],
                        "--policy last: unknown policy; accepted: final, best")
        try assertError(["render", run, "-o", path("x.png")],
                        "-o \(path("x.png")): unknown output format; accepted extensions are .svg, .gif, .mp4")
        try assertError(["render", run, "-o", path("missing/x.svg")],
                        "-o \(path("missing/x.svg")): cannot write the file (no such folder)")
        try assertError(["render", run, "--side-by-side", "-o", path("x.svg")],
                        "--side-by-side: \(run) has one peer (learner0); give a second run to draw beside it")
        let usage = try duet(["render", run])
        XCTAssertEqual(usage.status, 64)
        XCTAssertTrue(usage.standardError.hasPrefix("Error: Missing expected argument '--output <file>'"),
                      usage.standardError)
    }
}
