"""Writes ppo.json: Stable-Baselines3's own PPO on a fixed rollout, for PPOFixtureTests.

For each of two policies (the state-independent Gaussian and gSDE), it builds SB3's PPO with MlpPolicy on two
Pendulum-v1 copies in float64, fills SB3's RolloutBuffer with a fixed rollout of 4 steps per copy (with a
termination and a time-limit truncation in it; the truncation adds gamma * V(terminal observation) to the reward,
as collect_rollouts does), runs SB3's compute_returns_and_advantage and then SB3's own train() for one epoch on
one minibatch (SB3's buffer arrays switched to float64), capturing the gradient of the loss at the optimiser step (max_grad_norm is made huge so that the
clip does not act) and the losses it logs. Old log-probabilities and values are offset from the current ones so
that some ratios and some value predictions are clipped.

Run from the repository root (needs torch, gymnasium and stable-baselines3 from PyPI; used only to write the
fixture): python3 Tests/DuetLearnersTests/Fixtures/make_ppo_fixture.py
"""
import json
import pathlib

import gymnasium as gym
import numpy as np
import stable_baselines3
import torch as th
from stable_baselines3 import PPO
from stable_baselines3.common.logger import configure
from stable_baselines3.common.vec_env import DummyVecEnv

assert stable_baselines3.__version__ == "2.9.2", stable_baselines3.__version__
th.set_default_dtype(th.float64)
# SB3's preprocess_obs casts Box observations to float32 (`obs.float()`); keep them float64 instead, so that the
# whole computation is in float64 (for a Box space that cast is all it does).
stable_baselines3.common.policies.preprocess_obs = lambda obs, space, normalize_images=True: obs
N_STEPS, N_ENVS, GAMMA, LAMBDA = 4, 2, 0.9, 0.8


def case(use_sde: bool, seed: int) -> dict:
    env = DummyVecEnv([lambda: gym.make("Pendulum-v1")] * N_ENVS)
    model = PPO("MlpPolicy", env, n_steps=N_STEPS, batch_size=N_STEPS * N_ENVS, n_epochs=1, gamma=GAMMA,
                gae_lambda=LAMBDA, ent_coef=0.01, vf_coef=0.5, clip_range=0.2, clip_range_vf=0.3,
                max_grad_norm=1e9, use_sde=use_sde, seed=seed,
                policy_kwargs=dict(net_arch=dict(pi=[8, 8], vf=[8, 8]), log_std_init=-0.3))
    model.set_logger(configure(folder=None, format_strings=[]))
    policy = model.policy
    rng = np.random.default_rng(seed)
    observations = rng.uniform(-1, 1, (N_STEPS, N_ENVS, 3))
    # float32 values: RolloutBuffer._get_samples casts actions to float32 before train() sees them
    actions = rng.uniform(-2.5, 2.5, (N_STEPS, N_ENVS, 1)).astype(np.float32).astype(np.float64)
    rewards = rng.uniform(-8, 0, (N_STEPS, N_ENVS))
    # copy 0 terminates after step 1; copy 1 is truncated after step 2 (bootstrapped with V of its real last state)
    terminal = np.zeros((N_STEPS, N_ENVS), dtype=bool)
    truncated = np.zeros((N_STEPS, N_ENVS), dtype=bool)
    terminal[1, 0] = True
    truncated[2, 1] = True
    truncation_observation = rng.uniform(-1, 1, (3,))
    last_observations = rng.uniform(-1, 1, (N_ENVS, 3))
    log_ratio_offsets = rng.choice([-0.5, -0.1, 0.05, 0.4], (N_STEPS, N_ENVS))
    value_offsets = rng.choice([-0.6, 0.1, 0.5], (N_STEPS, N_ENVS))

    with th.no_grad():
        truncation_value = policy.predict_values(th.tensor(truncation_observation[None]))[0, 0].item()
        last_values = policy.predict_values(th.tensor(last_observations))
    buffer = model.rollout_buffer
    buffer.reset()
    for name in ["observations", "actions", "rewards", "returns", "episode_starts", "values", "log_probs",
                 "advantages"]:
        setattr(buffer, name, getattr(buffer, name).astype(np.float64))  # SB3 keeps float32; float64 here
    for step in range(N_STEPS):
        obs = th.tensor(observations[step])
        act = th.tensor(actions[step])
        with th.no_grad():
            values, log_prob, _ = policy.evaluate_actions(obs, act)
        episode_start = (terminal[step - 1] | truncated[step - 1]) if step > 0 else np.zeros(N_ENVS, dtype=bool)
        reward = rewards[step] + np.where(truncated[step], GAMMA * truncation_value, 0.0)
        buffer.add(observations[step], actions[step], reward, episode_start,
                   values + th.tensor(value_offsets[step])[:, None], log_prob - th.tensor(log_ratio_offsets[step]))
    dones = terminal[-1] | truncated[-1]
    buffer.compute_returns_and_advantage(last_values=last_values, dones=dones)

    captured = {}
    optimizer = policy.optimizer

    def capture_step(*args, **kwargs):
        captured["gradients"] = {name: p.grad.detach().clone() for name, p in policy.named_parameters()
                                 if p.grad is not None}
    optimizer.step = capture_step
    weights = {name: p.detach().clone() for name, p in policy.named_parameters()}
    model.train()
    logged = model.logger.name_to_value

    def linear(prefix):
        return {"weight": weights[prefix + ".weight"].T.tolist(), "bias": weights[prefix + ".bias"].tolist()}

    def linear_gradient(prefix):
        grads = captured["gradients"]
        return {"weight": grads[prefix + ".weight"].T.tolist(), "bias": grads[prefix + ".bias"].tolist()}

    layers = ["mlp_extractor.policy_net.0", "mlp_extractor.policy_net.2", "action_net"]
    value_layers = ["mlp_extractor.value_net.0", "mlp_extractor.value_net.2", "value_net"]
    return {
        "stateDependentExploration": use_sde,
        "policy": [linear(name) for name in layers],
        "value": [linear(name) for name in value_layers],
        "logStandardDeviation": weights["log_std"].reshape(-1, 1).tolist() if not use_sde
        else weights["log_std"].tolist(),
        "observations": observations.tolist(), "actions": actions.tolist(), "rewards": rewards.tolist(),
        "terminal": terminal.tolist(), "truncated": truncated.tolist(), "truncationValue": truncation_value,
        "lastValues": last_values[:, 0].tolist(),
        "oldLogProbabilities": buffer.log_probs.tolist(), "oldValues": buffer.values.tolist(),
        "advantages": buffer.advantages.tolist(), "returns": buffer.returns.tolist(),
        "policyLoss": logged["train/policy_gradient_loss"], "valueLoss": logged["train/value_loss"],
        "entropyLoss": logged["train/entropy_loss"], "approxKL": logged["train/approx_kl"],
        "clipFraction": logged["train/clip_fraction"], "loss": logged["train/loss"],
        "policyGradient": [linear_gradient(name) for name in layers],
        "valueGradient": [linear_gradient(name) for name in value_layers],
        "logStandardDeviationGradient": captured["gradients"]["log_std"].reshape(-1, 1).tolist() if not use_sde
        else captured["gradients"]["log_std"].tolist(),
    }


fixture = {"stableBaselines3": stable_baselines3.__version__, "torch": th.__version__, "gamma": GAMMA,
           "gaeLambda": LAMBDA, "cases": [case(False, 1), case(True, 2)]}
path = pathlib.Path(__file__).with_name("ppo.json")
path.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"wrote {path}")
