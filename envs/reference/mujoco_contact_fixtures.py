#!/usr/bin/env python3
"""Regenerates the MuJoCo fixtures of the planar locomotion models, the ones with contacts.

Usage (from the repository root, with the pinned versions of `envs/reference/requirements.txt`):

    python3 envs/reference/mujoco_contact_fixtures.py

Writes `Tests/DuetPhysicsTests/Fixtures/<model>.json` for hopper.xml, half_cheetah.xml and walker2d_v5.xml
(Gymnasium 1.4's files, unchanged, in `envs/models/`), in the format of `mujoco_fixtures.py` (whose helpers it
uses): the compiled `mjModel` fields, then *records* at many (qpos, qvel, ctrl) with the outputs of
`mj_forward` and of one control step. Here every record also has

- `exact_qacc` / `exact_qfrc_constraint`: `mj_forward` with the constraint solver run to convergence
  (tolerance 1e-15, 1000 iterations), the exact minimiser Duet computes;
- `ncon`, `contacts`: each active contact of `mj_forward` as (geom1, geom2, dist, pos, frame);
- `clearance`: the smallest |distance − margin| of any limit side or candidate contact (each capsule end
  against the floor, each pair of capsules by `mj_geomDistance`) at the start of each physics substep of the
  control step, so that tests can skip records where a row switches on or off during the step.

and `envs/reference/mujoco/<task>.json`: open-loop replays of Hopper-v5, HalfCheetah-v5 and Walker2d-v5 through
`gymnasium.make` (`mujoco_fixtures.task_fixture`: the post-reset state, float32 actions, then per step the
observation, reward, flags, qpos and qvel) over the horizons where round-off stays small (simulator.md §3),
and `Tests/DuetPhysicsTests/Fixtures/contact_experiments.json`: drops of a capsule with each task's contact
parameters and a box sliding to rest under friction, 2 s of states each (`experiments`).

States come from seeded rollouts of Gymnasium-like resets (noise about the initial pose) under random, biased
and bang-bang controls, so that feet, heads and knees touch the floor and joints reach their limits.
"""

import hashlib
import json
import os
import sys

import gymnasium as gym
import mujoco
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mujoco_fixtures  # noqa: E402
from mujoco_fixtures import (PHYSICS_FIXTURES, MODELS, PINNED, TASK_FIXTURES, compiled_fields, floats,  # noqa: E402
                             limit_clearance, task_fixture)

# model file → (frame skip of its Gymnasium task, records from random rollouts, bang-bang rollouts)
TASKS = {"hopper": (4, 60, 30), "half_cheetah": (5, 60, 30), "walker2d_v5": (4, 60, 30)}
# model file → (Gymnasium identifier, replay horizon in control steps: simulator.md §3's table)
REPLAYS = {"hopper": ("Hopper-v5", 100), "half_cheetah": ("HalfCheetah-v5", 10), "walker2d_v5": ("Walker2d-v5", 100)}


def candidate_pairs(m):
    """Geom pairs mj_collision may test: different, unwelded, not parent and child, bitmasks matching."""
    pairs = []
    for g1 in range(m.ngeom):
        for g2 in range(g1 + 1, m.ngeom):
            b1, b2 = m.geom_bodyid[g1], m.geom_bodyid[g2]
            w1, w2 = m.body_weldid[b1], m.body_weldid[b2]
            if w1 == w2:
                continue
            p1, p2 = m.body_weldid[m.body_parentid[w1]], m.body_weldid[m.body_parentid[w2]]
            if w1 != 0 and w2 != 0 and (w1 == p2 or w2 == p1):
                continue
            if not (m.geom_contype[g1] & m.geom_conaffinity[g2]) and not (m.geom_contype[g2] & m.geom_conaffinity[g1]):
                continue
            pairs.append((g1, g2))
    return pairs


def contact_clearance(m, d, pairs):
    closest = np.inf
    for g1, g2 in pairs:
        margin = m.geom_margin[g1] + m.geom_margin[g2]
        t1, t2 = m.geom_type[g1], m.geom_type[g2]
        if t1 == mujoco.mjtGeom.mjGEOM_PLANE and t2 == mujoco.mjtGeom.mjGEOM_CAPSULE:
            normal = d.geom_xmat[g1].reshape(3, 3)[:, 2]
            axis = d.geom_xmat[g2].reshape(3, 3)[:, 2]
            for sign in (1, -1):
                end = d.geom_xpos[g2] + sign * m.geom_size[g2, 1] * axis
                dist = np.dot(end - d.geom_xpos[g1], normal) - m.geom_size[g2, 0]
                closest = min(closest, abs(dist - margin))
        else:
            fromto = np.zeros(6)
            dist = mujoco.mj_geomDistance(m, d, g1, g2, 10.0, fromto)
            closest = min(closest, abs(dist - margin))
    return closest


def forward(m, d, qpos, qvel, ctrl, exact):
    tolerance, iterations = m.opt.tolerance, m.opt.iterations
    if exact:
        m.opt.tolerance, m.opt.iterations = 1e-15, 1000
    mujoco.mj_resetData(m, d)
    d.qpos[:] = qpos
    d.qvel[:] = qvel
    d.ctrl[:] = ctrl
    mujoco.mj_forward(m, d)
    m.opt.tolerance, m.opt.iterations = tolerance, iterations


def record(m, d, qpos, qvel, ctrl, frame_skip, pairs):
    forward(m, d, qpos, qvel, ctrl, exact=True)
    exact = {"exact_qacc": floats(d.qacc), "exact_qfrc_constraint": floats(d.qfrc_constraint)}
    mujoco.mj_step(m, d, frame_skip)
    exact.update({"exact_step_qpos": floats(d.qpos), "exact_step_qvel": floats(d.qvel),
                  "exact_step_xpos": floats(d.xpos), "exact_step_site_xpos": floats(d.site_xpos),
                  "exact_step_qfrc_constraint": floats(d.qfrc_constraint)})
    forward(m, d, qpos, qvel, ctrl, exact=False)
    full = np.zeros((m.nv, m.nv))
    mujoco.mj_fullM(m, d, full)
    contacts = [{"geom": [int(c.geom1), int(c.geom2)], "dist": float(c.dist), "pos": floats(c.pos),
                 "frame": floats(c.frame)} for c in d.contact[:d.ncon] if not c.exclude]
    entry = {
        "qpos": floats(qpos), "qvel": floats(qvel), "ctrl": floats(ctrl),
        "qacc": floats(d.qacc), "qfrc_bias": floats(d.qfrc_bias), "qfrc_passive": floats(d.qfrc_passive),
        "qfrc_actuator": floats(d.qfrc_actuator), "qfrc_constraint": floats(d.qfrc_constraint),
        "M": floats(full), "nefc": int(d.nefc), "nl": int(d.nl), "ncon": len(contacts), "contacts": contacts,
        "xpos": floats(d.xpos), "xipos": floats(d.xipos),
    }
    closest = np.inf
    for _ in range(frame_skip):
        closest = min(closest, limit_clearance(m, d), contact_clearance(m, d, pairs))
        mujoco.mj_step(m, d)
    entry.update({
        "step_qpos": floats(d.qpos), "step_qvel": floats(d.qvel), "step_xpos": floats(d.xpos),
        "step_site_xpos": floats(d.site_xpos), "step_qfrc_constraint": floats(d.qfrc_constraint),
        "limit_clearance": float(closest),
    })
    entry.update(exact)
    return entry


def sample_states(m, rng, frame_skip, random_count, bang_count):
    """(qpos, qvel, ctrl) along seeded rollouts: reset noise about qpos0, then random, biased or bang-bang
    controls for a random number of control steps (the state is kept if finite)."""
    d = mujoco.MjData(m)
    states = []
    low, high = m.actuator_ctrlrange[:, 0], m.actuator_ctrlrange[:, 1]
    while len(states) < random_count + bang_count:
        bang = len(states) >= random_count
        mujoco.mj_resetData(m, d)
        d.qpos[:] = m.qpos0 + rng.uniform(-0.1, 0.1, m.nq)
        d.qvel[:] = rng.normal(0, 0.3, m.nv)
        bias = rng.uniform(low, high)
        for _ in range(int(rng.integers(5, 200))):
            if bang:
                d.ctrl[:] = np.where(rng.uniform(size=m.nu) < 0.5, low, high)
            else:
                d.ctrl[:] = np.clip(bias + rng.normal(0, 0.5 * (high - low), m.nu), 1.2 * low, 1.2 * high)
            mujoco.mj_step(m, d, frame_skip)
        if np.all(np.isfinite(d.qpos)) and np.all(np.abs(d.qvel) < 100):
            ctrl = np.float32(rng.uniform(1.2 * low, 1.2 * high)).astype(np.float64)
            states.append((d.qpos.copy(), d.qvel.copy(), ctrl))
    return states


def physics_fixture(name, rng):
    path = os.path.join(MODELS, name + ".xml")
    frame_skip, random_count, bang_count = TASKS[name]
    m = mujoco.MjModel.from_xml_path(path)
    d = mujoco.MjData(m)
    pairs = candidate_pairs(m)
    records = [record(m, d, *state, frame_skip, pairs)
               for state in sample_states(m, rng, frame_skip, random_count, bang_count)]
    compiled = compiled_fields(m)
    compiled.update({"ngeom": int(m.ngeom), "geom_bodyid": [int(v) for v in m.geom_bodyid],
                     "geom_type": [int(v) for v in m.geom_type], "geom_size": floats(m.geom_size),
                     "geom_pos": floats(m.geom_pos), "geom_quat": floats(m.geom_quat),
                     "geom_margin": floats(m.geom_margin), "geom_friction": floats(m.geom_friction[:, 0]),
                     "geom_condim": [int(v) for v in m.geom_condim], "candidate_pairs": [list(p) for p in pairs]})
    return {
        "model": name + ".xml", "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        "versions": {"mujoco": mujoco.__version__, "gymnasium": gym.__version__, "numpy": np.__version__},
        "frame_skip": frame_skip, "compiled": compiled, "records": records, "euler": [],
    }


# Drop and slide experiments on test models made here (written into the fixture with their XML, so that the
# Swift tests load the very same text): a capsule on a planar root (slide x, slide z, hinge about y; mass 5)
# dropped with its centre at 0.3 m, with each task's options and geom defaults and the radius of its contact
# capsules (Hopper's and Walker2d's feet 0.06, HalfCheetah's 0.046); and a 0.2 m box sliding on the floor.
EXPERIMENT = """<mujoco model="{name}">
  <option {option}/>
  <default><geom {geom}/></default>
  <worldbody>
    <geom name="floor" type="plane" size="5 5 0.1" {floor}/>
    <body name="body" pos="0 0 {height}">
      <joint name="x" type="slide" axis="1 0 0"/>
      <joint name="z" type="slide" axis="0 0 1"/>
      <joint name="pitch" type="hinge" axis="0 1 0"/>
      {shape}
    </body>
  </worldbody>
</mujoco>
"""
DROPS = {
    "Hopper": ('integrator="RK4" timestep="0.002"',
               'conaffinity="1" condim="1" contype="1" margin="0.001" solimp=".8 .8 .01" solref=".02 1"',
               'conaffinity="1" condim="3"', 0.06, 0.195),
    "Walker2d": ('integrator="RK4" timestep="0.002"', 'conaffinity="0" condim="3" contype="1" friction=".7 .1 .1"',
                 'conaffinity="1" condim="3"', 0.06, 0.1),
    "HalfCheetah": ('timestep="0.01"',
                    'conaffinity="0" condim="3" contype="1" friction=".4 .1 .1" solimp="0.0 0.8 0.01" solref="0.02 1"',
                    'conaffinity="1" condim="3"', 0.046, 0.5),
}


def experiments():
    """Per experiment: the XML, the start state, and qpos and qvel after every physics step for 2 s."""
    cases = []
    for name, (option, geom, floor, radius, half) in DROPS.items():
        shape = f'<geom type="capsule" fromto="-{half} 0 0 {half} 0 0" size="{radius}" mass="5"/>'
        cases.append({"name": f"drop {name}", "radius": radius, "start_qvel": [0, 0, 0],
                      "xml": EXPERIMENT.format(name=f"drop {name}", option=option, geom=geom, floor=floor, height=0.3,
                                               shape=shape)})
    shape = '<geom type="box" size="0.1 0.1 0.1" mass="1"/>'
    cases.append({"name": "slide", "radius": 0.1, "start_qvel": [2, 0, 0],
                  "xml": EXPERIMENT.format(name="slide", option='integrator="RK4" timestep="0.002"',
                                           geom='friction="0.5 0.005 0.0001"', floor='condim="3"', height=0.1,
                                           shape=shape)})
    for case in cases:
        m = mujoco.MjModel.from_xml_string(case["xml"])
        m.opt.tolerance, m.opt.iterations = 1e-15, 1000
        d = mujoco.MjData(m)
        d.qvel[:] = case["start_qvel"]
        qpos, qvel, ncon = [], [], []
        while d.time < 2 - 1e-9:
            mujoco.mj_step(m, d)
            qpos.append(floats(d.qpos))
            qvel.append(floats(d.qvel))
            ncon.append(int(d.ncon))
        case.update({"timestep": float(m.opt.timestep), "qpos": qpos, "qvel": qvel, "ncon": ncon})
    return cases


def main():
    found = {"mujoco": mujoco.__version__, "gymnasium": gym.__version__, "numpy": np.__version__}
    for package, version in PINNED.items():
        if found[package] != version:
            print(f"warning: {package} {found[package]} is not the pinned {version}", file=sys.stderr)
    with open(os.path.join(PHYSICS_FIXTURES, "contact_experiments.json"), "w") as out:
        json.dump({"versions": found, "experiments": experiments()}, out, separators=(",", ":"))
    for index, name in enumerate(TASKS):
        rng = np.random.default_rng(2000 + index)
        fixture = physics_fixture(name, rng)
        with open(os.path.join(PHYSICS_FIXTURES, name + ".json"), "w") as out:
            json.dump(fixture, out, separators=(",", ":"))
        records = fixture["records"]
        identifier, horizon = REPLAYS[name]
        mujoco_fixtures.TASKS[name] = (TASKS[name][0], identifier, horizon)
        with open(os.path.join(TASK_FIXTURES, identifier + ".json"), "w") as out:
            json.dump(task_fixture(name, rng), out, separators=(",", ":"))
        print(f"{name}: {len(records)} records, {sum(r['ncon'] > 0 for r in records)} with contacts, "
              f"{sum(r['nl'] > 0 for r in records)} with limits, largest ncon {max(r['ncon'] for r in records)}")


if __name__ == "__main__":
    main()
