"""``rnnkit.backend``: Keras's ``keras.backend`` essentials."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras


def test_backend_answers_like_keras_with_torch():
    assert keras.backend.backend() == "torch"
    assert keras.backend.floatx() == "float32"
    assert keras.backend.epsilon() == 1e-7
    assert keras.backend.image_data_format() == "channels_last"


def test_set_floatx_makes_new_layers_of_that_type():
    keras.backend.set_floatx("float64")
    try:
        assert keras.backend.floatx() == "float64"
        layer = keras.layers.Dense(2)
        layer(torch.zeros(1, 3))
        assert layer.kernel.dtype == torch.float64
    finally:
        keras.backend.set_floatx("float32")
    assert torch.get_default_dtype() == torch.float32


def test_set_epsilon_and_bad_values():
    keras.backend.set_epsilon(1e-5)
    try:
        assert keras.backend.epsilon() == 1e-5
    finally:
        keras.backend.set_epsilon(1e-7)
    with pytest.raises(ValueError, match="set_epsilon: value must be a positive number"):
        keras.backend.set_epsilon(0)
    with pytest.raises(ValueError, match="set_floatx: value must be one of"):
        keras.backend.set_floatx("float8")


def test_keras_tensors_and_int_shape():
    inputs = keras.Input((None, 4))
    assert keras.backend.is_keras_tensor(inputs)
    assert not keras.backend.is_keras_tensor(torch.zeros(2))
    assert keras.backend.int_shape(inputs) == (None, None, 4)
    assert keras.backend.int_shape(np.zeros((2, 5))) == (2, 5)
    with pytest.raises(TypeError, match="int_shape"):
        keras.backend.int_shape(3)


def test_clear_session_restarts_layer_names():
    keras.layers.LSTM(2)
    keras.backend.clear_session()
    assert keras.layers.LSTM(2).name == "lstm"
