"""Keras's learning-rate schedules (``keras.optimizers.schedules``): the rate as a function of the step.

A schedule is called with the optimizer's ``iterations``, the number of updates already applied
(0 for the first update), and returns the rate of the next one, as in Keras. Pass it as
``learning_rate=`` to any optimizer; ``get_config``/``from_config`` and :func:`serialize` give
Keras's config so optimizers with schedules round-trip through Keras files.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


def _positive_steps(cls_name: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{cls_name}: {key} must be > 0; got {value!r}")
    return value


class LearningRateSchedule:
    """Abstract: ``schedule(step) -> learning rate``; subclasses set ``config_keys`` for ``get_config``."""

    config_keys: tuple[str, ...] = ()

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.config_keys}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (the exponent floored with ``staircase``)."""

    config_keys = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "ExponentialDecay"):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive_steps("ExponentialDecay", "decay_steps", decay_steps)
        self.decay_rate = float(decay_rate)
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> float:
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return self.initial_learning_rate * self.decay_rate**exponent


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (the ratio floored with ``staircase``)."""

    config_keys = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "InverseTimeDecay"):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive_steps("InverseTimeDecay", "decay_steps", decay_steps)
        self.decay_rate = float(decay_rate)
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> float:
        ratio = step / self.decay_steps
        if self.staircase:
            ratio = math.floor(ratio)
        return self.initial_learning_rate / (1.0 + self.decay_rate * ratio)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``step <= boundaries[i]``, then ``values[-1]``."""

    config_keys = ("boundaries", "values", "name")

    def __init__(self, boundaries: Sequence[int], values: Sequence[float], name: str = "PiecewiseConstant"):
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"PiecewiseConstantDecay: values needs one more entry than boundaries; got "
                f"{len(values)} values for {len(boundaries)} boundaries"
            )
        if list(boundaries) != sorted(boundaries):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must increase; got {list(boundaries)}")
        self.boundaries = list(boundaries)
        self.values = [float(v) for v in values]
        self.name = name

    def __call__(self, step: int) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``, step held at ``decay_steps``.

    With ``cycle`` the horizon grows to the first multiple of ``decay_steps`` at or past ``step``
    (1 at step 0), so the rate climbs back up after each horizon and decays again.
    """

    config_keys = ("initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name")

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay"):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive_steps("PolynomialDecay", "decay_steps", decay_steps)
        self.end_learning_rate = float(end_learning_rate)
        self.power = float(power)
        self.cycle = cycle
        self.name = name

    def __call__(self, step: int) -> float:
        horizon = self.decay_steps
        if self.cycle:
            horizon *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, self.decay_steps)
        fraction = step / horizon
        return (self.initial_learning_rate - self.end_learning_rate) * (1.0 - fraction) ** self.power + self.end_learning_rate


class CosineDecay(LearningRateSchedule):
    """Half a cosine down to ``alpha`` times the start over ``decay_steps``, after an optional linear warmup.

    With ``warmup_target`` the rate rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps``, then decays from ``warmup_target``.
    """

    config_keys = ("initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target", "warmup_steps")

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0, name: str = "CosineDecay",
                 warmup_target: float | None = None, warmup_steps: int = 0):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive_steps("CosineDecay", "decay_steps", decay_steps)
        self.alpha = float(alpha)
        self.name = name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = warmup_steps

    def _decayed(self, step: float, start: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: int) -> float:
        if self.warmup_target is None:
            return self._decayed(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            return (self.warmup_target - self.initial_learning_rate) * step / self.warmup_steps + self.initial_learning_rate
        return self._decayed(step - self.warmup_steps, self.warmup_target)


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine decays over ``first_decay_steps``, each restart ``t_mul`` times longer and ``m_mul`` times lower."""

    config_keys = ("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name")

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0, m_mul: float = 1.0,
                 alpha: float = 0.0, name: str = "SGDRDecay"):
        self.initial_learning_rate = float(initial_learning_rate)
        self.first_decay_steps = _positive_steps("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.t_mul = float(t_mul)
        self.m_mul = float(m_mul)
        self.alpha = float(alpha)
        self.name = name

    def __call__(self, step: int) -> float:
        fraction = step / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            restart = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul))
            done = (1.0 - self.t_mul**restart) / (1.0 - self.t_mul)
            fraction = (fraction - done) / self.t_mul**restart
        cosine = 0.5 * self.m_mul**restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


_CLASSES = {cls.__name__: cls for cls in (CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay,
                                          PiecewiseConstantDecay, PolynomialDecay)}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """Keras's serialized form of a schedule, as optimizer configs and ``.keras`` files hold it."""
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config: dict[str, Any]) -> LearningRateSchedule:
    """A schedule from :func:`serialize`'s form."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in _CLASSES:
        raise ValueError(f"learning-rate schedule config: class_name must be one of {sorted(_CLASSES)}; got {name!r}")
    return _CLASSES[name].from_config(dict(config.get("config") or {}))
