#!/usr/bin/env bash
# The Quickstart's first command: installs what is missing, builds Duet in release, and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-dependencies.sh
swift build -c release
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
.build/release/duet quickstart "$@"
