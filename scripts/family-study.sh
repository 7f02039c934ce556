#!/usr/bin/env bash
# The distillation-family ablation (README, "The distillation family"; issue 18): on Pendulum-v1, seeds 0-9 per
# arm, the Quickstart TD3 pair (experiments/quickstart.yaml) with
#   off             no distillation (distillation.enabled=false)
#   dpd             the paper: action matching weighted by exp(α·ξ)
#   relations       sample relations of the last hidden features (distances and angles, Huber)
#   layer-relations cosines between the projected hidden layers
#   smoothing       DPD with instance-specific smoothing, Beta(2, 1) amounts by the rank of ξ
#   teacher         teacher-student: one learner distilling from a TD3 teacher trained 20k steps (seed 100)
# and the SAC pair (experiments/family-sac.yaml) with off, dpd (action matching) and kl (the Gaussian KL,
# forward); then the same six TD3 arms on HalfCheetah-v5 (experiments/family-halfcheetah.yaml, teacher trained
# 30k steps). Every arm is summarised against `off` with paired statistics (same seeds, same initial weights).
#
#   scripts/family-study.sh [DUET] [OUT_DIR] [JOBS]     (defaults: .build/release/duet, runs/family, 2)
#
# Finished runs are skipped (their folders kept), so the script can be rerun after an interruption. The
# summaries and figures go to plots/family/.
set -euo pipefail
cd "$(dirname "$0")/.."

duet=${1:-.build/release/duet}
out=${2:-runs/family}
jobs=${3:-2}
export OPENBLAS_NUM_THREADS=1
mkdir -p "$out" plots/family

finished() { [ -f "$1/status.json" ] && grep -q '"finished"' "$1/status.json"; }
teacher=$out/teacher
cheetah_teacher=$out/halfcheetah-teacher
finished "$teacher" || "$duet" train experiments/quickstart.yaml --single --steps 20000 --seed 100 --out "$teacher" --overwrite
finished "$cheetah_teacher" || "$duet" train experiments/family-halfcheetah.yaml --single --steps 30000 --seed 100 \
    --out "$cheetah_teacher" --overwrite

# One line per run: the arguments of `duet train` after the file.
runs() {
    for seed in 0 1 2 3 4 5 6 7 8 9; do
        echo "experiments/quickstart.yaml td3/off/seed-$seed off $seed --set distillation.enabled=false"
        echo "experiments/quickstart.yaml td3/dpd/seed-$seed dpd $seed"
        echo "experiments/quickstart.yaml td3/relations/seed-$seed relations $seed --set distillation.objective=relations --set distillation.relations.features=hidden"
        echo "experiments/quickstart.yaml td3/layer-relations/seed-$seed layer-relations $seed --set distillation.objective=layer-relations"
        echo "experiments/quickstart.yaml td3/smoothing/seed-$seed smoothing $seed --set distillation.smoothing=2"
        echo "experiments/quickstart.yaml td3/teacher/seed-$seed teacher $seed --set distillation.teacher=$teacher"
        echo "experiments/family-sac.yaml sac/off/seed-$seed off $seed --set distillation.enabled=false"
        echo "experiments/family-sac.yaml sac/dpd/seed-$seed dpd $seed"
        echo "experiments/family-sac.yaml sac/kl/seed-$seed kl $seed --set distillation.objective=kl"
    done
    for seed in 0 1 2 3 4 5 6 7 8 9; do
        local file=experiments/family-halfcheetah.yaml
        echo "$file halfcheetah/off/seed-$seed off $seed --set distillation.enabled=false"
        echo "$file halfcheetah/dpd/seed-$seed dpd $seed"
        echo "$file halfcheetah/relations/seed-$seed relations $seed --set distillation.objective=relations --set distillation.relations.features=hidden"
        echo "$file halfcheetah/layer-relations/seed-$seed layer-relations $seed --set distillation.objective=layer-relations"
        echo "$file halfcheetah/smoothing/seed-$seed smoothing $seed --set distillation.smoothing=2"
        echo "$file halfcheetah/teacher/seed-$seed teacher $seed --set distillation.teacher=$cheetah_teacher"
    done
}

train_one() { # file folder arm seed overrides...
    local file=$1 folder=$out/$2 arm=$3 seed=$4
    shift 4
    if finished "$folder"; then return 0; fi
    "$duet" train "$file" --seed "$seed" --arm "$arm" --out "$folder" --overwrite "$@" > /dev/null
}
export -f train_one finished
export duet out
runs | xargs -P "$jobs" -L 1 bash -c 'train_one "$@"' _

for study in td3 sac halfcheetah; do
    title="Pendulum-v1, $study pair: the distillation family"
    [ $study = halfcheetah ] && title="HalfCheetah-v5, TD3 pair: the distillation family"
    "$duet" summarize "$out/$study" --baseline off --distillation-score > "plots/family/$study-summary.txt"
    "$duet" plot "$out/$study" -o "plots/family/$study-curves.svg" --overwrite --title "$title"
done
cat plots/family/td3-summary.txt plots/family/sac-summary.txt plots/family/halfcheetah-summary.txt
