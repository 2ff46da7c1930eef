"""Keras's ``keras.preprocessing`` namespace: ``text`` (the Keras 2 ``Tokenizer`` API that Keras 3
still ships for ``tf.keras``), ``sequence`` (``pad_sequences``) and ``timeseries_dataset_from_array``."""

from ..datasets.timeseries import timeseries_dataset_from_array
from . import sequence, text

__all__ = ["sequence", "text", "timeseries_dataset_from_array"]
