"""The seed CNN's training step in PyTorch (N, C, H, W), on the data written by seed-cnn-data.ts.

Same parameters, batch, persons folded into the batch, max-merge, flatten in (T, V, C) order
(as channels-last tfjs does), Adam. Prints one JSON line: per-step times and losses.
Usage: python3 seed_cnn_torch.py DATA_DIR WARMUP STEPS THREADS
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

data_dir, warmup, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
manifest = json.load(open(os.path.join(data_dir, "seed-cnn.json")))
raw = np.fromfile(os.path.join(data_dir, "seed-cnn.bin"), dtype="<f4")


def array(name):
    a = next(e for e in manifest["arrays"] if e["name"] == name)
    n = int(np.prod(a["shape"]))
    values = raw[a["offset"] : a["offset"] + n]
    if a["dtype"] == "int32":
        values = values.view("<i4")
    return values.reshape(a["shape"]).copy()


params = {}
for name in ["conv1", "conv2", "conv3"]:
    # [kh, kw, in, out] -> [out, in, kh, kw]
    params[name + ".weight"] = torch.tensor(array(name + ".weight").transpose(3, 2, 0, 1).copy(), requires_grad=True)
    params[name + ".bias"] = torch.tensor(array(name + ".bias"), requires_grad=True)
for name in ["fc1", "fc2"]:
    params[name + ".weight"] = torch.tensor(array(name + ".weight").T.copy(), requires_grad=True)  # [in, out] -> [out, in]
    params[name + ".bias"] = torch.tensor(array(name + ".bias"), requires_grad=True)

x5 = array("x")  # [M, N, T, V, C]
M, N, T, V, C = x5.shape
x = torch.tensor(x5.reshape(M * N, T, V, C).transpose(0, 3, 1, 2).copy())  # [M*N, C, T, V]
labels = torch.tensor(array("labels").astype(np.int64))
optimizer = torch.optim.Adam(list(params.values()), lr=1e-3)


def loss_fn():
    h = x
    for name in ["conv1", "conv2", "conv3"]:
        h = F.max_pool2d(F.relu(F.conv2d(h, params[name + ".weight"], params[name + ".bias"], padding=1)), 2)
    first, second = h[:N], h[N:]
    merged = torch.maximum(first, second).permute(0, 2, 3, 1).reshape(N, -1)  # (T, V, C) order
    hidden = F.relu(F.linear(merged, params["fc1.weight"], params["fc1.bias"]))
    return F.cross_entropy(F.linear(hidden, params["fc2.weight"], params["fc2.bias"]), labels)


losses, step_ms = [], []
for i in range(warmup + steps):
    start = time.perf_counter()
    optimizer.zero_grad()
    loss = loss_fn()
    loss.backward()
    optimizer.step()
    elapsed = (time.perf_counter() - start) * 1000
    losses.append(float(loss))
    if i >= warmup:
        step_ms.append(elapsed)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "losses": losses, "stepMs": step_ms}))
