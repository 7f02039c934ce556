import Foundation
import Synchronization

/// SIGINT and SIGTERM received so far (a signal handler may only touch lock-free state).
private let stopSignalCount = Atomic<Int>(0)

/// Stops a training run cleanly on SIGINT or SIGTERM: the first signal asks the trainer to stop after the
/// current step, write a checkpoint and record `stopped` (so `duet resume` continues the run); a second signal
/// stops the process at once (exit status 130), which a checkpointed run also survives.
enum StopSignals {
    /// Installs the handlers.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in
            let count = stopSignalCount.add(1, ordering: .relaxed).newValue
            if count >= 2 { _exit(130) }
            let message = "\nStopping after this step (writing a checkpoint); signal again to stop at once.\n"
            message.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    /// Whether a stop was asked for.
    @Sendable static func requested() -> Bool { stopSignalCount.load(ordering: .relaxed) > 0 }
}
