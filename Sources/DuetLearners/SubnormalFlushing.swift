#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Flush-to-zero for the duration of a learner update, restored afterwards.
///
/// Adam's moments of a parameter whose gradient is exactly zero (the incoming weights of a dead ReLU unit, say)
/// decay geometrically, m ← 0.9·m, and within a few hundred updates reach the subnormal range below 1.2·10⁻³⁸.
/// On x86 every arithmetic operation on a subnormal Float takes a microcode assist of about a hundred cycles,
/// which doubled the time of a whole 256-256 TD3 update in our measurements. Setting the SSE control register's
/// flush-to-zero (FTZ) and denormals-are-zero (DAZ) bits makes such values 0, which changes no result that
/// matters (they are below any learning rate's resolution), and the update runs at full speed.
///
/// The previous floating-point environment is restored when the update ends, so environment physics and
/// everything else in the thread keep IEEE subnormals. On other architectures this does nothing.
struct SubnormalFlushing {
    #if arch(x86_64) && canImport(Glibc)
    /// The environment to restore.
    private var saved = fenv_t()
    #endif

    /// Saves the current floating-point environment and turns on FTZ and DAZ.
    init() {
        #if arch(x86_64) && canImport(Glibc)
        fegetenv(&saved)
        var flushing = saved
        flushing.__mxcsr |= 0x8040  // FTZ (bit 15) | DAZ (bit 6)
        fesetenv(&flushing)
        #endif
    }

    /// Restores the saved floating-point environment.
    func end() {
        #if arch(x86_64) && canImport(Glibc)
        var environment = saved
        fesetenv(&environment)
        #endif
    }
}
