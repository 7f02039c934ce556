#!/usr/bin/env python3
"""Regenerates the reference traces that Duet's parity tests read (`envs/reference/traces/<id>.csv`).

Usage (from the repository root, with the pinned versions of `envs/reference/requirements.txt`):

    python3 -m pip install -r envs/reference/requirements.txt
    python3 envs/reference/generate_traces.py

Each trace holds several *cases*. A case makes the environment with `gymnasium.make` (so Gymnasium's
`TimeLimit` applies), resets it with a seed, optionally overwrites `env.unwrapped.state` with a float64 start
state, then steps float32 actions (the action space's dtype) until the episode terminates, is truncated, or
the case's actions run out. Actions are either fixed sequences or come from a simple policy evaluated on the
Gymnasium observation; either way the exact float32 action stepped is recorded, so Duet replays the same ones.
About a third of the random actions lie outside the action box, to exercise clipping.

Columns: case, step (1-based), action_0, state_before_*, state_* (after the step), obs_*, reward,
terminated, truncated. `state_*` is `env.unwrapped.state` in Gymnasium's order. Numbers are written with
Python's `repr`, the shortest decimal that reads back to the same float64 (float32 values are written as
their exact float64 value), so Duet can compare bit for bit.
"""

import csv
import math
import os
import sys

import gymnasium as gym
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_envs import REFERENCE_IDS  # noqa: E402  (registers the duet/ environments)

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "traces")
PINNED = {"gymnasium": "1.4.0", "numpy": "2.4.6"}


def random_actions(seed: int, count: int, high: float) -> list:
    """`count` float32 actions uniform in [−1.5·high, 1.5·high]: a third of them outside the box."""
    rng = np.random.default_rng(seed)
    return [np.float32(v) for v in rng.uniform(-1.5 * high, 1.5 * high, size=count)]


def constant(value: float, count: int) -> list:
    return [np.float32(value)] * count


class Case:
    """One trajectory: a name, a reset seed, an optional start state, and actions (a list, or a policy
    `observation → float` stepped for at most `steps` steps)."""

    def __init__(self, name, seed=0, state=None, actions=None, policy=None, steps=None):
        self.name, self.seed, self.state = name, seed, state
        self.actions, self.policy = actions, policy
        self.steps = steps if steps is not None else len(actions)


def run_case(reference_id: str, case: Case) -> list:
    env = gym.make(reference_id)
    observation, _ = env.reset(seed=case.seed)
    if case.state is not None:
        env.unwrapped.state = np.array(case.state, dtype=np.float64)
        observation = None  # not needed: the policies below read the state
    rows = []
    for step in range(1, case.steps + 1):
        before = [float(v) for v in env.unwrapped.state]
        if case.policy is not None:
            action = np.float32(case.policy(np.array(before)))
        else:
            action = case.actions[step - 1]
        observation, reward, terminated, truncated, _ = env.step(np.array([action], dtype=np.float32))
        after = [float(v) for v in env.unwrapped.state]
        rows.append([case.name, step, float(action)] + before + after
                    + [float(v) for v in observation] + [float(reward), int(terminated), int(truncated)])
        if terminated or truncated:
            break
    env.close()
    return rows


# Policies on the internal state (only to steer the traces into their edge cases).
def pendulum_pump(s):  # pump energy: torque along θ̇, beyond the box
    return 2.5 if s[1] >= 0 else -2.5


def mountain_car_pump(s):  # push along the velocity, sometimes beyond the box
    return 1.3 if s[1] >= 0 else -0.999


def cart_pole_balance(s):  # a PD law on (x, ẋ, θ, θ̇); saturates beyond the box when far off
    x, x_dot, theta, theta_dot = s
    return 0.1 * x + 0.2 * x_dot + 3.0 * theta + 0.5 * theta_dot


def swing_up(s):  # energy pumping while low (E < 0), PD balance near upright, a pull towards the centre
    x, x_dot, theta, theta_dot = s
    if math.cos(theta) > 0.9:
        wrapped = (theta + math.pi) % (2 * math.pi) - math.pi
        return 0.5 * x + 1.0 * x_dot + 10.0 * wrapped + 10.0 / 6 * theta_dot
    energy = theta_dot**2 / (3 * 9.8) + (math.cos(theta) - 1)
    pump = -1.0 if theta_dot * math.cos(theta) > 0 else 1.0
    return (pump if energy < 0 else 0.0) - 0.3 * x - 0.3 * x_dot


def acrobot_pump(s):  # torque along the elbow's velocity, beyond the box one way
    return 1.5 if s[3] >= 0 else -1.0


CASES = {
    "Pendulum-v1": [
        Case("reset-seed-0-random", seed=0, actions=random_actions(100, 200, 2.0)),
        Case("reset-seed-1-random", seed=1, actions=random_actions(101, 200, 2.0)),
        Case("hanging-full-torque", state=[math.pi, 0.0], actions=constant(2.0, 60)),
        Case("speed-clip-positive", state=[0.0, 7.9], actions=constant(2.0, 30)),
        Case("speed-clip-negative-out-of-box", state=[0.3, -7.95], actions=constant(-3.0, 30)),
        Case("large-angle", state=[10.5, 0.3], actions=random_actions(102, 40, 2.0)),
        Case("large-negative-angle", state=[-12.0, -1.0], actions=random_actions(103, 40, 2.0)),
        Case("angle-pi", state=[math.pi, 0.0], actions=constant(0.0, 5)),
        Case("angle-minus-pi", state=[-math.pi, 0.0], actions=constant(0.0, 5)),
        Case("upright-at-rest", state=[0.0, 0.0], actions=constant(0.0, 5)),
        Case("pump-to-speed-clip", state=[math.pi, 0.1], policy=pendulum_pump, steps=200),
    ],
    "MountainCarContinuous-v0": [
        Case("reset-seed-0-random", seed=0, actions=random_actions(200, 999, 1.0)),
        Case("left-wall", state=[-1.19, -0.07], actions=constant(-1.0, 10) + random_actions(201, 20, 1.0)),
        Case("at-left-wall", state=[-1.2, 0.0], actions=constant(-1.0, 5) + constant(1.0, 5)),
        Case("left-wall-out-of-box", state=[-1.15, -0.06], actions=constant(-2.0, 10)),
        Case("goal", state=[0.44, 0.02], actions=constant(1.0, 5)),
        Case("right-end-clip", state=[0.59, 0.07], actions=constant(1.5, 5)),
        Case("goal-moving-left", state=[0.46, -0.01], actions=constant(-1.0, 5)),
        Case("speed-clip", state=[-0.5, 0.0699], actions=constant(1.0, 10)),
        Case("negative-speed-clip", state=[-0.3, -0.0699], actions=constant(-1.0, 10)),
        Case("box-edges", seed=3, actions=[np.float32(v) for v in (1.0, -1.0, 0.999, -0.999, 1.0000001, -1.0000001,
                                                                    0.0, 2.5, -2.5, 0.5)] * 5),
        Case("pump-to-goal", seed=2, policy=mountain_car_pump, steps=999),
    ],
    "CartPoleContinuous-v0": [
        Case("reset-seed-0-random", seed=0, actions=random_actions(300, 500, 1.0)),
        Case("reset-seed-1-random", seed=1, actions=random_actions(301, 500, 1.0)),
        Case("balance-to-time-limit", seed=2, policy=cart_pole_balance, steps=500),
        Case("angle-termination", state=[0.0, 0.0, 0.2, 1.0], actions=constant(0.0, 20)),
        Case("negative-angle-termination", state=[0.0, 0.0, -0.2, -0.5], actions=constant(0.0, 20)),
        Case("track-end-right", state=[2.39, 1.0, 0.0, 0.0], actions=constant(1.0, 20)),
        Case("track-end-left-out-of-box", state=[-2.39, -1.0, 0.0, 0.0], actions=constant(-5.0, 20)),
        Case("out-of-box", state=[0.0, 0.0, 0.01, 0.0], actions=constant(3.0, 10) + constant(-3.0, 10)),
    ],
    "CartPoleSwingUp-v0": [
        Case("swing-up-to-time-limit", state=[0.0, 0.0, math.pi, 0.0], policy=swing_up, steps=1000),
        Case("hanging-random", state=[0.01, -0.005, math.pi + 0.01, 0.007], actions=random_actions(400, 150, 1.0)),
        Case("upright-at-rest", state=[0.0, 0.0, 0.0, 0.0], actions=constant(0.0, 5)),
        Case("near-upright-random", state=[0.3, 0.1, 0.05, -0.2], actions=random_actions(401, 100, 1.0)),
        Case("track-end", state=[2.35, 3.0, math.pi, 0.0], actions=constant(1.0, 20)),
        Case("track-end-left-out-of-box", state=[-2.3, -2.0, 1.0, 2.0], actions=constant(-4.0, 20)),
        Case("spinning", state=[0.0, 0.0, 0.5, 15.0], actions=random_actions(402, 100, 1.0)),
    ],
    "AcrobotContinuous-v0": [
        Case("reset-seed-0-random", seed=0, actions=random_actions(500, 500, 1.0)),
        Case("pump-to-goal", seed=1, policy=acrobot_pump, steps=500),
        Case("goal-at-once", state=[2.5, 0.5, 0.0, 0.0], actions=constant(0.0, 5)),
        Case("velocity-clip", state=[0.0, 0.0, 12.5, 28.0], actions=constant(1.0, 10)),
        Case("negative-velocity-clip", state=[0.0, 0.0, -12.5, -28.0], actions=constant(-1.0, 10)),
        Case("wrap-across-pi", state=[3.1, -3.1, 5.0, -5.0], actions=random_actions(501, 30, 1.0)),
        Case("out-of-box", state=[0.1, 0.0, 0.0, 0.0], actions=constant(4.0, 15) + constant(-4.0, 15)),
    ],
}


def main() -> None:
    found = {"gymnasium": gym.__version__, "numpy": np.__version__}
    if found != PINNED:
        print(f"warning: pinned {PINNED}, running {found}", file=sys.stderr)
    os.makedirs(OUTPUT, exist_ok=True)
    for duet_id, cases in CASES.items():
        reference_id = REFERENCE_IDS[duet_id]
        env = gym.make(reference_id)
        env.reset(seed=0)
        state_count = len(env.unwrapped.state)
        observation_count = env.observation_space.shape[0]
        env.close()
        header = (["case", "step", "action_0"] + [f"state_before_{i}" for i in range(state_count)]
                  + [f"state_{i}" for i in range(state_count)] + [f"obs_{i}" for i in range(observation_count)]
                  + ["reward", "terminated", "truncated"])
        path = os.path.join(OUTPUT, f"{duet_id}.csv")
        with open(path, "w", newline="") as file:
            file.write(f"# {duet_id} reference trace from {reference_id}: gymnasium {found['gymnasium']}, "
                       f"numpy {found['numpy']}; regenerate with envs/reference/generate_traces.py\n")
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(header)
            summary = []
            for case in cases:
                rows = run_case(reference_id, case)
                writer.writerows([[repr(v) if isinstance(v, float) else v for v in row] for row in rows])
                end = "terminated" if rows[-1][-2] else "truncated" if rows[-1][-1] else "open"
                summary.append(f"{case.name}: {len(rows)} steps, {end}")
        print(f"{path}:\n  " + "\n  ".join(summary))


if __name__ == "__main__":
    main()
