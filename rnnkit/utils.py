"""Keras's ``keras.utils`` namespace: re-exports only."""

from .training.seeding import set_random_seed

__all__ = ["set_random_seed"]
