#!/usr/bin/env bash
# TD3 learning curves on the MuJoCo tasks (issues 12 and 17; README, "MuJoCo tasks: learning curves"):
# 5 seeds per task with the Zoo's MuJoCo TD3 settings, one `duet sweep` per task, then a summary and a figure
# per task in plots/mujoco/.
#
#   scripts/mujoco-curves.sh [DUET] [OUT_DIR] [JOBS] [TASK ...]
#       defaults: .build/release/duet, runs/mujoco-td3, 2, and all four tasks: InvertedPendulum-v5 (100k steps,
#       experiments/invertedpendulum-td3.yaml), Reacher-v5 (50k, reacher-td3.yaml), InvertedDoublePendulum-v5
#       (300k, inverteddoublependulum-td3.yaml), Swimmer-v5 (300k, γ 0.9999, swimmer-td3.yaml); the locomotion
#       tasks run only when named: Hopper-v5 and Walker2d-v5 (300k, hopper-td3.yaml, walker2d-td3.yaml),
#       HalfCheetah-v5 (1M, evaluated every 10k so its 300k point is in the same runs; halfcheetah-td3.yaml)
#
# A sweep skips finished runs and resumes unfinished ones from their checkpoints, so the script continues where
# an interrupted session left it (100k steps of TD3 take about 27 minutes of one core here).
#
# Finished seeds are kept in git, so that a study longer than one machine's life still adds up: each finished
# run's record goes to plots/mujoco/logs/<task>/seed-<n>/ (run.json, status.json, timing.json,
# learner0/evaluations.csv, machine.txt: the CPU it ran on and when it was recorded, and learner0/evaluate-final.csv
# and .txt: its final policy played for 10 episodes, with the forward speed on the tasks that move forward, listed
# per seed in plots/mujoco/<task>-td3-final-policies.txt, since policies are not kept). A seed is recorded within a
# minute of finishing, while the sweep's other seeds run on (a long sweep can outlive the session that finished
# its first seeds), and the records then want committing. On a fresh machine the
# script first puts those records back into OUT_DIR, where the sweep finds them finished and skips them; the
# summary and the figure are made from the records, with as many seeds as have finished (the figure's title
# says how many).
set -euo pipefail
cd "$(dirname "$0")/.."

duet=${1:-.build/release/duet}
out=${2:-runs/mujoco-td3}
jobs=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(InvertedPendulum-v5 Reacher-v5 InvertedDoublePendulum-v5 Swimmer-v5)
export OPENBLAS_NUM_THREADS=1
records=plots/mujoco/logs
mkdir -p "$out" "$records"

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

# The files of a run folder that make up its record (what `duet summarize` and `duet plot` read, and the status
# that tells the sweep the run is finished).
record_files() {
    local run=$1
    (cd "$run" && ls run.json status.json timing.json learner*/evaluations.csv 2>/dev/null)
}

# Puts the recorded seeds of a task back into its sweep folder (those not there already).
restore_records() {
    local data=$1 runs=$2 seed dest
    for seed in "$data"/seed-*; do
        [ -d "$seed" ] || continue
        dest=$(realpath -m "$runs/$(basename "$seed")")
        [ -e "$dest" ] && continue
        mkdir -p "$dest"
        record_files "$seed" | (cd "$seed" && xargs cp --parents -t "$dest")
        echo "mujoco-curves: $dest restored from $seed (finished on another machine)"
    done
}

# Records every finished run of a task's sweep folder that is not recorded yet.
record_finished() {
    local runs=$1 data=$2 run target partial
    for run in "$runs"/seed-*; do
        [ -f "$run/status.json" ] && grep -q '"state" *: *"finished"' "$run/status.json" || continue
        target="$data/$(basename "$run")"
        [ -d "$target" ] && continue
        # Written beside the task's folder (not matching seed-*), then renamed: an interrupted copy is never
        # taken for a record, and the next run starts it again.
        partial=$(realpath -m "$data/../.$(basename "$data")-$(basename "$run").partial")
        rm -rf "$partial"
        mkdir -p "$partial"
        record_files "$run" | (cd "$run" && xargs cp --parents -t "$partial")
        # The final policy played for 10 episodes: returns and, on the locomotion tasks and Swimmer, the learned
        # forward speed. Policies are not kept in git, so this is measured while the run folder is still here.
        "$duet" evaluate "$run" --episodes 10 --csv "$partial/learner0/evaluate-final.csv" \
            > "$partial/learner0/evaluate-final.txt" || echo "mujoco-curves: could not evaluate $run" >&2
        sed -i "s|$partial|$target|" "$partial/learner0/evaluate-final.txt"
        { echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
          echo "recorded: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; } > "$partial/machine.txt"
        mv "$partial" "$target"
        echo "mujoco-curves: recorded $run in $target"
    done
}

# One line per recorded seed whose final policy was evaluated when it was recorded: the mean return of its 10
# episodes and, where the task moves forward, the mean of their forward speeds (m/s).
final_policies() {
    local data=$1 file
    echo "Final policies, 10 deterministic episodes each (duet evaluate RUN --episodes 10), at recording time."
    for file in "$data"/seed-*/learner0/evaluate-final.csv; do
        [ -f "$file" ] || continue
        awk -F, -v seed="$(basename "$(dirname "$(dirname "$file")")")" '
            NR == 1 { for (i = 1; i <= NF; i++) if ($i == "forward_speed") column = i; next }
            { returns += $2; if (column) speeds += $column; n++ }
            END { printf "%s  return mean %.2f", seed, returns / n
                  if (column) printf "  forward speed mean %.3f m/s", speeds / n
                  printf "\n" }' "$file"
    done
}

for task in "${tasks[@]}"; do
    data="$records/$task"
    mkdir -p "$data"
    restore_records "$data" "$out/$task"
    status=0
    # Records seeds as they finish, once a minute, until the sweep is over; it stops at the flag file, between
    # two records, so that the last call below never races a record half made (and when this script is gone).
    stop="$out/$task/.stop-recording"
    mkdir -p "$out/$task"
    rm -f "$stop"
    ( until [ -e "$stop" ] || ! kill -0 $$ 2>/dev/null; do record_finished "$out/$task" "$data"; sleep "${RECORD_EVERY:-60}" & wait $!; done ) &
    recorder=$!
    "$duet" sweep "$(file_of "$task")" --seeds 0-4 --out "$out/$task" --jobs "$jobs" || status=$?
    touch "$stop"
    wait "$recorder" || true
    rm -f "$stop"
    record_finished "$out/$task" "$data"
    count=$(find "$data" -mindepth 1 -maxdepth 1 -name 'seed-*' -type d | wc -l)
    if [ "$count" -gt 0 ]; then
        "$duet" summarize "$data" > "plots/mujoco/$task-td3-summary.txt"
        seeds="5 seeds"; [ "$count" -eq 5 ] || seeds="$count of 5 seeds"
        "$duet" plot "$data" -o "plots/mujoco/$task-td3-curves.svg" --overwrite \
            --title "$task, TD3 (Zoo MuJoCo settings), $seeds"
        final_policies "$data" > "plots/mujoco/$task-td3-final-policies.txt"
    fi
    [ "$status" -eq 0 ] || exit "$status"
done
