"""Gymnasium references for Duet's classic-control environments.

Pendulum-v1 and MountainCarContinuous-v0 are Gymnasium's own. Gymnasium has no continuous cart-pole, swing-up
or acrobot, so the three others are Gymnasium's discrete environments with the *least* change that takes a
continuous action: each subclass clips the float32 action, then runs Gymnasium's own `step` unchanged.

- CartPoleContinuous: `CartPoleEnv.step` computes `force = force_mag if action == 1 else -force_mag`; setting
  `force_mag = 10·|a|` and passing `1 if a >= 0 else 0` makes that force exactly 10·a.
- CartPoleSwingUp: the same cart-pole (so the same physics), with the angle termination switched off
  (`theta_threshold_radians = inf`; the track end |x| > 2.4 still terminates), dm_control's swing-up start
  state, observation (x, cos θ, sin θ, ẋ, θ̇) and smooth reward, transcribed from `dm_control/suite/cartpole.py`
  and `dm_control/utils/rewards.py` (dm_control itself is MuJoCo-based and not needed).
- AcrobotContinuous: `AcrobotEnv.step` looks the torque up in `AVAIL_TORQUE[a]`; an instance list holding the
  one clipped torque, indexed by 0, feeds the continuous torque through the unchanged RK4 step.

Importing this module registers them as `duet/CartPoleContinuous-v0`, `duet/CartPoleSwingUp-v0` and
`duet/AcrobotContinuous-v0`, with Duet's time limits, so `gymnasium.make` wraps them in `TimeLimit`.
"""

import math

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.envs.classic_control.acrobot import AcrobotEnv
from gymnasium.envs.classic_control.cartpole import CartPoleEnv

#: Force for a = 1 (Gymnasium's `force_mag`, dm_control's actuator gear).
FORCE_MAGNITUDE = 10.0


def clipped_action(action) -> float:
    """The first component of `action` as float32, clipped to [−1, 1], as a Python float (exact)."""
    a = np.clip(np.asarray(action, dtype=np.float32), np.float32(-1.0), np.float32(1.0))
    return float(a.reshape(-1)[0])


class CartPoleContinuousEnv(CartPoleEnv):
    """Gymnasium's CartPole-v1 with F = 10·clip(a, −1, 1), a ∈ [−1, 1]."""

    def __init__(self, render_mode=None):
        super().__init__(render_mode=render_mode)
        self._discrete_action_space = self.action_space
        self.action_space = spaces.Box(-1.0, 1.0, shape=(1,), dtype=np.float32)

    def step(self, action):
        a = clipped_action(action)
        self.force_mag = FORCE_MAGNITUDE * abs(a)
        box, self.action_space = self.action_space, self._discrete_action_space
        try:
            return super().step(1 if a >= 0 else 0)
        finally:
            self.action_space = box


# dm_control's rewards.tolerance, bounds (0, 0), for the two sigmoids the swing-up reward uses.
def _gaussian_tolerance(x: float, margin: float, value_at_margin: float = 0.1) -> float:
    if 0.0 <= x <= 0.0:
        return 1.0
    d = (0.0 - x if x < 0.0 else x - 0.0) / margin
    scale = np.sqrt(-2 * np.log(value_at_margin))
    return float(np.exp(-0.5 * (d * scale) ** 2))


def _quadratic_tolerance(x: float, margin: float) -> float:
    if 0.0 <= x <= 0.0:
        return 1.0
    d = (0.0 - x if x < 0.0 else x - 0.0) / margin
    scaled = d * np.sqrt(1 - 0.0)
    return float(1 - scaled**2) if abs(scaled) < 1 else 0.0


def swingup_reward(state, control: float) -> float:
    """dm_control's smooth `Balance(swing_up=True, sparse=False)` reward for the cart-pole state (x, ẋ, θ, θ̇)."""
    x, _, theta, theta_dot = state
    upright = (np.cos(theta) + 1) / 2
    centered = (1 + _gaussian_tolerance(x, margin=2)) / 2
    small_control = (4 + _quadratic_tolerance(control, margin=1)) / 5
    small_velocity = (1 + _gaussian_tolerance(theta_dot, margin=5)) / 2
    return float(upright * small_control * small_velocity * centered)


class CartPoleSwingUpEnv(CartPoleContinuousEnv):
    """dm_control's cart-pole swing-up task on Gymnasium's cart-pole physics."""

    def __init__(self, render_mode=None):
        super().__init__(render_mode=render_mode)
        self.theta_threshold_radians = math.inf  # only the track end terminates
        high = np.array([self.x_threshold * 2, 1.0, 1.0, np.inf, np.inf], dtype=np.float32)
        self.observation_space = spaces.Box(-high, high, dtype=np.float32)

    def _observation(self):
        x, x_dot, theta, theta_dot = self.state
        return np.array([x, np.cos(theta), np.sin(theta), x_dot, theta_dot], dtype=np.float32)

    def step(self, action):
        a = clipped_action(action)
        _, _, terminated, truncated, info = super().step(action)
        return self._observation(), swingup_reward(self.state, a), terminated, truncated, info

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        noise = 0.01 * self.np_random.standard_normal(4)
        self.state = np.array([noise[0], noise[2], np.pi + noise[1], noise[3]])
        return self._observation(), {}


class AcrobotContinuousEnv(AcrobotEnv):
    """Gymnasium's Acrobot-v1 with the elbow torque τ = clip(a, −1, 1), a ∈ [−1, 1]."""

    def __init__(self, render_mode=None):
        super().__init__(render_mode=render_mode)
        self.action_space = spaces.Box(-1.0, 1.0, shape=(1,), dtype=np.float32)

    def step(self, action):
        self.AVAIL_TORQUE = [clipped_action(action)]
        return super().step(0)


REFERENCE_IDS = {
    "Pendulum-v1": "Pendulum-v1",
    "MountainCarContinuous-v0": "MountainCarContinuous-v0",
    "CartPoleContinuous-v0": "duet/CartPoleContinuous-v0",
    "CartPoleSwingUp-v0": "duet/CartPoleSwingUp-v0",
    "AcrobotContinuous-v0": "duet/AcrobotContinuous-v0",
}
"""Duet identifier → the Gymnasium id of its reference."""

gym.register("duet/CartPoleContinuous-v0", entry_point=CartPoleContinuousEnv, max_episode_steps=500)
gym.register("duet/CartPoleSwingUp-v0", entry_point=CartPoleSwingUpEnv, max_episode_steps=1000)
gym.register("duet/AcrobotContinuous-v0", entry_point=AcrobotContinuousEnv, max_episode_steps=500)
