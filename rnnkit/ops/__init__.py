"""Keras's ``keras.ops``: the subset recurrent-network code uses, each a thin torch call.

Inputs may be tensors, NumPy arrays, Python numbers or nested lists; results are torch tensors
(``convert_to_numpy`` gives NumPy back). Names, argument names (``axis``, ``keepdims``) and
dtypes follow Keras 3 (see ``core`` for the dtype rules), checked against real Keras's outputs in
``tests/ops/test_ops.py``. The ops run on real tensors: in a functional model put them inside a
layer's ``call`` (a custom layer or ``Lambda``).
"""

from .arrays import (
    arange,
    concatenate,
    expand_dims,
    flip,
    full,
    ones,
    ones_like,
    pad,
    repeat,
    reshape,
    slice,
    split,
    squeeze,
    stack,
    take,
    take_along_axis,
    tile,
    transpose,
    where,
    zeros,
    zeros_like,
)
from .core import cast, convert_to_numpy, convert_to_tensor, shape
from .math import (
    abs,
    add,
    clip,
    divide,
    dot,
    einsum,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    matmul,
    maximum,
    minimum,
    multiply,
    norm,
    not_equal,
    relu,
    sigmoid,
    sqrt,
    square,
    subtract,
    tanh,
)
from .reductions import argmax, argmin, cumsum, log_softmax, max, mean, min, one_hot, softmax, sort, sum, top_k

__all__ = [
    "abs", "add", "arange", "argmax", "argmin", "cast", "clip", "concatenate", "convert_to_numpy",
    "convert_to_tensor", "cumsum", "divide", "dot", "einsum", "equal", "exp", "expand_dims", "flip",
    "full", "greater", "greater_equal", "less", "less_equal", "log", "log_softmax", "logical_and",
    "logical_not", "logical_or", "matmul", "max", "maximum", "mean", "min", "minimum", "multiply",
    "norm", "not_equal", "one_hot", "ones", "ones_like", "pad", "relu", "repeat", "reshape", "shape",
    "sigmoid", "slice", "softmax", "sort", "split", "sqrt", "square", "squeeze", "stack", "subtract",
    "sum", "take", "take_along_axis", "tanh", "tile", "top_k", "transpose", "where", "zeros", "zeros_like",
]
