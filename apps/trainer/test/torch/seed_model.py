"""The seed question's skeleton CNN as its author wrote it in PyTorch.

Each person slot goes through the same conv stack (so every BatchNorm there runs once per person
per step and its running statistics blend the real person with the mostly all-zero second one),
the maps are merged by element-wise max, then two FC layers. The conv reads a person's (C, T, V)
as an image (C, H=T, W=V): 64 x 25 -> 8 x 3 after three 2x2 poolings.
"""
import torch
from torch import nn


def _conv_block(in_channels, out_channels, momentum):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1),
        nn.BatchNorm2d(out_channels, momentum=momentum),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


class SeedModel(nn.Module):
    """Input (N, 3, T, 25, M) -> logits (N, num_class)."""

    def __init__(self, num_class=60, frames=64, momentum=0.01, dropout=0.5):
        super().__init__()
        self.conv1 = _conv_block(3, 32, momentum)
        self.conv2 = _conv_block(32, 64, momentum)
        self.conv3 = _conv_block(64, 128, momentum)
        features = 128 * (frames // 8) * (25 // 8)
        self.fc1 = nn.Sequential(
            nn.Linear(features, 512), nn.BatchNorm1d(512, momentum=momentum), nn.ReLU(), nn.Dropout(dropout)
        )
        self.fc2 = nn.Sequential(nn.Linear(512, num_class))

    def forward(self, x):
        stack = lambda person: self.conv3(self.conv2(self.conv1(person)))
        merged = torch.stack([stack(x[..., m]) for m in range(x.size(-1))]).amax(dim=0)
        return self.fc2(self.fc1(merged.flatten(1)))
