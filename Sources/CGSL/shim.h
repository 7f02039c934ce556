// GSL (Debian: libgsl-dev), for random number generation and distributions.
//
// gsl_randist.h pulls in GSL's own gsl_cblas.h, whose CBLAS_TRANSPOSE clashes with OpenBLAS's cblas.h when a
// program imports both modules. Include OpenBLAS's header first and mark GSL's as already included.
#include <cblas.h>
#define __GSL_CBLAS_H__ 1
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>

/// The Mersenne Twister generator type. GSL exposes it as a mutable C global, which Swift 6 rejects as not
/// concurrency-safe; this accessor returns the same pointer.
static inline const gsl_rng_type *duet_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
