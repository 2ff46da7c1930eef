"""Seeds and the state of every random generator a training run draws from.

``set_random_seed`` seeds Python's ``random``, numpy's global generator and torch's (CPU and every
GPU), as ``keras.utils.set_random_seed`` does. ``generator_states``/``restore_generator_states``
capture and restore them exactly, so a checkpoint can resume the same shuffles and dropout masks.
"""

from __future__ import annotations

import os
import random
from typing import Any, NamedTuple

import numpy as np
import torch

from ..errors import FileFormatError
from ..file_records import checked_value, record_field, record_items


def set_random_seed(seed: int) -> None:
    """Seed Python, numpy and torch so that a run repeats exactly (on the same machine and threads)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer; got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def generator_states() -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The generators' states: byte tensors for torch, plain JSON-ready data for Python and numpy."""
    tensors = {"rng/torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        for index, state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng/cuda/{index}"] = state
    version, internal, gauss = random.getstate()
    kind, keys, position, has_gauss, cached = np.random.get_state()
    plain = {
        "python": [version, list(internal), gauss],
        "numpy": [kind, keys.tolist(), int(position), int(has_gauss), float(cached)],
    }
    return tensors, plain


class GeneratorStates(NamedTuple):
    """Checked states, ready to restore: torch's CPU and GPU byte tensors, Python's and numpy's state tuples."""

    torch: torch.Tensor
    cuda: list[torch.Tensor]
    python: tuple
    numpy: tuple


def checked_generator_states(path: str | os.PathLike, tensors: dict[str, torch.Tensor], plain: dict[str, Any]) -> GeneratorStates:
    """What :func:`generator_states` captured, as a file holds it, checked (a FileFormatError naming the part otherwise).

    ``tensors`` are the file's tensors (``rng/torch``, ``rng/cuda/<index>``); ``plain`` is its ``rng``
    record. A state of another length or with values out of range would make the generators
    raise (or overflow) on restore; here it is refused first.
    """
    cuda_keys = sorted((key for key in tensors if key.startswith("rng/cuda/")), key=lambda k: (len(k), k))
    cuda_bytes = torch.cuda.get_rng_state().numel() if cuda_keys and torch.cuda.is_available() else None
    cpu = _byte_state(path, "rng/torch", tensors.get("rng/torch"), torch.get_rng_state().numel())
    cuda = [_byte_state(path, key, tensors[key], cuda_bytes) for key in cuda_keys]
    where = "rnnkit.rng.python"
    python = _named_items(path, where, record_field(path, plain, "python", list, where="rnnkit.rng"), ("version", "internal", "gauss"))
    record_field(path, python, "version", int, where=where, choices=(3,))
    internal = _words(path, f"{where}.internal", python["internal"], _MT_WORDS + 1)
    checked_value(path, f"{where}.internal.{_MT_WORDS}", internal[-1], int, maximum=_MT_WORDS)  # the position
    gauss = record_field(path, python, "gauss", (float, type(None)), where=where)
    where = "rnnkit.rng.numpy"
    numpy_state = _named_items(path, where, record_field(path, plain, "numpy", list, where="rnnkit.rng"),
                               ("kind", "keys", "position", "has_gauss", "cached"))
    return GeneratorStates(cpu, cuda, (3, tuple(internal), gauss), (
        record_field(path, numpy_state, "kind", str, where=where, choices=("MT19937",)),
        np.array(_words(path, f"{where}.keys", numpy_state["keys"], _MT_WORDS), dtype=np.uint32),
        record_field(path, numpy_state, "position", int, where=where, minimum=0, maximum=_MT_WORDS),
        record_field(path, numpy_state, "has_gauss", int, where=where, choices=(0, 1)),
        record_field(path, numpy_state, "cached", float, where=where),
    ))


_MT_WORDS = 624  # the Mersenne Twister's state: 624 32-bit words (Python's and numpy's alike)


def _named_items(path: str | os.PathLike, where: str, items: list, names: tuple[str, ...]) -> dict[str, Any]:
    """The JSON list ``items`` (a state tuple) by the names of its places; an error for another length."""
    if len(items) != len(names):
        raise FileFormatError(path, field=where, expected=f"[{', '.join(names)}]", found=f"{len(items)} items")
    return dict(zip(names, items))


def _words(path: str | os.PathLike, field: str, value: Any, count: int) -> list[int]:
    """``value`` as ``count`` unsigned 32-bit integers."""
    words = checked_value(path, field, value, list)
    if len(words) != count:
        raise FileFormatError(path, field=field, expected=f"a list of {count} integers", found=f"{len(words)} items")
    return record_items(path, words, int, field, minimum=0, maximum=2**32 - 1)


def _byte_state(path: str | os.PathLike, name: str, value: torch.Tensor | None, length: int | None) -> torch.Tensor:
    """A torch generator's state: a uint8 vector of ``length`` bytes (any length where it is not restored)."""
    if value is None:
        raise FileFormatError(path, field=name, expected="the torch generator's state", found="no such tensor")
    if value.dtype != torch.uint8 or value.dim() != 1 or (length is not None and value.numel() != length):
        raise FileFormatError(path, field=name, expected=f"a uint8 vector of {length or 'some'} bytes",
                              found=f"{value.dtype} of shape {tuple(value.shape)}")
    return value


def restore_generator_states(states: GeneratorStates) -> None:
    """Put back what :func:`checked_generator_states` checked (GPU states only where there is a GPU)."""
    torch.set_rng_state(states.torch)
    if states.cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states.cuda)
    random.setstate(states.python)
    np.random.set_state(states.numpy)
