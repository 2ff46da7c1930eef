"""Keras optimizers as thin factories over ``torch.optim``, with Keras's names, defaults and clipping.

``Adam(learning_rate=1e-3, clipnorm=1.0)`` returns an :class:`Optimizer` that is not yet bound to
any weights; ``model.compile`` binds it, and it then builds the ``torch.optim`` optimizer that does
the update. Around each ``torch.optim`` step it does what Keras does and torch does not:

* ``clipnorm`` clips each weight's gradient to that norm on its own, ``global_clipnorm`` rescales
  all gradients together so their joint norm is at most that, ``clipvalue`` clips each entry
  (Keras allows one of the three);
* ``weight_decay`` is decoupled (``w -= learning_rate * weight_decay * w`` before the update) for
  every optimizer, as in Keras, where torch's ``weight_decay`` would add an L2 term to the gradient;
* ``learning_rate`` may be a schedule from :mod:`rnnkit.optimizers.schedules`, evaluated at the
  number of updates already applied.

The update rules are torch's. They equal Keras's except where each puts ``epsilon``: torch adds it
to ``sqrt(v)`` after Adam's bias correction and outside RMSprop's and Adagrad's square root;
Keras adds it before the correction and inside the root. With Keras's ``epsilon=1e-7`` the
difference is far below float32 noise unless the gradients are near zero. SGD's momentum buffer
holds gradients in torch and learning-rate-scaled steps in Keras: the same updates while the rate
is constant, slightly different ones right after it changes.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import torch

from . import schedules

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "get", "schedules"]


class Optimizer:
    """A ``torch.optim`` class with Keras's clipping, decoupled weight decay and schedules."""

    def __init__(
        self,
        name: str,
        torch_class: type[torch.optim.Optimizer],
        learning_rate: float | Callable[[int], float],
        options: dict[str, Any],
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        decay_by_torch: bool = False,
    ):
        given = [k for k, v in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)) if v is not None]
        if len(given) > 1:
            raise ValueError(f"{name}: set at most one of clipnorm, clipvalue and global_clipnorm; got {given}")
        for key, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm), ("weight_decay", weight_decay)):
            if value is not None and value < 0:
                raise ValueError(f"{name}: {key} must be >= 0; got {value}")
        if not callable(learning_rate) and float(learning_rate) < 0:
            raise ValueError(f"{name}: learning_rate must be >= 0; got {learning_rate}")
        self.name = name
        self.torch_class = torch_class
        self.options = options
        self.weight_decay = weight_decay or 0.0
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.decay_by_torch = decay_by_torch  # AdamW: torch's own decay is already Keras's
        self._learning_rate = learning_rate
        self.iterations = 0
        self.torch_optimizer: torch.optim.Optimizer | None = None

    # ----- binding ----------------------------------------------------------------------
    def bind(self, parameters: Iterable[torch.nn.Parameter]) -> None:
        """Build the torch optimizer over ``parameters`` (done by ``compile``/the first ``fit`` step)."""
        params = [p for p in parameters if p.requires_grad]
        if not params:
            raise ValueError(f"{self.name}: the model has no trainable weights to optimize")
        options = dict(self.options)
        if self.decay_by_torch:
            options["weight_decay"] = self.weight_decay
        self.torch_optimizer = self.torch_class(params, lr=self._rate_for(self.iterations), **options)

    @property
    def params(self) -> list[torch.nn.Parameter]:
        return [p for group in self._bound().param_groups for p in group["params"]]

    def _bound(self) -> torch.optim.Optimizer:
        if self.torch_optimizer is None:
            raise RuntimeError(f"{self.name} is not bound to weights yet: compile a model with it and fit")
        return self.torch_optimizer

    # ----- learning rate ------------------------------------------------------------------
    def _rate_for(self, step: int) -> float:
        rate = self._learning_rate
        return float(rate(step)) if callable(rate) else float(rate)

    @property
    def learning_rate(self) -> float:
        """The rate the next update uses."""
        return self._rate_for(self.iterations)

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        if callable(self._learning_rate):
            raise ValueError(
                f"{self.name}: learning_rate follows a schedule ({type(self._learning_rate).__name__}), "
                "so it cannot be set; build the optimizer with a number to change it by hand"
            )
        self._learning_rate = float(value)
        if self.torch_optimizer is not None:
            for group in self.torch_optimizer.param_groups:
                group["lr"] = float(value)

    # ----- one update ---------------------------------------------------------------------
    def zero_grad(self) -> None:
        self._bound().zero_grad(set_to_none=True)

    def clip_gradients(self) -> None:
        grads = [p.grad for p in self.params if p.grad is not None]
        if self.clipnorm is not None:
            for g in grads:
                g.mul_(self.clipnorm / torch.clamp(torch.linalg.vector_norm(g), min=self.clipnorm))
        elif self.global_clipnorm is not None and grads:
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
            scale = self.global_clipnorm / torch.clamp(norm, min=self.global_clipnorm)
            for g in grads:
                g.mul_(scale)
        elif self.clipvalue is not None:
            for g in grads:
                g.clamp_(-self.clipvalue, self.clipvalue)

    def step(self) -> None:
        """Clip the gradients, decay the weights, apply torch's update, count the step."""
        optimizer = self._bound()
        self.clip_gradients()
        rate = self.learning_rate
        for group in optimizer.param_groups:
            group["lr"] = rate
        if self.weight_decay and not self.decay_by_torch:
            with torch.no_grad():
                for p in self.params:
                    if p.grad is not None:
                        p.mul_(1.0 - rate * self.weight_decay)
        optimizer.step()
        self.iterations += 1

    # ----- checkpoints --------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {"iterations": self.iterations, "learning_rate": None if callable(self._learning_rate) else self._learning_rate,
                "torch": self._bound().state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._bound().load_state_dict(state["torch"])
        self.iterations = int(state["iterations"])
        if state["learning_rate"] is not None and not callable(self._learning_rate):
            self._learning_rate = float(state["learning_rate"])

    def __repr__(self) -> str:
        return f"<rnnkit {self.name} over torch.optim.{self.torch_class.__name__}, learning_rate={self._learning_rate!r}>"


Rate = float | Callable[[int], float]


def SGD(learning_rate: Rate = 0.01, momentum: float = 0.0, nesterov: bool = False, weight_decay: float | None = None,
        clipnorm: float | None = None, clipvalue: float | None = None, global_clipnorm: float | None = None,
        name: str = "SGD") -> Optimizer:
    """Gradient descent, with (Nesterov) momentum if ``momentum > 0``."""
    return Optimizer(name, torch.optim.SGD, learning_rate, {"momentum": momentum, "nesterov": nesterov},
                     weight_decay, clipnorm, clipvalue, global_clipnorm)


def Adam(learning_rate: Rate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
         amsgrad: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
         clipvalue: float | None = None, global_clipnorm: float | None = None, name: str = "adam") -> Optimizer:
    """Adam (Kingma & Ba, 2015) with Keras's ``epsilon=1e-7``."""
    return Optimizer(name, torch.optim.Adam, learning_rate, {"betas": (beta_1, beta_2), "eps": epsilon, "amsgrad": amsgrad},
                     weight_decay, clipnorm, clipvalue, global_clipnorm)


def AdamW(learning_rate: Rate = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9, beta_2: float = 0.999,
          epsilon: float = 1e-7, amsgrad: bool = False, clipnorm: float | None = None, clipvalue: float | None = None,
          global_clipnorm: float | None = None, name: str = "adamw") -> Optimizer:
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019); Keras's default decay 0.004."""
    return Optimizer(name, torch.optim.AdamW, learning_rate, {"betas": (beta_1, beta_2), "eps": epsilon, "amsgrad": amsgrad},
                     weight_decay, clipnorm, clipvalue, global_clipnorm, decay_by_torch=True)


def RMSprop(learning_rate: Rate = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
            centered: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
            clipvalue: float | None = None, global_clipnorm: float | None = None, name: str = "rmsprop") -> Optimizer:
    """RMSprop with Keras's ``rho=0.9`` (torch calls it ``alpha``, default 0.99)."""
    return Optimizer(name, torch.optim.RMSprop, learning_rate,
                     {"alpha": rho, "momentum": momentum, "eps": epsilon, "centered": centered},
                     weight_decay, clipnorm, clipvalue, global_clipnorm)


def Adagrad(learning_rate: Rate = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
            weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
            global_clipnorm: float | None = None, name: str = "adagrad") -> Optimizer:
    """Adagrad with Keras's accumulator start of 0.1 (torch's default is 0)."""
    return Optimizer(name, torch.optim.Adagrad, learning_rate,
                     {"initial_accumulator_value": initial_accumulator_value, "eps": epsilon},
                     weight_decay, clipnorm, clipvalue, global_clipnorm)


_BY_NAME: dict[str, Callable[[], Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
}


def get(identifier: Any) -> Optimizer:
    """An :class:`Optimizer` from a Keras name (``'adam'``, with Keras defaults) or an :class:`Optimizer`."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError(
        f"optimizer must be one of {sorted(_BY_NAME)} or an optimizer from rnnkit.optimizers "
        f"(e.g. rnnkit.optimizers.Adam(learning_rate=1e-3)); got {identifier!r}"
    )
