#!/usr/bin/env python3
"""Returns of the uniformly random policy on Duet's environments, for the normalisation table.

Runs `duet envs trace ID --random STEPS --seed S` for seeds 0..N-1 (one episode each: the trace ends at the
episode's termination or its time limit) and prints, per task, the mean, standard deviation and standard error of
the episode returns. Usage:

    scripts/random-returns.py [--duet .build/release/duet] [--episodes 200] [ID ...]
"""
import argparse
import csv
import io
import statistics
import subprocess

LIMITS = {"Pendulum-v1": 200, "MountainCarContinuous-v0": 999, "InvertedPendulum-v5": 1000,
          "InvertedDoublePendulum-v5": 1000, "Reacher-v5": 50, "Swimmer-v5": 1000, "Hopper-v5": 1000,
          "HalfCheetah-v5": 1000, "Walker2d-v5": 1000}


def episode_return(duet, task, seed):
    text = subprocess.run([duet, "envs", "trace", task, "--random", str(LIMITS[task]), "--seed", str(seed)],
                          check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    return sum(float(row["reward"]) for row in rows), len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duet", default=".build/release/duet")
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("tasks", nargs="*", default=list(LIMITS))
    arguments = parser.parse_args()
    print("task,episodes,mean_return,std_return,standard_error,mean_length")
    for task in arguments.tasks:
        results = [episode_return(arguments.duet, task, seed) for seed in range(arguments.episodes)]
        returns = [r for r, _ in results]
        mean, deviation = statistics.fmean(returns), statistics.stdev(returns)
        length = statistics.fmean(n for _, n in results)
        print(f"{task},{len(returns)},{mean:.2f},{deviation:.2f},{deviation / len(returns) ** 0.5:.2f},{length:.1f}")


if __name__ == "__main__":
    main()
