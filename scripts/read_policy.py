#!/usr/bin/env python3
"""Reads a Duet policy file (learner<i>/policy-final.duet or policy-best.duet) into NumPy and acts with it.

A policy file is a Duet parameter archive (format 2: magic ``DUET``, version, scalar tag, payload, CRC-32) whose
entries are listed in Sources/DuetExperiments/PolicyFile.swift; this script needs NumPy and nothing from Duet.

    python3 scripts/read_policy.py runs/pendulum-td3/seed-0/learner0/policy-best.duet
    python3 scripts/read_policy.py POLICY --observations obs.csv        # one observation per row, no header
    python3 scripts/read_policy.py POLICY --observations obs.csv --low -2 --high 2   # actions in the box

From Python:

    from read_policy import Policy
    policy = Policy.load("policy-best.duet")
    action = policy.act(observation)                 # in [-1, 1]^d, as Duet's deterministicAction
    env_action = policy.to_box(action, low, high)    # as Duet's trainer rescales it

A gSDE policy (SAC or PPO with stateDependentExploration) written by this Duet also keeps its exploration log
standard deviations log σ_W (H x d): `policy.exploration_matrix(rng)` draws W = exp(log σ_W) * E, E ~ N(0, I), and
`policy.act_with_noise(observation, W)` is the exploration action with the noise h(s) @ W on the last hidden
layer's output h(s), as `duet evaluate --stochastic` acts (one W per episode):

    python3 scripts/read_policy.py POLICY --observations obs.csv --exploration-matrix w.csv   # H rows, d columns

Actions agree with Duet's to about 1e-6 (float32 arithmetic in another order; Duet's tanh is a vectorised
approximation within 7 ulps).
"""
import argparse
import struct
import sys
import zlib

import numpy as np

ALGORITHMS = {1: "ddpg", 2: "td3", 3: "sac", 4: "ppo"}
ACTIVATIONS = {0: "identity", 1: "relu", 2: "tanh"}


def read_archive(path):
    """The entries of a Duet parameter archive: name -> ndarray (tensor, float32/float64), int, or float64 array."""
    with open(path, "rb") as handle:
        data = handle.read()
    if len(data) < 24 or data[:4] != b"DUET":
        raise ValueError(f"{path}: not a Duet archive (no DUET magic)")
    version, tag, payload_length = struct.unpack_from("<IB3xQ", data, 4)
    if version not in (1, 2):
        raise ValueError(f"{path}: archive format {version}; this reader reads 1 and 2")
    end = 20 + payload_length
    if len(data) != end + 4:
        raise ValueError(f"{path}: truncated or padded ({len(data)} bytes, expected {end + 4})")
    (stored,) = struct.unpack_from("<I", data, end)
    if zlib.crc32(data[:end]) & 0xFFFFFFFF != stored:
        raise ValueError(f"{path}: checksum mismatch (corrupted file)")
    scalar = {1: np.dtype("<f4"), 2: np.dtype("<f8")}[tag]
    offset = 20
    (count,) = struct.unpack_from("<I", data, offset)
    offset += 4
    entries = {}
    for _ in range(count):
        (name_length,) = struct.unpack_from("<I", data, offset)
        offset += 4
        name = data[offset:offset + name_length].decode("utf-8")
        offset += name_length
        kind = data[offset]
        offset += 1
        if kind == 1:
            rows, columns = struct.unpack_from("<QQ", data, offset)
            offset += 16
            size = rows * columns * scalar.itemsize
            entries[name] = np.frombuffer(data, dtype=scalar, count=rows * columns, offset=offset).reshape(rows, columns)
            offset += size
        elif kind == 2:
            (entries[name],) = struct.unpack_from("<q", data, offset)
            offset += 8
        elif kind == 3:
            (values,) = struct.unpack_from("<Q", data, offset)
            offset += 8
            entries[name] = np.frombuffer(data, dtype="<f8", count=values, offset=offset)
            offset += 8 * values
        else:
            raise ValueError(f"{path}: entry {name!r} has unknown kind {kind}")
    return entries


def _activate(name, values):
    if name == "relu":
        return np.maximum(values, np.float32(0))
    if name == "tanh":
        return np.tanh(values)
    return values


class Policy:
    """A Duet policy: the actor network and what Duet does around it to act."""

    def __init__(self, entries, source="<policy>"):
        if entries.get("policy.format") != 1:
            raise ValueError(f"{source}: policy format {entries.get('policy.format')}; this reader reads format 1")
        self.source = source
        self.algorithm = ALGORITHMS[entries["policy.algorithm"]]
        self.head = entries["policy.head"]
        self.step = entries["policy.step"]
        mean = entries["policy.evaluationMean"]
        self.evaluation_mean = float(mean[0]) if len(mean) else None
        self.evaluation_returns = list(entries["policy.evaluationReturns"])
        layers = entries["network.layerCount"]
        self.weights = [entries[f"network.layers.{l}.weight"] for l in range(layers)]
        self.biases = [entries[f"network.layers.{l}.bias"][0] for l in range(layers)]
        epsilons = entries["network.layerNormEpsilon"]
        self.layer_norms = [(entries[f"network.layerNorms.{l}.gain"][0], entries[f"network.layerNorms.{l}.bias"][0],
                             np.float32(epsilons[l])) for l in range(len(epsilons))]
        self.hidden_activation = ACTIVATIONS[entries["network.hiddenActivation"]]
        self.output_activation = ACTIVATIONS[entries["network.outputActivation"]]
        self.observation_mean = entries.get("observation.mean")
        if self.observation_mean is not None:
            self.observation_variance = entries["observation.variance"]
            self.observation_clip = float(entries["observation.clip"][0])
            self.observation_scaling = entries.get("observation.scaling", 2 if self.algorithm == "ppo" else 1)
        outputs = self.weights[-1].shape[1]
        self.state_dependent = bool(entries.get("action.stateDependent", 0))
        self.mean_clip = None
        if self.head == 2:
            clip = entries["action.meanClip"]
            self.mean_clip = np.float32(clip[0]) if len(clip) else None
            self.action_dimension = outputs if self.state_dependent else outputs // 2
        else:
            self.action_dimension = outputs
        if self.head == 3:
            self.center = entries["action.center"].astype(np.float32)
            self.half_range = entries["action.halfRange"].astype(np.float32)
        self.observation_dimension = self.weights[0].shape[0]
        # gSDE's log σ_W (absent in files from before Duet kept it, and without gSDE).
        self.exploration_log_std = entries.get("action.explorationLogStandardDeviation")
        if self.exploration_log_std is not None and entries.get("action.explorationFeatures") != layers - 1:
            raise ValueError(f"{source}: action.explorationFeatures is not the last hidden layer ({layers - 1})")

    @classmethod
    def load(cls, path):
        """The policy in the file at `path`."""
        return cls(read_archive(path), source=path)

    def network_input(self, observation):
        """The observation as the network sees it (normalised by the run's statistics, when it has them)."""
        x = np.asarray(observation, dtype=np.float32)
        if self.observation_mean is None:
            return x
        deviation = np.sqrt(self.observation_variance + 1e-8)
        centred = x.astype(np.float64) - self.observation_mean
        value = centred * (1.0 / deviation) if self.observation_scaling == 1 else centred / deviation
        return np.clip(value, -self.observation_clip, self.observation_clip).astype(np.float32)

    def network(self, x):
        """The actor network's output for network inputs `x` (one row per observation, or one vector)."""
        return self._forward(x)[0]

    def _forward(self, x):
        """The network's output and the last hidden layer's output h (the input without a hidden layer)."""
        features = x
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            if index == len(self.weights) - 1:
                features = x
            x = (x @ weight + bias).astype(np.float32)
            if index < len(self.weights) - 1:
                if self.layer_norms:
                    gain, shift, epsilon = self.layer_norms[index]
                    mean = x.mean(axis=-1, keepdims=True)
                    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
                    x = (x - mean) / np.sqrt(variance + epsilon) * gain + shift
                x = _activate(self.hidden_activation, x)
            else:
                x = _activate(self.output_activation, x)
        return x, features

    def act(self, observation):
        """The deterministic action in [-1, 1]^d for a raw observation (or rows of them)."""
        output = self.network(self.network_input(observation))
        if self.head == 1:
            return output
        if self.head == 2:
            mean = output[..., :self.action_dimension]
            if self.mean_clip is not None:
                mean = np.clip(mean, -self.mean_clip, self.mean_clip)
            return np.tanh(mean)
        return np.clip((output - self.center) / self.half_range, -1, 1)

    def exploration_matrix(self, rng):
        """gSDE: a fresh exploration matrix W = exp(log σ_W) * E (H x d), E standard normal from `rng`
        (a numpy Generator)."""
        if self.exploration_log_std is None:
            raise ValueError(f"{self.source}: no gSDE exploration log std in this policy file")
        log_std = self.exploration_log_std.astype(np.float64)
        return (np.exp(log_std) * rng.standard_normal(log_std.shape)).astype(np.float32)

    def act_with_noise(self, observation, matrix):
        """gSDE: the exploration action in [-1, 1]^d for a raw observation (or rows) and a held matrix W (H x d):
        SAC tanh(clip(mu) + h @ W), PPO clip((mu + h @ W - c) / h_box, -1, 1)."""
        if self.exploration_log_std is None:
            raise ValueError(f"{self.source}: no gSDE exploration log std in this policy file")
        output, features = self._forward(self.network_input(observation))
        noise = (features @ np.asarray(matrix, dtype=np.float32)).astype(np.float32)
        if self.head == 2:
            mean = output if self.mean_clip is None else np.clip(output, -self.mean_clip, self.mean_clip)
            return np.tanh(mean + noise)
        return np.clip((output + noise - self.center) / self.half_range, -1, 1)

    @staticmethod
    def to_box(action, low, high):
        """An action in [-1, 1]^d as the environment's box action, low + (a + 1)/2 (high - low), as Duet rescales."""
        low = np.asarray(low, dtype=np.float32)
        high = np.asarray(high, dtype=np.float32)
        return low + (np.asarray(action, dtype=np.float32) + 1) * np.float32(0.5) * (high - low)

    def describe(self):
        """One line about the policy."""
        widths = [self.weights[0].shape[0]] + [w.shape[1] for w in self.weights]
        kept = f", evaluation mean {self.evaluation_mean:.2f}" if self.evaluation_mean is not None else ""
        normalised = "normalised" if self.observation_mean is not None else "raw"
        sde = ""
        if self.exploration_log_std is not None:
            sde = f"; gSDE log std {self.exploration_log_std.shape[0]} x {self.exploration_log_std.shape[1]}"
        return (f"{self.source}: {self.algorithm.upper()} policy kept at step {self.step}{kept}; network {widths} "
                f"({self.hidden_activation}), {normalised} observations, {self.action_dimension} actions{sde}")


def main():
    parser = argparse.ArgumentParser(description="Read a Duet policy file and act with it.")
    parser.add_argument("policy", help="a policy file, e.g. runs/x/seed-0/learner0/policy-best.duet")
    parser.add_argument("--observations", help="a CSV file of observations, one per row, no header; prints the "
                                               "actions, one per row")
    parser.add_argument("--low", type=float, nargs="+", help="the action box's lower bounds (prints box actions)")
    parser.add_argument("--high", type=float, nargs="+", help="the action box's upper bounds")
    parser.add_argument("--exploration-matrix", help="gSDE: a CSV file of the exploration matrix W (H rows, d "
                                                     "columns); prints the exploration actions with that W")
    arguments = parser.parse_args()
    try:
        policy = Policy.load(arguments.policy)
    except (OSError, ValueError, KeyError) as error:
        print(f"error: {arguments.policy}: {error}", file=sys.stderr)
        return 1
    if arguments.observations is None:
        print(policy.describe())
        return 0
    observations = np.loadtxt(arguments.observations, delimiter=",", dtype=np.float32, ndmin=2)
    if observations.shape[1] != policy.observation_dimension:
        print(f"error: {arguments.observations}: rows of {observations.shape[1]} values; the policy takes "
              f"{policy.observation_dimension}", file=sys.stderr)
        return 1
    if arguments.exploration_matrix is not None:
        if policy.exploration_log_std is None:
            print(f"error: {arguments.policy}: not a gSDE policy with its exploration log std; "
                  "--exploration-matrix needs one", file=sys.stderr)
            return 1
        matrix = np.loadtxt(arguments.exploration_matrix, delimiter=",", dtype=np.float32, ndmin=2)
        if matrix.shape != policy.exploration_log_std.shape:
            print(f"error: {arguments.exploration_matrix}: a {matrix.shape[0]} x {matrix.shape[1]} matrix; the "
                  f"policy needs {policy.exploration_log_std.shape[0]} x {policy.exploration_log_std.shape[1]}",
                  file=sys.stderr)
            return 1
        actions = policy.act_with_noise(observations, matrix)
    else:
        actions = policy.act(observations)
    if arguments.low is not None or arguments.high is not None:
        if arguments.low is None or arguments.high is None:
            print("error: give both --low and --high", file=sys.stderr)
            return 1
        actions = policy.to_box(actions, arguments.low, arguments.high)
    for row in np.atleast_2d(actions):
        print(",".join(repr(float(value)) for value in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
