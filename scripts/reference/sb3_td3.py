#!/usr/bin/env python3
"""Stable-Baselines3's TD3 with RL Baselines3 Zoo's MuJoCo settings (`mujoco-defaults`: 10k random warm-up steps,
Gaussian action noise σ 0.1 in the [−1, 1] action scale, SB3's 400-300 networks, learning rates 1e-3, batch 256)
on a Gymnasium MuJoCo task, then 10 deterministic evaluation episodes: the peer of Duet's
`experiments/<task>-td3.yaml` runs. PyTorch on one thread.

    OPENBLAS_NUM_THREADS=1 python3 scripts/reference/sb3_td3.py InvertedPendulum-v5 --seed 0 --steps 25000
    OPENBLAS_NUM_THREADS=1 python3 scripts/reference/sb3_td3.py Swimmer-v5 --gamma 0.9999 --steps 300000 \
        --eval-every 10000

Prints `sb3 td3 <task> seed <s> steps <n> eval <mean> <std>`; with --eval-every N, also a line
`sb3 td3 <task> seed <s> at <step> eval <mean> <std> q <mean Q of a replayed batch>` every N steps (10
deterministic episodes on a separate environment, as Duet's `evaluation: {every: N, episodes: 10}`).
"""
import argparse

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import TD3
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.noise import NormalActionNoise


class PeriodicEvaluation(BaseCallback):
    """Every `every` steps: 10 deterministic episodes of the current policy, and the critic's mean Q on a batch."""

    def __init__(self, task, seed, every):
        super().__init__()
        self.task, self.seed, self.every = task, seed, every
        self.env = Monitor(gym.make(task))

    def _on_step(self):
        if self.num_timesteps % self.every == 0:
            mean, std = evaluate_policy(self.model, self.env, n_eval_episodes=10, deterministic=True)
            q = float("nan")
            if self.model.replay_buffer.size() >= 256:
                batch = self.model.replay_buffer.sample(256)
                with torch.no_grad():
                    q = self.model.critic.q1_forward(batch.observations, batch.actions).mean().item()
            print(f"sb3 td3 {self.task} seed {self.seed} at {self.num_timesteps} eval {mean:.1f} {std:.1f} q {q:.1f}",
                  flush=True)
        return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--gamma", type=float, default=0.99, help="discount (the Zoo's Swimmer: 0.9999)")
    parser.add_argument("--eval-every", type=int, default=0, help="evaluate every N steps (0: only at the end)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    env = gym.make(args.task)
    dimension = env.action_space.shape[0]
    model = TD3("MlpPolicy", env, learning_starts=10_000, seed=args.seed, device="cpu", gamma=args.gamma,
                action_noise=NormalActionNoise(np.zeros(dimension), 0.1 * np.ones(dimension)))
    callback = PeriodicEvaluation(args.task, args.seed, args.eval_every) if args.eval_every > 0 else None
    model.learn(args.steps, callback=callback)
    mean, std = evaluate_policy(model, Monitor(gym.make(args.task)), n_eval_episodes=10, deterministic=True)
    print(f"sb3 td3 {args.task} seed {args.seed} steps {args.steps} eval {mean:.1f} {std:.1f}")


if __name__ == "__main__":
    main()
