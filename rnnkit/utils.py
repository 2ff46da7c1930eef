"""Keras's ``keras.utils`` namespace: re-exports only."""

from .preprocessing.sequence import pad_sequences
from .training.seeding import set_random_seed

__all__ = [
    "pad_sequences",
    "set_random_seed",
]
