"""Keras's ``keras.preprocessing`` namespace: ``text`` (the Keras 2 ``Tokenizer`` API that Keras 3
still ships for ``tf.keras``) and ``sequence`` (``pad_sequences``)."""

from . import sequence, text

__all__ = ["sequence", "text"]
