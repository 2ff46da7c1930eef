"""Keras-named layers, each a ``torch.nn.Module``."""

from .base import Input, InputLayer, KerasTensor, Layer
from .core import Activation, Concatenate, Dense, Dropout, Embedding, Flatten, Masking, Reshape
from .pooling import GlobalAveragePooling1D, GlobalMaxPooling1D
from .recurrent import GRU, LSTM, RNN, SimpleRNN
from .recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from .wrappers import Bidirectional, TimeDistributed
from .layer_norm_lstm import LayerNormLSTM, LayerNormLSTMCell
from .lookup import IntegerLookup, StringLookup
from .text_vectorization import TextVectorization

# layers used around recurrent layers (issue 14)
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .convolutional import Conv1D
from .identity import Identity
from .lambda_layer import Lambda
from .merging import Add, Average, Dot, Maximum, Minimum, Multiply, Subtract
from .merging import add, average, dot, maximum, minimum, multiply, subtract
from .noise import GaussianDropout, GaussianNoise, SpatialDropout1D
from .normalization import BatchNormalization, LayerNormalization, Normalization
from .pooling import AveragePooling1D, MaxPooling1D
from .reshaping import Cropping1D, Permute, RepeatVector, UpSampling1D, ZeroPadding1D

GlobalAvgPool1D = GlobalAveragePooling1D  # Keras's short names
GlobalMaxPool1D = GlobalMaxPooling1D
AvgPool1D = AveragePooling1D
Convolution1D = Conv1D
MaxPool1D = MaxPooling1D

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
    "StackedRNNCells",
    "TimeDistributed",
    "LayerNormLSTM",
    "LayerNormLSTMCell",
    # layers used around recurrent layers (issue 14)
    "Add",
    "AdditiveAttention",
    "Attention",
    "Average",
    "AveragePooling1D",
    "AvgPool1D",
    "BatchNormalization",
    "Conv1D",
    "Convolution1D",
    "Cropping1D",
    "Dot",
    "ELU",
    "GaussianDropout",
    "GaussianNoise",
    "Identity",
    "Lambda",
    "LayerNormalization",
    "LeakyReLU",
    "MaxPool1D",
    "MaxPooling1D",
    "Maximum",
    "Minimum",
    "MultiHeadAttention",
    "Multiply",
    "Normalization",
    "PReLU",
    "Permute",
    "ReLU",
    "RepeatVector",
    "Softmax",
    "SpatialDropout1D",
    "Subtract",
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
