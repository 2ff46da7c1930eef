"""Keras-named layers, each a ``torch.nn.Module``."""

from .base import Input, InputLayer, KerasTensor, Layer
from .core import Activation, Concatenate, Dense, Dropout, Embedding, Flatten, Masking, Reshape
from .pooling import GlobalAveragePooling1D, GlobalMaxPooling1D
from .recurrent import GRU, LSTM, RNN, SimpleRNN
from .recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell
from .wrappers import Bidirectional, TimeDistributed
from .layer_norm_lstm import LayerNormLSTM, LayerNormLSTMCell
from .lookup import IntegerLookup, StringLookup
from .text_vectorization import TextVectorization

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
    "IntegerLookup",
    "KerasTensor",
    "LSTM",
    "LSTMCell",
    "Layer",
    "Masking",
    "RNN",
    "Reshape",
    "SimpleRNN",
    "SimpleRNNCell",
    "StringLookup",
    "TextVectorization",
    "TimeDistributed",
    "LayerNormLSTM",
    "LayerNormLSTMCell",
]
