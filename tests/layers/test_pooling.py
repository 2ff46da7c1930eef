"""GlobalAveragePooling1D / GlobalMaxPooling1D beyond the real-Keras fixtures: masks, formats, errors."""

from __future__ import annotations

import pytest
import torch

import rnnkit as keras
from rnnkit import layers as L


def _masked(x: torch.Tensor, lengths: list[int]) -> torch.Tensor:
    x._keras_mask = torch.arange(x.shape[1]) < torch.tensor(lengths).unsqueeze(1)
    return x


def test_average_counts_only_unmasked_steps():
    x = _masked(torch.randn(3, 5, 2, dtype=torch.float64), [5, 2, 1])
    y = L.GlobalAveragePooling1D()(x)
    for row, n in enumerate([5, 2, 1]):
        torch.testing.assert_close(y[row], x[row, :n].mean(0))


def test_average_of_a_padded_text_does_not_depend_on_what_the_padding_holds():
    x = torch.randn(2, 6, 3)
    noisy = x.clone()
    noisy[:, 4:] = 100.0
    layer = L.GlobalAveragePooling1D()
    torch.testing.assert_close(layer(_masked(x, [4, 4])), layer(_masked(noisy, [4, 4])))


def test_max_ignores_the_mask_as_keras_does():
    x = _masked(-torch.ones(1, 4, 2), [2])
    x.data[0, 3] = 5.0  # a padded step still wins the max in Keras 3
    assert L.GlobalMaxPooling1D()(x).tolist() == [[5.0, 5.0]]


@pytest.mark.parametrize("cls", [L.GlobalAveragePooling1D, L.GlobalMaxPooling1D])
def test_keepdims_channels_first_and_output_mask(cls):
    x = torch.randn(2, 3, 5)  # (B, F, T) for channels_first
    y = cls(data_format="channels_first", keepdims=True)(x)
    assert y.shape == (2, 3, 1)
    reduce = torch.mean if cls is L.GlobalAveragePooling1D else torch.amax
    torch.testing.assert_close(y[..., 0], reduce(x, dim=2))
    assert getattr(cls()(_masked(torch.randn(2, 4, 3), [4, 2])), "_keras_mask", None) is None


@pytest.mark.parametrize("cls", [L.GlobalAveragePooling1D, L.GlobalMaxPooling1D])
def test_bad_input_names_the_layer_and_the_shape(cls):
    with pytest.raises(ValueError, match=r"expected a 3-D input .* got shape \(2, 3\)"):
        cls(name="pool")(torch.randn(2, 3))
    with pytest.raises(ValueError, match="data_format"):
        cls(data_format="channels_middle")


def test_config_round_trip_and_keras_short_names():
    layer = L.GlobalAvgPool1D(keepdims=True, name="avg")
    config = layer.get_config()
    assert config["keepdims"] is True and config["data_format"] == "channels_last"
    assert L.GlobalMaxPool1D is L.GlobalMaxPooling1D
    keras.clear_session()
    assert L.GlobalMaxPooling1D().name == "global_max_pooling1d"
