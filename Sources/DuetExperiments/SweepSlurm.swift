/// A sweep as a Slurm job array (`duet sweep --emit slurm`): task i runs
/// `duet sweep --manifest manifest.tsv --task i`, which trains, resumes or skips run i as its folder says.
///
/// Preemption: the script asks for `--requeue`; Slurm sends SIGTERM to a preempted task's processes, and its
/// `duet train` checkpoints and records `stopped`; the requeued task resumes it from the checkpoint.
/// Time limits (as submitit does): with ``requeueBefore`` set, the script asks for `SIGUSR1` that many seconds
/// before the task's limit (`#SBATCH --signal=B:USR1@N`); on it the script stops the run the same way (SIGTERM:
/// checkpoint, `stopped`) and requeues its own task (`scontrol requeue`), which resumes the run, so a run longer
/// than the limit goes on in as many tasks as it needs. Output and error go to one file per task (`%A_%a`,
/// appended to across requeues). Written again after a failure, the array lists only the runs that have not
/// finished, so resubmitting reruns only those.
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
    /// still checkpoints on the SIGTERM of the limit, and resubmitting resumes it).
    public var requeueBefore: Int?

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
        lines += [
            "set -euo pipefail",
            "export OPENBLAS_NUM_THREADS=1",
            "# Trains run $SLURM_ARRAY_TASK_ID, resumes it from its checkpoint after a preemption, or skips it when finished.",
        ]
        let task = SweepManifest.command([executable, "sweep", "--manifest", manifest, "--task"])
            + " \"$SLURM_ARRAY_TASK_ID\""
        guard requeueBefore != nil else { return (lines + ["exec " + task]).joined(separator: "\n") + "\n" }
        lines += [
            "# SIGUSR1 comes \(requeueBefore ?? 0) s before the time limit: stop the run (it checkpoints), then requeue this task,",
            "# which resumes it. SIGTERM (preemption, scancel, the limit itself) reaches the run from Slurm directly, and",
            "# a second one would stop it before its checkpoint is complete, so the script only waits on.",
            "requeue=0",
            "trap 'requeue=1; kill -TERM \"${run:-}\" 2>/dev/null || true' USR1",
            "trap ':' TERM",
            task + " &",
            "run=$!",
            "status=0",
            "while :; do",
            "    wait \"$run\" && status=0 || status=$?",
            "    kill -0 \"$run\" 2>/dev/null || break  # wait returns early when a signal arrives",
            "done",
            "if [ \"$requeue\" = 1 ]; then",
            "    echo \"Run $SLURM_ARRAY_TASK_ID: stopped before the time limit; requeueing the task to resume it\"",
            "    scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"",
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
