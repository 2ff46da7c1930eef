"""Keras's ``keras.datasets.mnist``: 28x28 digit images (uint8) and labels, from Keras's cache file.

Put Keras's ``mnist.npz`` in ``~/.keras/datasets/`` or ``$KERAS_HOME/datasets/``; nothing is
downloaded. RNN tutorials read each image as 28 time steps of 28 features.
"""

from __future__ import annotations

import numpy as np

from .cache import get_file
from .npz import load_arrays

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"


def load_data(path: str = "mnist.npz") -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)`` as stored (no shuffling, as in Keras)."""
    file = get_file(fname=path, origin=ORIGIN)
    x_train, y_train, x_test, y_test = load_arrays(file, ("x_train", "y_train", "x_test", "y_test"))
    return (x_train, y_train), (x_test, y_test)


__all__ = ["load_data"]
