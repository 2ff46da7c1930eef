"""Conv1D, MaxPooling1D and AveragePooling1D against Keras 3 fixtures, float64 references and gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.saving import load_model

from helpers.keras_layer_fixtures import FIXTURES, fixture
from helpers.keras_models import conv_options


@pytest.mark.parametrize("name", ["conv_lstm_classifier", "conv_options"])
@pytest.mark.parametrize("kind", ["keras", "h5"])
def test_conv_models_load_from_keras_files_and_match(name, kind, capsys):
    meta, data, xs, ys, weights = fixture(name)
    model = load_model(FIXTURES / f"{name}.{kind}")
    np.testing.assert_allclose(model.predict(xs[0], verbose=0), ys[0], atol=2e-6)
    got = [w for layer in model.layers for w in layer.get_weights()]
    for g, w in zip(got, weights, strict=True):
        np.testing.assert_array_equal(g, w)
    model.summary()
    assert capsys.readouterr().out.rstrip() == meta["summary"].rstrip()


def test_conv_options_built_in_code_match_keras_and_round_trip(tmp_path):
    meta, data, xs, ys, weights = fixture("conv_options")
    model = conv_options(keras)
    assert [model.output_shapes[l.name] for l in model.layers] == [tuple(l["output_shape"]) for l in meta["layers"]]
    model.set_weights(weights)  # no frozen weights here, so Layer order = Keras order
    np.testing.assert_allclose(model.predict(xs[0], verbose=0), ys[0], atol=2e-6)
    model.save(tmp_path / "conv.keras")
    np.testing.assert_allclose(load_model(tmp_path / "conv.keras").predict(xs[0], verbose=0), ys[0], atol=2e-6)


def reference_conv1d(x, kernel, bias, stride, dilation, groups, pad_front, pad_back):
    """Conv1D in float64 numpy by its definition: y[t, o] = sum_k,c x[t*s + k*d, c] w[k, c, o]."""
    x = np.pad(x, ((0, 0), (pad_front, pad_back), (0, 0)))
    k, cin_g, out = kernel.shape
    out_g = out // groups
    steps = (x.shape[1] - dilation * (k - 1) - 1) // stride + 1
    y = np.zeros((x.shape[0], steps, out))
    for t in range(steps):
        for g in range(groups):
            window = x[:, t * stride : t * stride + dilation * (k - 1) + 1 : dilation, g * cin_g : (g + 1) * cin_g]
            y[:, t, g * out_g : (g + 1) * out_g] = np.einsum("bkc,kco->bo", window, kernel[:, :, g * out_g : (g + 1) * out_g])
    return y + (0 if bias is None else bias)


@pytest.mark.parametrize(
    "options, pads",
    [
        (dict(kernel_size=3, padding="valid"), (0, 0)),
        (dict(kernel_size=4, padding="same", strides=3), None),  # "same": TensorFlow's split, computed below
        (dict(kernel_size=3, padding="causal", dilation_rate=3), (6, 0)),
        (dict(kernel_size=2, padding="same", groups=2, use_bias=False), None),
    ],
)
def test_conv1d_matches_a_float64_reference(options, pads):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 10, 4))
    conv = layers.Conv1D(6, **options)
    conv(torch.zeros(1, 10, 4))
    conv.double()
    conv.set_weights([rng.normal(size=w.shape) for w in conv.get_weights()])
    kernel, bias = conv.get_weights()[0], (conv.get_weights()[1] if conv.use_bias else None)
    steps = 10
    if options["padding"] == "same":
        span = options.get("dilation_rate", 1) * (options["kernel_size"] - 1) + 1
        stride = options.get("strides", 1)
        total = max((-(-steps // stride) - 1) * stride + span - steps, 0)
        pads = (total // 2, total - total // 2)
    want = reference_conv1d(x, kernel, bias, options.get("strides", 1), options.get("dilation_rate", 1), options.get("groups", 1), *pads)
    np.testing.assert_allclose(conv(torch.as_tensor(x)).detach().numpy(), want, rtol=1e-10, atol=1e-12)


def test_conv1d_kernel_layout_and_gradcheck():
    conv = layers.Conv1D(4, 3, padding="causal", groups=2)
    conv(torch.zeros(1, 5, 6))
    assert [w.shape for w in conv.get_weights()] == [(3, 3, 4), (4,)]
    conv.double()
    x = torch.randn(2, 5, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, *w: conv(x), (x, *conv.parameters()))


def reference_pool(x, size, stride, padding, mode):
    steps = x.shape[1]
    if padding == "same":
        out = -(-steps // stride)
        total = max((out - 1) * stride + size - steps, 0)
        front = total // 2
    else:
        out, front = (steps - size) // stride + 1, 0
    y = np.zeros((x.shape[0], out, x.shape[2]))
    for t in range(out):
        lo, hi = max(t * stride - front, 0), min(t * stride - front + size, steps)
        window = x[:, lo:hi]
        y[:, t] = window.max(1) if mode == "max" else window.mean(1)
    return y


@pytest.mark.parametrize("cls, mode", [(layers.MaxPooling1D, "max"), (layers.AveragePooling1D, "mean")])
@pytest.mark.parametrize("size, stride, padding", [(2, None, "valid"), (3, 2, "same"), (4, 3, "same"), (3, 1, "valid")])
def test_pooling_matches_a_reference_that_ignores_padding(cls, mode, size, stride, padding):
    x = np.random.default_rng(1).normal(size=(2, 7, 3))
    got = cls(size, strides=stride, padding=padding)(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(got, reference_pool(x, size, stride or size, padding, mode), rtol=1e-12)


def test_conv_and_pooling_drop_the_mask():
    x = torch.randn(2, 6, 3)
    x._keras_mask = torch.tensor([[True] * 6, [True] * 3 + [False] * 3])
    for layer in (layers.Conv1D(2, 2), layers.MaxPooling1D(), layers.AveragePooling1D(1)):
        assert getattr(layer(x), "_keras_mask", None) is None


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.Conv1D(4, 3, padding="full"), "padding"),
        (lambda: layers.Conv1D(4, 3, strides=2, dilation_rate=2), "strides"),
        (lambda: layers.Conv1D(5, 3, groups=2), "divisible"),
        (lambda: layers.Conv1D(4, 3, groups=2)(torch.zeros(1, 5, 3)), "divisible"),
        (lambda: layers.Conv1D(4, 0), "kernel_size"),
        (lambda: layers.Conv1D(4, 3, data_format="channels_first"), "channels_last"),
        (lambda: layers.Conv1D(4, 3)(torch.zeros(1, 5)), "batch, steps, channels"),
        (lambda: layers.MaxPooling1D(2, padding="causal"), "padding"),
        (lambda: layers.AveragePooling1D(2)(torch.zeros(2, 4)), "3-D"),
        (lambda: layers.Conv1D(4, 5)(keras.Input((3, 2))), "shorter"),
    ],
)
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_conv1d_and_attention_take_keras_weight_rules():
    import torch

    import rnnkit as keras

    conv = keras.layers.Conv1D(4, 3, kernel_regularizer=keras.regularizers.l2(0.1), bias_constraint=keras.constraints.NonNeg())
    conv(np.ones((2, 5, 3), dtype="float32"))
    assert torch.allclose(sum(conv.losses), 0.1 * (conv.kernel**2).sum())
    with torch.no_grad():
        conv.bias.fill_(-1.0)
    conv.apply_weight_constraints()
    assert bool((conv.bias == 0).all())
    config = conv.get_config()
    assert config["kernel_regularizer"]["class_name"] == "L2" and config["bias_constraint"]["class_name"] == "NonNeg"

    attention = keras.layers.MultiHeadAttention(2, 4, kernel_regularizer="l1")
    x = np.ones((2, 3, 6), dtype="float32")
    attention(x, x)
    kernels = [attention.query_kernel, attention.key_kernel, attention.value_kernel, attention.output_kernel]
    assert torch.allclose(sum(attention.losses), 0.01 * sum(k.abs().sum() for k in kernels))
