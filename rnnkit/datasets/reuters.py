"""Keras's ``keras.datasets.reuters``: 11,228 newswires in 46 topics, from Keras's cache file.

Put Keras's ``reuters.npz`` (and ``reuters_word_index.json``) in ``~/.keras/datasets/`` or
``$KERAS_HOME/datasets/``; nothing is downloaded. The texts are shuffled with ``seed``, shifted
and capped as for imdb (see :mod:`rnnkit.datasets.word_sequences`), then the last ``test_split``
of them is the test set.
"""

from __future__ import annotations

import numpy as np

from . import word_sequences as ws
from .cache import get_file
from .npz import load_arrays

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def load_data(path: str = "reuters.npz", num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              test_split: float = 0.2, seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2,
              index_from: int = 3) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: object arrays of index lists and topic labels."""
    ws.check_arguments(num_words, skip_top, maxlen)
    if not 0 <= test_split < 1:
        raise ValueError(f"reuters.load_data: test_split must be in [0, 1); got {test_split}")
    file = get_file(fname=path, origin=ORIGIN + "reuters.npz")
    xs, labels = load_arrays(file, ("x", "y"))
    xs, labels = ws.shuffled(np.random.RandomState(seed), xs, labels)
    texts = ws.shift(xs, start_char, index_from)
    if maxlen:
        texts, labels = ws.shorter_than(maxlen, texts, labels)
    texts = ws.cap_vocabulary(texts, num_words, skip_top, oov_char)
    labels = np.asarray(labels)
    cut = int(len(texts) * (1 - test_split))
    return (ws.object_array(texts[:cut]), labels[:cut]), (ws.object_array(texts[cut:]), labels[cut:])


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    return ws.read_word_index(path, ORIGIN + "reuters_word_index.json")


__all__ = ["get_word_index", "load_data"]
