#!/usr/bin/env python3
"""Trains SB3's TD3 on Pendulum-v1 with the Zoo preset and reports whole-run steps per second: the peer that
`duet train experiments/pendulum-td3.yaml` is timed against.

    OPENBLAS_NUM_THREADS=1 python3 scripts/reference/sb3_td3_pendulum.py [--steps 20000] [--seed 0]

The preset is RL Baselines3 Zoo's (hyperparams/td3.yml): γ 0.98, buffer 200k, 10k random steps, Gaussian
action noise σ 0.1, learning rate 1e-3, nets 400-300, batch 256 (SB3's default), train_freq (1, "episode") with
gradient_steps -1. PyTorch runs on one thread, like Duet's single BLAS thread. Prints
`sb3 td3 Pendulum-v1 steps <n> seconds <t> steps/s <rate> final-eval <mean>` (10 deterministic episodes).
"""
import argparse
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import TD3
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.noise import NormalActionNoise


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    env = gym.make("Pendulum-v1")
    model = TD3("MlpPolicy", env, gamma=0.98, buffer_size=200_000, learning_starts=10_000,
                action_noise=NormalActionNoise(np.zeros(1), 0.1 * np.ones(1)), train_freq=(1, "episode"),
                gradient_steps=-1, learning_rate=1e-3, policy_kwargs=dict(net_arch=[400, 300]), seed=args.seed,
                device="cpu", verbose=0)
    start = time.perf_counter()
    model.learn(total_timesteps=args.steps)
    elapsed = time.perf_counter() - start
    mean, _ = evaluate_policy(model, gym.make("Pendulum-v1"), n_eval_episodes=10, deterministic=True)
    print(f"sb3 td3 Pendulum-v1 steps {args.steps} seconds {elapsed:.1f} steps/s {args.steps / elapsed:.1f} "
          f"final-eval {mean:.1f}")


if __name__ == "__main__":
    main()
