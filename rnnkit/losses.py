"""Keras's ``keras.losses``: re-exports :mod:`rnnkit.training.losses`."""

from .training.losses import *  # noqa: F403
from .training.losses import __all__  # noqa: F401
