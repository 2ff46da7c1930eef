"""Keras's ``keras.datasets`` read from Keras's cache files (never downloaded), and time-series windows.

``imdb``, ``reuters``, ``mnist`` and ``boston_housing`` read ``~/.keras/datasets/NAME.npz`` (or
``$KERAS_HOME/datasets/``) as Keras does; a missing file is a ``FileNotFoundError`` saying where
to put it. Object arrays are read without ``allow_pickle`` (see :mod:`rnnkit.datasets.npz`).
"""

from . import boston_housing, imdb, mnist, reuters

__all__ = ["boston_housing", "imdb", "mnist", "reuters"]
