internal import CBLAS

/// The OpenBLAS library the numeric core runs on: its thread count and the kernels it chose for this CPU.
///
/// RL-sized layers run fastest on one BLAS thread, with the two learners on the two cores (shared docs,
/// native-libraries.md); OpenBLAS also reads `OPENBLAS_NUM_THREADS` at start-up. Other targets go through this
/// type so that only DuetNumerics imports the BLAS module.
///
/// OpenBLAS picks its kernels when it loads, from the CPU model. A build that does not know the CPU falls back to
/// the generic `Prescott` (SSE3) kernels, which run `sgemm` 5 to 10 times slower; `OPENBLAS_CORETYPE=SkylakeX`
/// (AVX-512) or `Haswell` (AVX2) in the environment overrides the choice. ``coreName`` tells which one is in use.
public enum BLASRuntime {
    /// The current thread count (`openblas_get_num_threads`).
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the thread count for later calls (`openblas_set_num_threads`).
    /// - Precondition: `count` ≥ 1.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "BLAS needs at least one thread, got \(count)")
        openblas_set_num_threads(Int32(count))
    }

    /// Runs `body` with `count` BLAS threads and restores the previous count afterwards (benchmarks time one
    /// thread whatever the process was started with).
    /// - Precondition: `count` ≥ 1.
    public static func withThreadCount<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        let previous = threadCount
        setThreadCount(count)
        defer { setThreadCount(previous) }
        return try body()
    }

    /// The kernel family OpenBLAS chose, e.g. `Haswell`, `SkylakeX`, `Zen`, or `Prescott` for the slow fallback
    /// (`openblas_get_corename`).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64`
    /// (`openblas_get_config`).
    public static var configuration: String {
        guard let configuration = openblas_get_config() else { return "unknown" }
        return String(cString: configuration)
    }

    /// Whether OpenBLAS fell back to its generic kernels (see the type's discussion).
    public static var usesGenericKernels: Bool { coreName.lowercased() == "prescott" }
}
