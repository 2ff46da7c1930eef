"""The one container for every file rnnkit writes itself: safetensors with a versioned JSON header.

A file is plain safetensors (any safetensors reader opens it; reading it runs no code). Its
``__metadata__`` holds one entry, ``"rnnkit"``, a JSON object::

    {"format": "rnnkit", "kind": "model" | "weights" | "training" | "task", "version": 2, ...}

and the rest of the object is the kind's own record (a model's config, a checkpoint's epoch, a
task's vocabulary). The tensors are named ``group/key``: ``weights/<state_dict key>`` in model
files, ``model/<state_dict key>`` in checkpoints, ``optimizer/<param index>/<name>``,
``rng/torch``. Optimizer state has one layout everywhere (:func:`optimizer_parts`).

Files written before this container (four layouts, all "version 1") are read through
:func:`_legacy_header`, which turns their metadata into the header above; their tensors already
have these names. It imports only rnnkit's leaf modules (errors, atomic writing), so every layer of
the package can use it.

Writes are atomic (:func:`rnnkit.atomic_files.write_atomically`): a crash leaves the old file or the new one.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from typing import Any

import safetensors
import safetensors.torch
import torch

from .atomic_files import write_atomically
from .errors import FileFormatError, FileLimitError
from .file_records import as_object, record_field
from .limits import check_bytes, load_json

FORMAT = "rnnkit"
VERSION = 2
KINDS = ("model", "weights", "training", "task")
METADATA_KEY = "rnnkit"
MAX_HEADER_BYTES = 100_000_000  # safetensors' own limit on the JSON header

# The metadata keys of the four layouts written before this container.
_LEGACY_MODEL_FORMATS = {"rnnkit.model": "model", "rnnkit.weights": "weights"}
_LEGACY_TRAINING_KEY = "rnnkit-training-checkpoint"
_LEGACY_LANGUAGE_MODEL_KEY = "rnnkit-language-model"
_LEGACY_TASK_KEY = "rnnkit-task"


@dataclass(frozen=True)
class Contents:
    """What a file holds: its header (``format``, ``kind``, ``version`` and the kind's record) and tensors."""

    path: str
    header: dict[str, Any]
    tensors: dict[str, torch.Tensor]

    @property
    def kind(self) -> str:
        return self.header["kind"]

    def group(self, name: str) -> dict[str, torch.Tensor]:
        """The tensors named ``name/<key>``, by ``<key>`` (``group("model")`` is a state dict)."""
        prefix = f"{name}/"
        return {key[len(prefix):]: value for key, value in self.tensors.items() if key.startswith(prefix)}


def to_bytes(kind: str, tensors: dict[str, torch.Tensor], record: dict[str, Any]) -> bytes:
    """The file's content: ``tensors`` (any device; copied to CPU) and the header ``kind`` + ``record``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    reserved = sorted({"format", "kind", "version"} & set(record))
    if reserved:
        raise ValueError(f"the record may not set {reserved}: the container writes them")
    header = {"format": FORMAT, "kind": kind, "version": VERSION, **record}
    plain = {key: value.detach().cpu().contiguous().clone() for key, value in tensors.items()}  # no shared storage
    return safetensors.torch.save(plain, {METADATA_KEY: json.dumps(header, ensure_ascii=False)})


def save(path: str | os.PathLike, kind: str, tensors: dict[str, torch.Tensor], record: dict[str, Any]) -> None:
    """Write :func:`to_bytes` to ``path`` atomically (one write, one fsync)."""
    content = to_bytes(kind, tensors, record)
    write_atomically(path, lambda stream: stream.write(content))


def looks_like_safetensors(head: bytes, size: int) -> bool:
    """A safetensors file starts with its header's length (u64, little-endian), then ``{``."""
    if len(head) < 9:
        return False
    (header_size,) = struct.unpack("<Q", head[:8])
    return head[8:9] == b"{" and header_size <= size - 8


def read_header(path: str | os.PathLike) -> dict[str, Any]:
    """The header of an rnnkit file, without reading its tensors (cheap: for telling kinds apart)."""
    path = os.fspath(path)
    return _header(path, _metadata(path))


def load(path: str | os.PathLike) -> Contents:
    """Header and tensors of an rnnkit file; a :class:`FileFormatError` naming the file for anything else."""
    path = os.fspath(path)
    header = _header(path, _metadata(path))
    check_bytes(path, "tensors", os.path.getsize(path))
    try:
        with safetensors.safe_open(path, framework="pt") as reader:
            tensors = {key: reader.get_tensor(key) for key in reader.keys()}
    except (safetensors.SafetensorError, OSError, ValueError) as error:
        raise FileFormatError(path, f"the safetensors file is damaged or truncated: {error}") from None
    return Contents(path, header, tensors)


def _metadata(path: str) -> dict[str, str]:
    """The ``__metadata__`` of a safetensors file: the one parser of its header, with size checks."""
    not_safetensors = "not a safetensors file (so not an rnnkit checkpoint or model file)"
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as stream:
            head = stream.read(8)
            if len(head) < 8:
                raise FileFormatError(path, f"{not_safetensors}: only {size} bytes")
            (length,) = struct.unpack("<Q", head)
            if length > min(MAX_HEADER_BYTES, size - 8):
                raise FileFormatError(path, f"{not_safetensors}: its first 8 bytes give a header of {length} bytes in a file of {size}")
            raw = stream.read(length)
    except IsADirectoryError:
        raise FileFormatError(path, "is a folder, not a file") from None
    except FileNotFoundError:
        raise FileFormatError(path, "no such file") from None
    try:
        header = load_json(path, "safetensors header", raw)
    except FileLimitError:
        raise
    except FileFormatError as error:
        raise FileFormatError(path, f"{not_safetensors}: its header is not JSON ({error.found})") from None
    as_object(path, header, "safetensors header")
    metadata = record_field(path, header, "__metadata__", (dict, type(None)), where="safetensors header") or {}
    for key in metadata:
        record_field(path, metadata, key, str, where="__metadata__")
    return metadata


def _header(path: str, metadata: dict[str, str]) -> dict[str, Any]:
    if METADATA_KEY not in metadata:
        return _legacy_header(path, metadata)
    header = load_json(path, f"__metadata__.{METADATA_KEY}", metadata[METADATA_KEY])
    record_field(path, header, "format", str, where=METADATA_KEY, choices=(FORMAT,))
    record_field(path, header, "kind", str, where=METADATA_KEY, choices=KINDS)
    version = record_field(path, header, "version", int, where=METADATA_KEY)
    if not 1 <= version <= VERSION:
        raise FileFormatError(path, field=f"{METADATA_KEY}.version", expected=f"a format version this rnnkit reads (1 to {VERSION})",
                              found=f"{version} (a newer rnnkit wrote it?)")
    return header


def _legacy_header(path: str, metadata: dict[str, str]) -> dict[str, Any]:
    """The header of a file written before this container: the four old layouts, as version 1."""
    legacy = {"format": FORMAT, "version": 1}
    if metadata.get("format") in _LEGACY_MODEL_FORMATS:
        record_field(path, metadata, "format_version", str, where="__metadata__", choices=("1",))
        header = {**legacy, "kind": _LEGACY_MODEL_FORMATS[metadata["format"]]}
        for name in ("config", "optimizer"):
            if name in metadata:
                header[name] = load_json(path, f"__metadata__.{name}", metadata[name])
        return header
    if _LEGACY_TRAINING_KEY in metadata:
        where = f"__metadata__.{_LEGACY_TRAINING_KEY}"
        record = load_json(path, where, metadata[_LEGACY_TRAINING_KEY])
        record_field(path, record, "version", int, where=where, choices=(1,))
        optimizer = record_field(path, record, "optimizer", (dict, type(None)), where=where)
        if optimizer is not None:
            plain = record_field(path, optimizer, "plain_state", dict, where=f"{where}.optimizer")
            optimizer = {**{k: v for k, v in optimizer.items() if k != "plain_state"}, "state": plain}
        header = {**legacy, "kind": "training", "epoch": record_field(path, record, "epoch", int, where=where),
                  "optimizer": optimizer, "rng": record_field(path, record, "rng", dict, where=where)}
        if _LEGACY_LANGUAGE_MODEL_KEY in metadata:
            where = f"__metadata__.{_LEGACY_LANGUAGE_MODEL_KEY}"
            header["record"] = {"task": "lm", **as_object(path, load_json(path, where, metadata[_LEGACY_LANGUAGE_MODEL_KEY]), where)}
        return header
    if _LEGACY_TASK_KEY in metadata:
        return {**legacy, "kind": "task", "record": load_json(path, f"__metadata__.{_LEGACY_TASK_KEY}", metadata[_LEGACY_TASK_KEY])}
    raise FileFormatError(path, "a safetensors file, but not one rnnkit wrote (its header has no 'rnnkit' record)")


def optimizer_parts(state_dict: dict[str, Any]) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """A torch optimizer's ``state_dict()`` as tensors ``optimizer/<index>/<name>`` and a JSON record.

    The record is ``{"param_groups": [...], "state": {index: {name: plain value}}}``: the
    non-tensor entries of the per-parameter state (a step count kept as a number).
    """
    tensors: dict[str, torch.Tensor] = {}
    plain: dict[str, dict[str, Any]] = {}
    for index, entries in state_dict["state"].items():
        for name, value in entries.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer/{index}/{name}"] = value.detach().cpu().contiguous().clone()
            else:
                plain.setdefault(str(index), {})[name] = value
    return tensors, {"param_groups": state_dict["param_groups"], "state": plain}
