#!/usr/bin/env bash
# Checks that a change of code changes no learning log: runs every preset in experiments/ with two `duet`
# binaries (say, the one built before a redesign and the one after), on short budgets and a few seeds, and
# compares every CSV byte for byte (and reports, without failing, run.json files that differ in more than their
# commit and version lines). A distillation.csv written before the `peer` column existed is compared with the new
# one without that column.
#
#   scripts/compare-binaries.sh OLD_DUET NEW_DUET [OUT_DIR]
#
# The budgets are cut so that every preset learns within seconds: 3000 steps, learning from step 500,
# evaluations every 1000 steps with 2 episodes, update logs every 500 steps, and for the alternate schedule
# turns of 500 steps. Pairs run with distillation on and off. Exits non-zero when any file differs.
set -euo pipefail
cd "$(dirname "$0")/.."

old=${1:?usage: scripts/compare-binaries.sh OLD_DUET NEW_DUET [OUT_DIR]}
new=${2:?usage: scripts/compare-binaries.sh OLD_DUET NEW_DUET [OUT_DIR]}
out=${3:-runs/compare-binaries}
seeds=${SEEDS:-"0 1"}
export OPENBLAS_NUM_THREADS=1

rm -rf "$out"
mkdir -p "$out"
status=0

short=(--steps 3000 --set training.learningStarts=500 --set evaluation.every=1000 --set evaluation.episodes=2
       --set training.updateLogInterval=500)

run_both() { # name, file, extra arguments...
    local name=$1 file=$2
    shift 2
    for seed in $seeds; do
        "$old" train "$file" --seed "$seed" --out "$out/old/$name/seed-$seed" "${short[@]}" "$@" \
            >/dev/null 2>"$out/old-error" &
        local old_job=$!
        "$new" train "$file" --seed "$seed" --out "$out/new/$name/seed-$seed" "${short[@]}" "$@" \
            >/dev/null 2>"$out/new-error" &
        local new_job=$!
        local old_status=0 new_status=0
        wait $old_job || old_status=$?
        wait $new_job || new_status=$?
        if [ $old_status -ne 0 ] && [ $new_status -eq 0 ]; then
            # A file the old binary does not understand (a feature the change adds): nothing to compare.
            echo "skipped $name: the old binary cannot run it ($(head -1 "$out/old-error"))"
            rm -rf "$out/old/$name" "$out/new/$name"
            return
        elif [ $new_status -ne 0 ]; then
            echo "failed: the new binary on $name seed $seed: $(head -1 "$out/new-error")"
            status=1
        fi
    done
}

for file in experiments/*.yaml experiments/smoke/*.yaml; do
    name=$(basename "$file" .yaml)
    teacher=$(sed -n 's/^ *teacher: *\([^ #]*\).*/\1/p' "$file")
    if [ -n "$teacher" ] && [ ! -f "$teacher/status.json" ]; then
        # A teacher-student file needs its trained teacher (see the file): nothing to run without it.
        echo "skipped $name: its teacher $teacher is not trained here"
        continue
    fi
    if grep -q '^distillation:' "$file"; then
        pair=(--set distillation.alternationSteps=500)
        run_both "$name-on" "$file" "${pair[@]}" --distill
        run_both "$name-off" "$file" "${pair[@]}" --no-distill
    else
        run_both "$name" "$file"
    fi
done

compared=0
while IFS= read -r path; do
    relative=${path#"$out/old/"}
    counterpart="$out/new/$relative"
    compared=$((compared + 1))
    if [[ $path == */run.json ]]; then
        # The run's metadata may change format on purpose; it is reported, the learning logs decide.
        if ! cmp -s <(grep -v -E '"(gitCommit|duetVersion)"' "$path") \
                    <(grep -v -E '"(gitCommit|duetVersion)"' "$counterpart" 2>/dev/null); then
            echo "run.json differs (metadata, not a learning log): $relative"
        fi
    elif [[ $path == */distillation.csv ]] && ! head -1 "$path" | grep -q ',peer,' \
            && head -1 "$counterpart" 2>/dev/null | grep -q '^step,learner,peer,'; then
        # distillation.csv gained its `peer` column (the k-peer trainer); compare everything else.
        if ! cmp -s "$path" <(cut -d, -f1-2,4- "$counterpart"); then
            echo "differs: $relative"
            status=1
        fi
    elif ! cmp -s "$path" "$counterpart"; then
        echo "differs: $relative"
        status=1
    fi
done < <(find "$out/old" -type f \( -name '*.csv' -o -name 'run.json' \) | sort)

new_only=$(cd "$out/new" && find . -type f -name '*.csv' | sort | while read -r f; do
    [ -e "../old/$f" ] || echo "$f"; done)
if [ -n "$new_only" ]; then
    echo "only in the new binary's runs:"; echo "$new_only"
    status=1
fi
echo "compared $compared files: $([ $status -eq 0 ] && echo 'all identical' || echo 'some differ')"
exit $status
