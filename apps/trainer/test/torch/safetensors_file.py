"""Plain safetensors reading and writing for torch tensors.

Debian packages no `safetensors` for Python, and the format is small enough to write by hand:
8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} plus an
optional "__metadata__" of strings, then the raw little-endian bytes.
"""
import json
import struct

import numpy as np
import torch

_TO_NUMPY = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}
_FROM_DTYPE = {"F32": "<f4", "I64": "<i8"}


def save_file(tensors, path, metadata=None):
    """Writes {name: tensor} (float32 or int64) as the standard library's save_file would."""
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        if tensor.dtype not in _TO_NUMPY:
            raise TypeError(f"{name}: {tensor.dtype} is not float32 or int64")
        dtype, np_dtype = _TO_NUMPY[tensor.dtype]
        data = tensor.detach().cpu().contiguous().numpy().astype(np_dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":")).encode()
    # The format asks for the data to start 8-byte aligned; spaces pad the JSON.
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for chunk in chunks:
            f.write(chunk)


def load_file(path):
    """Returns ({name: tensor}, metadata) for a file of F32 and I64 tensors."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    body = raw[8 + length :]
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] not in _FROM_DTYPE:
            raise ValueError(f"{path}: {name} has dtype {entry['dtype']}; this reader knows F32 and I64")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=_FROM_DTYPE[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, metadata
