#!/usr/bin/env bash
# Runs every benchmark recorded in BENCHMARKS.md, Duet side by side with its peers (Gymnasium, PyTorch, SB3) in
# one session on one machine. Needs a release build and `pip install -r envs/reference/requirements.txt torch
# stable-baselines3`. Prints raw lines; BENCHMARKS.md records them with the command that produced each.
# Run it on an otherwise idle machine: figures are medians, but a busy second core still slows OpenBLAS.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
duet=.build/release/duet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "## machine"
grep -m1 "model name" /proc/cpuinfo; nproc; date -u
OPENBLAS_VERBOSE=2 $duet demo --steps 1 2>&1 | grep Core | tail -1

echo "## numeric core"
$duet bench core --rounds 7

echo "## environments (Gymnasium and Duet in the same run)"
python3 envs/reference/speed.py --duet "$duet bench envs"

echo "## update steps (PyTorch and Duet)"
python3 scripts/reference/torch_updates.py --algorithm td3 --hidden 256,256 --batch 256 --observation 3 --action 1 --updates 2000
$duet bench update --algorithm td3 --hidden 256,256 --batch 256 --observation 3 --action 1 --updates 2000
python3 scripts/reference/torch_updates.py --algorithm ddpg --hidden 64,64 --layer-norm --batch 64 --observation 3 --action 1 --updates 5000
$duet bench update --algorithm ddpg --hidden 64,64 --layer-norm --batch 64 --observation 3 --action 1 --updates 5000

echo "## whole run: TD3 on Pendulum-v1, Zoo preset, 20k steps (SB3 and Duet)"
python3 scripts/reference/sb3_td3_pendulum.py --steps 20000
$duet train experiments/pendulum-td3.yaml --out "$scratch/td3" >/dev/null
echo "duet td3 Pendulum-v1 $(tr -d '\n ' < "$scratch/td3/timing.json")  final-eval $(tail -n 1 "$scratch/td3/learner0/evaluations.csv" | cut -d, -f3)"

echo "## dual run (two TD3 learners, lockstep) against one learner with the same steps"
$duet train experiments/pendulum-td3-pair.yaml --single --out "$scratch/single" >/dev/null
$duet train experiments/pendulum-td3-pair.yaml --out "$scratch/pair" >/dev/null
echo "single $(tr -d '\n ' < "$scratch/single/timing.json")"
echo "pair   $(tr -d '\n ' < "$scratch/pair/timing.json")"

echo "## distillation overhead (alternate schedule, one core: on versus off)"
$duet train experiments/pendulum-td3-pair.yaml --set distillation.schedule=alternate --no-distill --out "$scratch/off" >/dev/null
$duet train experiments/pendulum-td3-pair.yaml --set distillation.schedule=alternate --out "$scratch/on" >/dev/null
echo "off $(tr -d '\n ' < "$scratch/off/timing.json")"
echo "on  $(tr -d '\n ' < "$scratch/on/timing.json")"
