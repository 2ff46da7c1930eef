"""Keras-named layers, each a ``torch.nn.Module``."""

from .base import Input, InputLayer, KerasTensor, Layer
from .core import Activation, Concatenate, Dense, Dropout, Embedding, Flatten, Masking, Reshape
from .recurrent import GRU, LSTM, RNN, SimpleRNN
from .recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell
from .wrappers import Bidirectional, TimeDistributed

__all__ = [
    "Activation",
    "Bidirectional",
    "Concatenate",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GRU",
    "GRUCell",
    "Input",
    "InputLayer",
    "KerasTensor",
    "LSTM",
    "LSTMCell",
    "Layer",
    "Masking",
    "RNN",
    "Reshape",
    "SimpleRNN",
    "SimpleRNNCell",
    "TimeDistributed",
]
