"""Golden numbers for the trainer's optimizers, schedules and gradient clipping, from PyTorch.

Run: /usr/bin/python3 scripts/optim-golden.py > src/optim/optim.golden.json
(Debian's python3-torch 1.13; any recent PyTorch gives the same numbers to float32 rounding.)
"""
import json
import math

import torch

torch.set_default_dtype(torch.float32)
P0 = [[0.5, -1.0, 2.0], [[0.1, 0.2], [-0.3, 0.4]]]
STEPS = 5


def grad_of(p, t):
    # The gradient depends on the current value, so every step's update feeds into the next.
    return torch.sin(3.0 * p.detach() + t)


def run(make):
    params = [torch.tensor(v, requires_grad=True) for v in P0]
    opt = make(params)
    for t in range(STEPS):
        if t == 3:
            for g in opt.param_groups:
                g["lr"] = g["lr"] * 0.5
        for p in params:
            p.grad = grad_of(p, t)
        opt.step()
    return [p.detach().flatten().tolist() for p in params]


optimizers = {
    "sgd": ({"name": "sgd", "lr": 0.1}, lambda ps: torch.optim.SGD(ps, lr=0.1)),
    "sgd-momentum": (
        {"name": "sgd", "lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weightDecay": 0.01},
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    ),
    "sgd-nesterov": (
        {"name": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True, "weightDecay": 0.001},
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.001),
    ),
    "adam": ({"name": "adam", "lr": 0.1}, lambda ps: torch.optim.Adam(ps, lr=0.1)),
    "adam-l2": (
        {"name": "adam", "lr": 0.1, "betas": [0.8, 0.9], "eps": 1e-3, "weightDecay": 0.1},
        lambda ps: torch.optim.Adam(ps, lr=0.1, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1),
    ),
    "adamw": ({"name": "adamw", "lr": 0.1}, lambda ps: torch.optim.AdamW(ps, lr=0.1)),
    "adamw-wd": (
        {"name": "adamw", "lr": 0.1, "weightDecay": 0.5, "eps": 1e-6},
        lambda ps: torch.optim.AdamW(ps, lr=0.1, weight_decay=0.5, eps=1e-6),
    ),
}


def lrs(make_sched, epochs=9):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make_sched(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


schedules = {
    "step": ({"name": "step", "stepSize": 2, "gamma": 0.5}, lambda o: torch.optim.lr_scheduler.StepLR(o, 2, 0.5)),
    "multistep": ({"name": "multistep", "milestones": [2, 5]}, lambda o: torch.optim.lr_scheduler.MultiStepLR(o, [2, 5], 0.1)),
    "cosine": ({"name": "cosine", "tMax": 6, "etaMin": 0.001}, lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 6, 0.001)),
    "warmup": (
        {"name": "constant", "warmupEpochs": 3},
        lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1 / 3, total_iters=3),
    ),
    "warmup-0.1": (
        {"name": "constant", "warmupEpochs": 4, "warmupStartFactor": 0.1},
        lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=4),
    ),
}

grads = [torch.tensor([3.0, -4.0]), torch.tensor([[1.0, 2.0], [2.0, 0.5]])]
params = [torch.zeros_like(g, requires_grad=True) for g in grads]
for p, g in zip(params, grads):
    p.grad = g.clone()
norm = torch.nn.utils.clip_grad_norm_(params, max_norm=2.0)

print(json.dumps({
    "initial": P0,
    "steps": STEPS,
    "halveLrAtStep": 3,
    "optimizers": {k: {"spec": s, "params": run(m)} for k, (s, m) in optimizers.items()},
    "schedules": {k: {"spec": s, "baseLr": 0.1, "lrs": lrs(m)} for k, (s, m) in schedules.items()},
    "clip": {
        "maxNorm": 2.0,
        "grads": [g.flatten().tolist() for g in grads],
        "totalNorm": float(norm),
        "clipped": [p.grad.flatten().tolist() for p in params],
    },
    "torch": torch.__version__,
}, indent=1))
