import ArgumentParser
import DuetExperiments
import DuetRunFormat
import Foundation
import Synchronization

/// `duet sweep`: a grid of settings × arms × seeds, run locally by a pool of worker processes, or written out
/// as a Slurm job array or a list of commands. Parsing only; the plan is ``SweepPlan``, its files
/// ``SweepManifest``, the pool ``SweepPool`` and the job array ``SweepSlurmScript`` (DuetExperiments).
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a grid of settings and seeds, locally in parallel or on Slurm.",
        discussion: """
            Expands every combination of the --grid values, times the --arms, times the --seeds, into runs of \
            `duet train CONFIG --set key=value ...`, in folders named by their settings and seed: \
            <out>/<key>=<value>,<key>=<value>/<arm>/seed-<n>. Everything is checked before anything is written: \
            the file, each grid key and value, the seeds, and that every existing run folder holds the same run. \
            The plan goes to <out>/manifest.tsv (index, run folder, the full duet command) and <out>/plan.json. \
            Then the runs go to --jobs worker processes; finished runs are skipped and unfinished ones resumed \
            from their checkpoints, so rerunning the same command after a crash, Ctrl-C or a failure continues \
            the sweep, and the results do not depend on --jobs or on the order the runs end.

            --emit slurm writes <out>/sweep.sbatch, a job array whose task i runs \
            `duet sweep --manifest <out>/manifest.tsv --task i` (train, resume or skip run i), and prints the \
            sbatch command; written again after a failure, the array lists only the unfinished runs. \
            --emit commands writes <out>/commands.txt, the same task commands one per line, for GNU parallel \
            or any scheduler. Summarise with `duet summarize <out>` (a table per grid key) and plot with \
            `duet plot <out> -o curves.svg` (a curve per setting).
            """)

    /// What `--emit` writes instead of running the sweep.
    enum Emit: String, CaseIterable, ExpressibleByArgument {
        case slurm, commands
    }

    @Argument(help: "The experiment file (not with --manifest).")
    var config: String?

    @Option(help: "Seeds: a list of seeds and ranges, e.g. 0-9 or 1,3,5.")
    var seeds: String = "0-4"

    @Option(parsing: .singleValue, help: ArgumentHelp(
        "A configuration key and its values, e.g. learner.batchSize=64,256 (repeatable; commas inside [ ] "
            + "belong to a value).", valueName: "key=v1,v2"))
    var grid: [String] = []

    @Option(help: ArgumentHelp(
        "Arms per setting: on (distillation), off (none), single (the first learner alone with k times the "
            + "steps), comma-separated. (default: the file as it is)", valueName: "arms"))
    var arms: String?

    @Option(help: "Runs at a time: worker processes, or the job array's %M throttle with --emit slurm. (default: one per CPU, one per two CPUs for lockstep pairs; all tasks with --emit slurm)")
    var jobs: Int?

    @Option(help: "Folder of the sweep. (default: runs/<experiment name>-sweep)")
    var out: String?

    @Option(help: "Environment steps per learner (overrides the file's 'steps').")
    var steps: Int?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a key of the file in every run (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Write the sweep for a scheduler instead of running it: slurm (a job array) or commands (one per line).")
    var emit: Emit?

    @Option(help: "With --emit slurm: wall-clock limit per task.")
    var time: String = "01:00:00"

    @Option(help: "With --emit slurm: memory per task.")
    var mem: String = "2G"

    @Option(name: .customLong("cpus-per-task"), help: "With --emit slurm: CPUs per task (2 for lockstep pairs).")
    var cpusPerTask: Int = 1

    @Option(help: "With --emit slurm: the partition. (default: the cluster's)")
    var partition: String?

    @Option(name: .customLong("requeue-before"), help: ArgumentHelp(
        "With --emit slurm: seconds before the time limit at which a task checkpoints its run and requeues itself "
            + "to resume it (0: never; the run then stops at the limit and resubmitting resumes it). Slurm may "
            + "signal up to a minute early, so --time must exceed it by 60 s.",
        valueName: "seconds"))
    var requeueBefore: Int = 120

    @Option(help: "With --emit slurm: the account. (default: yours)")
    var account: String?

    @Option(help: ArgumentHelp("Run one run of a written sweep (with --task).", valueName: "manifest.tsv"))
    var manifest: String?

    @Option(help: ArgumentHelp("With --manifest: the run's index, e.g. $SLURM_ARRAY_TASK_ID.", valueName: "i"))
    var task: Int?

    @Flag(help: "Portable reproducibility for every run: each run's command gets --portable, so wherever it runs (locally, a Slurm task, a line of --emit commands) it uses OpenBLAS's Haswell kernels and the same seed gives the same logs on any x86-64 CPU with AVX2 and FMA (README, Reproducibility).")
    var portable = false

    func validate() throws {
        if let jobs, jobs < 1 { throw CommandError("--jobs must be at least 1, got \(jobs)") }
        if let steps, steps < 1 { throw CommandError("--steps must be at least 1, got \(steps)") }
        if cpusPerTask < 1 { throw CommandError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
        if requeueBefore < 0 { throw CommandError("--requeue-before must be 0 (never) or more seconds, got \(requeueBefore)") }
        if manifest != nil {
            guard task != nil else { throw CommandError("--manifest needs --task <i>, the run to run") }
            guard config == nil, grid.isEmpty, arms == nil, emit == nil, out == nil, overrides.isEmpty, steps == nil,
                  !portable
            else {
                throw CommandError("--manifest --task runs a written sweep's run: give no experiment file, "
                    + "--grid, --arms, --set, --steps, --out, --emit or --portable with it (the plan's run has them)")
            }
        } else {
            guard task == nil else { throw CommandError("--task needs --manifest <manifest.tsv>") }
            guard config != nil else { throw CommandError("give an experiment file, or --manifest and --task") }
        }
        if emit != .slurm {
            let slurmOnly = [("--time", time != "01:00:00"), ("--mem", mem != "2G"), ("--cpus-per-task", cpusPerTask != 1),
                             ("--requeue-before", requeueBefore != 120),
                             ("--partition", partition != nil), ("--account", account != nil)]
            if let given = slurmOnly.first(where: { $0.1 }) {
                throw CommandError("\(given.0) applies only with --emit slurm")
            }
        }
        guard let limit = SweepSlurmScript.TimeLimit(time) else {
            throw CommandError("--time \(time): not a Slurm time limit (accepted: \(SweepSlurmScript.TimeLimit.accepted))")
        }
        if requeueBefore > 0, case .seconds(let seconds) = limit,
           seconds < requeueBefore + SweepSlurmScript.earliestSignal {
            throw CommandError("--requeue-before \(requeueBefore) needs a --time of at least "
                + "\(requeueBefore + SweepSlurmScript.earliestSignal) s (Slurm may send the signal up to "
                + "\(SweepSlurmScript.earliestSignal) s early), got --time \(time) (\(seconds) s as Slurm counts it, "
                + "in whole minutes); "
                + "lower --requeue-before or give 0 (never)")
        }
    }

    func run() throws {
        if let manifest, let task { return try Self.runTask(task, of: manifest) }
        guard let config else { return }
        let stem = URL(fileURLWithPath: config).deletingPathExtension().lastPathComponent
        let plan = try SweepPlan(
            configurationPath: config, seeds: AblationPlan.seeds(from: seeds),
            grid: SweepPlan.Dimension.parsing(grid), arms: arms.map(SweepPlan.Arm.parsing) ?? [],
            output: out ?? "runs/\(stem)-sweep", overrides: overrides + (steps.map { ["steps=\($0)"] } ?? []),
            portable: portable)
        _ = try SweepManifest.isWritten(plan)
        let states = try plan.runs.map { try Self.state(of: $0, configurationPath: config, overwrite: false) }
        try SweepManifest.write(plan)
        let pending = plan.runs.filter { states[$0.index] != .finished }
        switch emit {
        case .slurm: try writeSlurm(plan, pending: pending)
        case .commands: try writeCommands(plan, pending: pending)
        case nil: try runLocally(plan, states: states, pending: pending)
        }
    }

    /// Runs the pending runs with the worker pool, a progress line as each ends, and the failures at the end.
    private func runLocally(_ plan: SweepPlan, states: [SweepPlan.Run.State], pending: [SweepPlan.Run]) throws {
        let workers = try jobs ?? Self.defaultWorkers(plan)
        let finishedBefore = plan.runs.count - pending.count
        let resuming = pending.filter { states[$0.index] == .unfinished }.count
        print("Sweep of \(plan.runs.count) runs into \(plan.output)/ (plan: \(plan.output)/\(SweepManifest.manifestFile)): "
              + "training \(pending.count), \(workers) at a time"
              + (finishedBefore > 0 ? " (\(finishedBefore) already finished)" : "")
              + (resuming > 0 ? " (\(resuming) resumed from their checkpoints)" : ""))
        guard !pending.isEmpty else { return print("Nothing to do. Summarise with: duet summarize \(plan.output)") }
        SweepSignals.install()
        let jobList = pending.map { run in
            SweepPool.Job(index: run.index, arguments: run.arguments(from: states[run.index]) ?? [])
        }
        var done = finishedBefore
        var failed: [(run: SweepPlan.Run, line: String)] = []
        var stopped: [(run: SweepPlan.Run, step: Int)] = []
        var seconds: [Double] = []
        let outcomes = try SweepPool.run(executable: "/proc/self/exe", jobs: jobList, workers: workers,
                                         stopRequests: SweepSignals.count) { outcome, running in
            let run = plan.runs[outcome.index]
            let verdict: String
            if outcome.status == 0 {
                done += 1
                verdict = "done"
            } else if let status = RunStatus.read(inFolder: URL(fileURLWithPath: run.folder)), status.state == .stopped {
                stopped.append((run, status.checkpointStep))
                verdict = "stopped after its checkpoint at step \(status.checkpointStep)"
            } else {
                failed.append((run, outcome.lastErrorLine))
                verdict = "FAILED (exit \(outcome.status))"
            }
            seconds.append(outcome.seconds)
            let left = plan.runs.count - done - failed.count - stopped.count
            let estimate = left == 0 ? "" : ", about \(Self.duration(seconds.reduce(0, +) / Double(seconds.count) * Double(left) / Double(min(workers, left)))) left"
            print("[\(done)/\(plan.runs.count) done, \(running) running, \(failed.count) failed"
                  + (stopped.isEmpty ? "" : ", \(stopped.count) stopped") + "\(estimate)] \(run.folder): \(verdict)")
            fflush(nil)
        }
        let notStarted = pending.count - outcomes.count
        if !failed.isEmpty {
            print("\nFailed runs (\(failed.count) of \(plan.runs.count)):")
            for (run, line) in failed.sorted(by: { $0.run.index < $1.run.index }) {
                print("  \(run.folder): \(line.isEmpty ? "(no error line)" : line)")
            }
        }
        if !stopped.isEmpty {
            print("\nStopped runs (\(stopped.count) of \(plan.runs.count)), each after writing a checkpoint:")
            for (run, step) in stopped.sorted(by: { $0.run.index < $1.run.index }) {
                print("  \(run.folder): at step \(step)")
            }
        }
        if !failed.isEmpty || !stopped.isEmpty || notStarted > 0 {
            let parts = [failed.isEmpty ? nil : "\(failed.count) failed", stopped.isEmpty ? nil : "\(stopped.count) stopped",
                         notStarted > 0 ? "\(notStarted) not started" : nil].compactMap { $0 }
            throw CommandError("\(failed.count + stopped.count + notStarted) of \(plan.runs.count) runs did not finish ("
                               + parts.joined(separator: ", ") + "); rerun the same command to resume them")
        }
        print("All \(plan.runs.count) runs are in \(plan.output)/. Summarise with: duet summarize \(plan.output)")
    }

    /// Writes `<out>/sweep.sbatch` for the pending runs and prints the `sbatch` command.
    private func writeSlurm(_ plan: SweepPlan, pending: [SweepPlan.Run]) throws {
        guard !pending.isEmpty else {
            return print("All \(plan.runs.count) runs of \(plan.output)/ are finished; nothing to submit.")
        }
        let directory = FileManager.default.currentDirectoryPath
        let output = URL(fileURLWithPath: plan.output, relativeTo: URL(fileURLWithPath: directory + "/")).standardized.path
        let logs = output + "/slurm"
        let name = URL(fileURLWithPath: plan.configurationPath).deletingPathExtension().lastPathComponent
        let script = SweepSlurmScript(time: time, memory: mem, cpusPerTask: cpusPerTask, partition: partition,
                                      account: account, maxRunning: jobs ?? pending.count, jobName: "duet-\(name)",
                                      requeueBefore: requeueBefore > 0 ? requeueBefore : nil)
        let text = script.text(tasks: pending.map(\.index), manifest: output + "/" + SweepManifest.manifestFile,
                               directory: directory, executable: Self.executablePath, logs: logs)
        try Self.write(text, to: plan.output + "/sweep.sbatch", makingFolder: logs)
        print("Wrote \(plan.output)/sweep.sbatch: \(pending.count) of \(plan.runs.count) runs as a job array. Submit it with:")
        print("  sbatch \(plan.output)/sweep.sbatch")
    }

    /// Writes `<out>/commands.txt`, one task command per pending run, and prints how to run it.
    private func writeCommands(_ plan: SweepPlan, pending: [SweepPlan.Run]) throws {
        let directory = FileManager.default.currentDirectoryPath
        let manifest = URL(fileURLWithPath: plan.output + "/" + SweepManifest.manifestFile,
                           relativeTo: URL(fileURLWithPath: directory + "/")).standardized.path
        let text = pending.map { run in
            "cd " + SweepManifest.command([directory]) + " && OPENBLAS_NUM_THREADS=1 "
                + SweepManifest.command([Self.executablePath, "sweep", "--manifest", manifest, "--task", String(run.index)])
        }.map { $0 + "\n" }.joined()
        try Self.write(text, to: plan.output + "/commands.txt", makingFolder: nil)
        print("Wrote \(plan.output)/commands.txt: \(pending.count) of \(plan.runs.count) runs, one command per line. "
              + "Run them with, e.g.:")
        print("  parallel --jobs \(try jobs ?? Self.defaultWorkers(plan)) < \(plan.output)/commands.txt")
    }

    /// Workers when --jobs is not given: one per CPU, or one per two CPUs when the file's pairs train in
    /// lockstep (each run then keeps two cores busy), as `duet ablate` does on two cores.
    static func defaultWorkers(_ plan: SweepPlan) throws -> Int {
        let configuration = try ConfigurationFile.load(ExperimentConfiguration.self, from: plan.configurationPath,
                                                       overrides: plan.overrides)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return max(1, configuration.distillation?.schedule == .lockstep ? cores / 2 : cores)
    }

    /// Runs run `task` of the written sweep at `manifest`: replaces this process with its `duet train` or
    /// `duet resume` (so a scheduler's SIGTERM reaches the trainer, which checkpoints), or returns when it is
    /// finished.
    static func runTask(_ task: Int, of manifest: String) throws {
        let plan = try SweepManifest.read(manifestAt: manifest)
        guard plan.runs.indices.contains(task) else {
            throw SweepError.taskOutOfRange(task: task, count: plan.runs.count, path: manifest)
        }
        let run = plan.runs[task]
        let state = try Self.state(of: run, configurationPath: plan.configurationPath, overwrite: plan.overwrite)
        guard let arguments = run.arguments(from: state) else {
            return print("Run \(task) (\(run.folder)) is already finished.")
        }
        print("Run \(task): duet \(SweepManifest.command(arguments))")
        fflush(nil)
        setenv("OPENBLAS_NUM_THREADS", "1", 0)
        let argv = ([executablePath] + arguments).map { strdup($0) } + [nil]
        execv(executablePath, argv)
        throw SweepError.cannotStart(path: executablePath, reason: String(cString: strerror(errno)))
    }

    /// The run's state, a folder that holds something else being an error that says it is kept.
    static func state(of run: SweepPlan.Run, configurationPath: String,
                      overwrite: Bool) throws -> SweepPlan.Run.State {
        do {
            return try run.state(configurationPath: configurationPath, overwrite: overwrite)
        } catch RunFolderError.alreadyExists(let path) {
            throw CommandError("\(path): the folder exists and holds something other than this sweep's run "
                               + "(another configuration or seed, or no run.json); it is kept: move it away or "
                               + "choose another --out")
        }
    }

    /// This executable's absolute path.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Writes a file of the sweep atomically, creating `folder` first if given.
    private static func write(_ text: String, to path: String, makingFolder folder: String?) throws {
        do {
            if let folder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SweepError.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    /// `seconds` as `1h 05m`, `3m 20s` or `45s`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh %02dm", total / 3600, total % 3600 / 60) }
        if total >= 60 { return String(format: "%dm %02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}

/// SIGINT and SIGTERM received so far by a sweep's pool process.
private let sweepSignalCount = Atomic<Int>(0)

/// Stop requests for a process pool (``SweepPool``): each SIGINT or SIGTERM is counted, and the pool passes each
/// on to its running children (the first makes them checkpoint and stop, a second stops them at once).
enum SweepSignals {
    /// Installs the handlers.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in
            let count = sweepSignalCount.add(1, ordering: .relaxed).newValue
            let message = count == 1
                ? "\nStopping the runs after their current step (each writes a checkpoint); signal again to stop them at once.\n"
                : "\nStopping the runs at once.\n"
            message.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    /// The number of stop requests so far.
    @Sendable static func count() -> Int { sweepSignalCount.load(ordering: .relaxed) }
}
