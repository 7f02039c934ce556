"""Writes gsde.json: Stable-Baselines3's own gSDE distribution on fixed inputs, for StateDependentNoiseTests.

It builds SB3's StateDependentNoiseDistribution(full_std=True, use_expln=False, learn_features=True,
squash_output=True) as SAC's actor does, sets the exploration matrix to W = exp(log_std) * E for a given
standard-normal E (what sample_weights draws by reparameterisation), samples actions, evaluates log_prob, and
differentiates L = sum(c_a * actions) + sum(c_logp * log_prob) with respect to the means, the features and log_std,
all in float64.

Run from the repository root: python3 Tests/DuetLearnersTests/Fixtures/make_gsde_fixture.py
(needs torch and stable-baselines3 from PyPI; used only to write the fixture).
"""
import json
import pathlib

import numpy as np
import torch as th
from stable_baselines3.common.distributions import StateDependentNoiseDistribution

th.set_default_dtype(th.float64)
rng = np.random.default_rng(7)
batch, features, actions_dim = 5, 4, 2
means = rng.uniform(-1.5, 1.5, (batch, actions_dim))
latent = np.maximum(rng.normal(0, 1, (batch, features)), 0)  # ReLU features
latent[0, 1] = 0.0
log_std = rng.uniform(-1.5, 0.3, (features, actions_dim))
standard_normal = rng.normal(0, 1, (features, actions_dim))
action_weights = rng.normal(0, 1, (batch, actions_dim))
log_probability_weights = rng.normal(0, 1, (batch,))

mean_t = th.tensor(means, requires_grad=True)
latent_t = th.tensor(latent, requires_grad=True)
log_std_t = th.tensor(log_std, requires_grad=True)
distribution = StateDependentNoiseDistribution(actions_dim, full_std=True, use_expln=False,
                                               squash_output=True, learn_features=True)
distribution.latent_sde_dim = features
distribution.exploration_mat = th.exp(log_std_t) * th.tensor(standard_normal)
distribution.exploration_matrices = distribution.exploration_mat.unsqueeze(0)
distribution.proba_distribution(mean_t, log_std_t, latent_t)
actions = distribution.sample()
log_prob = distribution.log_prob(actions)
loss = (th.tensor(action_weights) * actions).sum() + (th.tensor(log_probability_weights) * log_prob).sum()
loss.backward()

fixture = {
    "means": means.tolist(), "latent": latent.tolist(), "logStandardDeviation": log_std.tolist(),
    "standardNormal": standard_normal.tolist(), "actionWeights": action_weights.tolist(),
    "logProbabilityWeights": log_probability_weights.tolist(),
    "actions": actions.detach().numpy().tolist(), "logProbabilities": log_prob.detach().numpy().tolist(),
    "meanGradient": mean_t.grad.numpy().tolist(), "latentGradient": latent_t.grad.numpy().tolist(),
    "logStandardDeviationGradient": log_std_t.grad.numpy().tolist(),
}
path = pathlib.Path(__file__).with_name("gsde.json")
path.write_text(json.dumps(fixture) + "\n")
print(f"wrote {path}")
