"""Keras's ``keras.callbacks``: re-exports :mod:`rnnkit.training.callbacks` and the progress bar."""

from .training.callbacks import *  # noqa: F403
from .training.callbacks import __all__ as _callbacks
from .training.progress import ProgbarLogger

__all__ = [*_callbacks, "ProgbarLogger"]
