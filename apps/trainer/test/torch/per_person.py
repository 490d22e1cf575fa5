"""The seed model with the doctor's per-person repair, in PyTorch: the lines the README gives.

A BatchNorm that the persons share keeps one set of running statistics for all of them, a blend of
the real first person and the mostly absent second one, which normalizes neither as training did.
The doctor's `<out>.per-person.safetensors` holds one set per person slot (`running_mean_slot0`,
`running_mean_slot1`, ...) for the conv BatchNorms; this module holds them, and the forward pass
tells each conv BatchNorm which person it normalizes.

    python3 per_person.py STATE.per-person.safetensors PACK_DIR SCORES.json --classes K --frames T
"""
import argparse

import torch
import torch.nn.functional as F
from torch import nn

from round_trip import read_pack, write_scores
from safetensors_file import load_file
from seed_model import SeedModel


class SlotBatchNorm2d(nn.Module):
    """BatchNorm2d with one set of running statistics per person slot; `slot` picks the set."""

    def __init__(self, num_features, slots=2, eps=1e-5, momentum=0.1):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        for k in range(slots):
            self.register_buffer(f"running_mean_slot{k}", torch.zeros(num_features))
            self.register_buffer(f"running_var_slot{k}", torch.ones(num_features))
            self.register_buffer(f"num_batches_tracked_slot{k}", torch.tensor(0))
        self.eps, self.momentum, self.slot = eps, momentum, 0

    def forward(self, x):
        mean = getattr(self, f"running_mean_slot{self.slot}")
        var = getattr(self, f"running_var_slot{self.slot}")
        return F.batch_norm(x, mean, var, self.weight, self.bias, self.training, self.momentum, self.eps)


def per_person(model):
    """The seed model with per-slot conv BatchNorms; person m is normalized with slot m."""
    for block in (model.conv1, model.conv2, model.conv3):
        block[1] = SlotBatchNorm2d(block[1].num_features)
    slotted = [m for m in model.modules() if isinstance(m, SlotBatchNorm2d)]

    def person_maps(m, person):
        for bn in slotted:
            bn.slot = m
        return model.conv3(model.conv2(model.conv1(person)))

    def forward(x):
        merged = torch.stack([person_maps(m, x[..., m]) for m in range(x.size(-1))]).amax(dim=0)
        return model.fc2(model.fc1(merged.flatten(1)))

    model.forward = forward
    return model


def main():
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for arg in ("state", "data", "scores_out"):
        parser.add_argument(arg)
    parser.add_argument("--classes", type=int, default=60)
    parser.add_argument("--frames", type=int, default=64)
    args = parser.parse_args()
    model = per_person(SeedModel(num_class=args.classes, frames=args.frames))
    tensors, _ = load_file(args.state)
    model.load_state_dict(tensors, strict=True)
    data, names, labels = read_pack(args.data)
    write_scores(model, data, names, labels, args.scores_out)


if __name__ == "__main__":
    main()
