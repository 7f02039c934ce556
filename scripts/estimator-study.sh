#!/usr/bin/env bash
# The disadvantage-estimator study (README, "Disadvantage estimators"): the Quickstart pair (two TD3 peers on
# Pendulum-v1, experiments/quickstart.yaml) under each value estimate of ξ (own-action, own-critic, min-critics)
# and each schedule (alternate, lockstep), distillation on and off, seeds 0-9; then a summary with paired
# statistics and a figure of the fraction of disadvantageous states per learner for each combination.
#
#   scripts/estimator-study.sh [DUET] [OUT_DIR]     (defaults: .build/release/duet, runs/estimators)
#
# Finished runs are skipped and unfinished ones resumed, so the script can be rerun after an interruption.
# Figures and summaries are copied to plots/estimators/.
set -euo pipefail
cd "$(dirname "$0")/.."

duet=${1:-.build/release/duet}
out=${2:-runs/estimators}
export OPENBLAS_NUM_THREADS=1
mkdir -p plots/estimators

for schedule in alternate lockstep; do
    for estimate in own-action own-critic min-critics; do
        name=$estimate-$schedule
        "$duet" ablate experiments/quickstart.yaml --seeds 0-9 --out "$out/$name" \
            --set distillation.valueEstimate=$estimate --set distillation.schedule=$schedule
        "$duet" summarize "$out/$name" > "plots/estimators/$name.txt"
        "$duet" plot "$out/$name" --distillation --quantity fraction_disadvantageous \
            --title "ξ > 0 fraction: $estimate, $schedule" -o "plots/estimators/$name-fraction.svg"
    done
done
