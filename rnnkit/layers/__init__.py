"""Keras-named layers, each a ``torch.nn.Module``."""

from .base import Input, InputLayer, KerasTensor, Layer
from .core import Activation, Concatenate, Dense, Dropout, Embedding, Flatten, Masking, Reshape
from .pooling import GlobalAveragePooling1D, GlobalMaxPooling1D
from .recurrent import GRU, LSTM, RNN, SimpleRNN
from .recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from .wrappers import Bidirectional, TimeDistributed

GlobalAvgPool1D = GlobalAveragePooling1D  # Keras's short names
GlobalMaxPool1D = GlobalMaxPooling1D

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
    "GlobalAveragePooling1D",
    "GlobalAvgPool1D",
    "GlobalMaxPool1D",
    "GlobalMaxPooling1D",
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
    "StackedRNNCells",
    "TimeDistributed",
]
