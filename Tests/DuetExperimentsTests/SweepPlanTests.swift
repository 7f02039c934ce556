import DuetExperiments
import Foundation
import XCTest

/// `duet sweep`'s plan: expansion of grid × arms × seeds, folder names, flag parsing, the manifest, the Slurm
/// script, and `duet ablate` as its preset. Nothing here trains.
final class SweepPlanTests: XCTestCase {
    private let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("experiments/smoke/pendulum-dual-tiny.yaml").path

    private func plan(grid: [String], arms: String? = "on,off", seeds: [UInt64] = [0, 1],
                      output: String = "runs/s") throws -> SweepPlan {
        try SweepPlan(configurationPath: config, seeds: seeds, grid: SweepPlan.Dimension.parsing(grid),
                      arms: arms.map(SweepPlan.Arm.parsing) ?? [], output: output, overrides: ["steps=300"])
    }

    func testExpansionIsGridThenArmsThenSeedsWithStableNames() throws {
        let sweep = try plan(grid: ["learner.batchSize=16,32", "learner.hidden=[8,8],[16]"])
        XCTAssertEqual(sweep.runs.count, 2 * 2 * 2 * 2)
        XCTAssertEqual(sweep.runs.map(\.index), Array(0..<16))
        XCTAssertEqual(sweep.runs.prefix(5).map(\.folder), [
            "runs/s/learner.batchSize=16,learner.hidden=8-8/distill-on/seed-0",
            "runs/s/learner.batchSize=16,learner.hidden=8-8/distill-on/seed-1",
            "runs/s/learner.batchSize=16,learner.hidden=8-8/distill-off/seed-0",
            "runs/s/learner.batchSize=16,learner.hidden=8-8/distill-off/seed-1",
            "runs/s/learner.batchSize=16,learner.hidden=16/distill-on/seed-0",
        ])
        XCTAssertEqual(sweep.runs.last?.folder, "runs/s/learner.batchSize=32,learner.hidden=16/distill-off/seed-1")
        XCTAssertEqual(sweep.runs[2].arguments, [
            "train", config, "--seed", "0", "--out", "runs/s/learner.batchSize=16,learner.hidden=8-8/distill-off/seed-0",
            "--arm", "learner.batchSize=16,learner.hidden=8-8/distill-off", "--no-distill", "--set", "steps=300",
            "--set", "learner.batchSize=16", "--set", "learner.hidden=[8,8]",
        ])
        XCTAssertEqual(Set(sweep.runs.map(\.folder)).count, sweep.runs.count)
        // The same flags give the same plan.
        XCTAssertEqual(try plan(grid: ["learner.batchSize=16,32", "learner.hidden=[8,8],[16]"]), sweep)
    }

    func testWithoutGridOrArmsFoldersAreSeedsOnly() throws {
        let sweep = try plan(grid: [], arms: nil, seeds: [3, 5])
        XCTAssertEqual(sweep.runs.map(\.folder), ["runs/s/seed-3", "runs/s/seed-5"])
        XCTAssertEqual(sweep.runs[0].arguments, ["train", config, "--seed", "3", "--out", "runs/s/seed-3", "--set", "steps=300"])
        XCTAssertNil(sweep.runs[0].label)
    }

    /// `--portable` reaches every run's command, its `duet resume` too, and nothing else of the plan.
    func testPortableSweepsPassTheFlagToEveryRun() throws {
        let plain = try plan(grid: ["learner.batchSize=16,32"])
        let portable = try SweepPlan(configurationPath: config, seeds: [0, 1],
                                     grid: SweepPlan.Dimension.parsing(["learner.batchSize=16,32"]),
                                     arms: SweepPlan.Arm.parsing("on,off"), output: "runs/s", overrides: ["steps=300"],
                                     portable: true)
        XCTAssertEqual(portable.runs.map(\.folder), plain.runs.map(\.folder))
        for (run, plainRun) in zip(portable.runs, plain.runs) {
            XCTAssertEqual(run.arguments, plainRun.arguments + ["--portable"])
            XCTAssertEqual(run.arguments(from: .unfinished), ["resume", run.folder, "--portable"])
            XCTAssertEqual(plainRun.arguments(from: .unfinished), ["resume", run.folder])
        }
        let plainText = try SweepManifest.planText(plain)
        XCTAssertFalse(plainText.contains("portable"), "a sweep without --portable keeps its earlier plan.json")
    }

    /// `duet ablate`'s runs, folders and arguments are exactly those it had before it became a preset.
    func testAblationIsTheSweepPresetWithItsOldArguments() throws {
        let ablation = try AblationPlan(configurationPath: config, seeds: [0, 2], output: "runs/a",
                                        overrides: ["steps=300"], includeSingle: true, overwrite: false)
        XCTAssertEqual(ablation.runs.map(\.folder), [
            "runs/a/distill-on/seed-0", "runs/a/distill-on/seed-2", "runs/a/distill-off/seed-0",
            "runs/a/distill-off/seed-2", "runs/a/single/seed-0", "runs/a/single/seed-2",
        ])
        XCTAssertEqual(ablation.runs[0].arguments, ["train", config, "--seed", "0", "--out", "runs/a/distill-on/seed-0",
                                                    "--arm", "distill-on", "--distill", "--set", "steps=300"])
        XCTAssertEqual(ablation.runs[5].arguments, ["train", config, "--seed", "2", "--out", "runs/a/single/seed-2",
                                                    "--arm", "single", "--single", "--steps", "600", "--set", "steps=300"])
        XCTAssertEqual(ablation.runs.map(\.arm), ablation.sweep.runs.map { $0.arm?.name ?? "" })
    }

    func testFlagParsing() throws {
        XCTAssertEqual(try SweepPlan.Dimension(parsing: "learner.hidden=[64,64],[256,256]").values, ["[64,64]", "[256,256]"])
        XCTAssertEqual(try SweepPlan.Arm.parsing("off,single"), [.off, .single])
        let bad: [(String, String)] = [
            ("batchSize", "--grid batchSize: expected key=value1,value2"),
            ("learner.batchSize=16,,32", "--grid learner.batchSize=16,,32: value 2 is empty"),
            ("learner.batchSize=16,16", "--grid learner.batchSize=16,16: each value once"),
            ("learner.hidden=[8,8", "--grid learner.hidden=[8,8: unbalanced brackets"),
            ("=1,2", "--grid =1,2: '' is not a configuration key"),
        ]
        for (text, message) in bad {
            XCTAssertThrowsError(try SweepPlan.Dimension(parsing: text)) { error in
                XCTAssert("\(error)".hasPrefix(message), "\(error)")
            }
        }
        XCTAssertThrowsError(try SweepPlan.Dimension.parsing(["steps=1,2", "steps=3"])) { error in
            XCTAssertEqual("\(error)", "--grid steps=3: the key 'steps' is already swept by another --grid")
        }
        XCTAssertThrowsError(try SweepPlan.Arm.parsing("on,on"))
        XCTAssertThrowsError(try plan(grid: ["learner.batchSze=16"])) { error in
            XCTAssert("\(error)".hasPrefix("--grid learner.batchSze=16: unknown key 'learner.batchSze'; did you mean 'batchSize'?"),
                      "\(error)")
        }
        XCTAssertThrowsError(try plan(grid: ["learner.batchSize=16,big"])) { error in
            XCTAssert("\(error)".hasPrefix("--grid learner.batchSize=16,big: 'learner.batchSize': expected an integer"),
                      "\(error)")
        }
        XCTAssertThrowsError(try plan(grid: ["learner.hidden=[8,8],[8, 8]"])) { error in
            XCTAssert("\(error)".contains("would share the run folder 'learner.hidden=8-8'"), "\(error)")
        }
    }

    func testManifestAndPlanRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("duet-sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweep = try plan(grid: ["learner.batchSize=16,32"], output: folder.path)
        try SweepManifest.write(sweep)
        let manifest = folder.appendingPathComponent("manifest.tsv").path
        let lines = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 8)
        XCTAssertEqual(lines[0], "index\tfolder\tcommand")
        XCTAssertEqual(lines[1], "0\t\(sweep.runs[0].folder)\tduet " + SweepManifest.command(sweep.runs[0].arguments))
        XCTAssertEqual(try SweepManifest.read(manifestAt: manifest), sweep)
        // The same plan again leaves the files; another plan in the same folder is refused.
        XCTAssertNoThrow(try SweepManifest.write(sweep))
        XCTAssertThrowsError(try SweepManifest.write(try plan(grid: ["learner.batchSize=16,64"], output: folder.path))) {
            XCTAssertEqual($0 as? SweepError, .otherSweep(path: folder.path))
        }
        try "index\tfolder\tcommand\n0\telsewhere\tduet\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SweepManifest.read(manifestAt: manifest)) {
            XCTAssert("\($0)".contains("runs, but plan.json has 8") || "\($0)".contains("does not match"), "\($0)")
        }
        XCTAssertEqual(SweepManifest.command(["duet", "--set", "learner.hidden=[8, 8]", "it's"]),
                       "duet --set 'learner.hidden=[8, 8]' 'it'\\''s'")
    }

    func testSlurmScriptHoldsTheDirectivesAndPassesBashSyntaxCheck() throws {
        let script = SweepSlurmScript(time: "00:30:00", memory: "3G", cpusPerTask: 2, partition: "short",
                                      account: "lab", maxRunning: 4, jobName: "duet-x")
        let text = script.text(tasks: [0, 1, 2, 5, 7, 8], manifest: "/s/manifest.tsv", directory: "/w",
                               executable: "/opt/duet", logs: "/s/slurm")
        for directive in ["#SBATCH --array=0-2,5,7-8%4", "#SBATCH --time=00:30:00", "#SBATCH --mem=3G",
                          "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short", "#SBATCH --account=lab",
                          "#SBATCH --output=/s/slurm/%A_%a.out", "#SBATCH --error=/s/slurm/%A_%a.err",
                          "#SBATCH --requeue", "#SBATCH --chdir=/w",
                          "exec /opt/duet sweep --manifest /s/manifest.tsv --task \"$SLURM_ARRAY_TASK_ID\""] {
            XCTAssert(text.split(separator: "\n").contains(Substring(directive)), "missing: \(directive)\n\(text)")
        }
        XCTAssert(text.hasPrefix("#!/bin/bash\n"))
        XCTAssertEqual(SweepSlurmScript.arraySpecification([3]), "3")
        try assertBashSyntax(text)
        // Without partition and account, no such lines.
        let plain = SweepSlurmScript(time: "1:00:00", memory: "1G", cpusPerTask: 1, partition: nil, account: nil,
                                     maxRunning: 10, jobName: "d")
            .text(tasks: [0, 1], manifest: "/m", directory: "/w", executable: "/d", logs: "/l")
        XCTAssertFalse(plain.contains("--partition") || plain.contains("--account"))
        XCTAssert(plain.contains("#SBATCH --array=0-1%2\n"))
        XCTAssertFalse(plain.contains("--signal") || plain.contains("scontrol"))
    }

    /// With `requeueBefore`, the task asks for SIGUSR1 before its limit, runs the run in the background, stops it
    /// on the signal and requeues itself; the script passes `bash -n`. (scripts/slurm-test.sh runs it on Slurm.)
    func testSlurmScriptRequeuesItselfBeforeTheTimeLimit() throws {
        let text = SweepSlurmScript(time: "00:30:00", memory: "1G", cpusPerTask: 1, partition: nil, account: nil,
                                    maxRunning: 2, jobName: "d", requeueBefore: 90)
            .text(tasks: [0, 1], manifest: "/s/manifest.tsv", directory: "/w", executable: "/opt/duet", logs: "/l")
        let lines = text.split(separator: "\n").map(String.init)
        for line in ["#SBATCH --signal=B:USR1@90", "#SBATCH --requeue",
                     "/opt/duet sweep --manifest /s/manifest.tsv --task \"$SLURM_ARRAY_TASK_ID\" &",
                     "trap 'requeue=1; kill -TERM \"${run:-}\" 2>/dev/null || true' USR1",
                     "    scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"", "exit \"$status\""] {
            XCTAssert(lines.contains(line), "missing: \(line)\n\(text)")
        }
        XCTAssertFalse(lines.contains { $0.hasPrefix("exec ") }, text)
        // The traps come before anything else the script runs; after the requeue it waits to be ended.
        let firstCommand = try XCTUnwrap(lines.firstIndex { !$0.hasPrefix("#") })
        XCTAssertEqual(lines[firstCommand...].prefix(3), ["requeue=0",
                       "trap 'requeue=1; kill -TERM \"${run:-}\" 2>/dev/null || true' USR1", "trap ':' TERM"])
        let requeue = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("    scontrol requeue") })
        XCTAssertEqual(lines[requeue - 1], "    trap 'exit 0' TERM")
        XCTAssert(lines[requeue...].contains("    sleep 60 & wait $! || true"), text)
        try assertBashSyntax(text)
    }

    /// Time limits read as `sbatch --time` reads them: whole minutes, rounded up; zero is no limit.
    func testSlurmTimeLimits() {
        typealias Limit = SweepSlurmScript.TimeLimit
        let cases: [(String, Limit?)] = [
            ("90", .seconds(5_400)), ("1:30", .seconds(120)), ("2:00", .seconds(120)), ("00:00:01", .seconds(60)),
            ("01:00:00", .seconds(3_600)), ("2-0", .seconds(172_800)), ("1-2:3", .seconds(93_780)),
            ("1-02:03:04", .seconds(93_840)), ("INFINITE", .unlimited), ("unlimited", .unlimited), ("-1", .unlimited),
            ("0", .unlimited), ("00:00:00", .unlimited), ("", nil), ("1:2:3:4", nil), ("1h", nil), ("-2", nil),
            ("1--2", nil), ("1:", nil), ("١٢", nil),
        ]
        for (text, expected) in cases { XCTAssertEqual(Limit(text), expected, text) }
    }

    /// Checks that `text` passes `bash -n`.
    private func assertBashSyntax(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("duet-\(UUID().uuidString).sbatch")
        defer { try? FileManager.default.removeItem(at: script) }
        try text.write(to: script, atomically: true, encoding: .utf8)
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-n", script.path]
        try bash.run()
        bash.waitUntilExit()
        XCTAssertEqual(bash.terminationStatus, 0, "bash -n failed", file: file, line: line)
    }
}
