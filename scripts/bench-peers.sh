#!/usr/bin/env bash
# Wall time of k peers against one learner, and the distillation overhead per update, for one or two `duet`
# binaries side by side (BENCHMARKS.md, "The k-peer trainer"). Every run is a real `duet train`; the figures are
# the `elapsedSeconds` of each run's timing.json, printed as a table.
#
#   scripts/bench-peers.sh NEW_DUET [OLD_DUET] [ROUNDS]
#
# Per round, in this order (old and new interleaved so that drift of the machine hits both alike):
#   single   experiments/pendulum-td3-pair.yaml --single              one TD3 learner, Zoo settings, 20k steps
#   pair     experiments/pendulum-td3-pair.yaml                       two peers, lockstep, distillation on
#   off      experiments/pendulum-td3-pair.yaml --no-distill          two peers, lockstep, distillation off
#   three    experiments/pendulum-td3-three-peers.yaml                three peers, lockstep (new binary only)
#   alt-on / alt-off  the pair in the alternate schedule, learning from step 1000 over 3000 steps, for the cost of a
#            distillation step: (alt-on − alt-off) / distillation steps taken
set -euo pipefail
cd "$(dirname "$0")/.."

new=${1:?usage: scripts/bench-peers.sh NEW_DUET [OLD_DUET] [ROUNDS]}
old=${2:-}
rounds=${3:-1}
out=runs/bench-peers
export OPENBLAS_NUM_THREADS=1
rm -rf "$out"
mkdir -p "$out"

seconds() { python3 -c 'import json,sys; print("%.1f" % json.load(open(sys.argv[1]))["elapsedSeconds"])' "$1/timing.json"; }

run() { # label binary arguments...
    local label=$1 binary=$2
    shift 2
    local folder="$out/$label"
    "$binary" train "$@" --out "$folder" >/dev/null 2>&1
    printf '%-22s %8s s\n' "$label" "$(seconds "$folder")"
}

pair=experiments/pendulum-td3-pair.yaml
alternate=(--set distillation.schedule=alternate --set training.learningStarts=1000 --steps 3000)
lscpu | grep 'Model name' | sed 's/  */ /g'
for round in $(seq 1 "$rounds"); do
    for side in old new; do
        binary=${!side}
        [ -n "$binary" ] || continue
        run "$side-single-$round" "$binary" "$pair" --single
        run "$side-pair-$round" "$binary" "$pair"
        run "$side-off-$round" "$binary" "$pair" --no-distill
        run "$side-alt-on-$round" "$binary" "$pair" "${alternate[@]}"
        run "$side-alt-off-$round" "$binary" "$pair" "${alternate[@]}" --no-distill
    done
    run "new-three-$round" "$new" experiments/pendulum-td3-three-peers.yaml
done

# Distillation steps taken in an alt-on run: one per RL update (every: 1), except learner 0's updates in its
# first turn (2000 steps), when learner 1's buffer is still empty.
python3 - "$out" <<'PY'
import csv, glob, json, os, sys
out = sys.argv[1]
for folder in sorted(glob.glob(os.path.join(out, "*-alt-on-*"))):
    off = folder.replace("-alt-on-", "-alt-off-")
    updates, first_turn = 0, 0
    for learner in (0, 1):
        for row in csv.DictReader(open(os.path.join(folder, f"learner{learner}", "updates.csv"))):
            updates += int(row["updates"])
            if learner == 0 and int(row["step"]) <= 2000:
                first_turn += int(row["updates"])
    seconds = lambda f: json.load(open(os.path.join(f, "timing.json")))["elapsedSeconds"]
    steps = updates - first_turn
    extra = seconds(folder) - seconds(off)
    print(f"{os.path.basename(folder)}: {updates} RL updates, {steps} distillation steps, "
          f"on − off = {extra:.1f} s, {1000 * extra / steps:.3f} ms per distillation step, "
          f"off: {1000 * seconds(off) / updates:.3f} ms per RL update (with its share of acting)")
PY
