#!/usr/bin/env python3
"""Control steps per second of the MuJoCo tasks: MuJoCo's own C loop, raw `mj_step` in a Python loop, Gymnasium's
`env.step`, and Duet (`duet bench envs`), measured one after the other in the same session.

Usage (from the repository root, pinned versions of `envs/reference/requirements.txt`, a release build of duet):

    swift build -c release --product duet
    OPENBLAS_NUM_THREADS=1 python3 envs/reference/mujoco_speed.py --duet ".build/release/duet bench envs"

- C loop: `mujoco_loop.c`, compiled here with the system C compiler against the wheel's `libmujoco` and headers:
  `mj_step` one physics step per call, controls changed every frame-skip steps.
- Python loop: the same with `mujoco.mj_step(m, d)` per physics step, and with `mujoco.mj_step(m, d, frame_skip)`
  per control step.
- Gymnasium: `gymnasium.make(id)` (wrappers included), 4096 pre-generated float32 actions replayed cyclically,
  reset at each episode end: the loop `Sources/DuetBench/EnvironmentBenchmarks.swift` times for Duet.
Each figure is the median (and the fastest) of `--rounds` rounds of at least `--seconds`; physics rates are
divided by the frame skip to give control steps per second.
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
         ("Reacher-v5", "reacher.xml", 2), ("Swimmer-v5", "swimmer.xml", 4)]
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
    args = parser.parse_args()
    print(f"mujoco {mujoco.__version__}, gymnasium {gym.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as directory:
        binary = build_c_loop(directory)
        rows = []
        for identifier, file, frame_skip in TASKS:
            path = os.path.join(MODELS, file)
            rows.append((identifier, c_loop(binary, path, frame_skip, args.rounds, args.seconds),
                         python_loop(path, frame_skip, args.rounds, args.seconds, per_call=False),
                         python_loop(path, frame_skip, args.rounds, args.seconds, per_call=True),
                         gymnasium_loop(identifier, args.rounds, args.seconds)))
    duet = duet_rates(args.duet) if args.duet else {}
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
