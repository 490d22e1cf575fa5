"""PyTorch reference for `skelnorm bench`: training steps of the seed CNN on random data.

The seed question's model: three conv blocks (3x3 conv, BatchNorm, ReLU, 2x2 max-pool; 32/64/128
channels) shared by the two persons (one call each), element-wise max over persons, fc 3072-512
(BatchNorm1d, ReLU, dropout 0.5) and fc 512-classes; Adam, cross-entropy. Input (N, C=3, T, V=25, M=2).
Prints one JSON object.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


class SeedCNN(nn.Module):
    def __init__(self, classes: int, frames: int, norm: bool):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, padding=1),
                nn.BatchNorm2d(cout, momentum=0.01) if norm else nn.Identity(),
                nn.ReLU(),
                nn.MaxPool2d(2),
            )

        self.conv1 = block(3, 32)
        self.conv2 = block(32, 64)
        self.conv3 = block(64, 128)
        features = 128 * (frames // 2 // 2 // 2) * (25 // 2 // 2 // 2)
        self.fc1 = nn.Sequential(
            nn.Linear(features, 512),
            nn.BatchNorm1d(512, momentum=0.01) if norm else nn.Identity(),
            nn.ReLU(),
            nn.Dropout(0.5),
        )
        self.fc2 = nn.Sequential(nn.Linear(512, classes))

    def forward(self, x):
        maps = [self.conv3(self.conv2(self.conv1(x[..., m]))) for m in range(x.shape[-1])]
        merged = torch.stack(maps).max(0).values
        return self.fc2(self.fc1(merged.flatten(1)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--frames", type=int, default=64)
    p.add_argument("--classes", type=int, default=60)
    p.add_argument("--no-norm", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = SeedCNN(a.classes, a.frames, not a.no_norm).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(a.batch_size, 3, a.frames, 25, 2)
    x[: a.batch_size * 5 // 6, ..., 1] = 0  # most samples: the second person absent, as in NTU
    y = torch.randint(0, a.classes, (a.batch_size,))
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        dt = (time.perf_counter() - t0) * 1000
        if i >= a.warmup:
            times.append(dt)
    mean = sum(times) / len(times)
    print(json.dumps({
        "framework": "pytorch",
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "batchSize": a.batch_size,
        "steps": a.steps,
        "msPerStep": mean,
        "medianMsPerStep": statistics.median(times),
        "samplesPerSecond": a.batch_size * 1000 / mean,
    }))


if __name__ == "__main__":
    main()
