#!/usr/bin/env bash
# TD3 learning curves on the MuJoCo tasks (issues 12 and 17; README, "MuJoCo tasks: learning curves"):
# 5 seeds per task with the Zoo's MuJoCo TD3 settings, one `duet sweep` per task, then a summary and a figure
# per task in plots/mujoco/.
#
#   scripts/mujoco-curves.sh [DUET] [OUT_DIR] [JOBS] [TASK ...]
#       defaults: .build/release/duet, runs/mujoco-td3, 2, and all four tasks: InvertedPendulum-v5 (100k steps,
#       experiments/invertedpendulum-td3.yaml), Reacher-v5 (50k, reacher-td3.yaml), InvertedDoublePendulum-v5
#       (300k, inverteddoublependulum-td3.yaml), Swimmer-v5 (1M, γ 0.9999, swimmer-td3.yaml); the locomotion
#       tasks run only when named: Hopper-v5 and Walker2d-v5 (300k, hopper-td3.yaml, walker2d-td3.yaml),
#       HalfCheetah-v5 (1M, evaluated every 10k so its 300k point is in the same runs; halfcheetah-td3.yaml)
#
# A sweep skips finished runs and resumes unfinished ones from their checkpoints, so the script continues where
# an interrupted session left it (100k steps of TD3 take about 27 minutes of one core here).
set -euo pipefail
cd "$(dirname "$0")/.."

duet=${1:-.build/release/duet}
out=${2:-runs/mujoco-td3}
jobs=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(InvertedPendulum-v5 Reacher-v5 InvertedDoublePendulum-v5 Swimmer-v5)
export OPENBLAS_NUM_THREADS=1
mkdir -p "$out" plots/mujoco

file_of() {
    case "$1" in
        InvertedPendulum-v5) echo experiments/invertedpendulum-td3.yaml ;;
        Reacher-v5) echo experiments/reacher-td3.yaml ;;
        InvertedDoublePendulum-v5) echo experiments/inverteddoublependulum-td3.yaml ;;
        Swimmer-v5) echo experiments/swimmer-td3.yaml ;;
        Hopper-v5) echo experiments/hopper-td3.yaml ;;
        HalfCheetah-v5) echo experiments/halfcheetah-td3.yaml ;;
        Walker2d-v5) echo experiments/walker2d-td3.yaml ;;
        *) echo "mujoco-curves: no experiment file for $1" >&2; exit 2 ;;
    esac
}

for task in "${tasks[@]}"; do
    "$duet" sweep "$(file_of "$task")" --seeds 0-4 --out "$out/$task" --jobs "$jobs"
    "$duet" summarize "$out/$task" > "plots/mujoco/$task-td3-summary.txt"
    "$duet" plot "$out/$task" -o "plots/mujoco/$task-td3-curves.svg" --overwrite \
        --title "$task, TD3 (Zoo MuJoCo settings), 5 seeds"
done
