#!/usr/bin/env python3
"""Control steps per second of the MuJoCo tasks: MuJoCo's own C loop, raw `mj_step` in a Python loop, Gymnasium's
`env.step`, and Duet (`duet bench envs`), measured one after the other in the same session.

Usage (from the repository root, pinned versions of `envs/reference/requirements.txt`, a release build of duet):

    swift build -c release --product duet
    OPENBLAS_NUM_THREADS=1 python3 envs/reference/mujoco_speed.py --duet ".build/release/duet bench envs"
    # on a shared machine: alternate MuJoCo and Duet, and an older build as a baseline
    OPENBLAS_NUM_THREADS=1 nice -n 0 python3 envs/reference/mujoco_speed.py --rounds 3 --seconds 0.5 --repeats 5 \
        --duet "new/duet bench envs --rounds 3" --baseline "old/duet bench envs --rounds 3"

- C loop: `mujoco_loop.c`, compiled here with the system C compiler against the wheel's `libmujoco` and headers:
  `mj_step` one physics step per call, controls changed every frame-skip steps.
- Python loop: the same with `mujoco.mj_step(m, d)` per physics step, and with `mujoco.mj_step(m, d, frame_skip)`
  per control step.
- Gymnasium: `gymnasium.make(id)` (wrappers included), 4096 pre-generated float32 actions replayed cyclically,
  reset at each episode end: the loop `Sources/DuetBench/EnvironmentBenchmarks.swift` times for Duet.
Each figure is the median (and the fastest) of `--rounds` rounds of at least `--seconds`; physics rates are
divided by the frame skip to give control steps per second.

With `--repeats R` the whole comparison runs R times in turn (MuJoCo's four loops, then Duet, then again), so that
on a shared machine each Duet figure has MuJoCo figures taken just before it; the summary gives the median over
the repeats of each ratio (Duet ÷ MuJoCo measured side by side), which is steadier than a ratio of medians.
"""
import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import gymnasium as gym
import mujoco
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(os.path.dirname(HERE), "models")
TASKS = [("InvertedPendulum-v5", "inverted_pendulum.xml", 2), ("InvertedDoublePendulum-v5", "inverted_double_pendulum.xml", 5),
         ("Reacher-v5", "reacher.xml", 2), ("Swimmer-v5", "swimmer.xml", 4), ("Hopper-v5", "hopper.xml", 4),
         ("HalfCheetah-v5", "half_cheetah.xml", 5), ("Walker2d-v5", "walker2d_v5.xml", 4)]
ACTIONS = 4096


def rounds_of(block, rounds, seconds, block_steps):
    block()
    rates = []
    for _ in range(rounds):
        steps, start = 0, time.perf_counter()
        while True:
            block()
            steps += block_steps
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        rates.append(steps / elapsed)
    return statistics.median(rates), max(rates)


def python_loop(path, frame_skip, rounds, seconds, per_call):
    m = mujoco.MjModel.from_xml_path(path)
    d = mujoco.MjData(m)
    rng = np.random.default_rng(0)
    actions = rng.uniform(m.actuator_ctrlrange[:, 0], m.actuator_ctrlrange[:, 1], size=(ACTIONS, m.nu))
    state = {"index": 0}

    def block():
        index = state["index"]
        for _ in range(1000):
            d.ctrl[:] = actions[index % ACTIONS]
            index += 1
            if per_call:
                mujoco.mj_step(m, d, frame_skip)
            else:
                for _ in range(frame_skip):
                    mujoco.mj_step(m, d)
        state["index"] = index

    return rounds_of(block, rounds, seconds, 1000)  # control steps


def gymnasium_loop(identifier, rounds, seconds):
    env = gym.make(identifier)
    env.action_space.seed(0)
    actions = [np.asarray(env.action_space.sample(), dtype=np.float32) for _ in range(ACTIONS)]
    env.reset(seed=0)
    state = {"index": 0}

    def block():
        index = state["index"]
        for _ in range(1000):
            _, _, terminated, truncated, _ = env.step(actions[index % ACTIONS])
            if terminated or truncated:
                env.reset()
            index += 1
        state["index"] = index

    result = rounds_of(block, rounds, seconds, 1000)
    env.close()
    return result


def c_loop(binary, path, frame_skip, rounds, seconds):
    output = subprocess.run([binary, path, str(frame_skip), str(rounds), str(seconds)], check=True,
                            capture_output=True, text=True).stdout.split()
    rates = [float(v) / frame_skip for v in output]
    return statistics.median(rates), max(rates)


def build_c_loop(directory):
    package = os.path.dirname(mujoco.__file__)
    library = [f for f in os.listdir(package) if f.startswith("libmujoco.so")][0]
    binary = os.path.join(directory, "mujoco_loop")
    subprocess.run(["cc", "-O2", "-o", binary, os.path.join(HERE, "mujoco_loop.c"), "-I", os.path.join(package, "include"),
                    os.path.join(package, library), f"-Wl,-rpath,{package}"], check=True)
    return binary


def duet_rates(command):
    output = subprocess.run(shlex.split(command), check=True, capture_output=True, text=True).stdout
    rates = {}
    for line in output.splitlines():
        match = re.match(r"\s*\|?\s*environment\.step\.(\S+?)\s*\|?\s+.*?([0-9.]+(?:e[0-9]+)?)\s+steps/s", line)
        if match:
            rates[match.group(1)] = float(match.group(2))
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--duet", help="command printing Duet's environment benchmarks")
    parser.add_argument("--repeats", type=int, default=1, help="run MuJoCo then Duet this many times in turn")
    parser.add_argument("--baseline", help="a second Duet command (e.g. an older build), timed after --duet in each repeat")
    parser.add_argument("--only", help="comma-separated task identifiers to measure (default: all)")
    args = parser.parse_args()
    if args.only:
        TASKS[:] = [task for task in TASKS if task[0] in args.only.split(",")]
    print(f"mujoco {mujoco.__version__}, gymnasium {gym.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    ratios = {identifier: [] for identifier, _, _ in TASKS}
    baseline_ratios = {identifier: [] for identifier, _, _ in TASKS}
    with tempfile.TemporaryDirectory() as directory:
        binary = build_c_loop(directory)
        for repeat in range(args.repeats):
            if args.repeats > 1:
                print(f"\nrepeat {repeat + 1} of {args.repeats}")
            rows, duet, baseline = measure_once(binary, args)
            print_table(rows, duet)
            if baseline:
                print("baseline: " + ", ".join(f"{k} {v:,.0f}" for k, v in baseline.items() if k in ratios))
            for target, rates in ((ratios, duet), (baseline_ratios, baseline)):
                for identifier, c, python, per_call, gymnasium in rows:
                    if identifier in rates:
                        rate = rates[identifier]
                        target[identifier].append((rate / c[0], rate / python[0], rate / per_call[0], rate / gymnasium[0]))
    for name, table in (("Duet", ratios), ("baseline", baseline_ratios)):
        if not any(table.values()):
            continue
        print(f"\n{name}: median over {args.repeats} repeat(s) of its rate ÷ MuJoCo's, measured side by side")
        print(f"{'task':<26} {'÷ C loop':>9} {'÷ mj_step ×skip':>16} {'÷ mj_step(skip)':>16} {'÷ Gymnasium':>12}")
        for identifier, values in table.items():
            if values:
                medians = [statistics.median(v[k] for v in values) for k in range(4)]
                print(f"{identifier:<26} {medians[0]:>8.1f}× {medians[1]:>15.1f}× {medians[2]:>15.1f}× {medians[3]:>11.1f}×")


def measure_once(binary, args):
    """MuJoCo's four loops for every task, then Duet's command once (and the baseline command, if any)."""
    rows = []
    for identifier, file, frame_skip in TASKS:
        path = os.path.join(MODELS, file)
        rows.append((identifier, c_loop(binary, path, frame_skip, args.rounds, args.seconds),
                     python_loop(path, frame_skip, args.rounds, args.seconds, per_call=False),
                     python_loop(path, frame_skip, args.rounds, args.seconds, per_call=True),
                     gymnasium_loop(identifier, args.rounds, args.seconds)))
    duet = duet_rates(args.duet) if args.duet else {}
    baseline = duet_rates(args.baseline) if args.baseline else {}
    return rows, duet, baseline


def print_table(rows, duet):
    print("control steps per second, median of rounds (fastest in parentheses)")
    header = f"{'task':<26} {'MuJoCo C loop':>22} {'mj_step ×skip (Py)':>22} {'mj_step(skip) (Py)':>22} {'Gymnasium step':>20}"
    if duet:
        header += f" {'Duet':>10} {'Duet/C':>7} {'Duet/Py':>8} {'Duet/Gym':>9}"
    print(header)
    for identifier, c, python, per_call, gymnasium in rows:
        line = (f"{identifier:<26} {c[0]:>12,.0f} ({c[1]:>7,.0f}) {python[0]:>12,.0f} ({python[1]:>7,.0f})"
                f" {per_call[0]:>12,.0f} ({per_call[1]:>7,.0f}) {gymnasium[0]:>10,.0f} ({gymnasium[1]:>7,.0f})")
        if identifier in duet:
            rate = duet[identifier]
            line += f" {rate:>10,.0f} {rate / c[0]:>6.1f}× {rate / python[0]:>7.1f}× {rate / gymnasium[0]:>8.1f}×"
        print(line)


if __name__ == "__main__":
    main()
