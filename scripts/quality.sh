#!/usr/bin/env bash
# Trains the quality presets over five seeds each, two runs at a time, into runs/quality/<experiment>/seed-<n>,
# then prints each run's final deterministic evaluation (mean return over 10 episodes) and each preset's median.
# BENCHMARKS.md records the figures. Usage: scripts/quality.sh [experiment ...]
# (default: pendulum-td3 pendulum-ddpg pendulum-sac mountaincar-sac; mountaincar-td3, 300k updates of 400-300
# networks at 119 updates/s, takes about 45 minutes a seed on an idle core, so run it on its own).
# DUET=path runs another duet binary (for instance a copy, so that rebuilding does not disturb long runs).
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
experiments=("$@")
if [ ${#experiments[@]} -eq 0 ]; then experiments=(pendulum-td3 pendulum-ddpg pendulum-sac mountaincar-sac); fi
for experiment in "${experiments[@]}"; do for seed in 0 1 2 3 4; do echo "$experiment $seed"; done; done |
    xargs -P 2 -n 2 sh -c '"${DUET:-.build/release/duet}" train experiments/$0.yaml --seed $1 --out runs/quality/$0/seed-$1 >/dev/null'
for experiment in "${experiments[@]}"; do
    finals=$(for seed in 0 1 2 3 4; do tail -n 1 "runs/quality/$experiment/seed-$seed/learner0/evaluations.csv" | cut -d, -f3; done)
    median=$(printf '%s\n' $finals | sort -g | sed -n 3p)
    echo "$experiment: final returns $(printf '%.1f ' $finals)  median $(printf '%.1f' "$median")"
done
