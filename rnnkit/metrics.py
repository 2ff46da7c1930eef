"""Keras's ``keras.metrics``: re-exports :mod:`rnnkit.training.metrics`."""

from .training.metrics import *  # noqa: F403
from .training.metrics import __all__  # noqa: F401
