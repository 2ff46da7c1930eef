"""Keras's ``keras.random``: random tensors from torch's generators, with Keras's ``seed`` rules.

``seed=None`` draws from torch's global generator (so ``keras.utils.set_random_seed`` makes a run
repeatable); an integer ``seed`` gives the same numbers at every call (Keras's stateless
seeds); a :class:`SeedGenerator` gives new numbers at every call, repeatable from its seed, as
custom layers use it. The numbers differ from TensorFlow's or JAX's for the same seed; only
their distributions are Keras's.
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from .ops.core import convert_to_tensor, to_dtype


class SeedGenerator:
    """A stream of random numbers: each draw advances it, so two draws differ; ``seed`` makes it repeatable."""

    def __init__(self, seed: int | None = None):
        self.generator = torch.Generator()
        self.generator.manual_seed(int(torch.randint(0, 2**62, ())) if seed is None else int(seed))


def _generator(seed: Any) -> torch.Generator | None:
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return seed.generator
    if isinstance(seed, int) and not isinstance(seed, bool):
        generator = torch.Generator()
        generator.manual_seed(seed)
        return generator
    raise ValueError(f"seed must be None, an integer or a keras.random.SeedGenerator; got {type(seed).__name__}")


def _shape(shape: int | Sequence[int]) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)


def _float(dtype: Any) -> torch.dtype:
    return torch.get_default_dtype() if dtype is None else to_dtype(dtype)


def normal(shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> torch.Tensor:
    return torch.randn(_shape(shape), generator=_generator(seed), dtype=_float(dtype)) * stddev + mean


def uniform(shape: Sequence[int], minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None) -> torch.Tensor:
    """Values in ``[minval, maxval)``."""
    return torch.rand(_shape(shape), generator=_generator(seed), dtype=_float(dtype)) * (maxval - minval) + minval


def randint(shape: Sequence[int], minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> torch.Tensor:
    """Integers in ``[minval, maxval)``."""
    return torch.randint(int(minval), int(maxval), _shape(shape), generator=_generator(seed), dtype=to_dtype(dtype))


def truncated_normal(shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> torch.Tensor:
    """Normal values redrawn until they lie within two standard deviations of ``mean``."""
    generator = _generator(seed)
    values = torch.randn(_shape(shape), generator=generator, dtype=_float(dtype))
    outside = values.abs() > 2
    while bool(outside.any()):
        values[outside] = torch.randn(int(outside.sum()), generator=generator, dtype=values.dtype)
        outside = values.abs() > 2
    return values * stddev + mean


def dropout(inputs: Any, rate: float, noise_shape: Sequence[int] | None = None, seed: Any = None) -> torch.Tensor:
    """Zero each value with probability ``rate`` and scale the rest by ``1 / (1 - rate)``; ``noise_shape`` broadcasts the mask."""
    x = convert_to_tensor(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1); got {rate}")
    mask_shape = tuple(x.shape) if noise_shape is None else tuple(s if s is not None else d for s, d in zip(noise_shape, x.shape))
    keep = torch.rand(mask_shape, generator=_generator(seed)) >= rate
    return torch.where(keep.to(x.device), x / (1 - rate), torch.zeros((), dtype=x.dtype, device=x.device))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> torch.Tensor:
    """``x`` with its slices along ``axis`` in a random order."""
    x = convert_to_tensor(x)
    order = torch.randperm(x.shape[axis], generator=_generator(seed))
    return x.index_select(axis, order.to(x.device))


__all__ = ["SeedGenerator", "dropout", "normal", "randint", "shuffle", "truncated_normal", "uniform"]
