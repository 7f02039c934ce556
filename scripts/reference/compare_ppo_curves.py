#!/usr/bin/env python3
"""Compares the training-episode returns of Duet's PPO runs with Stable-Baselines3's over the same budget:
for each window of environment steps, the median over seeds of each seed's mean episode return in that window.

    python3 scripts/reference/compare_ppo_curves.py --duet runs/swingup/seed-{0..4} \
        --sb3 runs/swingup-sb3/seed-{0..4} [--window 20000] [--steps 300000]

`--duet` takes Duet run folders (their `episodes.csv`, or `learner0/episodes.csv`), `--sb3` the folders that
`scripts/reference/sb3_ppo.py --monitor-dir` wrote (one `*.monitor.csv` per environment copy). SB3's copies step
together, so an episode that ends after t steps of its own copy ends near global step t × copies; Duet logs the
global step itself. Prints one line per window and, last, the two sides' medians over all windows after the
first half of the budget.
"""
import argparse
import csv
import glob
import os
import statistics


def duet_episodes(folder):
    """(global step, return) of every training episode of a Duet run."""
    for candidate in (os.path.join(folder, "episodes.csv"), os.path.join(folder, "learner0", "episodes.csv")):
        if os.path.exists(candidate):
            with open(candidate) as handle:
                return [(int(row["step"]), float(row["return"])) for row in csv.DictReader(handle)]
    raise SystemExit(f"compare_ppo_curves: no episodes.csv in {folder}")


def sb3_episodes(folder):
    """(approximate global step, return) of every training episode in SB3's Monitor files under `folder`."""
    files = sorted(glob.glob(os.path.join(folder, "*.monitor.csv")))
    if not files:
        raise SystemExit(f"compare_ppo_curves: no *.monitor.csv in {folder}")
    episodes = []
    for name in files:
        with open(name) as handle:
            next(handle)  # the JSON header line
            steps = 0
            for row in csv.DictReader(handle):
                steps += int(row["l"])
                episodes.append((steps * len(files), float(row["r"])))
    return sorted(episodes)


def window_means(episodes, window, steps):
    """Each window's mean return (None where no episode ended in it)."""
    means = []
    for start in range(0, steps, window):
        inside = [r for s, r in episodes if start < s <= start + window]
        means.append(statistics.fmean(inside) if inside else None)
    return means


def median_over_seeds(runs, index):
    values = [run[index] for run in runs if run[index] is not None]
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duet", nargs="+", required=True, help="Duet run folders")
    parser.add_argument("--sb3", nargs="+", required=True, help="SB3 monitor folders")
    parser.add_argument("--window", type=int, default=20_000)
    parser.add_argument("--steps", type=int, default=300_000)
    args = parser.parse_args()
    duet = [window_means(duet_episodes(f), args.window, args.steps) for f in args.duet]
    sb3 = [window_means(sb3_episodes(f), args.window, args.steps) for f in args.sb3]
    print(f"window end | Duet median of seed means ({len(duet)} seeds) | SB3 ({len(sb3)} seeds)")
    for index, start in enumerate(range(0, args.steps, args.window)):
        print(f"{start + args.window:>10} | {median_over_seeds(duet, index):>10.1f} | {median_over_seeds(sb3, index):>10.1f}")


if __name__ == "__main__":
    main()
