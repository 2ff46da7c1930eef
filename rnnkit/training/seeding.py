"""Seeds and the state of every random generator a training run draws from.

``set_random_seed`` seeds Python's ``random``, numpy's global generator and torch's (CPU and every
GPU), as ``keras.utils.set_random_seed`` does. ``generator_states``/``restore_generator_states``
capture and restore them exactly, so a checkpoint can resume the same shuffles and dropout masks.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch


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


def restore_generator_states(tensors: dict[str, torch.Tensor], plain: dict[str, Any]) -> None:
    """Put back what :func:`generator_states` captured."""
    torch.set_rng_state(tensors["rng/torch"])
    cuda = sorted((key for key in tensors if key.startswith("rng/cuda/")), key=lambda k: int(k.rsplit("/", 1)[1]))
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([tensors[key] for key in cuda])
    version, internal, gauss = plain["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, position, has_gauss, cached = plain["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), position, has_gauss, cached))
