"""Reference NTU RGB+D .skeleton reader in Python + numpy, for `parse.bench.mjs`.

The usual way Python pipelines read the files (ST-GCN / 2s-AGCN style): split the text into lines,
walk the frame / body / joint structure, and let numpy convert each body's 25 joint lines at once
(`np.array(..., dtype=np.float32)` over the split tokens). Prints one JSON line:
{"files": n, "bytes": b, "seconds": s, "mb_per_s": b / s / 1e6}. Files are read into memory first;
only parsing is timed, as in the JavaScript benchmark.

Usage: python3 read_skeleton.py DIR [REPEATS]
"""
import json
import os
import sys
import time

import numpy as np


def read_skeleton(text):
    lines = text.split("\n")
    frame_count = int(lines[0])
    i = 1
    bodies = {}
    for f in range(frame_count):
        count = int(lines[i])
        i += 1
        for _ in range(count):
            info = lines[i].split()
            i += 1
            joints = int(lines[i])
            i += 1
            values = np.array(" ".join(lines[i:i + joints]).split(), dtype=np.float32).reshape(joints, 12)
            i += joints
            body = bodies.setdefault(info[0], {"frames": [], "xyz": [], "state": []})
            body["frames"].append(f)
            body["xyz"].append(values[:, 0:3])
            body["state"].append(values[:, 11])
    return {k: (np.array(v["frames"]), np.stack(v["xyz"]), np.stack(v["state"])) for k, v in bodies.items()}


def main():
    folder = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    texts = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".skeleton"):
            with open(os.path.join(folder, name), "rb") as f:
                texts.append(f.read().decode("ascii"))
    total = sum(len(t) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for t in texts:
            read_skeleton(t)
        best = min(best, time.process_time() - start)
    print(json.dumps({"files": len(texts), "bytes": total, "seconds": best, "mb_per_s": total / best / 1e6, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
