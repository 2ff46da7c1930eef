"""Keras's initializers: names, arguments, distributions (statistics of large draws against the
variances Keras defines), seeds, and their use as ``*_initializer=`` on every layer."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from rnnkit import initializers, layers

SHAPE = (400, 300)  # fan_in 400, fan_out 300: 120,000 draws


def draw(init, shape=SHAPE):
    return init(shape).double()


def test_constant_zeros_ones():
    assert torch.equal(initializers.Constant(0.25)((2, 3)), torch.full((2, 3), 0.25))
    assert torch.equal(initializers.get("zeros")((3,)), torch.zeros(3))
    assert torch.equal(initializers.Ones()((2,)), torch.ones(2))


def test_random_normal_uniform_and_truncated_normal_statistics():
    normal = draw(initializers.RandomNormal(mean=1.0, stddev=0.5, seed=1))
    assert normal.mean().item() == pytest.approx(1.0, abs=0.01) and normal.std().item() == pytest.approx(0.5, rel=0.02)
    uniform = draw(initializers.RandomUniform(-0.2, 0.6, seed=2))
    assert uniform.min() >= -0.2 and uniform.max() <= 0.6 and uniform.mean().item() == pytest.approx(0.2, abs=0.01)
    truncated = draw(initializers.TruncatedNormal(stddev=0.1, seed=3))
    assert truncated.abs().max() <= 0.2
    # a unit normal cut at +-2 has standard deviation 0.8796
    assert truncated.std().item() == pytest.approx(0.1 * 0.87962566, rel=0.02)


@pytest.mark.parametrize("mode, n", [("fan_in", 400), ("fan_out", 300), ("fan_avg", 350)])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_has_variance_scale_over_n(mode, n, distribution):
    values = draw(initializers.VarianceScaling(scale=2.0, mode=mode, distribution=distribution, seed=4))
    assert values.var().item() == pytest.approx(2.0 / n, rel=0.03)
    if distribution == "uniform":
        assert values.abs().max() <= math.sqrt(3 * 2.0 / n)
    if distribution == "truncated_normal":
        assert values.abs().max() <= 2 * math.sqrt(2.0 / n) / 0.87962566 + 1e-9


@pytest.mark.parametrize("cls, scale, n, uniform", [
    (initializers.GlorotUniform, 1.0, 350, True),
    (initializers.GlorotNormal, 1.0, 350, False),
    (initializers.HeUniform, 2.0, 400, True),
    (initializers.HeNormal, 2.0, 400, False),
    (initializers.LecunUniform, 1.0, 400, True),
    (initializers.LecunNormal, 1.0, 400, False),
])
def test_glorot_he_and_lecun_are_variance_scaling(cls, scale, n, uniform):
    values = draw(cls(seed=5))
    assert values.var().item() == pytest.approx(scale / n, rel=0.03)
    limit = math.sqrt(3 * scale / n) if uniform else 2 * math.sqrt(scale / n) / 0.87962566
    assert values.abs().max() <= limit + 1e-9


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (2, 3, 4)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    q = initializers.Orthogonal(gain=1.5, seed=6)(shape).double().reshape(-1, shape[-1])
    small = min(q.shape)
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    torch.testing.assert_close(gram, 2.25 * torch.eye(small, dtype=torch.float64), atol=1e-5, rtol=0)


def test_identity_and_its_shape_check():
    torch.testing.assert_close(initializers.Identity(gain=2.0)((2, 3)), 2 * torch.eye(2, 3))
    with pytest.raises(ValueError, match="needs a 2-D weight"):
        initializers.Identity()((2, 2, 2))


def test_a_seed_makes_draws_reproducible():
    a, b = initializers.GlorotUniform(seed=7), initializers.GlorotUniform(seed=7)
    assert torch.equal(a((3, 3)), b((3, 3))) and torch.equal(a((3, 3)), b((3, 3)))
    assert not torch.equal(initializers.GlorotUniform(seed=8)((3, 3)), initializers.GlorotUniform(seed=7)((3, 3)))


def test_get_takes_names_classes_instances_configs_and_functions():
    assert isinstance(initializers.get("glorot_uniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get("GlorotUniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get("uniform"), initializers.RandomUniform)
    assert isinstance(initializers.get(initializers.he_normal), initializers.HeNormal)
    constant = initializers.Constant(0.5)
    assert initializers.get(constant) is constant
    entry = {"module": "keras.initializers", "class_name": "Constant", "config": {"value": 0.03}, "registered_name": None}
    assert initializers.get(entry).value == 0.03
    keras_style = initializers.get(lambda shape, dtype=None: np.full(shape, 3.0))
    assert torch.equal(keras_style((2,)), torch.full((2,), 3.0))
    in_place = initializers.get(torch.nn.init.ones_)
    assert torch.equal(in_place((2, 2)), torch.ones(2, 2))
    with pytest.raises(ValueError, match="Unknown initializer 'glorot'"):
        initializers.get("glorot")


def test_every_layer_takes_initializer_names_and_objects():
    x = torch.ones(2, 3, 4)
    dense = layers.Dense(2, kernel_initializer="ones", bias_initializer=initializers.Constant(0.5))
    torch.testing.assert_close(dense(torch.ones(1, 4)), torch.full((1, 2), 4.5))
    embedding = layers.Embedding(4, 2, embeddings_initializer=initializers.Constant(0.1))
    torch.testing.assert_close(embedding(np.array([[3]])), torch.full((1, 1, 2), 0.1))
    for cls in (layers.SimpleRNN, layers.LSTM, layers.GRU, layers.SimpleRNNCell, layers.LSTMCell, layers.GRUCell):
        layer = cls(3, kernel_initializer=initializers.Constant(0.2), recurrent_initializer="identity", bias_initializer="ones")
        rnn = layer if isinstance(layer, layers.RNN) else layers.RNN(layer)
        rnn(x)
        cell = rnn.cell
        assert torch.all(cell.kernel == 0.2) and torch.all(cell.bias == 1.0)
        assert torch.equal(cell.recurrent_kernel.detach(), torch.eye(*cell.recurrent_kernel.shape))
    both = layers.Bidirectional(layers.LSTM(2, kernel_initializer=initializers.Constant(0.3)))
    both(x)
    assert torch.all(both.backward_layer.cell.kernel == 0.3)


def test_lstm_unit_forget_bias_still_sets_the_forget_block():
    lstm = layers.LSTM(2, bias_initializer="zeros")
    lstm(torch.ones(1, 2, 3))
    assert lstm.cell.bias.tolist() == [0, 0, 1, 1, 0, 0, 0, 0]
