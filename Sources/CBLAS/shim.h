// OpenBLAS's CBLAS interface (Debian: libopenblas-dev; the include path comes from `pkg-config openblas`).
// OpenBLAS's cblas.h also declares openblas_set_num_threads and openblas_get_num_threads.
#include <cblas.h>
