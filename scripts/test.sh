#!/usr/bin/env bash
# The Quickstart's second command: the whole test suite, in release (tests that train need optimised code),
# with one BLAS thread so that results are reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-dependencies.sh
export OPENBLAS_NUM_THREADS=1
# XCTest only: the suite has no Swift Testing tests, whose runner would close on "0 tests" after XCTest's summary.
swift test -c release --disable-swift-testing "$@"
