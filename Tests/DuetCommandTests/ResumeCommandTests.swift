import DuetTestSupport
import Foundation
import XCTest

/// Checkpoints, `duet resume` and crash safety end to end: runs killed with SIGKILL at several points (between
/// checkpoints, before the first one, halfway through writing one), stopped by SIGTERM, or failing on a full
/// disk, then resumed, end with every file byte-identical to an uninterrupted run's (all but `timing.json`,
/// which holds wall-clock figures): logs, `checkpoint.duet` and `status.json`. Bad checkpoints and changed run
/// folders are refused with one line naming the file.
final class ResumeCommandTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    private func duet(_ arguments: [String], fault: String? = nil) throws -> DuetExecutable.Outcome {
        try DuetExecutable.run(arguments, in: repository, environment: fault.map { ["DUET_FAULT": $0] } ?? [:])
    }

    private func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    /// Trains `config` uninterrupted into `<name>-full` and returns the arguments that train it into `folder`.
    private func trainReference(_ name: String, _ config: String, _ extra: [String]) throws -> (String) -> [String] {
        let arguments = { (folder: String) in ["train", config, "--out", folder] + extra }
        let full = try duet(arguments(path(name + "-full")))
        XCTAssertEqual(full.status, 0, full.standardError)
        return arguments
    }

    /// Every file of the two run folders but `timing.json`, byte for byte.
    private func assertSameRun(_ name: String, _ other: String, _ context: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let base = URL(fileURLWithPath: path(name))
        let files = try FileManager.default.subpathsOfDirectory(atPath: base.path).sorted()
            .filter { !$0.hasSuffix("timing.json") }
        XCTAssertEqual(files, try FileManager.default.subpathsOfDirectory(atPath: path(other)).sorted()
            .filter { !$0.hasSuffix("timing.json") }, context, file: file, line: line)
        for relative in files {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: base.appendingPathComponent(relative).path, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            let left = FileManager.default.contents(atPath: base.appendingPathComponent(relative).path)
            let right = FileManager.default.contents(atPath: path(other + "/" + relative))
            XCTAssert(left != nil && left == right, "\(context): \(relative) differs", file: file, line: line)
        }
    }

    // MARK: Kill and resume

    /// The run families the issue names, each killed at several points and resumed.
    func testKilledRunsResumeToTheUninterruptedRun() throws {
        let cases: [(name: String, config: String, extra: [String], faults: [String])] = [
            ("td3", "experiments/smoke/pendulum-td3-tiny.yaml", ["--set", "checkpoint.every=150"],
             ["kill-at-step=100", "kill-at-step=451", "kill-during-checkpoint=2", "kill-during-checkpoint=4"]),
            ("sac", "experiments/smoke/pendulum-sac-tiny.yaml", ["--set", "checkpoint.every=250"],
             ["kill-at-step=260", "kill-during-checkpoint=1"]),
            ("lockstep", "experiments/smoke/pendulum-dual-tiny.yaml",
             ["--set", "checkpoint.every=100", "--set", "distillation.schedule=lockstep"],
             ["kill-at-step=702", "kill-during-checkpoint=3"]),
            ("three-peers", "experiments/smoke/pendulum-three-peers-tiny.yaml", ["--set", "checkpoint.every=130"],
             ["kill-at-step=1000", "kill-during-checkpoint=5"]),
            ("ppo", "experiments/smoke/pendulum-ppo-tiny.yaml", ["--set", "checkpoint.every=101"],
             ["kill-at-step=777", "kill-during-checkpoint=4"]),
        ]
        for entry in cases {
            let arguments = try trainReference(entry.name, entry.config, entry.extra)
            for (index, fault) in entry.faults.enumerated() {
                let cut = "\(entry.name)-cut\(index)"
                let killed = try duet(arguments(path(cut)), fault: fault)
                XCTAssertEqual(killed.status, 9, "\(entry.name) \(fault) was not killed: \(killed.standardError)")
                let resumed = try duet(["resume", path(cut)])
                XCTAssertEqual(resumed.status, 0, "\(entry.name) \(fault): \(resumed.standardError)")
                try assertSameRun(entry.name + "-full", cut, "\(entry.name) \(fault)")
            }
        }
    }

    /// A run killed before its first checkpoint starts again from the beginning, in the same folder: what the
    /// run wrote is replaced, what the user put there stays.
    func testARestartKeepsTheUsersOwnFiles() throws {
        let arguments = try trainReference("early", "experiments/smoke/pendulum-td3-tiny.yaml",
                                           ["--set", "checkpoint.every=150"])
        let killed = try duet(arguments(path("early-cut")), fault: "kill-at-step=100")
        XCTAssertEqual(killed.status, 9, killed.standardError)
        let notes = URL(fileURLWithPath: path("early-cut/notes.md"))
        let analysis = URL(fileURLWithPath: path("early-cut/analysis/learner0-plot.svg"))
        let beside = URL(fileURLWithPath: path("early-cut/learner0/my-evaluation.csv"))
        try Data("episode,return\n".utf8).write(to: beside)
        try FileManager.default.createDirectory(at: analysis.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try Data("seed 0 looked odd\n".utf8).write(to: notes)
        try Data("<svg/>".utf8).write(to: analysis)
        let resumed = try duet(["resume", path("early-cut")])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertEqual(try String(contentsOf: notes, encoding: .utf8), "seed 0 looked odd\n")
        XCTAssertEqual(try String(contentsOf: analysis, encoding: .utf8), "<svg/>")
        XCTAssertEqual(try String(contentsOf: beside, encoding: .utf8), "episode,return\n")
        try FileManager.default.removeItem(at: beside)
        try FileManager.default.removeItem(at: notes)
        try FileManager.default.removeItem(at: analysis.deletingLastPathComponent())
        try assertSameRun("early-full", "early-cut", "restarted run")
    }

    func testResumingAFinishedRunChangesNothing() throws {
        _ = try trainReference("done", "experiments/smoke/pendulum-td3-tiny.yaml", [])
        let before = FileManager.default.contents(atPath: path("done-full/learner0/episodes.csv"))
        let outcome = try duet(["resume", path("done-full")])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssert(outcome.standardOutput.contains("already finished"), outcome.standardOutput)
        XCTAssertEqual(FileManager.default.contents(atPath: path("done-full/learner0/episodes.csv")), before)
    }

    // MARK: Stops and failures

    func testSIGTERMStopsAfterACheckpointAndTheRunResumes() throws {
        let config = "experiments/smoke/pendulum-td3-tiny.yaml"
        let extra = ["--steps", "6000", "--set", "checkpoint.every=500", "--set", "evaluation.every=1000"]
        let process = Process()
        process.executableURL = DuetExecutable.url
        process.arguments = ["train", config, "--out", path("stopped")] + extra
        process.currentDirectoryURL = repository
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let checkpoint = path("stopped/checkpoint.duet")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint), Date() < deadline { usleep(20_000) }
        process.terminate()  // SIGTERM
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssert(message.contains("after writing a checkpoint; continue with duet resume"), message)
        let status = try String(contentsOfFile: path("stopped/status.json"), encoding: .utf8)
        XCTAssert(status.contains("\"stopped\""), status)
        let resumed = try duet(["resume", path("stopped")])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        let full = try duet(["train", config, "--out", path("stopped-full")] + extra)
        XCTAssertEqual(full.status, 0, full.standardError)
        try assertSameRun("stopped-full", "stopped", "SIGTERM")
    }

    func testAFullDiskFailsCleanlyAndTheRunResumes() throws {
        let arguments = try trainReference("disk", "experiments/smoke/pendulum-dual-tiny.yaml",
                                           ["--set", "checkpoint.every=100"])
        for (index, fault) in ["fail-log-write=12", "fail-checkpoint-write=3"].enumerated() {
            let cut = "disk-cut\(index)"
            let failed = try duet(arguments(path(cut)), fault: fault)
            XCTAssertEqual(failed.status, 1, fault)
            let lines = failed.standardError.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
            XCTAssertEqual(lines.count, 1, failed.standardError)
            XCTAssert(lines.first?.contains("No space left on device") == true, failed.standardError)
            let status = try String(contentsOfFile: path(cut + "/status.json"), encoding: .utf8)
            XCTAssert(status.contains("\"failed\"") && status.contains("No space left"), status)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path(cut + "/checkpoint.duet.partial")))
            let resumed = try duet(["resume", path(cut)])
            XCTAssertEqual(resumed.status, 0, resumed.standardError)
            try assertSameRun("disk-full", cut, fault)
        }
    }

    // MARK: Refusals

    /// A log damaged before the point the checkpoint recorded (a row cut in the middle, garbage bytes, a row
    /// deleted, a digit changed, the file removed) is refused with one line naming the log and what is wrong,
    /// and the folder is left byte for byte as it was: no resume into a run whose logs disagree with its
    /// checkpoint. The checkpoint is at step 300 and the run killed at 400, so each log also holds rows written
    /// after it.
    func testResumeRefusesLogsDamagedBeforeTheCheckpoint() throws {
        let arguments = try trainReference("logs", "experiments/smoke/pendulum-td3-tiny.yaml",
                                           ["--set", "checkpoint.every=150", "--set", "training.updateLogInterval=10"])
        func everyFile(_ folder: URL) throws -> [String: Data] {
            var files: [String: Data] = [:]
            for relative in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
                var isDirectory: ObjCBool = false
                let url = folder.appendingPathComponent(relative)
                FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                if !isDirectory.boolValue { files[relative] = try Data(contentsOf: url) }
            }
            return files
        }
        /// A copy killed at step 400 whose `log` has its lines (each with its newline; 0 is the header) edited.
        func damaged(_ name: String, _ log: String, _ edit: (inout [[UInt8]]) -> Void) throws -> URL {
            let killed = try duet(arguments(path(name)), fault: "kill-at-step=400")
            XCTAssertEqual(killed.status, 9, killed.standardError)
            let url = URL(fileURLWithPath: path(name + "/" + log))
            var lines = [UInt8](try Data(contentsOf: url)).split(separator: UInt8(ascii: "\n"))
                .map { Array($0) + [UInt8(ascii: "\n")] }
            edit(&lines)
            try Data(lines.flatMap { $0 }).write(to: url)
            return URL(fileURLWithPath: path(name))
        }
        func refused(_ folder: URL, _ expected: String..., file: StaticString = #filePath, line: UInt = #line) throws {
            let before = try everyFile(folder)
            let outcome = try duet(["resume", folder.path])
            XCTAssertEqual(outcome.status, 1, file: file, line: line)
            XCTAssertEqual(outcome.standardError.split(separator: "\n").count, 1, outcome.standardError,
                           file: file, line: line)
            for part in expected {
                XCTAssert(outcome.standardError.contains(part), outcome.standardError, file: file, line: line)
            }
            XCTAssert(try everyFile(folder) == before, "a refused resume changed the folder", file: file, line: line)
        }
        let updates = "learner0/updates.csv: cannot resume: "
        try refused(damaged("cut-row", "learner0/updates.csv") { lines in
            lines[2] = Array(lines[2].prefix(lines[2].count / 2)) + [UInt8(ascii: "\n")]
        }, updates + "line 3 has ", "fields, not the header's 5: a row was cut or damaged before the checkpoint")
        try refused(damaged("garbage", "learner0/updates.csv") { lines in
            lines[3].replaceSubrange(4..<8, with: [0x00, 0xFF, 0xFE, 0x07])
        }, updates + "line 4 holds the control byte 0x0, not CSV text: the log was damaged before the checkpoint")
        try refused(damaged("not-utf8", "learner0/updates.csv") { lines in
            lines[3].replaceSubrange(4..<6, with: [0xFF, 0xFE])
        }, updates + "line 4 holds bytes that are not UTF-8 text")
        try refused(damaged("deleted-row", "learner0/updates.csv") { lines in lines.remove(at: 2) },
                    updates, "deleted or added before the checkpoint")
        try refused(damaged("changed-digit", "learner0/episodes.csv") { lines in
            let index = lines[1].count - 2  // the last digit of the first episode's row
            lines[1][index] = lines[1][index] == UInt8(ascii: "9") ? UInt8(ascii: "8") : lines[1][index] + 1
        }, "learner0/episodes.csv: cannot resume: its first ", "bytes are not those the checkpoint recorded (CRC-32 ",
           "): the log was changed before the checkpoint")
        let missing = try damaged("missing", "learner0/episodes.csv") { _ in }
        try FileManager.default.removeItem(at: missing.appendingPathComponent("learner0/episodes.csv"))
        try refused(missing, "learner0/episodes.csv: cannot resume: the log is missing")
        // Undamaged, the same kind of copy resumes to the uninterrupted run.
        let intact = try damaged("intact", "learner0/updates.csv") { _ in }
        let resumed = try duet(["resume", intact.path])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        try assertSameRun("logs-full", "intact", "an undamaged copy")
    }

    func testResumeRefusesBadCheckpointsAndChangedRunFolders() throws {
        let arguments = try trainReference("base", "experiments/smoke/pendulum-td3-tiny.yaml",
                                           ["--set", "checkpoint.every=150"])
        func killedCopy(_ name: String) throws -> URL {
            _ = try duet(arguments(path(name)), fault: "kill-at-step=400")
            return URL(fileURLWithPath: path(name))
        }
        func refusal(_ folder: URL, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let logs = try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
            let episodes = FileManager.default.contents(atPath: folder.appendingPathComponent("learner0/episodes.csv").path)
            let outcome = try duet(["resume", folder.path])
            XCTAssertEqual(outcome.status, 1, file: file, line: line)
            XCTAssertEqual(outcome.standardError.split(separator: "\n").count, 1, outcome.standardError,
                           file: file, line: line)
            XCTAssert(outcome.standardError.contains(expected), outcome.standardError, file: file, line: line)
            XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted(), logs,
                           file: file, line: line)
            XCTAssertEqual(FileManager.default.contents(atPath: folder.appendingPathComponent("learner0/episodes.csv").path),
                           episodes, "a refused resume changed the logs", file: file, line: line)
        }
        // Another configuration in run.json.
        let edited = try killedCopy("edited")
        let record = edited.appendingPathComponent("run.json")
        let text = try String(contentsOf: record, encoding: .utf8)
        try text.replacingOccurrences(of: "\"steps\" : 600", with: "\"steps\" : 700")
            .write(to: record, atomically: true, encoding: .utf8)
        try refusal(edited, "configuration fingerprint")
        // Another seed.
        let reseeded = try killedCopy("reseeded")
        let seedRecord = reseeded.appendingPathComponent("run.json")
        try String(contentsOf: seedRecord, encoding: .utf8).replacingOccurrences(of: "\"seed\" : 0", with: "\"seed\" : 5")
            .write(to: seedRecord, atomically: true, encoding: .utf8)
        try refusal(reseeded, "seed")
        // A corrupted, a truncated and a foreign checkpoint.
        let corrupted = try killedCopy("corrupted")
        let checkpoint = corrupted.appendingPathComponent("checkpoint.duet")
        var bytes = [UInt8](try Data(contentsOf: checkpoint))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: checkpoint)
        try refusal(corrupted, "checksum mismatch")
        let truncated = try killedCopy("truncated")
        let cut = truncated.appendingPathComponent("checkpoint.duet")
        try Data([UInt8](try Data(contentsOf: cut)).prefix(5000)).write(to: cut)
        try refusal(truncated, "truncated")
        let foreign = try killedCopy("foreign")
        try Data("not a checkpoint".utf8).write(to: foreign.appendingPathComponent("checkpoint.duet"))
        try refusal(foreign, "not a Duet checkpoint")
        // A checkpoint from another format version.
        let versioned = try killedCopy("versioned")
        let file = versioned.appendingPathComponent("checkpoint.duet")
        var raw = [UInt8](try Data(contentsOf: file))
        raw[8] = 7
        try Data(raw).write(to: file)
        try refusal(versioned, "format version 7")
        // A log cut shorter than the checkpoint recorded, and a log removed.
        let shortened = try killedCopy("shortened")
        let log = shortened.appendingPathComponent("learner0/updates.csv")
        try Data([UInt8](try Data(contentsOf: log)).prefix(20)).write(to: log)
        try refusal(shortened, "learner0/updates.csv: cannot resume: the log holds 20 bytes, fewer than the checkpoint's")
        let removed = try killedCopy("removed")
        try FileManager.default.removeItem(at: removed.appendingPathComponent("learner0/evaluations.csv"))
        try refusal(removed, "learner0/evaluations.csv: cannot resume: the log is missing")
        // Not a run folder.
        let outcome = try duet(["resume", path("nowhere")])
        XCTAssertEqual(outcome.status, 1)
        XCTAssert(outcome.standardError.contains("not a run folder"), outcome.standardError)
    }
}
