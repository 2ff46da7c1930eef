"""Keras's weight initializers: the same classes, names, arguments and distributions.

An initializer is an object; ``init(shape, dtype=None)`` returns a new tensor (Keras's call), and
``init(tensor)`` fills an existing tensor in place (what layers use when they create a weight).
Shapes are in Keras layout, fan-in first: a kernel is (inputs, units). Fans follow Keras::

    (n,)          fan_in = fan_out = n
    (a, b)        fan_in = a, fan_out = b
    (..., a, b)   fan_in = a * r, fan_out = b * r, with r the product of the leading axes

``VarianceScaling`` draws with variance ``scale / n`` (n = fan_in, fan_out or their mean); its
``truncated_normal`` cuts at two standard deviations and widens the spread by 1 / 0.8796 so the
variance is still ``scale / n``, exactly as Keras does. The Glorot, He and LeCun initializers are
VarianceScaling with fixed arguments. A ``seed`` makes the draws reproducible: an initializer with
a seed yields the same sequence of tensors in every run (not Keras's numbers: a different RNG).
"""

from __future__ import annotations

import inspect
import math
from typing import Any, Callable

import torch

from .naming import snake_case

_TRUNCATED_STD = 0.87962566103423978  # std of a unit normal truncated to [-2, 2]


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of ``shape``, as Keras computes them."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base of every initializer: subclasses implement :meth:`fill_`."""

    def __init__(self, seed: int | None = None):
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"{type(self).__name__}: seed must be an integer or None; got {seed!r}")
        self.seed = seed
        self._generator: torch.Generator | None = None

    def generator(self) -> torch.Generator | None:
        """The initializer's own generator when seeded (one stream per instance), else torch's global one."""
        if self.seed is None:
            return None
        if self._generator is None:
            self._generator = torch.Generator().manual_seed(self.seed)
        return self._generator

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def __call__(self, shape: Any, dtype: Any = None) -> torch.Tensor:
        if isinstance(shape, torch.Tensor):
            with torch.no_grad():
                return self.fill_(shape)
        from .layers.base import resolve_dtype  # the one place dtype names are read

        tensor = torch.empty(tuple(int(d) for d in shape), dtype=resolve_dtype(dtype))
        with torch.no_grad():
            return self.fill_(tensor)

    def _draw(self, tensor: torch.Tensor, fill: Callable[[torch.Tensor], Any]) -> torch.Tensor:
        """Draw in float32 on the CPU with this initializer's generator, then copy into ``tensor``."""
        sample = torch.empty(tensor.shape, dtype=torch.float64 if tensor.dtype == torch.float64 else torch.float32)
        fill(sample)
        return tensor.copy_(sample)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Initializer":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Constant(Initializer):
    """Every entry equals ``value``."""

    def __init__(self, value: float = 0.0):
        super().__init__()
        self.value = float(value)

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        return tensor.fill_(self.value)

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


class Zeros(Constant):
    def __init__(self) -> None:
        super().__init__(0.0)

    def get_config(self) -> dict[str, Any]:
        return {}


class Ones(Constant):
    def __init__(self) -> None:
        super().__init__(1.0)

    def get_config(self) -> dict[str, Any]:
        return {}


class RandomNormal(Initializer):
    """N(mean, stddev**2)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        return self._draw(tensor, lambda t: t.normal_(self.mean, self.stddev, generator=self.generator()))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """U(minval, maxval)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = float(minval), float(maxval)

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        return self._draw(tensor, lambda t: t.uniform_(self.minval, self.maxval, generator=self.generator()))

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal_(t: torch.Tensor, mean: float, std: float, generator: torch.Generator | None) -> None:
    """N(mean, std**2) redrawn until within two standard deviations of the mean."""
    t.normal_(0.0, 1.0, generator=generator)
    outside = t.abs() > 2.0
    while bool(outside.any()):
        t[outside] = torch.empty(int(outside.sum()), dtype=t.dtype).normal_(0.0, 1.0, generator=generator)
        outside = t.abs() > 2.0
    t.mul_(std).add_(mean)


class TruncatedNormal(Initializer):
    """N(mean, stddev**2) with draws beyond two standard deviations redrawn."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        return self._draw(tensor, lambda t: _truncated_normal_(t, self.mean, self.stddev, self.generator()))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(Initializer):
    """Variance ``scale / n`` with ``n`` the fan given by ``mode``; see the module docstring."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal", seed: int | None = None):
        super().__init__(seed)
        if not float(scale) > 0.0:
            raise ValueError(f"VarianceScaling: scale must be positive; got {scale!r}")
        if mode not in _MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {_MODES}; got {mode!r}")
        distribution = "untruncated_normal" if distribution == "normal" else distribution
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"VarianceScaling: distribution must be one of {_DISTRIBUTIONS}; got {distribution!r}")
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        fan_in, fan_out = compute_fans(tuple(tensor.shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        generator = self.generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return self._draw(tensor, lambda t: t.uniform_(-limit, limit, generator=generator))
        if self.distribution == "untruncated_normal":
            return self._draw(tensor, lambda t: t.normal_(0.0, math.sqrt(variance), generator=generator))
        std = math.sqrt(variance) / _TRUNCATED_STD
        return self._draw(tensor, lambda t: _truncated_normal_(t, 0.0, std, generator))

    def get_config(self) -> dict[str, Any]:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


class _FixedVarianceScaling(VarianceScaling):
    """VarianceScaling whose scale, mode and distribution are fixed by the class (only ``seed`` varies)."""

    fixed: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None):
        super().__init__(*self.fixed, seed=seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class GlorotUniform(_FixedVarianceScaling):
    fixed = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    fixed = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    fixed = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    fixed = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    fixed = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    fixed = (1.0, "fan_in", "truncated_normal")


class Orthogonal(Initializer):
    """An orthogonal matrix times ``gain`` for the (prod(shape[:-1]), shape[-1]) flattening, as Keras."""

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = float(gain)

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        if tensor.dim() < 2:
            raise ValueError(f"Orthogonal initializer needs a weight of rank >= 2; got shape {tuple(tensor.shape)}")
        rows, cols = math.prod(tensor.shape[:-1]), tensor.shape[-1]
        a = torch.empty(max(rows, cols), min(rows, cols), dtype=torch.float64).normal_(generator=self.generator())
        q, r = torch.linalg.qr(a)
        q = q * torch.sign(torch.diagonal(r))  # makes the decomposition unique
        if rows < cols:
            q = q.T
        return tensor.copy_((self.gain * q).reshape(tensor.shape))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D weights only; rectangular ones get ones on the diagonal)."""

    def __init__(self, gain: float = 1.0):
        super().__init__()
        self.gain = float(gain)

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        if tensor.dim() != 2:
            raise ValueError(f"Identity initializer needs a 2-D weight; got shape {tuple(tensor.shape)}")
        return tensor.copy_(self.gain * torch.eye(*tensor.shape, dtype=tensor.dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


class _TensorFunction(Initializer):
    """A user function wrapped as an initializer: Keras's ``fn(shape, dtype=None) -> array`` or an
    in-place ``fn(tensor)`` (such as ``torch.nn.init.xavier_uniform_``)."""

    def __init__(self, function: Callable[..., Any]):
        super().__init__()
        self.function = function
        try:
            first = next(iter(inspect.signature(function).parameters), None)
        except (TypeError, ValueError):
            first = None
        self.takes_shape = first == "shape"

    def fill_(self, tensor: torch.Tensor) -> torch.Tensor:
        if not self.takes_shape:
            self.function(tensor)
            return tensor
        value = self.function(tuple(tensor.shape), dtype=str(tensor.dtype).removeprefix("torch."))
        return tensor.copy_(torch.as_tensor(value, dtype=tensor.dtype))

    def get_config(self) -> dict[str, Any]:
        return {"function": self.function}


# Keras's names: the classes, their snake_case aliases, and Keras's short names.
_CLASSES: dict[str, type[Initializer]] = {
    cls.__name__: cls
    for cls in (
        Constant, Zeros, Ones, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
        GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity,
    )
}
_ALIASES = {
    "uniform": RandomUniform, "normal": RandomNormal, "zero": Zeros, "one": Ones,
    "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
}

constant = Constant
zeros = Zeros
ones = Ones
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_uniform = HeUniform
he_normal = HeNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
orthogonal = Orthogonal
identity = Identity


def _class_named(name: str) -> type[Initializer] | None:
    if name in _CLASSES:
        return _CLASSES[name]
    if name in _ALIASES:
        return _ALIASES[name]
    by_snake = {snake_case(n): cls for n, cls in _CLASSES.items()}
    return by_snake.get(name) or by_snake.get(snake_case(name))


def known_names() -> list[str]:
    return sorted({snake_case(n) for n in _CLASSES} | set(_ALIASES))


def serialize(initializer: Initializer) -> Any:
    """Keras's file form of a built-in initializer; a user's own one is returned as it is."""
    if _CLASSES.get(type(initializer).__name__) is not type(initializer):
        return initializer
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def get(identifier: Any) -> Initializer:
    """An initializer from a Keras name, a Keras config dict, a class, an instance or a function."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        cls = _class_named(identifier)
        if cls is not None:
            return cls()
    elif isinstance(identifier, dict):
        cls = _class_named(str(identifier.get("class_name")))
        module = str(identifier.get("module") or "keras")
        if cls is not None and module.startswith("keras"):
            return cls.from_config(dict(identifier.get("config") or {}))
    elif callable(identifier):
        return _TensorFunction(identifier)
    raise ValueError(
        f"Unknown initializer {identifier!r}; expected one of {known_names()}, an Initializer such as "
        "keras.initializers.Constant(0.1), or a function fn(shape, dtype=None)"
    )
