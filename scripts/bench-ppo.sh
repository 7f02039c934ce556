#!/usr/bin/env bash
# Whole-run PPO speed against Stable-Baselines3, side by side in one sitting: Duet and SB3 alternate, ROUNDS
# times, on Pendulum-v1 with SB3's defaults (one environment, 100k steps) and with the Zoo's preset
# (experiments/pendulum-ppo.yaml: 4 copies, gSDE, 100k steps), and the medians of the steps-per-second figures and
# of their ratios are printed. Duet evaluates once at the end (SB3's learn() does not evaluate), so both figures
# are training alone. Needs a release build and torch, gymnasium and stable-baselines3 from PyPI.
#
#   scripts/bench-ppo.sh [DUET] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
duet=${1:-.build/release/duet}
rounds=${2:-3}
export OPENBLAS_NUM_THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/defaults.yaml" <<'YAML'
env: Pendulum-v1
steps: 100000
evaluation: {every: 100000, episodes: 1}
training: {updateLogInterval: 2048}
learner: {algorithm: ppo}
YAML
lscpu | grep -m1 "Model name" || true
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for preset in pendulum-defaults pendulum; do
    file=$work/defaults.yaml
    [ "$preset" = pendulum ] && file=experiments/pendulum-ppo.yaml
    : > "$work/$preset.ratios"; : > "$work/$preset.duet"; : > "$work/$preset.sb3"
    for round in $(seq 1 "$rounds"); do
        rm -rf "$work/run"
        "$duet" train "$file" --seed "$round" --out "$work/run" --set evaluation.every=100000 \
            --set evaluation.episodes=1 > /dev/null
        duet_rate=$(python3 -c "import json; print(json.load(open('$work/run/timing.json'))['stepsPerSecond'])")
        sb3_rate=$(python3 scripts/reference/sb3_ppo.py --preset "$preset" --seed "$round" 2>/dev/null \
            | awk '/^sb3/ { for (i = 1; i <= NF; i++) if ($i == "steps/s") print $(i + 1) }')
        echo "$preset round $round: duet $duet_rate steps/s, sb3 $sb3_rate steps/s"
        echo "$duet_rate" >> "$work/$preset.duet"
        echo "$sb3_rate" >> "$work/$preset.sb3"
        python3 -c "print($duet_rate / $sb3_rate)" >> "$work/$preset.ratios"
    done
    echo "$preset: median duet $(median < "$work/$preset.duet") steps/s, sb3 $(median < "$work/$preset.sb3") steps/s," \
        "median ratio $(median < "$work/$preset.ratios")"
done
