"""PyTorch's side of the round trip that torch-round-trip.test.ts drives.

  round_trip.py golden MODEL GOLDEN.safetensors
      replays a golden file (initial.* loaded, steps.K.input in the modes of __metadata__.modes,
      outputs and final.* buffers compared at 1e-4 relative / 1e-5 absolute): proves the fixture
      module computes what the file's generator computed.
  round_trip.py train MODEL DATA_DIR STATE_OUT SCORES_OUT [--steps K] [--batch-size B] [--seed S]
      trains K SGD steps (random batches of B) in train mode on a `skelnorm pack` export, saves the plain
      state_dict (no metadata) and the eval-mode logits of every sample.
  round_trip.py eval MODEL STATE DATA_DIR SCORES_OUT
      loads STATE with strict=True into a freshly built module and writes its eval-mode logits.

MODEL is seed-cnn or stgcn. Scores are JSON {"samples": [{"name", "label", "logits"}]} in the
order of samples.json, the shape `skelnorm eval --scores` writes.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch

from safetensors_file import load_file, save_file
from seed_model import SeedModel
from stgcn_official import STGCN

RTOL, ATOL = 1e-4, 1e-5


def build(name, **overrides):
    if name == "seed-cnn":
        return SeedModel(**overrides)
    if name == "stgcn":
        return STGCN(**overrides)
    raise SystemExit(f"unknown model {name!r}: seed-cnn or stgcn")


def within_tolerance(actual, expected):
    """numpy's allclose rule; returns (ok, largest |a - e| / (atol + rtol |e|))."""
    ratio = ((actual - expected).abs() / (ATOL + RTOL * expected.abs())).max().item()
    return ratio <= 1, ratio


def replay_golden(name, path):
    tensors, metadata = load_file(path)
    model = build(name, dropout=0.0)
    initial = {k[len("initial."):]: v for k, v in tensors.items() if k.startswith("initial.")}
    model.load_state_dict(initial, strict=True)
    failures = []
    with torch.no_grad():
        for k, mode in enumerate(json.loads(metadata["modes"])):
            model.train(mode == "train")
            ok, ratio = within_tolerance(model(tensors[f"steps.{k}.input"]), tensors[f"steps.{k}.output"])
            print(f"step {k} ({mode}): output within {ratio:.3f} of the tolerance")
            if not ok:
                failures.append(f"steps.{k}.output")
    state = model.state_dict()
    for key, expected in tensors.items():
        if key.startswith("final."):
            ok, ratio = within_tolerance(state[key[len("final."):]].double(), expected.double())
            if not ok:
                failures.append(f"{key} ({ratio:.3f} of the tolerance)")
    if failures:
        raise SystemExit(f"{path}: {name} differs from the golden file in {', '.join(failures)}")
    print(f"{path}: {name} replays the golden file")


def read_pack(folder):
    folder = Path(folder)
    listing = json.loads((folder / "samples.json").read_text())
    data = torch.from_numpy(np.load(folder / "data.npy"))
    return data, listing["sample_name"], torch.tensor(listing["label"])


def write_scores(model, data, names, labels, path):
    model.eval()
    with torch.no_grad():
        logits = model(data)
    samples = [{"name": n, "label": int(l), "logits": row.tolist()} for n, l, row in zip(names, labels, logits)]
    Path(path).write_text(json.dumps({"samples": samples}))


def train(name, data_dir, state_out, scores_out, steps, batch_size, seed):
    torch.manual_seed(seed)
    data, names, labels = read_pack(data_dir)
    model = build(name)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for step in range(steps):
        batch = torch.randperm(len(data), generator=generator)[:batch_size]
        loss = torch.nn.functional.cross_entropy(model(data[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step}: loss {loss.item():.4f}")
    save_file(model.state_dict(), state_out)
    write_scores(model, data, names, labels, scores_out)


def evaluate(name, state_path, data_dir, scores_out):
    tensors, _ = load_file(state_path)
    model = build(name)
    model.load_state_dict(tensors, strict=True)
    # load_state_dict casts silently, so the dtypes (num_batches_tracked is int64) are checked here.
    wrong = [f"{k} is {tensors[k].dtype}, not {v.dtype}" for k, v in model.state_dict().items() if tensors[k].dtype != v.dtype]
    if wrong:
        raise SystemExit(f"{state_path}: {'; '.join(wrong)}")
    data, names, labels = read_pack(data_dir)
    write_scores(model, data, names, labels, scores_out)


def main():
    # One thread: with two, OpenMP's spinning threads cost several times the work on a shared machine.
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    golden = sub.add_parser("golden")
    golden.add_argument("model")
    golden.add_argument("file")
    fit = sub.add_parser("train")
    for arg in ("model", "data", "state_out", "scores_out"):
        fit.add_argument(arg)
    fit.add_argument("--steps", type=int, default=4)
    fit.add_argument("--batch-size", type=int, default=16)
    fit.add_argument("--seed", type=int, default=0)
    ev = sub.add_parser("eval")
    for arg in ("model", "state", "data", "scores_out"):
        ev.add_argument(arg)
    args = parser.parse_args()
    if args.command == "golden":
        replay_golden(args.model, args.file)
    elif args.command == "train":
        train(args.model, args.data, args.state_out, args.scores_out, args.steps, args.batch_size, args.seed)
    else:
        evaluate(args.model, args.state, args.data, args.scores_out)


if __name__ == "__main__":
    main()
