"""Training: compile/fit/evaluate, losses, metrics, optimizers, callbacks, checkpoints.

``Model.compile``/``fit``/``evaluate``/``train_on_batch``/``test_on_batch`` call :mod:`.loop`;
the Keras namespaces ``rnnkit.losses``, ``rnnkit.metrics``, ``rnnkit.optimizers`` and
``rnnkit.callbacks`` re-export the modules here.
"""

from . import callbacks, losses, metrics, optimizers, schedules
from .checkpoint import load_checkpoint, save_checkpoint
from .seeding import set_random_seed

__all__ = [
    "callbacks",
    "load_checkpoint",
    "losses",
    "metrics",
    "optimizers",
    "save_checkpoint",
    "schedules",
    "set_random_seed",
]
