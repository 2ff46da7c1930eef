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
from .errors import FileFormatError

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
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FileFormatError(path, f"{not_safetensors}: its header is not JSON ({error})") from None
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise FileFormatError(path, "a damaged safetensors file: its __metadata__ is not an object of strings")
    return metadata


def _json(path: str, what: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FileFormatError(path, f"{what} in the header is damaged (not JSON: {error})") from None


def _header(path: str, metadata: dict[str, str]) -> dict[str, Any]:
    if METADATA_KEY not in metadata:
        return _legacy_header(path, metadata)
    header = _json(path, "the rnnkit record", metadata[METADATA_KEY])
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("kind") not in KINDS:
        raise FileFormatError(path, f"the header's rnnkit record is not one rnnkit wrote (expected format 'rnnkit' and a kind of {KINDS})")
    version = header.get("version")
    if not isinstance(version, int) or not 1 <= version <= VERSION:
        raise FileFormatError(path, f"format version {version!r} is not one this rnnkit reads (1 to {VERSION}); a newer rnnkit wrote it?")
    return header


def _legacy_header(path: str, metadata: dict[str, str]) -> dict[str, Any]:
    """The header of a file written before this container: the four old layouts, as version 1."""
    legacy = {"format": FORMAT, "version": 1}
    if metadata.get("format") in _LEGACY_MODEL_FORMATS:
        if metadata.get("format_version") != "1":
            raise FileFormatError(path, f"format version {metadata.get('format_version')!r} is not one this rnnkit reads (1)")
        header = {**legacy, "kind": _LEGACY_MODEL_FORMATS[metadata["format"]]}
        if "config" in metadata:
            header["config"] = _json(path, "the stored config", metadata["config"])
        if "optimizer" in metadata:
            header["optimizer"] = _json(path, "the stored optimizer state", metadata["optimizer"])
        return header
    if _LEGACY_TRAINING_KEY in metadata:
        record = _json(path, "the checkpoint record", metadata[_LEGACY_TRAINING_KEY])
        if record.get("version") != 1:
            raise FileFormatError(path, f"checkpoint version {record.get('version')} is not 1, the one this rnnkit reads")
        optimizer = record["optimizer"]
        if optimizer is not None:
            optimizer = {**{k: v for k, v in optimizer.items() if k != "plain_state"}, "state": optimizer["plain_state"]}
        header = {**legacy, "kind": "training", "epoch": record["epoch"], "optimizer": optimizer, "rng": record["rng"]}
        if _LEGACY_LANGUAGE_MODEL_KEY in metadata:
            header["record"] = {"task": "lm", **_json(path, "the language-model record", metadata[_LEGACY_LANGUAGE_MODEL_KEY])}
        return header
    if _LEGACY_TASK_KEY in metadata:
        return {**legacy, "kind": "task", "record": _json(path, "the task record", metadata[_LEGACY_TASK_KEY])}
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


def optimizer_state_dict(tensors: dict[str, torch.Tensor], record: dict[str, Any]) -> dict[str, Any]:
    """Undo :func:`optimizer_parts`: ``tensors`` is the file's ``optimizer`` group (``<index>/<name>``)."""
    state: dict[int, dict[str, Any]] = {int(index): dict(entries) for index, entries in record["state"].items()}
    for key, value in tensors.items():
        index, name = key.split("/", 1)
        state.setdefault(int(index), {})[name] = value
    return {"state": state, "param_groups": record["param_groups"]}
