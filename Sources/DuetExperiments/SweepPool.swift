import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs commands as child processes, at most `workers` at a time, starting the next as soon as any ends.
///
/// Each child gets its own process group, so a Ctrl-C in the terminal reaches only the pool, which passes each
/// stop request on to every running child as one SIGTERM (a `duet train` then checkpoints and records
/// `stopped`; a second request stops it at once) and starts nothing more. Children inherit the environment,
/// with `OPENBLAS_NUM_THREADS=1` unless set; their standard output is discarded and the last line of their
/// standard error kept (their one-line error, when they fail).
public enum SweepPool {
    /// One command: its position in the caller's list and its arguments (after the executable's name).
    public struct Job: Sendable {
        /// The caller's index of the command.
        public var index: Int
        /// The arguments.
        public var arguments: [String]

        /// A job from values.
        public init(index: Int, arguments: [String]) {
            self.index = index
            self.arguments = arguments
        }
    }

    /// How one child process ended.
    public struct Outcome: Sendable {
        /// The job's index.
        public var index: Int
        /// The exit status, or 128 + the signal's number for a child killed by a signal.
        public var status: Int32
        /// The last line the child wrote to standard error.
        public var lastErrorLine: String
        /// The child's wall-clock duration in seconds (for the time estimate only; never written to a log).
        public var seconds: Double
    }

    /// Runs `jobs` with at most `workers` at once; calls `report` with each outcome as the child ends, and the
    /// number still running, and returns the outcomes in the order the children ended. After a stop request
    /// (`stopRequests` counts them) the jobs not yet started are left out.
    public static func run(executable: String, jobs: [Job], workers: Int, stopRequests: () -> Int,
                           report: (Outcome, _ running: Int) -> Void) throws -> [Outcome] {
        setenv("OPENBLAS_NUM_THREADS", "1", 0)
        var running: [pid_t: (job: Job, errorFile: String, start: Date)] = [:]
        var outcomes: [Outcome] = []
        var next = 0
        var forwarded = 0
        while (forwarded == 0 && next < jobs.count) || !running.isEmpty {
            while forwarded == 0, running.count < max(1, workers), next < jobs.count {
                let errorFile = FileManager.default.temporaryDirectory
                    .appendingPathComponent("duet-sweep-\(getpid())-\(jobs[next].index).err").path
                let pid = try spawn(executable, jobs[next].arguments, errorFile: errorFile)
                running[pid] = (jobs[next], errorFile, Date())
                next += 1
            }
            let requests = stopRequests()
            if requests > forwarded {
                for pid in running.keys.sorted() { kill(pid, SIGTERM) }
                forwarded = requests
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid == 0 || (pid == -1 && errno == EINTR) {
                // Polling keeps a stop request from waiting for the next child to end.
                usleep(50_000)
                continue
            }
            guard pid > 0, let entry = running.removeValue(forKey: pid) else { continue }
            let signal = status & 0x7f
            let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            let text = (try? String(contentsOfFile: entry.errorFile, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: entry.errorFile)
            let lastLine = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            let outcome = Outcome(index: entry.job.index, status: code, lastErrorLine: lastLine,
                                  seconds: Date().timeIntervalSince(entry.start))
            outcomes.append(outcome)
            // Counted as running: the children left and those about to start in the freed places.
            let starting = forwarded == 0 ? min(max(1, workers) - running.count, jobs.count - next) : 0
            report(outcome, running.count + starting)
        }
        return outcomes
    }

    /// Starts `executable` with `arguments` in its own process group, standard output to /dev/null and
    /// standard error to `errorFile`.
    private static func spawn(_ executable: String, _ arguments: [String], errorFile: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = (argv + [nil]).withUnsafeBufferPointer { buffer -> Int32 in
            guard let arguments = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, executable, &actions, &attributes, arguments, environ)
        }
        guard result == 0 else {
            throw SweepError.cannotStart(path: executable, reason: String(cString: strerror(result)))
        }
        return pid
    }
}
