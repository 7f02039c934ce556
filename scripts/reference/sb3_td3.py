#!/usr/bin/env python3
"""Stable-Baselines3's TD3 with RL Baselines3 Zoo's MuJoCo settings (`mujoco-defaults`: 10k random warm-up steps,
Gaussian action noise σ 0.1 in the [−1, 1] action scale, SB3's 400-300 networks, learning rates 1e-3, batch 256)
on a Gymnasium MuJoCo task, then 10 deterministic evaluation episodes: the peer of Duet's
`experiments/<task>-td3.yaml` runs. PyTorch on one thread.

    OPENBLAS_NUM_THREADS=1 python3 scripts/reference/sb3_td3.py InvertedPendulum-v5 --seed 0 --steps 25000

Prints `sb3 td3 <task> seed <s> steps <n> eval <mean> <std>`.
"""
import argparse

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import TD3
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.noise import NormalActionNoise


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=100_000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    env = gym.make(args.task)
    dimension = env.action_space.shape[0]
    model = TD3("MlpPolicy", env, learning_starts=10_000, seed=args.seed, device="cpu",
                action_noise=NormalActionNoise(np.zeros(dimension), 0.1 * np.ones(dimension)))
    model.learn(args.steps)
    mean, std = evaluate_policy(model, Monitor(gym.make(args.task)), n_eval_episodes=10, deterministic=True)
    print(f"sb3 td3 {args.task} seed {args.seed} steps {args.steps} eval {mean:.1f} {std:.1f}")


if __name__ == "__main__":
    main()
