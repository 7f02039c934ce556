import DuetTestSupport
import Foundation
import XCTest

/// `duet sweep` end to end on tiny runs: a sweep killed mid-way and run again ends with the same files as an
/// uninterrupted one (whatever --jobs), bad input is one line that writes nothing, `--emit commands` and
/// `--manifest --task` run the plan's runs, and `duet summarize` gives a table per grid key.
final class SweepCommandTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    private func duet(_ arguments: [String], environment: [String: String] = [:]) throws -> DuetExecutable.Outcome {
        try DuetExecutable.run(arguments, in: repository, environment: environment)
    }

    private func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    /// 2 batch sizes × 2 arms × 2 seeds of the tiny pair, with a checkpoint every 150 steps.
    private func sweep(_ out: String, _ extra: [String] = []) -> [String] {
        ["sweep", "experiments/smoke/pendulum-dual-tiny.yaml", "--seeds", "0-1", "--grid", "learner.batchSize=16,32",
         "--arms", "on,off", "--set", "checkpoint.every=150", "--out", path(out)] + extra
    }

    /// Every file of the run folders under `name`, by relative path, but `timing.json` (wall-clock times).
    private func runFiles(_ name: String) throws -> [String: Data] {
        let base = URL(fileURLWithPath: path(name))
        var files: [String: Data] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: base.path)
        where relative.contains("seed-") && !relative.hasSuffix("timing.json") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base.appendingPathComponent(relative).path, isDirectory: &isDirectory),
               !isDirectory.boolValue { files[relative] = FileManager.default.contents(atPath: base.appendingPathComponent(relative).path) }
        }
        return files
    }

    func testHelpText() throws {
        let outcome = try duet(["sweep", "--help"], environment: ["COLUMNS": "80"])
        XCTAssertEqual(outcome.status, 0)
        try assertSnapshot(outcome.standardOutput, named: "sweep-help.txt")
    }

    func testAnInterruptedSweepRunAgainEndsWithTheUninterruptedFiles() throws {
        let full = try duet(sweep("full", ["--jobs", "1"]))
        XCTAssertEqual(full.status, 0, full.standardError)
        XCTAssert(full.standardOutput.contains("[8/8 done, 0 running, 0 failed]"), full.standardOutput)

        // Every run is killed (SIGKILL) at step 400 of 600, after its checkpoint at 300.
        let cut = try duet(sweep("cut", ["--jobs", "2"]), environment: ["DUET_FAULT": "kill-at-step=400"])
        XCTAssertEqual(cut.status, 1)
        XCTAssert(cut.standardOutput.contains("Failed runs (8 of 8):"), cut.standardOutput)
        XCTAssert(cut.standardError.hasPrefix("Error: 8 of 8 runs did not finish (8 failed); rerun the same command"),
                  cut.standardError)
        let again = try duet(sweep("cut", ["--jobs", "2"]))
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssert(again.standardOutput.contains("(8 resumed from their checkpoints)"), again.standardOutput)
        let fullFiles = try runFiles("full")
        XCTAssertEqual(fullFiles.count, try runFiles("cut").count)
        XCTAssertGreaterThan(fullFiles.count, 8 * 5)
        for (relative, data) in try runFiles("cut") {
            XCTAssertEqual(data, fullFiles[relative], "\(relative) differs from the uninterrupted sweep's")
        }
        // A finished sweep run again does nothing; the summaries agree byte for byte.
        let nothing = try duet(sweep("cut"))
        XCTAssert(nothing.standardOutput.contains("training 0, 2 at a time (8 already finished)"), nothing.standardOutput)
        let summaries = try ["full", "cut"].map { try duet(["summarize", path($0), "--reps", "200"]) }
        XCTAssertEqual(summaries[0].status, 0, summaries[0].standardError)
        XCTAssertEqual(summaries[0].standardOutput, summaries[1].standardOutput)
        XCTAssert(summaries[0].standardOutput.contains("By learner.batchSize (each row pools"), summaries[0].standardOutput)
        let keys = try duet(["summarize", path("full"), "--reps", "200", "--format", "csv", "--table", "keys"])
        let rows = keys.standardOutput.split(separator: "\n")
        XCTAssertEqual(rows.first, "key,value,arm,task,runs,mean,median,iqm,iqm_lower,iqm_upper")
        XCTAssertEqual(rows.dropFirst().map { $0.split(separator: ",").prefix(5).joined(separator: ",") }, [
            "learner.batchSize,16,distill-on,Pendulum-v1,2", "learner.batchSize,16,distill-off,Pendulum-v1,2",
            "learner.batchSize,32,distill-on,Pendulum-v1,2", "learner.batchSize,32,distill-off,Pendulum-v1,2",
        ])
        // `duet plot` on the sweep folder draws one curve per setting and arm, labelled by them.
        let plot = try duet(["plot", path("full"), "-o", path("curves.svg"), "--reps", "200"])
        XCTAssertEqual(plot.status, 0, plot.standardError)
        XCTAssert(plot.standardOutput.contains("learning curves, 4 arms on 1 task, 8 runs"), plot.standardOutput)
        let figure = try String(contentsOfFile: path("curves.svg"), encoding: .utf8)
        for setting in ["learner.batchSize=16", "learner.batchSize=32"] {
            for arm in ["distill-on", "distill-off"] {
                XCTAssert(figure.contains("\(setting)/\(arm)"), "no curve labelled \(setting)/\(arm)")
            }
        }
    }

    /// SIGTERM to the sweep reaches every running run once: each checkpoints and stops; the sweep then exits 1
    /// without starting the rest, and the same command finishes it as if never stopped.
    func testASweepStoppedBySIGTERMResumes() throws {
        func arguments(_ out: String) -> [String] {
            ["sweep", "experiments/smoke/pendulum-dual-tiny.yaml", "--seeds", "0-2", "--set", "steps=3000",
             "--set", "checkpoint.every=200", "--jobs", "2", "--out", path(out)]
        }
        XCTAssertEqual(try duet(arguments("full")).status, 0)
        let process = Process()
        process.executableURL = DuetExecutable.url
        process.arguments = arguments("stopped")
        process.currentDirectoryURL = repository
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let errors = Pipe()
        let output = Pipe()
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        let first = path("stopped/seed-0/status.json")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: first, encoding: .utf8),
               text.contains("\"running\""), !text.contains("\"checkpointStep\" : 0") { break }
            usleep(20_000)
        }
        process.terminate()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, message)
        XCTAssert(message.contains("Stopping the runs after their current step"), message)
        // The stopped runs are reported as stopped, not failed.
        XCTAssert(printed.contains(": stopped after its checkpoint at step "), printed)
        XCTAssert(printed.contains("Stopped runs ("), printed)
        XCTAssertFalse(printed.contains("Failed runs"), printed)
        XCTAssert(message.contains("runs did not finish (") && message.contains(" stopped"), message)
        XCTAssert(try String(contentsOfFile: first, encoding: .utf8).contains("\"stopped\""))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("stopped/seed-2")), "a run started after the stop")
        let again = try duet(arguments("stopped"))
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssert(again.standardOutput.contains("resumed from their checkpoints"), again.standardOutput)
        let fullFiles = try runFiles("full")
        XCTAssertEqual(Set(fullFiles.keys), Set(try runFiles("stopped").keys))
        for (relative, data) in try runFiles("stopped") {
            XCTAssertEqual(data, fullFiles[relative], "\(relative) differs from the uninterrupted sweep's")
        }
    }

    func testBadInputIsOneLineAndWritesNothing() throws {
        let config = "experiments/smoke/pendulum-dual-tiny.yaml"
        let cases: [(arguments: [String], message: String)] = [
            (["sweep", config, "--grid", "learner.batchSze=16,32", "--out", path("s")],
             "Error: --grid learner.batchSze=16,32: unknown key 'learner.batchSze'; did you mean 'batchSize'?"),
            (["sweep", config, "--grid", "learner.batchSize", "--out", path("s")],
             "Error: --grid learner.batchSize: expected key=value1,value2,..."),
            (["sweep", config, "--seeds", "0-x", "--out", path("s")], "Error: --seeds: 'seeds' = '0-x' is not accepted"),
            (["sweep", config, "--arms", "on,maybe", "--out", path("s")], "Error: --arms on,maybe: not a list of arms"),
            (["sweep", "experiments/smoke/pendulum-td3-tiny.yaml", "--arms", "on,off", "--out", path("s")],
             "Error: experiments/smoke/pendulum-td3-tiny.yaml: 'distillation' = absent is not accepted"),
            (["sweep", "--manifest", path("s/manifest.tsv"), "--task", "0"], "Error: --manifest \(path("s/manifest.tsv")): cannot read the file"),
            (["sweep", config, "--task", "0"], "Error: --task needs --manifest <manifest.tsv>"),
            (["sweep", config, "--requeue-before", "60", "--out", path("s")],
             "Error: --requeue-before applies only with --emit slurm"),
            (["sweep", config, "--emit", "slurm", "--requeue-before=-5", "--out", path("s")],
             "Error: --requeue-before must be 0 (never) or more seconds, got -5"),
            (["sweep", config, "--emit", "slurm", "--time", "1h", "--out", path("s")],
             "Error: --time 1h: not a Slurm time limit (accepted: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, INFINITE, UNLIMITED, 0 or -1)"),
            (["sweep", config, "--emit", "slurm", "--time", "00:01:30", "--requeue-before", "61", "--out", path("s")],
             "Error: --requeue-before 61 needs a --time of at least 121 s (Slurm may send the signal up to 60 s early), "
                + "got --time 00:01:30 (120 s as Slurm counts it, in whole minutes); lower --requeue-before or give 0 (never)"),
        ]
        for (arguments, message) in cases {
            let outcome = try duet(arguments)
            XCTAssertNotEqual(outcome.status, 0, arguments.joined(separator: " "))
            XCTAssert(outcome.standardError.hasPrefix(message), "\(arguments): \(outcome.standardError)")
            XCTAssertEqual(outcome.standardError.split(separator: "\n").count, 1, outcome.standardError)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("s")), "\(arguments) wrote the sweep folder")
        }
        // A task out of range; a folder holding something else is refused and kept.
        XCTAssertEqual(try duet(["sweep", config, "--seeds", "0", "--out", path("t"), "--emit", "commands"]).status, 0)
        let outside = try duet(["sweep", "--manifest", path("t/manifest.tsv"), "--task", "1"])
        XCTAssertEqual(outside.standardError, "Error: --task 1: out of range for --manifest \(path("t/manifest.tsv")) (accepted: 0 to 0)\n")
        try FileManager.default.createDirectory(atPath: path("t/seed-0"), withIntermediateDirectories: true)
        try "mine".write(toFile: path("t/seed-0/notes.txt"), atomically: true, encoding: .utf8)
        let taken = try duet(["sweep", "--manifest", path("t/manifest.tsv"), "--task", "0"])
        XCTAssertEqual(taken.status, 1)
        XCTAssert(taken.standardError.hasPrefix("Error: \(path("t/seed-0")): the folder exists and holds something other"), taken.standardError)
        XCTAssertEqual(try String(contentsOfFile: path("t/seed-0/notes.txt"), encoding: .utf8), "mine")
        let other = try duet(["sweep", config, "--seeds", "0-1", "--out", path("t"), "--emit", "commands"])
        XCTAssert(other.standardError.hasPrefix("Error: --out \(path("t")): holds another sweep"), other.standardError)
    }

    /// `--portable` goes into every run's command in the manifest, so a task started by a scheduler (without the
    /// sweep's environment) runs portable too; `--manifest --task` takes it from the plan, not the command line.
    func testPortableSweepRunsEveryTaskPortable() throws {
        let config = "experiments/smoke/pendulum-dual-tiny.yaml"
        let emitted = try duet(["sweep", config, "--seeds", "0-1", "--set", "steps=200", "--out", path("p"),
                                "--emit", "commands", "--portable"])
        XCTAssertEqual(emitted.status, 0, emitted.standardError)
        let manifest = try String(contentsOfFile: path("p/manifest.tsv"), encoding: .utf8)
        let commands = manifest.split(separator: "\n").dropFirst()
        XCTAssertEqual(commands.count, 2, manifest)
        XCTAssert(commands.allSatisfy { $0.hasSuffix(" --portable") }, manifest)
        let task = try duet(["sweep", "--manifest", path("p/manifest.tsv"), "--task", "1"])
        XCTAssertEqual(task.status, 0, task.standardError)
        XCTAssert(task.standardOutput.contains("--seed 1 --out \(path("p/seed-1"))"), task.standardOutput)
        XCTAssert(task.standardOutput.contains(" --portable\n"), task.standardOutput)
        let status = try String(contentsOfFile: path("p/seed-1/status.json"), encoding: .utf8)
        XCTAssert(status.contains("finished"), status)
        let both = try duet(["sweep", "--manifest", path("p/manifest.tsv"), "--task", "0", "--portable"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssert(both.standardError.hasPrefix("Error: --manifest --task runs a written sweep's run"), both.standardError)
        let mixed = try duet(["sweep", config, "--seeds", "0-1", "--set", "steps=200", "--out", path("p"),
                              "--emit", "commands"])
        XCTAssert(mixed.standardError.hasPrefix("Error: --out \(path("p")): holds another sweep"), mixed.standardError)
    }

    /// `--emit commands` writes task commands that a shell (or GNU parallel) runs; each trains, then skips.
    func testEmittedCommandsRunTheTasks() throws {
        let emitted = try duet(["sweep", "experiments/smoke/pendulum-dual-tiny.yaml", "--seeds", "4-5",
                                "--grid", "steps=200,400", "--out", path("c"), "--emit", "commands"])
        XCTAssertEqual(emitted.status, 0, emitted.standardError)
        let lines = try String(contentsOfFile: path("c/commands.txt"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        XCTAssert(lines[3].hasSuffix("--task 3"), String(lines[3]))
        for _ in 0..<2 {
            for line in lines {
                let shell = Process()
                shell.executableURL = URL(fileURLWithPath: "/bin/bash")
                shell.arguments = ["-c", String(line)]
                shell.standardOutput = FileHandle.nullDevice
                try shell.run()
                shell.waitUntilExit()
                XCTAssertEqual(shell.terminationStatus, 0, String(line))
            }
        }
        let status = try String(contentsOfFile: path("c/steps=400/seed-5/status.json"), encoding: .utf8)
        XCTAssert(status.contains("finished"), status)
        let record = try String(contentsOfFile: path("c/steps=200/seed-4/run.json"), encoding: .utf8)
        XCTAssert(record.contains("\"arm\" : \"steps=200\"") || record.contains("\"arm\":\"steps=200\""), record)
        let again = try duet(["sweep", "experiments/smoke/pendulum-dual-tiny.yaml", "--seeds", "4-5",
                              "--grid", "steps=200,400", "--out", path("c"), "--emit", "slurm"])
        XCTAssertEqual(again.standardOutput, "All 4 runs of \(path("c"))/ are finished; nothing to submit.\n")
    }
}
