import DuetNumerics
import Foundation

/// One OpenBLAS thread per learner unless the user asks for more.
///
/// OpenBLAS starts one thread per core by default, and its threaded products split the work in a way that can
/// round differently from one thread: a run's logs then depend on whether `OPENBLAS_NUM_THREADS` was set (an
/// a TD3 run with 256-wide layers logs other losses and returns with OpenBLAS's default two threads than with one
/// on the 2-core machine). A `lockstep` pair also runs one learner per core, so BLAS threads would only contend.
/// So when none of `OPENBLAS_NUM_THREADS`, `GOTO_NUM_THREADS` and `OMP_NUM_THREADS` is set, `duet` uses one
/// thread and sets `OPENBLAS_NUM_THREADS=1` for the runs it starts (sweeps, ablations); a value you set is
/// respected.
enum BLASThreads {
    /// The variables OpenBLAS reads its thread count from, in its own order of precedence.
    static let variables = ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"]

    /// Whether `environment` sets a thread count, so that `duet` keeps OpenBLAS's choice.
    static func isChosen(in environment: [String: String]) -> Bool {
        variables.contains { environment[$0] != nil }
    }

    /// Pins one thread when the environment does not choose.
    static func useOneUnlessChosen() {
        guard !isChosen(in: ProcessInfo.processInfo.environment) else { return }
        setenv("OPENBLAS_NUM_THREADS", "1", 1)  // for the runs this process starts
        BLASRuntime.setThreadCount(1)
    }
}
