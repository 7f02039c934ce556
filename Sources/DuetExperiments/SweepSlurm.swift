/// A sweep as a Slurm job array (`duet sweep --emit slurm`): task i runs
/// `duet sweep --manifest manifest.tsv --task i`, which trains, resumes or skips run i as its folder says.
///
/// Preemption: the script asks for `--requeue`; Slurm sends SIGTERM to a preempted task's processes, and its
/// `duet train` checkpoints and records `stopped`; the requeued task resumes it from the checkpoint.
/// Time limits (as submitit does): with ``requeueBefore`` set, the script asks for `SIGUSR1` that many seconds
/// before the task's limit (`#SBATCH --signal=B:USR1@N`); on it the script stops the run the same way (SIGTERM:
/// checkpoint, `stopped`) and requeues its own task (`scontrol requeue`), which resumes the run, so a run longer
/// than the limit goes on in as many tasks as it needs. The script then waits (up to a minute) for the requeue
/// to end it rather than exit first, which would race Slurm's own end of the task. Output and error go to one
/// file per task (`%A_%a`, appended to across requeues). Written again after a failure, the array lists only
/// the runs that have not finished, so resubmitting reruns only those.
public struct SweepSlurmScript: Sendable, Equatable {
    /// Wall-clock limit per task, as `#SBATCH --time` takes it (e.g. `01:00:00`).
    public var time: String
    /// Memory per task, as `#SBATCH --mem` takes it (e.g. `2G`).
    public var memory: String
    /// CPUs per task (`#SBATCH --cpus-per-task`).
    public var cpusPerTask: Int
    /// The partition (`#SBATCH --partition`), if any.
    public var partition: String?
    /// The account (`#SBATCH --account`), if any.
    public var account: String?
    /// Tasks running at once: the array's `%M` throttle.
    public var maxRunning: Int
    /// The job's name (`#SBATCH --job-name`).
    public var jobName: String
    /// Seconds before the time limit at which a task checkpoints its run and requeues itself; nil: never (the run
    /// still checkpoints on the SIGTERM of the limit, and resubmitting resumes it). See ``earliestSignal``.
    public var requeueBefore: Int?

    /// How much earlier than asked Slurm may send the `--signal`, in seconds: its controller checks time limits
    /// every 30 s (`PERIODIC_TIMEOUT`) and signals at the first check with `now + N + 30 ≥ end`, and `sbatch(1)`
    /// says "up to 60 seconds earlier". A time limit must exceed ``requeueBefore`` by this much, or the signal can
    /// reach a task as it starts.
    public static let earliestSignal = 60

    /// A Slurm time limit as `sbatch --time` reads it (Slurm's `time_str2mins`): limits count in whole minutes,
    /// rounded up, so `1:30` is two minutes; zero, `-1`, `INFINITE` and `UNLIMITED` are no limit.
    public enum TimeLimit: Sendable, Equatable {
        /// No limit.
        case unlimited
        /// A limit of this many seconds, a whole number of minutes.
        case seconds(Int)

        /// Reads `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M` or `D-H:M:S`, or `INFINITE` / `UNLIMITED` / `-1`; nil for
        /// anything else.
        public init?(_ text: String) {
            if ["infinite", "unlimited", "-1"].contains(text.lowercased()) { self = .unlimited; return }
            let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard dayParts.count <= 2 else { return nil }
            let clock = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false)
            let numbers = (dayParts.dropLast() + clock).map { part in
                part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && !part.isEmpty ? Int(part) : nil
            }
            guard !numbers.contains(nil), clock.count <= 3 else { return nil }
            let values = numbers.map { $0! }
            let seconds: Int
            if dayParts.count == 2 {  // D-H, D-H:M, D-H:M:S
                let (days, hms) = (values[0], Array(values.dropFirst()))
                seconds = days * 86_400 + hms[0] * 3_600 + (hms.count > 1 ? hms[1] * 60 : 0) + (hms.count > 2 ? hms[2] : 0)
            } else {
                switch values.count {
                case 1: seconds = values[0] * 60  // M
                case 2: seconds = values[0] * 60 + values[1]  // M:S
                default: seconds = values[0] * 3_600 + values[1] * 60 + values[2]  // H:M:S
                }
            }
            let minutes = (seconds + 59) / 60
            self = minutes == 0 ? .unlimited : .seconds(minutes * 60)
        }

        /// The formats ``init(_:)`` accepts, for error messages.
        public static let accepted = "M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, INFINITE, UNLIMITED, 0 or -1"
    }

    /// Settings from values.
    public init(time: String, memory: String, cpusPerTask: Int, partition: String?, account: String?,
                maxRunning: Int, jobName: String, requeueBefore: Int? = nil) {
        self.requeueBefore = requeueBefore
        self.time = time
        self.memory = memory
        self.cpusPerTask = cpusPerTask
        self.partition = partition
        self.account = account
        self.maxRunning = maxRunning
        self.jobName = jobName
    }

    /// The script's text.
    /// - Parameters:
    ///   - tasks: the manifest indices to run (the unfinished runs), not empty.
    ///   - manifest: the absolute path of `manifest.tsv`.
    ///   - directory: the absolute working directory the manifest's relative paths start from.
    ///   - executable: the absolute path of `duet`.
    ///   - logs: the absolute folder of the per-task output and error files.
    public func text(tasks: [Int], manifest: String, directory: String, executable: String, logs: String) -> String {
        var lines = [
            "#!/bin/bash",
            "# A Duet sweep as a Slurm job array, written by duet sweep --emit slurm. Submit it with: sbatch <this file>",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=\(Self.arraySpecification(tasks))%\(max(1, min(maxRunning, tasks.count)))",
            "#SBATCH --time=\(time)",
            "#SBATCH --mem=\(memory)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(cpusPerTask)",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account { lines.append("#SBATCH --account=\(account)") }
        lines += [
            "#SBATCH --chdir=\(directory)",
            "#SBATCH --output=\(logs)/%A_%a.out",
            "#SBATCH --error=\(logs)/%A_%a.err",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
        ]
        if let requeueBefore { lines.append("#SBATCH --signal=B:USR1@\(requeueBefore)") }
        let comment = "# Trains run $SLURM_ARRAY_TASK_ID, resumes it from its checkpoint after a preemption, or skips it when finished."
        let task = SweepManifest.command([executable, "sweep", "--manifest", manifest, "--task"])
            + " \"$SLURM_ARRAY_TASK_ID\""
        guard let requeueBefore else {
            return (lines + ["set -euo pipefail", "export OPENBLAS_NUM_THREADS=1", comment, "exec " + task])
                .joined(separator: "\n") + "\n"
        }
        lines += [
            "# SIGUSR1 comes \(requeueBefore) s before the time limit (Slurm may send it up to a minute early): stop the",
            "# run (it checkpoints), then requeue this task, which resumes it. SIGTERM (preemption, scancel, the limit",
            "# itself) reaches the run from Slurm directly, and a second one would stop it before its checkpoint is",
            "# complete, so the script only waits on. The traps come first, before anything the signal could interrupt.",
            "requeue=0",
            "trap 'requeue=1; kill -TERM \"${run:-}\" 2>/dev/null || true' USR1",
            "trap ':' TERM",
            "set -euo pipefail",
            "export OPENBLAS_NUM_THREADS=1",
            comment,
            task + " &",
            "run=$!",
            "if [ \"$requeue\" = 1 ]; then kill -TERM \"$run\" 2>/dev/null || true; fi  # signalled before it started",
            "status=0",
            "while :; do",
            "    wait \"$run\" && status=0 || status=$?",
            "    kill -0 \"$run\" 2>/dev/null || break  # wait returns early when a signal arrives",
            "done",
            "if [ \"$requeue\" = 1 ]; then",
            "    echo \"Run $SLURM_ARRAY_TASK_ID: stopped before the time limit; requeueing the task to resume it\"",
            "    trap 'exit 0' TERM",
            "    scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"",
            "    # The requeue ends this task (SIGTERM): wait for that (up to a minute) rather than exit first, which",
            "    # would race Slurm's own end of the task.",
            "    sleep 60 & wait $! || true",
            "    exit 0",
            "fi",
            "exit \"$status\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Indices as Slurm's array ranges: `[0, 1, 2, 5, 7, 8]` → `0-2,5,7-8`.
    public static func arraySpecification(_ tasks: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = tasks.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
