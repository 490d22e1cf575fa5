"""PyTorch reference for @skelnorm/trainer's benchTrainingThroughput: the seed CNN's training step.

Same model as `createModel('seed-cnn')` (3 conv blocks 32/64/128 with BatchNorm2d, ReLU, max-pool 2,
shared by the persons; max over persons; fc 3072-512 with BatchNorm1d, ReLU, dropout 0.5; fc 512-60),
input (N, C=3, T=64, V=25, M=2), cross-entropy, Adam (lr 1e-3). Prints one JSON line.

Usage: python3 torch-bench.py --threads 2 --batch 64 --steps 10 --warmup 2
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SeedCnn(nn.Module):
    def __init__(self, num_classes=60, frames=64):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2))

        self.conv1, self.conv2, self.conv3 = block(3, 32), block(32, 64), block(64, 128)
        self.fc1 = nn.Sequential(nn.Linear(128 * (frames // 8) * 3, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Dropout(0.5))
        self.fc2 = nn.Sequential(nn.Linear(512, num_classes))

    def forward(self, x):  # (N, C, T, V, M)
        maps = [self.conv3(self.conv2(self.conv1(x[..., m]))) for m in range(x.shape[-1])]
        merged = torch.stack(maps).max(0).values
        return self.fc2(self.fc1(merged.flatten(1)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--frames", type=int, default=64)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = SeedCnn(frames=a.frames).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    times = []
    for i in range(a.warmup + a.steps):
        x = torch.rand(a.batch, 3, a.frames, 25, 2) * 2 - 1
        y = torch.randint(0, 60, (a.batch,))
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "msPerStep": sum(times) / len(times),
        "medianMsPerStep": statistics.median(times),
        "threads": a.threads,
        "batchSize": a.batch,
        "steps": a.steps,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
