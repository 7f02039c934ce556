#!/usr/bin/env python3
"""Random-policy returns of the locomotion tasks, Gymnasium on MuJoCo beside Duet: a smoke test of the contact
dynamics over whole episodes, where trajectories cannot be compared (round-off grows; envs/<id>.md).

Usage (from the repository root, pinned versions of `envs/reference/requirements.txt`, a release build of duet):

    python3 scripts/reference/random_returns.py --episodes 100 --duet .build/release/duet

Each episode: a reset (Gymnasium: `env.reset(seed=i)`; Duet: `duet envs trace <id> --seed i`), then uniform random
actions in the action box until termination or the 1000-step limit (Gymnasium: `env.action_space.sample()`
seeded with i; Duet: `--random 1000`, its 'actions' stream). Prints, per task and side, the mean return with its
standard error, the standard deviation, the median, the mean episode length, and Welch's t for the difference of
the means.
"""
import argparse
import csv
import io
import math
import statistics
import subprocess

import gymnasium as gym
import numpy as np

TASKS = ["Hopper-v5", "HalfCheetah-v5", "Walker2d-v5"]


def gymnasium_episodes(identifier, episodes):
    env = gym.make(identifier)
    returns, lengths = [], []
    for seed in range(episodes):
        env.reset(seed=seed)
        env.action_space.seed(seed)
        total, steps = 0.0, 0
        while True:
            _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            total += float(reward)
            steps += 1
            if terminated or truncated:
                break
        returns.append(total)
        lengths.append(steps)
    env.close()
    return returns, lengths


def duet_episodes(binary, identifier, episodes):
    returns, lengths = [], []
    for seed in range(episodes):
        output = subprocess.run([binary, "envs", "trace", identifier, "--seed", str(seed), "--random", "1000"],
                                check=True, capture_output=True, text=True).stdout
        rows = list(csv.DictReader(io.StringIO(output)))
        returns.append(sum(float(row["reward"]) for row in rows))
        lengths.append(len(rows))
    return returns, lengths


def summary(returns, lengths):
    mean, deviation = statistics.fmean(returns), statistics.stdev(returns)
    return mean, deviation, deviation / math.sqrt(len(returns)), statistics.median(returns), statistics.fmean(lengths)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--duet", required=True, help="path of the duet binary")
    args = parser.parse_args()
    print(f"gymnasium {gym.__version__}, numpy {np.__version__}; {args.episodes} episodes per task and side")
    print(f"{'task':<16} {'side':<10} {'mean ± s.e.':>18} {'std':>8} {'median':>9} {'length':>7}")
    for identifier in TASKS:
        sides = {"MuJoCo": gymnasium_episodes(identifier, args.episodes),
                 "Duet": duet_episodes(args.duet, identifier, args.episodes)}
        stats = {}
        for side, (returns, lengths) in sides.items():
            stats[side] = summary(returns, lengths)
            mean, deviation, error, median, length = stats[side]
            print(f"{identifier:<16} {side:<10} {mean:>9.2f} ± {error:>6.2f} {deviation:>8.2f} {median:>9.2f} {length:>7.1f}")
        t = (stats["Duet"][0] - stats["MuJoCo"][0]) / math.hypot(stats["Duet"][2], stats["MuJoCo"][2])
        print(f"{identifier:<16} Welch t (Duet − MuJoCo) = {t:.2f}")


if __name__ == "__main__":
    main()
