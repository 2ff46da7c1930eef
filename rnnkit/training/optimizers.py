"""Keras 3's optimizers, with Keras's names, arguments, defaults and update equations.

``RMSprop(learning_rate=1e-3, clipnorm=1.0)`` is not yet bound to weights; ``model.compile``
binds it. One :meth:`Optimizer.step` does what Keras's ``apply`` does, in its order:

1. clip the gradients: ``clipnorm`` scales each weight's gradient to that norm at most,
   ``global_clipnorm`` all of them together, ``clipvalue`` clamps each entry (one of the three);
2. decoupled weight decay ``w -= learning_rate * weight_decay * w`` on each weight with a gradient;
3. the optimizer's own update (``update_step``), written as Keras writes it, not as
   ``torch.optim`` does: the two differ where ``epsilon`` goes (RMSprop, Adagrad and Adadelta
   add it inside the square root, ``sqrt(v + epsilon)``; Adam adds it to ``sqrt(v)`` before the
   bias correction) and in the defaults (RMSprop ``rho=0.9`` where torch has ``alpha=0.99``);
4. with ``use_ema``, the moving average of each weight (copied into the weights every
   ``ema_overwrite_frequency`` steps, and at the end of ``fit``);
5. count the step: schedules are called with the number of updates already applied.

Embedding tables get their gradient as TensorFlow does (see :mod:`rnnkit.training.gradients`),
so that models with an ``Embedding`` train with Keras's numbers too.

The per-weight slots (Keras's optimizer variables) live in ``torch_optimizer``, a
``torch.optim.Optimizer`` used as their container, so ``state_dict``/``load_state_dict`` and
checkpoints work as for any torch optimizer.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import torch

from . import schedules
from ..kernels import adam as fused_adam
from .gradients import DenseGradient, EmbeddingTaps, Gradient

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

Rate = float | schedules.LearningRateSchedule


class SlotStore(torch.optim.Optimizer):
    """The container of an :class:`Optimizer`'s per-weight slots; its owner does the updates.

    ``state[weight]`` holds the slots (``momentum``, ``velocity``, ...), ``param_groups[0]["lr"]``
    the rate of the last update and any optimizer-wide value an update rule keeps (Nadam's
    ``u_product``). Call the owning optimizer's ``step()``, not this one's.
    """

    def __init__(self, params: list[torch.nn.Parameter], learning_rate: float):
        super().__init__(params, {"lr": learning_rate})


class Optimizer:
    """What every Keras optimizer shares: rate or schedule, clipping, weight decay, EMA, slots.

    A subclass names its slots (``slot_names``, with ``initial_slot_value`` for a nonzero start),
    its hyperparameters (``hyperparameters``, for ``get_config``) and its ``update_step``.
    """

    default_name = "optimizer"
    slot_names: tuple[str, ...] = ()
    initial_slot_value = 0.0
    hyperparameters: tuple[str, ...] = ()

    def __init__(
        self,
        learning_rate: Rate,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
    ):
        name = name or self.default_name
        given = [k for k, v in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)) if v is not None]
        if len(given) > 1:
            raise ValueError(f"{name}: set at most one of clipnorm, clipvalue and global_clipnorm; got {given}")
        for key, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm), ("weight_decay", weight_decay)):
            if value is not None and value < 0:
                raise ValueError(f"{name}: {key} must be >= 0; got {value}")
        if isinstance(learning_rate, dict):
            learning_rate = schedules.deserialize(learning_rate)
        if not isinstance(learning_rate, schedules.LearningRateSchedule):
            if callable(learning_rate) or not isinstance(learning_rate, (int, float)) or isinstance(learning_rate, bool):
                raise ValueError(
                    f"{name}: learning_rate must be a number or a schedule from "
                    f"rnnkit.optimizers.schedules; got {learning_rate!r}"
                )
            if learning_rate < 0:
                raise ValueError(f"{name}: learning_rate must be >= 0; got {learning_rate}")
            learning_rate = float(learning_rate)
        if not 0.0 <= ema_momentum <= 1.0:
            raise ValueError(f"{name}: ema_momentum must be in [0, 1]; got {ema_momentum}")
        if ema_overwrite_frequency is not None and (not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
            raise ValueError(f"{name}: ema_overwrite_frequency must be an integer >= 1 or None; got {ema_overwrite_frequency!r}")
        for key, value in (("loss_scale_factor", loss_scale_factor), ("gradient_accumulation_steps", gradient_accumulation_steps)):
            if value is not None:
                raise ValueError(f"{name}: {key} is not supported by rnnkit; leave it None (got {value!r})")
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = float(ema_momentum)
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self._learning_rate = learning_rate
        self.iterations = 0
        self.torch_optimizer: SlotStore | None = None
        self.taps = EmbeddingTaps()

    # ----- binding ----------------------------------------------------------------------
    def bind(self, parameters: Iterable[torch.nn.Parameter]) -> None:
        """Create the slots for the trainable ``parameters`` (done on the first ``fit`` step)."""
        params = [p for p in parameters if p.requires_grad]
        if not params:
            raise ValueError(f"{self.name}: the model has no trainable weights to optimize")
        self.torch_optimizer = SlotStore(params, self.learning_rate)
        for p in params:
            state = self.torch_optimizer.state[p]
            for slot in self.slot_names:
                state[slot] = torch.full_like(p, self.initial_slot_value, memory_format=torch.preserve_format).detach()
            if self.use_ema:
                state["average"] = p.detach().clone()
        self.torch_optimizer.param_groups[0].update(self.optimizer_values())

    def check_built_for(self, model: torch.nn.Module) -> None:
        """Refuse a model with trainable weights this optimizer was not built for, as Keras 3 does.

        The slots belong to the weights of the first ``fit``; an optimizer object reused to
        compile a second model would otherwise step the first model's weights and leave the
        second one's untouched, so its loss never moves.
        """
        known = {id(p) for p in self.params}
        for name, weight in model.named_parameters():
            if weight.requires_grad and id(weight) not in known:
                raise ValueError(
                    f"{self.name}: this optimizer was built for the weights of another model (or an "
                    f"earlier set of trainable weights) and cannot update weight '{name}' of "
                    f"{type(model).__name__} '{getattr(model, 'name', '')}'; create a new optimizer "
                    "instance for each model you compile"
                )

    def watch(self, model: torch.nn.Module) -> None:
        """Take the gradients of ``model``'s ``Embedding`` tables per occurrence, as TensorFlow does."""
        self.taps.watch(model)

    def optimizer_values(self) -> dict[str, float]:
        """Optimizer-wide values an update rule keeps from step to step (saved with the slots)."""
        return {}

    @property
    def params(self) -> list[torch.nn.Parameter]:
        return [p for group in self._bound().param_groups for p in group["params"]]

    def _bound(self) -> SlotStore:
        if self.torch_optimizer is None:
            raise RuntimeError(f"{self.name} is not bound to weights yet: compile a model with it and fit")
        return self.torch_optimizer

    # ----- learning rate ------------------------------------------------------------------
    def _rate_for(self, step: int) -> float:
        rate = self._learning_rate
        return float(rate(step)) if isinstance(rate, schedules.LearningRateSchedule) else rate

    @property
    def learning_rate(self) -> float:
        """The rate the next update uses."""
        return self._rate_for(self.iterations)

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise ValueError(
                f"{self.name}: learning_rate follows a schedule ({type(self._learning_rate).__name__}), "
                "so it cannot be set; build the optimizer with a number to change it by hand"
            )
        self._learning_rate = float(value)
        if self.torch_optimizer is not None:
            self.torch_optimizer.param_groups[0]["lr"] = float(value)

    # ----- one update ---------------------------------------------------------------------
    def zero_grad(self) -> None:
        self._bound().zero_grad(set_to_none=True)
        self.taps.clear()

    def gradients(self) -> list[tuple[torch.nn.Parameter, Gradient]]:
        """Each weight that has a gradient, with it (per occurrence for an Embedding table)."""
        pairs: list[tuple[torch.nn.Parameter, Gradient]] = []
        for p in self.params:
            if p.grad is not None:
                pairs.append((p, self.taps.gradient(p) or DenseGradient(p.grad)))
        return pairs

    def clip(self, grads: list[Gradient]) -> list[Gradient]:
        """Keras's ``_clip_gradients``: at most one of the three clippings, each only if > 0."""
        if self.clipnorm:
            return [g.scaled(self.clipnorm / torch.clamp(g.sum_of_squares().sqrt(), min=self.clipnorm)) for g in grads]
        if self.global_clipnorm and grads:
            norm = torch.stack([g.sum_of_squares() for g in grads]).sum().sqrt()
            scale = self.global_clipnorm / torch.clamp(norm, min=self.global_clipnorm)
            # TensorFlow's ``IndexedSlices * tensor`` sums the occurrences: the clipped gradient is dense
            return [DenseGradient(g.dense() * scale) for g in grads]
        if self.clipvalue:
            return [g.clamped(self.clipvalue) for g in grads]
        return grads

    def clip_gradients(self) -> None:
        """Clip the weights' ``.grad`` in place (dense gradients), as :meth:`step` would."""
        pairs = [(p, DenseGradient(p.grad)) for p in self.params if p.grad is not None]
        for (p, _), g in zip(pairs, self.clip([g for _, g in pairs])):
            p.grad.copy_(g.dense())

    @torch.no_grad()
    def step(self) -> None:
        """One Keras ``apply``: clip, decay, update each weight, average, count the step."""
        store = self._bound()
        pairs = self.gradients()
        grads = self.clip([g for _, g in pairs])
        rate = self.learning_rate
        store.param_groups[0]["lr"] = rate
        if self.weight_decay:
            for p, _ in pairs:
                p.sub_(p * (self.weight_decay * rate))
        self.before_updates(store.param_groups[0])
        for (p, _), grad in zip(pairs, grads):
            self.update_step(grad, p, store.state[p], rate)
        if self.use_ema:
            self._average(store)
        self.taps.clear()
        self.iterations += 1

    def before_updates(self, values: dict[str, Any]) -> None:
        """Optimizer-wide work done once per step before the weights' updates (Nadam's ``u_product``)."""

    def update_step(self, gradient: Gradient, weight: torch.nn.Parameter, slots: dict[str, torch.Tensor], learning_rate: float) -> None:
        raise NotImplementedError

    def _average(self, store: SlotStore) -> None:
        momentum = self.ema_momentum if self.iterations else 0.0
        for p in self.params:
            store.state[p]["average"].mul_(momentum).add_(p, alpha=1.0 - momentum)
        if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
            self.finalize_variable_values()

    @torch.no_grad()
    def finalize_variable_values(self) -> None:
        """With ``use_ema``, copy the moving averages into the weights (Keras does so at the end of ``fit``)."""
        if self.use_ema and self.torch_optimizer is not None:
            for p in self.params:
                p.copy_(self.torch_optimizer.state[p]["average"])

    # ----- configuration --------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Keras's optimizer config (what ``from_config`` and Keras's files take)."""
        rate = self._learning_rate
        config: dict[str, Any] = {
            "name": self.name,
            "learning_rate": schedules.serialize(rate) if isinstance(rate, schedules.LearningRateSchedule) else rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": None,
            "gradient_accumulation_steps": None,
        }
        config.update({key: getattr(self, key) for key in self.hyperparameters})
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        return cls(**config)

    # ----- checkpoints --------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        rate = self._learning_rate
        return {"iterations": self.iterations, "learning_rate": None if isinstance(rate, schedules.LearningRateSchedule) else rate,
                "torch": self._bound().state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._bound().load_state_dict(state["torch"])
        self.iterations = int(state["iterations"])
        if state["learning_rate"] is not None and not isinstance(self._learning_rate, schedules.LearningRateSchedule):
            self._learning_rate = float(state["learning_rate"])

    def __repr__(self) -> str:
        return f"<rnnkit.optimizers.{type(self).__name__} name={self.name!r} learning_rate={self._learning_rate!r}>"


class SGD(Optimizer):
    """Gradient descent; with ``momentum``, Keras's ``m = momentum * m - lr * g; w += m`` (Nesterov: ``w += momentum * m - lr * g``)."""

    default_name = "sgd"
    hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate: Rate = 0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{self.name}: momentum must be in [0, 1]; got {momentum}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.slot_names = ("momentum",) if self.momentum else ()

    def update_step(self, gradient, weight, slots, learning_rate):
        g = gradient.dense()
        if not self.momentum:
            weight.sub_(g * learning_rate)
            return
        m = slots["momentum"]
        m.copy_(m * self.momentum - g * learning_rate)
        weight.add_(m * self.momentum - g * learning_rate if self.nesterov else m)


class Adam(Optimizer):
    """Adam: ``w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)`` (Keras's epsilon placement)."""

    default_name = "adam"
    slot_names = ("momentum", "velocity")
    hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate: Rate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), float(epsilon), bool(amsgrad)
        if self.amsgrad:
            self.slot_names = ("momentum", "velocity", "velocity_hat")

    def update_step(self, gradient, weight, slots, learning_rate):
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        m, v = slots["momentum"], slots["velocity"]
        dense = gradient.dense()
        if not self.amsgrad and fused_adam.can_update(weight, m, v, dense):
            fused_adam.update(weight, m, v, dense, gradient.occurrence_squares(), alpha, self.beta_1, self.beta_2,
                              self.epsilon)
            return
        # Keras's operations in Keras's order, in two scratch tensors: the same bits as
        # ``m += (g - m) * (1 - beta_1)`` etc., without a new weight-sized tensor per operation
        # (an Embedding table is the largest weight of most text models).
        step = dense - m
        m.add_(step.mul_(1.0 - self.beta_1))
        squares = gradient.squares()
        v.add_(squares.sub_(v).mul_(1.0 - self.beta_2))
        if self.amsgrad:
            v = torch.maximum(slots["velocity_hat"], v, out=slots["velocity_hat"])
        denominator = torch.sqrt(v, out=squares).add_(self.epsilon)
        weight.sub_(torch.mul(m, alpha, out=step).div_(denominator))


class AdamW(Adam):
    """Adam with Keras's default decoupled ``weight_decay=0.004``."""

    default_name = "adam_w"

    def __init__(self, learning_rate: Rate = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, **kwargs: Any):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay=weight_decay, **kwargs)


class RMSprop(Optimizer):
    """RMSprop as Keras: ``v = rho v + (1 - rho) g^2``, ``w -= lr g / sqrt(v + epsilon)``.

    Centered: ``sqrt(v - a^2 + epsilon)`` with ``a = rho a + (1 - rho) g``; with momentum the step
    goes through ``m = momentum m + step``. torch's RMSprop adds ``eps`` outside the root
    (``sqrt(v) + eps``) and defaults to ``alpha=0.99``: for a weight whose gradients are small
    (rms below ``sqrt(epsilon) ~ 3e-4``) it takes full ``lr``-sized steps where Keras's barely move it.
    """

    default_name = "rm_sprop"
    hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate: Rate = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = float(rho), float(momentum), float(epsilon), bool(centered)
        self.slot_names = ("velocity",) + (("momentum",) if self.momentum > 0 else ()) + (("average_gradient",) if self.centered else ())

    def update_step(self, gradient, weight, slots, learning_rate):
        v = slots["velocity"]
        v.mul_(self.rho).add_(gradient.squares() * (1.0 - self.rho))
        g = gradient.dense()
        if self.centered:
            a = slots["average_gradient"]
            a.mul_(self.rho).add_(g * (1.0 - self.rho))
            denominator = v - a.square() + self.epsilon
        else:
            denominator = v + self.epsilon
        increment = g * learning_rate / denominator.sqrt()
        if self.momentum > 0:
            m = slots["momentum"]
            m.mul_(self.momentum).add_(increment)
            weight.sub_(m)
        else:
            weight.sub_(increment)


class Adagrad(Optimizer):
    """Adagrad as Keras: ``acc += g^2`` from ``initial_accumulator_value=0.1``, ``w -= lr g / sqrt(acc + epsilon)``."""

    default_name = "adagrad"
    slot_names = ("accumulator",)
    hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate: Rate = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), float(epsilon)
        self.initial_slot_value = self.initial_accumulator_value

    def update_step(self, gradient, weight, slots, learning_rate):
        acc = slots["accumulator"]
        acc.add_(gradient.squares())
        weight.sub_(gradient.dense() * learning_rate / (acc + self.epsilon).sqrt())


class Adadelta(Optimizer):
    """Adadelta as Keras, with ``rms(x) = sqrt(x + epsilon)`` and Keras's ``learning_rate=0.001`` scaling the step."""

    default_name = "adadelta"
    slot_names = ("accumulated_grad", "accumulated_delta_var")
    hyperparameters = ("rho", "epsilon")

    def __init__(self, learning_rate: Rate = 0.001, rho: float = 0.95, epsilon: float = 1e-7, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = float(rho), float(epsilon)

    def update_step(self, gradient, weight, slots, learning_rate):
        acc_grad, acc_delta = slots["accumulated_grad"], slots["accumulated_delta_var"]
        acc_grad.mul_(self.rho).add_(gradient.squares() * (1.0 - self.rho))
        ratio = (acc_delta + self.epsilon).sqrt() / (acc_grad + self.epsilon).sqrt()  # per element of the table
        delta = -ratio * gradient.dense()
        acc_delta.mul_(self.rho).add_(ratio.square() * gradient.squares() * (1.0 - self.rho))  # = delta^2 for a dense gradient
        weight.add_(delta * learning_rate)


class Nadam(Optimizer):
    """Nadam (Dozat, 2016) as Keras: momentum schedule ``u_t = beta_1 (1 - 0.5 * 0.96^t)``."""

    default_name = "nadam"
    slot_names = ("momentum", "velocity")
    hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate: Rate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def optimizer_values(self) -> dict[str, float]:
        return {"u_product": 1.0}

    def before_updates(self, values):
        values["u_product"] *= self.beta_1 * (1.0 - 0.5 * 0.96 ** (self.iterations + 1))

    def update_step(self, gradient, weight, slots, learning_rate):
        t = self.iterations + 1
        u_t = self.beta_1 * (1.0 - 0.5 * 0.96**t)
        u_next = self.beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        u_product = self._bound().param_groups[0]["u_product"]
        m, v = slots["momentum"], slots["velocity"]
        g = gradient.dense()
        m.add_((g - m) * (1.0 - self.beta_1))
        v.add_((gradient.squares() - v) * (1.0 - self.beta_2))
        m_hat = m * (u_next / (1.0 - u_product * u_next)) + g * ((1.0 - u_t) / (1.0 - u_product))
        v_hat = v / (1.0 - self.beta_2**t)
        weight.sub_(m_hat * learning_rate / (v_hat.sqrt() + self.epsilon))


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm): ``u = max(beta_2 u, |g|)``, ``w -= lr m / ((1 - beta_1^t)(u + epsilon))``."""

    default_name = "adamax"
    slot_names = ("momentum", "norm")
    hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate: Rate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def update_step(self, gradient, weight, slots, learning_rate):
        t = self.iterations + 1
        m, u = slots["momentum"], slots["norm"]
        m.add_((gradient.dense() - m) * (1.0 - self.beta_1))
        torch.maximum(u * self.beta_2, gradient.absolute(), out=u)
        weight.sub_(m * learning_rate / ((u + self.epsilon) * (1.0 - self.beta_1**t)))


class Lion(Optimizer):
    """Lion (Chen et al., 2023): ``w -= lr sign(beta_1 m + (1 - beta_1) g)``, then ``m = beta_2 m + (1 - beta_2) g``."""

    default_name = "lion"
    slot_names = ("momentum",)
    hyperparameters = ("beta_1", "beta_2")

    def __init__(self, learning_rate: Rate = 0.001, beta_1: float = 0.9, beta_2: float = 0.99, **kwargs: Any):
        super().__init__(learning_rate, **kwargs)
        if not 0.0 < beta_1 <= 1.0:
            raise ValueError(f"{self.name}: beta_1 must be in (0, 1]; got {beta_1}")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)

    def update_step(self, gradient, weight, slots, learning_rate):
        m, g = slots["momentum"], gradient.dense()
        weight.sub_(torch.sign(m * self.beta_1 + g * (1.0 - self.beta_1)) * learning_rate)
        m.mul_(self.beta_2).add_(g * (1.0 - self.beta_2))


_CLASSES: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Nadam, Adamax, Lion)
}


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """Keras's serialized form: ``{"module", "class_name", "config", "registered_name"}``."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__, "config": optimizer.get_config(), "registered_name": None}


def deserialize(config: dict[str, Any]) -> Optimizer:
    """An optimizer from :func:`serialize`'s form (or Keras's own, as in ``.keras`` files)."""
    name = config.get("class_name") if isinstance(config, dict) else None
    cls = _CLASSES.get(str(name).lower()) if name else None
    if cls is None:
        raise ValueError(f"optimizer config: class_name must be one of {sorted(c.__name__ for c in _CLASSES.values())}; got {name!r}")
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Optimizer:
    """An :class:`Optimizer` from a Keras name (``'rmsprop'``, Keras defaults), a config dict or an optimizer."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _CLASSES:
        return _CLASSES[identifier.lower()]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(
        f"optimizer must be one of {sorted(_CLASSES)} or an optimizer from rnnkit.optimizers "
        f"(e.g. rnnkit.optimizers.Adam(learning_rate=1e-3)); got {identifier!r}"
    )
