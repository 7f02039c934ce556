import Foundation

/// Failures on purpose, for the crash-safety tests: the `DUET_FAULT` environment variable names points at
/// which a run kills itself or fails, as a killed job, a full disk or a power cut would.
///
/// `DUET_FAULT` is a comma-separated list of `point=N`:
/// - `kill-at-step=N`: `SIGKILL` right after the trainer's N-th environment step (over all peers), before any
///   checkpoint due at that step;
/// - `kill-during-checkpoint=N`: `SIGKILL` halfway through writing the N-th checkpoint file;
/// - `fail-log-write=N`: the N-th row written to any CSV log fails as a full disk does (`ENOSPC`);
/// - `fail-checkpoint-write=N`: writing the N-th checkpoint fails as a full disk does.
///
/// Without the variable (every normal run) each hook is one dictionary lookup on an empty plan.
enum FaultInjection {
    /// A failure injected by `DUET_FAULT`.
    struct InjectedFailure: Error, CustomStringConvertible {
        /// What the failure stands for.
        let reason: String
        var description: String { reason }
    }

    /// Called after each trainer step with the steps taken over all peers.
    static func afterStep(totalSteps: Int) {
        if state.plan["kill-at-step"] == totalSteps { killNow() }
    }

    /// Called before each CSV row is written.
    static func beforeLogWrite(_ url: URL) throws {
        guard let target = state.plan["fail-log-write"] else { return }
        if state.count("fail-log-write") == target {
            throw InjectedFailure(reason: "No space left on device (ENOSPC): the disk is full (injected by DUET_FAULT)")
        }
    }

    /// Called when a checkpoint file is about to be written; returns the checkpoint's ordinal in this process.
    static func beforeCheckpointWrite() throws -> Int {
        let ordinal = state.count("checkpoint")
        if state.plan["fail-checkpoint-write"] == ordinal {
            throw InjectedFailure(reason: "No space left on device (ENOSPC): the disk is full (injected by DUET_FAULT)")
        }
        return ordinal
    }

    /// Whether the checkpoint with `ordinal` must be cut halfway by a kill.
    static func killsDuringCheckpoint(_ ordinal: Int) -> Bool { state.plan["kill-during-checkpoint"] == ordinal }

    /// Ends the process at once, as `kill -9` does.
    static func killNow() -> Never {
        kill(getpid(), SIGKILL)
        while true { pause() }
    }

    private static let state = FaultState(text: ProcessInfo.processInfo.environment["DUET_FAULT"] ?? "")
}

/// The parsed `DUET_FAULT` plan and the counters of the points passed so far.
private final class FaultState: @unchecked Sendable {
    let plan: [String: Int]
    private var counters: [String: Int] = [:]
    private let lock = NSLock()

    init(text: String) {
        var plan: [String: Int] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Int(parts[1]) { plan[String(parts[0])] = value }
        }
        self.plan = plan
    }

    /// Increments and returns the counter of `point` (1 the first time).
    func count(_ point: String) -> Int {
        lock.withLock {
            counters[point, default: 0] += 1
            return counters[point]!
        }
    }
}
