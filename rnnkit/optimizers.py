"""Keras's ``keras.optimizers``: re-exports :mod:`rnnkit.training.optimizers`."""

from .training.optimizers import *  # noqa: F403
from .training.optimizers import __all__  # noqa: F401
