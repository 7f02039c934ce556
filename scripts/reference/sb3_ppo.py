#!/usr/bin/env python3
"""Trains Stable-Baselines3's PPO on one of Duet's PPO presets and reports whole-run steps per second and the
final deterministic evaluation: the peer that `duet train experiments/<preset>.yaml` is compared with.

    OPENBLAS_NUM_THREADS=1 python3 scripts/reference/sb3_ppo.py --preset pendulum [--seed 0] [--steps N]

Presets: `pendulum` (RL Baselines3 Zoo's Pendulum-v1: 4 envs, n_steps 1024, gamma 0.9, lr 1e-3, gSDE with
sde_sample_freq 4, 100k steps), `pendulum-defaults` (SB3's defaults on one Pendulum-v1, 100k steps),
`mountaincar` (the Zoo's MountainCarContinuous-v0: VecNormalize with the Zoo's gamma, n_steps 8, gSDE,
log_std_init -3.29, no orthogonal init, 20k steps) and `cartpoleswingup` (SB3's defaults with 4 envs and
observation normalisation on Duet's registered Python reference duet/CartPoleSwingUp-v0, 300k steps). PyTorch
runs on one thread, like Duet's single BLAS thread. Prints
`sb3 ppo <preset> seed <s> steps <n> seconds <t> steps/s <rate> final-eval <mean> <std>` (10 deterministic
episodes on a separate environment, with the normalisation statistics frozen, as the Zoo evaluates).
`--monitor-dir DIR` keeps the training episodes (SB3's `Monitor` files, one per copy) for comparing learning curves
with Duet's `episodes.csv` (`scripts/reference/compare_ppo_curves.py`).
"""
import argparse
import pathlib
import sys
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import VecNormalize

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "envs" / "reference"))
import reference_envs  # noqa: E402,F401  (registers duet/CartPoleSwingUp-v0)

PRESETS = {
    "pendulum": dict(env="Pendulum-v1", envs=4, steps=100_000, normalize=None,
                     kwargs=dict(n_steps=1024, gae_lambda=0.95, gamma=0.9, n_epochs=10, ent_coef=0.0,
                                 learning_rate=1e-3, clip_range=0.2, use_sde=True, sde_sample_freq=4)),
    "pendulum-defaults": dict(env="Pendulum-v1", envs=1, steps=100_000, normalize=None, kwargs=dict()),
    "mountaincar": dict(env="MountainCarContinuous-v0", envs=1, steps=20_000,
                        normalize=dict(norm_obs=True, norm_reward=True, gamma=0.9999),
                        kwargs=dict(batch_size=256, n_steps=8, gamma=0.9999, learning_rate=7.77e-05,
                                    ent_coef=0.00429, clip_range=0.1, n_epochs=10, gae_lambda=0.9,
                                    max_grad_norm=5, vf_coef=0.19, use_sde=True,
                                    policy_kwargs=dict(log_std_init=-3.29, ortho_init=False))),
    "cartpoleswingup": dict(env="duet/CartPoleSwingUp-v0", envs=4, steps=300_000,
                            normalize=dict(norm_obs=True, norm_reward=False), kwargs=dict()),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, help="override the preset's budget")
    parser.add_argument("--monitor-dir", help="write the training episodes (Monitor CSV files) to this folder")
    args = parser.parse_args()
    torch.set_num_threads(1)
    preset = PRESETS[args.preset]
    steps = args.steps or preset["steps"]
    env = make_vec_env(preset["env"], n_envs=preset["envs"], seed=args.seed, monitor_dir=args.monitor_dir)
    if preset["normalize"]:
        env = VecNormalize(env, **preset["normalize"])
    model = PPO("MlpPolicy", env, seed=args.seed, device="cpu", **preset["kwargs"])
    start = time.perf_counter()
    model.learn(total_timesteps=steps)
    seconds = time.perf_counter() - start
    evaluation = make_vec_env(preset["env"], n_envs=1, seed=args.seed + 10_000)
    if preset["normalize"]:
        evaluation = VecNormalize(evaluation, training=False, norm_obs=preset["normalize"]["norm_obs"],
                                  norm_reward=False)
        evaluation.obs_rms = env.obs_rms
    mean, std = evaluate_policy(model, evaluation, n_eval_episodes=10, deterministic=True)
    taken = model.num_timesteps
    print(f"sb3 ppo {args.preset} seed {args.seed} steps {taken} seconds {seconds:.2f} "
          f"steps/s {taken / seconds:.0f} final-eval {mean:.2f} {std:.2f}")


if __name__ == "__main__":
    main()
