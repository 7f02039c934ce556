import CGSL

/// One-time set-up of the GSL runtime.
///
/// GSL's default error handler aborts the process (for example on `gsl_rng_uniform_int(r, 0)`). Duet turns it
/// off before the first GSL call and checks inputs itself, so a bad value becomes a Swift precondition or error
/// with context rather than an abort without one.
enum GSLRuntime {
    /// Turns GSL's abort-on-error handler off, once per process; cheap to call again.
    static func prepare() { _ = handlerIsOff }

    private static let handlerIsOff: Bool = {
        gsl_set_error_handler_off()
        return true
    }()
}
