"""Keras's ``keras.utils`` namespace: re-exports only."""

from .datasets.cache import get_file
from .datasets.py_dataset import PyDataset, Sequence
from .datasets.timeseries import timeseries_dataset_from_array
from .model_plot import plot_model
from .numerical import normalize, to_categorical
from .preprocessing.sequence import pad_sequences
from .training.seeding import set_random_seed

__all__ = [
    "PyDataset",
    "Sequence",
    "get_file",
    "normalize",
    "pad_sequences",
    "plot_model",
    "set_random_seed",
    "timeseries_dataset_from_array",
    "to_categorical",
]
