"""The seed CNN's training step in PyTorch, for the ratio in models-bench (not part of the package).

Same model as ../../../shared/golden/seed_model_bn.safetensors: three conv blocks (3x3, 32/64/128,
BatchNorm2d, ReLU, MaxPool2d(2)) called once per person, element-wise max, fc1 (3072 -> 512,
BatchNorm1d, ReLU, Dropout), fc2 (-> 60); Adam, cross-entropy, input (N, 3, 64, 25, 2).
Prints one JSON line: {"threads", "batch", "steps", "msPerStep", "stepsPerSecond", "torch"}.
"""
import argparse
import json
import time

import torch
from torch import nn


def block(i, o, momentum):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o, momentum=momentum), nn.ReLU(), nn.MaxPool2d(2))


class SeedCnn(nn.Module):
    def __init__(self, num_class=60, momentum=0.01, dropout=0.5):
        super().__init__()
        self.conv1 = block(3, 32, momentum)
        self.conv2 = block(32, 64, momentum)
        self.conv3 = block(64, 128, momentum)
        self.fc1 = nn.Sequential(nn.Linear(3072, 512), nn.BatchNorm1d(512, momentum=momentum), nn.ReLU(), nn.Dropout(dropout))
        self.fc2 = nn.Sequential(nn.Linear(512, num_class))

    def forward(self, x):  # (N, C, T, V, M)
        persons = [self.conv3(self.conv2(self.conv1(x[..., m]))) for m in range(x.shape[-1])]
        merged = torch.stack(persons).max(0).values
        return self.fc2(self.fc1(merged.flatten(1)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--seconds', type=float, default=10)
    parser.add_argument('--max-steps', type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = SeedCnn().train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, 3, 64, 25, 2)
    y = torch.randint(0, 60, (args.batch,))

    def step():
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(2):
        step()
    steps, start = 0, time.perf_counter()
    while steps < 3 or (steps < args.max_steps and time.perf_counter() - start < args.seconds):
        step()
        steps += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({
        'threads': args.threads, 'batch': args.batch, 'steps': steps,
        'msPerStep': 1000 * elapsed / steps, 'stepsPerSecond': steps / elapsed, 'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
