#!/usr/bin/env python3
"""What a trained CartPoleSwingUp-v0 policy does once the swing-up is over: plays one 1000-step episode of each
Duet run's final policy (learner0/policy-final.duet, deterministic, through scripts/read_policy.py) on the Python
reference environment (envs/reference/reference_envs.py) and prints, over its last 500 steps, the mean cart
position x and |x|, the mean cos θ (1 = upright) and the mean |θ̇|: a balancing policy has cos θ = 1 and θ̇ = 0,
one that keeps the pole turning has cos θ well below 1 and |θ̇| of a few rad/s.

    python3 scripts/reference/swingup_outcomes.py runs/swingup/seed-0 runs/swingup/seed-1 ...
"""
import pathlib
import sys

import gymnasium as gym
import numpy as np

root = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "scripts"))
sys.path.insert(0, str(root / "envs" / "reference"))
import reference_envs  # noqa: E402,F401  (registers duet/CartPoleSwingUp-v0)
from read_policy import Policy  # noqa: E402


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for run in sys.argv[1:]:
        policy = Policy.load(str(pathlib.Path(run) / "learner0" / "policy-final.duet"))
        env = gym.make("duet/CartPoleSwingUp-v0")
        observation, _ = env.reset(seed=123)
        total, tail = 0.0, []
        for step in range(1000):
            observation, reward, terminated, truncated, _ = env.step(np.asarray(policy.act(observation),
                                                                                dtype=np.float32))
            total += reward
            if step >= 500:
                tail.append(observation)
            if terminated or truncated:
                break
        tail = np.array(tail) if tail else np.zeros((1, 5))
        outcome = "balances" if tail[:, 1].mean() > 0.999 and np.abs(tail[:, 4]).mean() < 0.01 else "turns the pole"
        print(f"{run}: return {total:.1f}; last 500 steps: mean x {tail[:, 0].mean():+.3f}, "
              f"|x| {np.abs(tail[:, 0]).mean():.3f}, cos θ {tail[:, 1].mean():.4f}, "
              f"|θ̇| {np.abs(tail[:, 4]).mean():.3f}: {outcome}")


if __name__ == "__main__":
    main()
