#!/usr/bin/env python3
"""Times off-policy update steps in PyTorch, the peer that `duet bench update` is compared with.

Each update is the full step as SB3 and CleanRL do it: sample a batch from a preallocated replay buffer,
critic loss and Adam step, (delayed) actor loss and Adam step, Polyak target updates.

    OPENBLAS_NUM_THREADS=1 python3 scripts/reference/torch_updates.py --algorithm td3 --hidden 256,256 \
        --batch 256 --observation 3 --action 1 --updates 2000

PyTorch runs on one thread (torch.set_num_threads(1)) so the comparison with Duet, which uses one BLAS thread
per learner, is like for like. Prints one line: `torch <algorithm> updates/s <rate>`.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(sizes, layer_norm=False, output_activation=None):
    layers = []
    for index in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[index], sizes[index + 1]))
        if index < len(sizes) - 2:
            if layer_norm:
                layers.append(nn.LayerNorm(sizes[index + 1]))
            layers.append(nn.ReLU())
    if output_activation is not None:
        layers.append(output_activation)
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithm", choices=["td3", "ddpg"], default="td3")
    parser.add_argument("--hidden", default="256,256")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--observation", type=int, default=3)
    parser.add_argument("--action", type=int, default=1)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--layer-norm", action="store_true", help="LayerNorm after each hidden layer (reference DDPG)")
    parser.add_argument("--buffer", type=int, default=100_000)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    hidden = [int(width) for width in args.hidden.split(",")]
    obs, act = args.observation, args.action
    critics = 2 if args.algorithm == "td3" else 1

    actor = mlp([obs, *hidden, act], args.layer_norm, nn.Tanh())
    actor_target = mlp([obs, *hidden, act], args.layer_norm, nn.Tanh())
    actor_target.load_state_dict(actor.state_dict())
    qs = [mlp([obs + act, *hidden, 1], args.layer_norm) for _ in range(critics)]
    q_targets = [mlp([obs + act, *hidden, 1], args.layer_norm) for _ in range(critics)]
    for q, target in zip(qs, q_targets):
        target.load_state_dict(q.state_dict())
    actor_optimizer = torch.optim.Adam(actor.parameters(), lr=1e-3)
    critic_optimizer = torch.optim.Adam([p for q in qs for p in q.parameters()], lr=1e-3)

    observations = torch.randn(args.buffer, obs)
    actions = torch.rand(args.buffer, act) * 2 - 1
    rewards = torch.randn(args.buffer, 1)
    next_observations = torch.randn(args.buffer, obs)
    dones = torch.zeros(args.buffer, 1)
    gamma, tau, policy_delay = 0.99, 0.005, (2 if args.algorithm == "td3" else 1)

    def update(step):
        index = torch.randint(0, args.buffer, (args.batch,))
        o, a, r, o2, d = observations[index], actions[index], rewards[index], next_observations[index], dones[index]
        with torch.no_grad():
            next_action = actor_target(o2)
            if args.algorithm == "td3":
                noise = (torch.randn_like(next_action) * 0.2).clamp(-0.5, 0.5)
                next_action = (next_action + noise).clamp(-1, 1)
            next_q = torch.min(torch.stack([t(torch.cat([o2, next_action], 1)) for t in q_targets]), 0).values
            target = r + (1 - d) * gamma * next_q
        critic_loss = sum(F.mse_loss(q(torch.cat([o, a], 1)), target) for q in qs)
        critic_optimizer.zero_grad()
        critic_loss.backward()
        critic_optimizer.step()
        if step % policy_delay == 0:
            actor_loss = -qs[0](torch.cat([o, actor(o)], 1)).mean()
            actor_optimizer.zero_grad()
            actor_loss.backward()
            actor_optimizer.step()
            with torch.no_grad():
                for net, target_net in [(actor, actor_target), *zip(qs, q_targets)]:
                    for p, tp in zip(net.parameters(), target_net.parameters()):
                        tp.mul_(1 - tau).add_(p, alpha=tau)

    for step in range(min(200, args.updates)):
        update(step)
    start = time.perf_counter()
    for step in range(args.updates):
        update(step)
    elapsed = time.perf_counter() - start
    print(f"torch {args.algorithm} updates/s {args.updates / elapsed:.1f}")


if __name__ == "__main__":
    main()
