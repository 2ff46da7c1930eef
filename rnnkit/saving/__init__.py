"""Opening Keras model files without TensorFlow, and saving rnnkit models.

Reads: Keras 3 ``.keras`` archives, legacy ``.h5`` models (Keras 3 and tf.keras 2), Keras
weights files, and rnnkit's own format (one safetensors file: config, weights and optionally
optimizer state; see :mod:`rnnkit.saving.native`). Writes: rnnkit's format, ``.keras``
archives that Keras 3 loads, and ``.weights.h5`` files.

A model file is data, never code: layer classes come from an explicit table
(:data:`LAYER_CLASSES`); Lambda layers, custom objects and unknown classes are refused with a
:class:`ModelFileError` naming the file, the layer and its class.
"""

from .errors import ModelFileError
from .keras_layers import LAYER_CLASSES
from .model_files import load_model, load_optimizer_state, load_weights, save_model, save_weights, sniff

__all__ = [
    "LAYER_CLASSES",
    "ModelFileError",
    "load_model",
    "load_optimizer_state",
    "load_weights",
    "save_model",
    "save_weights",
    "sniff",
]
