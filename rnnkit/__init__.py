"""rnnkit: Keras's recurrent-network API as PyTorch modules, fast on CPU.

``import rnnkit as keras`` runs Keras code such as ``keras.layers.LSTM(64)`` or
``keras.models.Sequential([...])``; every layer and model is a ``torch.nn.Module``.
"""

from . import activations, callbacks, initializers, layers, losses, metrics, models, optimizers, utils
from . import backend, datasets, ops, preprocessing, random, saving
from .layers import Input
from .models import Model, Sequential
from .naming import clear_session
from . import constraints, regularizers

__version__ = "0.1.0"

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "clear_session",
    "datasets",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "saving",
    "regularizers",
    "utils",
]
