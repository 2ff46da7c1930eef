"""Keras's ``keras.datasets.imdb``: 50,000 movie reviews as word-index lists, from Keras's cache file.

Put Keras's ``imdb.npz`` (and ``imdb_word_index.json`` for :func:`get_word_index`) in
``~/.keras/datasets/`` or ``$KERAS_HOME/datasets/``; nothing is downloaded. ``load_data`` returns
``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of lists of ints and label arrays,
with Keras's arguments and results (see :mod:`rnnkit.datasets.word_sequences`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import word_sequences as ws
from .cache import get_file
from .npz import load_arrays

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3,
              **kwargs: Any) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Train and test reviews, shuffled with ``seed``, shifted by ``index_from``, capped at ``num_words``."""
    if kwargs:
        raise TypeError(f"imdb.load_data: unexpected arguments {sorted(kwargs)}")
    ws.check_arguments(num_words, skip_top, maxlen)
    file = get_file(fname=path, origin=ORIGIN + "imdb.npz")
    x_train, y_train, x_test, y_test = load_arrays(file, ("x_train", "y_train", "x_test", "y_test"))
    rng = np.random.RandomState(seed)
    x_train, y_train = ws.shuffled(rng, x_train, y_train)
    x_test, y_test = ws.shuffled(rng, x_test, y_test)
    train, test = ws.shift(x_train, start_char, index_from), ws.shift(x_test, start_char, index_from)
    if maxlen:
        train, y_train = ws.shorter_than(maxlen, train, y_train)
        test, y_test = ws.shorter_than(maxlen, test, y_test)
        if not train or not test:
            raise ValueError(f"imdb.load_data: no review is shorter than maxlen={maxlen}; increase maxlen")
    texts = ws.cap_vocabulary(train + test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    cut = len(train)
    return (ws.object_array(texts[:cut]), labels[:cut]), (ws.object_array(texts[cut:]), labels[cut:])


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """``{word: rank}`` (rank 1 = most frequent); a review's index ``i`` is the word of rank ``i - index_from``."""
    return ws.read_word_index(path, ORIGIN + "imdb_word_index.json")


__all__ = ["get_word_index", "load_data"]
