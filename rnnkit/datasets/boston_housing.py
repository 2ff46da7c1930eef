"""Keras's ``keras.datasets.boston_housing``: 506 rows of 13 features and a price, from Keras's cache.

Put Keras's ``boston_housing.npz`` in ``~/.keras/datasets/`` or ``$KERAS_HOME/datasets/``;
nothing is downloaded. Rows are shuffled with ``np.random.RandomState(seed)`` and the last
``test_split`` of them is the test set, as in Keras.
"""

from __future__ import annotations

import numpy as np

from .cache import get_file
from .npz import load_arrays

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2,
              seed: int = 113) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: test_split must be in [0, 1); got {test_split}")
    file = get_file(fname=path, origin=ORIGIN)
    x, y = load_arrays(file, ("x", "y"))
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


__all__ = ["load_data"]
