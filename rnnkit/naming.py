"""Keras-style automatic layer and model names: ``lstm``, ``lstm_1``, ``lstm_2``..."""

from __future__ import annotations

import re
from collections import defaultdict

_counts: defaultdict[str, int] = defaultdict(int)


def snake_case(class_name: str) -> str:
    """``SimpleRNN`` -> ``simple_rnn``, ``LSTMCell`` -> ``lstm_cell``, ``GlobalMaxPooling1D`` ->
    ``global_max_pooling1d`` (a digit does not start a new word, as in Keras 3)."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", re.sub(r"\W+", "", class_name))
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def unique_name(prefix: str) -> str:
    """The next free name for ``prefix`` in this session (reset by :func:`clear_session`)."""
    n = _counts[prefix]
    _counts[prefix] += 1
    return prefix if n == 0 else f"{prefix}_{n}"


def clear_session() -> None:
    """Forget the names handed out so far, as ``keras.backend.clear_session()`` does."""
    _counts.clear()
