#!/usr/bin/env python3
"""Times Gymnasium's bare step loop for the references of Duet's environments, optionally side by side with
Duet's own benchmark in the same run.

Usage (from the repository root):

    python3 envs/reference/speed.py [--rounds 5] [--seconds 1.0] [--duet "<command printing Duet's benchmarks>"]

The loop is the one `Sources/DuetBench/EnvironmentBenchmarks.swift` times for Duet: the environment as
`gymnasium.make` returns it (TimeLimit, OrderEnforcing and PassiveEnvChecker wrappers included, as a learner
holds it), 4096 pre-generated float32 actions drawn uniformly from the action space and replayed cyclically,
and a reset whenever an episode terminates or is truncated. Each round runs whole blocks of 1000 steps for at
least `--seconds`; the report is the median round's rate (and the fastest), in steps per second, single
thread.

With `--duet`, the given shell command is run after the Gymnasium rounds; its output lines of the form
`environment.step.<identifier>  <time>  <rate> steps/s  <calls>` (BenchmarkReport's text table) are matched to
the Gymnasium rows, and the ratio Duet/Gymnasium is printed.
"""

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

import gymnasium as gym
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_envs import REFERENCE_IDS  # noqa: E402

BLOCK = 1000
ACTIONS = 4096


def time_environment(reference_id: str, rounds: int, seconds: float) -> tuple:
    env = gym.make(reference_id)
    env.action_space.seed(0)
    actions = [np.asarray(env.action_space.sample(), dtype=np.float32) for _ in range(ACTIONS)]
    env.reset(seed=0)
    index = 0

    def block():
        nonlocal index
        for _ in range(BLOCK):
            _, _, terminated, truncated, _ = env.step(actions[index])
            if terminated or truncated:
                env.reset()
            index = (index + 1) % ACTIONS

    block()  # warm-up
    rates = []
    for _ in range(rounds):
        steps, start = 0, time.perf_counter()
        while True:
            block()
            steps += BLOCK
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        rates.append(steps / elapsed)
    env.close()
    return statistics.median(rates), max(rates)


def duet_rates(command: str) -> dict:
    output = subprocess.run(shlex.split(command), check=True, capture_output=True, text=True).stdout
    rates = {}
    for line in output.splitlines():
        match = re.match(r"\s*\|?\s*environment\.step\.(\S+?)\s*\|?\s+.*?([0-9.]+(?:e[0-9]+)?)\s+steps/s", line)
        if match:
            rates[match.group(1)] = float(match.group(2))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per environment (median reported)")
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum length of a round, s")
    parser.add_argument("--duet", help="command that prints Duet's environment benchmarks, run after Gymnasium's")
    args = parser.parse_args()

    print(f"gymnasium {gym.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    gymnasium = {}
    for duet_id, reference_id in REFERENCE_IDS.items():
        gymnasium[duet_id] = time_environment(reference_id, args.rounds, args.seconds)
    duet = duet_rates(args.duet) if args.duet else {}

    header = f"{'environment':<26} {'Gymnasium steps/s':>18} {'(fastest)':>12}"
    if duet:
        header += f" {'Duet steps/s':>14} {'Duet/Gymnasium':>15}"
    print(header)
    for duet_id, (median, fastest) in gymnasium.items():
        line = f"{duet_id:<26} {median:>18,.0f} {fastest:>12,.0f}"
        if duet_id in duet:
            line += f" {duet[duet_id]:>14,.0f} {duet[duet_id] / median:>14,.0f}×"
        print(line)


if __name__ == "__main__":
    main()
