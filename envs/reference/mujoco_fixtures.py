#!/usr/bin/env python3
"""Regenerates the MuJoCo fixtures that DuetPhysics' and DuetEnvironments' parity tests read.

Usage (from the repository root, with the pinned versions of `envs/reference/requirements.txt`):

    python3 -m pip install -r envs/reference/requirements.txt
    python3 envs/reference/mujoco_fixtures.py

Writes, for each model of `envs/models/` (Gymnasium 1.4's XML files, unchanged):

- `Tests/DuetPhysicsTests/Fixtures/<model>.json`: the compiled `mjModel` fields DuetPhysics computes itself
  (body masses, centres of mass, principal inertias and their frames, joint data, actuators, options, and
  `mj_setConst`'s `dof_invweight0` / `body_invweight0`), then *records*: at many (qpos, qvel, ctrl), the
  outputs of `mj_forward` (qacc, qfrc_bias, qfrc_passive, qfrc_actuator, qfrc_constraint, the full mass
  matrix, the number of constraint rows) and of one control step `mj_step(m, d, frame_skip)` (qpos, qvel, and
  the stale xpos, site_xpos and qfrc_constraint left by the last RK4 stage). Records are taken from seeded
  rollouts of random and biased controls and from states placed at and beyond the joint limits, so limits are
  active in many of them. `euler` records repeat the control step with the integrator switched to Euler.
- `envs/reference/mujoco/<task>.json`: open-loop replays of the Gymnasium v5 task (`gymnasium.make`): the
  post-reset state (Gymnasium's NumPy draws cannot be reproduced, so the state is stored), the float32
  actions, and after each step the observation, reward, flags, qpos and qvel.

Numbers are written with Python's `repr` (via `json`), so they read back to the same float64.
"""

import hashlib
import json
import os
import sys

import gymnasium as gym
import mujoco
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "envs", "models")
PHYSICS_FIXTURES = os.path.join(ROOT, "Tests", "DuetPhysicsTests", "Fixtures")
TASK_FIXTURES = os.path.join(ROOT, "envs", "reference", "mujoco")
PINNED = {"mujoco": "4.0.0", "gymnasium": "1.4.0", "numpy": "2.4.6"}

# model file → (frame skip of its Gymnasium task, Gymnasium identifier, replay horizon in control steps)
TASKS = {
    "compiler_coverage": (3, None, 0),  # Tests/DuetPhysicsTests/Fixtures/compiler_coverage.xml, not a task
    "inverted_pendulum": (2, "InvertedPendulum-v5", 100),
    "inverted_double_pendulum": (5, "InvertedDoublePendulum-v5", 50),
    "reacher": (2, "Reacher-v5", 50),
    "swimmer": (4, "Swimmer-v5", 300),
}


def floats(array):
    return [float(v) for v in np.asarray(array).ravel()]


def compiled_fields(m):
    return {
        "nbody": int(m.nbody), "njnt": int(m.njnt), "nu": int(m.nu), "nsite": int(m.nsite),
        "timestep": float(m.opt.timestep), "gravity": floats(m.opt.gravity), "integrator": int(m.opt.integrator),
        "density": float(m.opt.density), "viscosity": float(m.opt.viscosity),
        "body_parentid": [int(v) for v in m.body_parentid], "body_pos": floats(m.body_pos),
        "body_mass": floats(m.body_mass), "body_ipos": floats(m.body_ipos), "body_iquat": floats(m.body_iquat),
        "body_inertia": floats(m.body_inertia), "body_invweight0": floats(m.body_invweight0),
        "jnt_type": [int(v) for v in m.jnt_type], "jnt_bodyid": [int(v) for v in m.jnt_bodyid],
        "jnt_pos": floats(m.jnt_pos), "jnt_axis": floats(m.jnt_axis), "jnt_limited": [int(v) for v in m.jnt_limited],
        "jnt_range": floats(m.jnt_range), "jnt_margin": floats(m.jnt_margin), "jnt_solref": floats(m.jnt_solref),
        "jnt_solimp": floats(m.jnt_solimp), "qpos0": floats(m.qpos0), "qpos_spring": floats(m.qpos_spring),
        "jnt_stiffness": floats(m.jnt_stiffness), "dof_damping": floats(m.dof_damping),
        "dof_armature": floats(m.dof_armature), "dof_invweight0": floats(m.dof_invweight0),
        "actuator_trnid": [int(v) for v in m.actuator_trnid[:, 0]], "actuator_gear": floats(m.actuator_gear[:, 0]),
        "actuator_ctrllimited": [int(v) for v in m.actuator_ctrllimited],
        "actuator_ctrlrange": floats(m.actuator_ctrlrange), "site_bodyid": [int(v) for v in m.site_bodyid],
        "site_pos": floats(m.site_pos),
    }


def record(m, d, qpos, qvel, ctrl, frame_skip):
    """mj_forward outputs and one control step from (qpos, qvel, ctrl), with a zero warm start; the step is
    taken twice, with MuJoCo's default solver settings (what Gymnasium runs) and with its constraint solver
    run to convergence (tolerance 1e-15, 1000 iterations: the exact minimiser, `exact_step_*`)."""
    exact = exact_step(m, qpos, qvel, ctrl, frame_skip)
    mujoco.mj_resetData(m, d)
    d.qpos[:] = qpos
    d.qvel[:] = qvel
    d.ctrl[:] = ctrl
    mujoco.mj_forward(m, d)
    full = np.zeros((m.nv, m.nv))
    mujoco.mj_fullM(m, d, full)
    entry = {
        "qpos": floats(qpos), "qvel": floats(qvel), "ctrl": floats(ctrl),
        "qacc": floats(d.qacc), "qfrc_bias": floats(d.qfrc_bias), "qfrc_passive": floats(d.qfrc_passive),
        "qfrc_actuator": floats(d.qfrc_actuator), "qfrc_constraint": floats(d.qfrc_constraint),
        "M": floats(full), "nefc": int(d.nefc), "xpos": floats(d.xpos), "xipos": floats(d.xipos),
    }
    # Closest approach of a limit distance to its activation threshold over the step's substeps.
    closest = np.inf
    for _ in range(frame_skip):
        closest = min(closest, limit_clearance(m, d))
        mujoco.mj_step(m, d)
    entry.update({
        "step_qpos": floats(d.qpos), "step_qvel": floats(d.qvel), "step_xpos": floats(d.xpos),
        "step_site_xpos": floats(d.site_xpos), "step_qfrc_constraint": floats(d.qfrc_constraint),
        "limit_clearance": float(closest),
    })
    entry.update(exact)
    return entry


def exact_step(m, qpos, qvel, ctrl, frame_skip):
    tolerance, iterations = m.opt.tolerance, m.opt.iterations
    m.opt.tolerance, m.opt.iterations = 1e-15, 1000
    d = mujoco.MjData(m)
    d.qpos[:] = qpos
    d.qvel[:] = qvel
    d.ctrl[:] = ctrl
    mujoco.mj_step(m, d, frame_skip)
    m.opt.tolerance, m.opt.iterations = tolerance, iterations
    return {"exact_step_qpos": floats(d.qpos), "exact_step_qvel": floats(d.qvel), "exact_step_xpos": floats(d.xpos),
            "exact_step_site_xpos": floats(d.site_xpos), "exact_step_qfrc_constraint": floats(d.qfrc_constraint)}


def limit_clearance(m, d):
    closest = np.inf
    for j in range(m.njnt):
        if m.jnt_limited[j]:
            q = d.qpos[m.jnt_qposadr[j]]
            for dist in (q - m.jnt_range[j, 0], m.jnt_range[j, 1] - q):
                closest = min(closest, abs(dist - m.jnt_margin[j]))
    return closest


def sample_states(m, rng, count_rollout, count_limits):
    """(qpos, qvel, ctrl) from seeded rollouts with random and biased controls, then states at the limits."""
    d = mujoco.MjData(m)
    states = []
    low, high = m.actuator_ctrlrange[:, 0], m.actuator_ctrlrange[:, 1]
    while len(states) < count_rollout:
        mujoco.mj_resetData(m, d)
        d.qpos[:] = m.qpos0 + rng.uniform(-0.1, 0.1, m.nq)
        d.qvel[:] = rng.normal(0, 0.5, m.nv)
        bias = rng.uniform(low, high)
        for step in range(int(rng.integers(1, 60))):
            d.ctrl[:] = np.clip(bias + rng.normal(0, 0.5 * (high - low), m.nu), 1.5 * low, 1.5 * high)
            mujoco.mj_step(m, d)
        if np.all(np.isfinite(d.qpos)) and np.all(np.abs(d.qvel) < 50):
            ctrl = np.float32(rng.uniform(1.5 * low, 1.5 * high)).astype(np.float64)
            states.append((d.qpos.copy(), d.qvel.copy(), ctrl))
    limited = [j for j in range(m.njnt) if m.jnt_limited[j]]
    for index in range(count_limits):
        qpos = m.qpos0 + rng.uniform(-0.1, 0.1, m.nq)
        qvel = rng.normal(0, 1.0, m.nv)
        for j in limited:
            if rng.uniform() < 0.7:
                side = int(rng.integers(0, 2))
                depth = rng.uniform(-0.05, 0.02)  # beyond the limit (negative distance) to just inside it
                q = m.jnt_range[j, 0] - depth if side == 0 else m.jnt_range[j, 1] + depth
                qpos[m.jnt_qposadr[j]] = q
        ctrl = np.float32(rng.uniform(1.5 * low, 1.5 * high)).astype(np.float64)
        states.append((qpos, qvel, ctrl))
    return states


def model_path(name):
    if name == "compiler_coverage":
        return os.path.join(PHYSICS_FIXTURES, name + ".xml")
    return os.path.join(MODELS, name + ".xml")


def physics_fixture(name, rng):
    path = model_path(name)
    frame_skip = TASKS[name][0]
    m = mujoco.MjModel.from_xml_path(path)
    d = mujoco.MjData(m)
    records = [record(m, d, *state, frame_skip) for state in sample_states(m, rng, 30, 30)]
    euler = mujoco.MjModel.from_xml_path(path)
    euler.opt.integrator = mujoco.mjtIntegrator.mjINT_EULER
    de = mujoco.MjData(euler)
    euler_records = [record(euler, de, *state, frame_skip) for state in sample_states(euler, rng, 10, 10)]
    return {
        "model": name + ".xml", "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        "versions": {"mujoco": mujoco.__version__, "gymnasium": gym.__version__, "numpy": np.__version__},
        "frame_skip": frame_skip, "compiled": compiled_fields(m), "records": records, "euler": euler_records,
    }


def policy_for(identifier, rng):
    """A control law on the state that keeps the episode going (the pendulums) or explores (the others)."""
    if identifier == "InvertedPendulum-v5":
        return lambda q, v: np.array([np.clip(10 * q[1] + 1.0 * v[1] + 0.3 * q[0] + 0.3 * v[0]
                                              + rng.normal(0, 0.5), -3, 3)])
    if identifier == "InvertedDoublePendulum-v5":
        return lambda q, v: np.array([np.clip(rng.normal(0, 0.4), -1, 1)])
    return None


def task_fixture(name, rng):
    frame_skip, identifier, horizon = TASKS[name]
    env = gym.make(identifier)
    cases = []
    for case in range(3 if identifier == "Swimmer-v5" else 6):
        env.reset(seed=int(rng.integers(0, 2**31)))
        base = env.unwrapped
        start_qpos, start_qvel = floats(base.data.qpos), floats(base.data.qvel)
        policy = policy_for(identifier, rng) if case < 3 else None
        low, high = env.action_space.low, env.action_space.high
        steps = []
        for _ in range(horizon):
            if policy is not None:
                action = policy(base.data.qpos, base.data.qvel)
            else:
                action = rng.uniform(1.5 * low, 1.5 * high)  # a third outside the box
            action = np.asarray(action, dtype=np.float32)
            observation, reward, terminated, truncated, _ = env.step(action)
            steps.append({
                "action": floats(action), "observation": floats(observation), "reward": float(reward),
                "terminated": bool(terminated), "truncated": bool(truncated),
                "qpos": floats(base.data.qpos), "qvel": floats(base.data.qvel),
            })
            if terminated or truncated:
                break
        cases.append({"start_qpos": start_qpos, "start_qvel": start_qvel, "steps": steps})
    env.close()
    return {"identifier": identifier, "model": name + ".xml", "horizon": horizon,
            "versions": {"mujoco": mujoco.__version__, "gymnasium": gym.__version__, "numpy": np.__version__},
            "cases": cases}


def main():
    for package, version in PINNED.items():
        found = {"mujoco": mujoco.__version__, "gymnasium": gym.__version__, "numpy": np.__version__}[package]
        if found != version:
            print(f"warning: {package} {found} is not the pinned {version}", file=sys.stderr)
    os.makedirs(PHYSICS_FIXTURES, exist_ok=True)
    os.makedirs(TASK_FIXTURES, exist_ok=True)
    for index, name in enumerate(TASKS):
        rng = np.random.default_rng(999 + index if name == "compiler_coverage" else 1000 + index - 1)
        with open(os.path.join(PHYSICS_FIXTURES, name + ".json"), "w") as out:
            json.dump(physics_fixture(name, rng), out, separators=(",", ":"))
        if TASKS[name][1] is not None:
            with open(os.path.join(TASK_FIXTURES, TASKS[name][1] + ".json"), "w") as out:
                json.dump(task_fixture(name, rng), out, separators=(",", ":"))
        print(f"{name}: written")


if __name__ == "__main__":
    main()
