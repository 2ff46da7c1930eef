"""Keras-named layers, each a ``torch.nn.Module``."""

from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .base import Input, InputLayer, KerasTensor, Layer
from .convolutional import Conv1D
from .core import Activation, Concatenate, Dense, Dropout, Embedding, Flatten, Masking, Reshape
from .identity import Identity
from .lambda_layer import Lambda
from .layer_norm_lstm import LayerNormLSTM, LayerNormLSTMCell
from .lookup import IntegerLookup, StringLookup
from .merging import (
    Add,
    Average,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .noise import GaussianDropout, GaussianNoise, SpatialDropout1D
from .normalization import BatchNormalization, LayerNormalization, Normalization
from .pooling import AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D
from .recurrent import GRU, LSTM, RNN, SimpleRNN
from .recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from .reshaping import Cropping1D, Permute, RepeatVector, UpSampling1D, ZeroPadding1D
from .text_vectorization import TextVectorization
from .wrappers import Bidirectional, TimeDistributed

GlobalAvgPool1D = GlobalAveragePooling1D  # Keras's short names
GlobalMaxPool1D = GlobalMaxPooling1D
AvgPool1D = AveragePooling1D
Convolution1D = Conv1D
MaxPool1D = MaxPooling1D

__all__ = [
    "Activation",
    "Add",
    "AdditiveAttention",
    "Attention",
    "Average",
    "AveragePooling1D",
    "AvgPool1D",
    "BatchNormalization",
    "Bidirectional",
    "Concatenate",
    "Conv1D",
    "Convolution1D",
    "Cropping1D",
    "Dense",
    "Dot",
    "Dropout",
    "ELU",
    "Embedding",
    "Flatten",
    "GRU",
    "GRUCell",
    "GaussianDropout",
    "GaussianNoise",
    "GlobalAveragePooling1D",
    "GlobalAvgPool1D",
    "GlobalMaxPool1D",
    "GlobalMaxPooling1D",
    "Identity",
    "Input",
    "InputLayer",
    "IntegerLookup",
    "KerasTensor",
    "LSTM",
    "LSTMCell",
    "Lambda",
    "Layer",
    "LayerNormLSTM",
    "LayerNormLSTMCell",
    "LayerNormalization",
    "LeakyReLU",
    "Masking",
    "MaxPool1D",
    "MaxPooling1D",
    "Maximum",
    "Minimum",
    "MultiHeadAttention",
    "Multiply",
    "Normalization",
    "PReLU",
    "Permute",
    "RNN",
    "ReLU",
    "RepeatVector",
    "Reshape",
    "SimpleRNN",
    "SimpleRNNCell",
    "Softmax",
    "SpatialDropout1D",
    "StackedRNNCells",
    "StringLookup",
    "Subtract",
    "TextVectorization",
    "TimeDistributed",
    "UpSampling1D",
    "ZeroPadding1D",
    "add",
    "average",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
