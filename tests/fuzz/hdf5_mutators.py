"""Mutators for HDF5 files (legacy ``.h5``, ``.weights.h5``): attribute and dataset edits through h5py, and foreign references.

Each opens an in-memory copy with h5py (the harness writes with h5py; what it tests is rnnkit's
reader) and changes one thing: an attribute's value or type (the JSON ones, ``model_config`` and
``training_config``, through :func:`~.mutators.mutate_json`), a dataset's shape, dtype or values,
or a weight replaced by a reference out of the file (external storage, an external link, a soft
link to nowhere, a virtual dataset) naming ``foreign.bin`` / ``foreign.h5`` next to the case, which
:func:`write_foreign_files` writes.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np

from .mutators import RAW, Mutator, dumps, mutate_json

FOREIGN_BYTES = b"FOREIGN!" * 512


def write_foreign_files(folder: Path) -> None:
    """The files a foreign reference names, in the case's working folder: raw bytes and an HDF5 file."""
    import h5py

    (folder / "foreign.bin").write_bytes(FOREIGN_BYTES)
    with h5py.File(folder / "foreign.h5", "w") as file:
        file["data"] = np.frombuffer(FOREIGN_BYTES, np.float32)


def _edit(content: bytes, change) -> bytes:
    import h5py

    buffer = io.BytesIO(content)
    with h5py.File(buffer, "r+") as file:
        change(file)
    return buffer.getvalue()


def _objects(file) -> list:
    found = [file]
    file.visititems(lambda name, obj: found.append(obj))
    return found


def _datasets(file) -> list:
    import h5py

    return [obj for obj in _objects(file) if isinstance(obj, h5py.Dataset)]


def edit_attribute(content: bytes, rng: random.Random) -> bytes:
    """One attribute's value replaced, retyped or deleted (a JSON attribute: one node of it damaged)."""

    def change(file) -> None:
        spots = [(obj, name) for obj in _objects(file) for name in obj.attrs]
        if not spots:
            return
        obj, name = rng.choice(spots)
        value = obj.attrs[name]
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value if isinstance(value, str) else None
        if text is not None and text[:1] in "{[" and rng.random() < 0.7:
            try:
                obj.attrs[name] = dumps(mutate_json(json.loads(text), rng))
                return
            except ValueError:
                pass
        action = rng.choice(["delete", "number", "string", "array", "names"])
        if action == "delete":
            del obj.attrs[name]
        elif action == "number":
            obj.attrs[name] = rng.choice([0, -1, 2**62, 1.5, np.nan])
        elif action == "string":
            obj.attrs[name] = rng.choice(["", "x" * 100_000, "{", "null", "[]", "\x00\x01"])
        elif action == "array":
            obj.attrs[name] = np.zeros(rng.choice([0, 3, 1000]), dtype=rng.choice([np.float64, np.int8, np.uint64]))
        else:
            obj.attrs[name] = np.array([b"ghost", b"../../etc/passwd", b""][: rng.randrange(1, 4)])

    return _edit(content, change)


def _replace_a_dataset(content: bytes, rng: random.Random, write) -> bytes:
    """``content`` with a random dataset deleted and ``write(parent group, name, shape, dtype)`` called in its place."""

    def change(file) -> None:
        datasets = _datasets(file)
        if datasets:
            dataset = rng.choice(datasets)
            parent, name, shape, dtype = dataset.parent, dataset.name.rsplit("/", 1)[-1], dataset.shape, dataset.dtype
            del parent[name]
            write(parent, name, shape, dtype)

    return _edit(content, change)


def edit_dataset(content: bytes, rng: random.Random) -> bytes:
    """One dataset replaced by another shape, dtype or NaN values, or deleted."""

    def write(parent, name: str, shape: tuple, dtype: np.dtype) -> None:
        action = rng.choice(["shape", "dtype", "nan", "delete", "scalar"])
        if action == "shape":
            parent[name] = np.zeros(tuple(d + rng.choice([1, -1, 0]) if d else 1 for d in shape) + ((2,) if rng.random() < 0.2 else ()))
        elif action == "dtype":
            parent[name] = np.zeros(shape, dtype=rng.choice([np.float16, np.float64, np.int64, np.bool_, "S4"]))
        elif action == "nan":
            parent[name] = np.full(shape, rng.choice([np.nan, np.inf, 1e38]), dtype=dtype if dtype.kind == "f" else np.float32)
        elif action == "scalar":
            parent[name] = 1.0

    return _replace_a_dataset(content, rng, write)


def foreign_reference(content: bytes, rng: random.Random) -> bytes:
    """One dataset replaced by a reference out of the file: external storage, an external or dangling soft link, a virtual dataset."""
    import h5py

    def write(parent, name: str, shape: tuple, dtype: np.dtype) -> None:
        shape, dtype = shape or (1,), dtype if dtype.kind == "f" else np.dtype(np.float32)
        action = rng.choice(["external", "link", "soft", "virtual"])
        if action == "external":
            parent.create_dataset(name, shape=shape, dtype=dtype, external=[("foreign.bin", 0, h5py.h5f.UNLIMITED)])
        elif action == "link":
            parent[name] = h5py.ExternalLink("foreign.h5", "/data")
        elif action == "soft":
            parent[name] = h5py.SoftLink(rng.choice(["/nowhere", f"{parent.name}/{name}", "/"]))
        else:
            layout = h5py.VirtualLayout(shape=shape, dtype=dtype)
            layout[...] = h5py.VirtualSource("foreign.h5", "data", shape=shape)  # its declared shape; HDF5 fills the rest
            parent.create_virtual_dataset(name, layout, fillvalue=0)

    return _replace_a_dataset(content, rng, write)


HDF5: list[Mutator] = [edit_attribute] * 4 + [edit_dataset] * 2 + [foreign_reference] + RAW * 2
