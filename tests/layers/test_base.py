"""The Keras layer contract of ``rnnkit.layers.Layer``: build, add_weight, call signatures, inputs
given as arrays, losses, trainable, configs, and custom layers in models and in plain torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers


class Linear(layers.Layer):
    """A Keras-style custom layer: ``x @ w + b``, weights made in build()."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.build_shapes = []

    def build(self, input_shape):
        self.build_shapes.append(tuple(input_shape))
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True, name="bias")

    def call(self, inputs):
        return inputs @ self.w + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_build_runs_once_with_the_first_input_shape():
    layer = Linear(3)
    layer(np.ones((2, 5), "float32"))
    layer(np.ones((7, 5), "float32"))
    assert layer.build_shapes == [(2, 5)] and layer.built


def test_add_weight_registers_parameters_under_the_attribute_names_in_creation_order():
    layer = Linear(3)
    layer(torch.ones(2, 5))
    assert [name for name, _ in layer.named_parameters()] == ["w", "b"]
    assert all(isinstance(p, torch.nn.Parameter) for p in layer.parameters())
    assert [w.shape for w in layer.get_weights()] == [(5, 3), (3,)]


class Counter(layers.Layer):
    """A layer with a non-trainable weight made before a trainable one, and a weight kept in a list."""

    def build(self, input_shape):
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
        self.extra = [self.add_weight(shape=(2,), initializer="ones", name="extra") for _ in range(2)]

    def call(self, inputs, training=None):
        if training:
            with torch.no_grad():
                self.count += 1
        return inputs * self.scale


def test_non_trainable_weights_come_after_trainable_ones_and_stay_frozen():
    layer = Counter()
    layer(torch.ones(2, 3), training=True)
    assert [tuple(w.shape) for w in layer.weights] == [(3,), (2,), (2,), ()]
    assert layer.non_trainable_weights[0] is layer.count and float(layer.count) == 1.0
    names = [n for n, _ in layer.named_parameters()]
    assert names == ["count", "scale", "extra_2", "extra_1"]  # "extra" went to the list attribute
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4
    layer.trainable = True
    assert not layer.count.requires_grad and layer.scale.requires_grad


def test_keras2_positional_add_weight_and_default_initializers():
    layer = layers.Layer()
    kernel = layer.add_weight("kernel", (3, 2))
    counts = layer.add_weight(name="counts", shape=(4,), dtype="int32", trainable=False)
    assert tuple(kernel.shape) == (3, 2) and kernel.abs().max() <= (6 / 5) ** 0.5
    assert counts.dtype == torch.int32 and not counts.requires_grad and int(counts.abs().sum()) == 0


class TakesOnlyInputs(layers.Layer):
    def call(self, x):
        return x * 2


class TakesTraining(layers.Layer):
    def call(self, x, training=False):
        return x * (3 if training else 1)


class TakesMaskAndExtra(layers.Layer):
    def call(self, x, scale, mask=None):
        kept = x if mask is None else x * mask.unsqueeze(-1)
        return kept * scale


def test_call_receives_only_the_arguments_its_signature_names():
    x = torch.ones(2, 3, 1)
    torch.testing.assert_close(TakesOnlyInputs()(x, training=True, mask=torch.ones(2, 3, dtype=torch.bool)), x * 2)
    torch.testing.assert_close(TakesTraining()(x, training=True), x * 3)
    torch.testing.assert_close(TakesTraining().eval()(x), x)  # training=None follows the torch mode
    mask = torch.tensor([[True, False, True], [True, True, False]])
    out = TakesMaskAndExtra()(x, 5.0, mask=mask)
    torch.testing.assert_close(out[..., 0], mask.float() * 5)


def test_a_call_its_signature_cannot_take_is_a_value_error_naming_layer_and_argument():
    with pytest.raises(ValueError, match=r"Layer 'takes_only_inputs.*' \(TakesOnlyInputs\).*does not take.*'scale'"):
        TakesOnlyInputs()(torch.ones(2), scale=3)
    with pytest.raises(ValueError, match=r"TakesOnlyInputs.*takes 0 argument\(s\) after the inputs; got 1"):
        TakesOnlyInputs()(torch.ones(2), torch.ones(2))
    with pytest.raises(ValueError, match=r"TakesMaskAndExtra.*needs argument\(s\) \['scale'\]"):
        TakesMaskAndExtra()(torch.ones(2, 3, 1))


class TwoLayerModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


def test_a_subclassed_model_whose_call_takes_only_x():
    model = TwoLayerModel()
    x = np.random.rand(6, 3)
    y = model(x)
    assert y.dtype == torch.float32 and tuple(y.shape) == (6, 1)
    np.testing.assert_allclose(model.predict(x, verbose=0), y.detach().numpy(), rtol=1e-6)


def test_numpy_and_list_inputs_are_converted_to_the_layers_dtype():
    out = layers.LSTM(3)(np.random.rand(2, 4, 5))
    assert out.dtype == torch.float32 and tuple(out.shape) == (2, 3)
    dense = layers.Dense(2)
    torch.testing.assert_close(dense([[1.0, 2.0], [3.0, 4.0]]), dense(torch.tensor([[1.0, 2.0], [3.0, 4.0]])))
    torch.testing.assert_close(dense(torch.tensor([[1.0, 2.0]], dtype=torch.float64)), dense(torch.tensor([[1.0, 2.0]])))


def test_integer_one_hot_into_an_lstm_equals_the_float_one_hot():
    lstm = layers.LSTM(3)
    ids = np.random.randint(0, 5, (2, 4))
    one_hot = np.eye(5, dtype="int64")[ids]
    torch.testing.assert_close(lstm(one_hot), lstm(one_hot.astype("float32")))


def test_integer_ids_reach_an_embedding_unchanged():
    embedding = layers.Embedding(10, 3)
    ids = np.array([[1, 2, 9]])
    torch.testing.assert_close(embedding(ids), embedding.embeddings[torch.tensor([[1, 2, 9]])])
    seen = []

    class Spy(layers.Layer):
        def call(self, x):
            seen.append(x.dtype)
            return x

    Spy()(np.array([1, 2]))
    assert seen == [torch.long]  # Keras casts only floating inputs


def test_a_float64_layer_keeps_float64():
    layer = layers.Dense(2, dtype="float64")
    out = layer(np.ones((1, 3)))
    assert layer.kernel.dtype == out.dtype == torch.float64 and layer.dtype == "float64"
    assert layers.Dense(2).dtype == "float32"


def test_custom_layer_in_a_functional_model_has_the_traced_output_shape():
    inputs = keras.Input(shape=(7, 5))
    outputs = Linear(3)(inputs)
    assert outputs.shape == (None, 7, 3)
    model = keras.Model(inputs, outputs)
    assert tuple(model(np.ones((2, 7, 5))).shape) == (2, 7, 3)
    sequence = keras.Input(shape=(None, 5))
    assert Linear(3)(sequence).shape == (None, None, 3)


def test_config_round_trip_of_a_custom_layer():
    layer = Linear(6, name="proj", trainable=False)
    again = Linear.from_config(layer.get_config())
    assert (again.units, again.name, again.trainable) == (6, "proj", False)
    dense = layers.Dense(3, activation="tanh", kernel_regularizer=keras.regularizers.L2(0.3))
    copy = layers.Dense.from_config(dense.get_config())
    assert copy.units == 3 and copy.kernel_regularizer.l2 == 0.3


class Penalised(layers.Layer):
    """Adds 0.5 * mean(x ** 2) as a loss on every call."""

    def call(self, x):
        self.add_loss(0.5 * x.square().mean())
        return x


def test_losses_hold_the_last_calls_add_loss_values_and_current_weight_penalties():
    inner = Penalised()
    dense = layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.1))
    model = keras.Sequential([inner, dense])
    model(torch.ones(2, 3))
    model(torch.full((2, 3), 2.0))  # replaces the first call's loss, not added to it
    assert len(model.losses) == 2
    torch.testing.assert_close(model.losses[0], torch.tensor(2.0))
    torch.testing.assert_close(model.losses[1], 0.1 * dense.kernel.detach().square().sum())
    with torch.no_grad():
        dense.kernel.mul_(2)
    torch.testing.assert_close(model.losses[1], 0.1 * dense.kernel.detach().square().sum())


def test_activity_regularizer_adds_the_penalty_per_sample():
    layer = layers.Dense(2, activity_regularizer=keras.regularizers.L1(0.01))
    out = layer(np.ones((3, 4), "float32"))
    torch.testing.assert_close(layer.losses[0], 0.01 * out.detach().abs().sum() / 3)


def test_a_frozen_layer_has_no_trainable_weights_and_no_weight_penalties():
    layer = layers.Dense(2, kernel_regularizer="l2")
    layer(torch.ones(1, 3))
    layer.trainable = False
    assert layer.trainable_weights == [] and layer.losses == []


def test_custom_layer_trains_in_a_sequential_classifier():
    torch.manual_seed(0)
    x = np.random.RandomState(0).normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    model = keras.Sequential([Linear(8), layers.Activation("relu"), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_custom_layer_in_plain_torch_exposes_parameters_after_the_first_call():
    layer = Linear(2)
    assert list(layer.parameters()) == []
    x = torch.randn(8, 3)
    layer(x)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    before = layer.w.detach().clone()
    layer(x).square().mean().backward()
    optimizer.step()
    assert not torch.equal(before, layer.w.detach())


def test_unknown_regularizer_constraint_or_initializer_names_the_layer_and_argument():
    with pytest.raises(ValueError, match=r"Layer 'dense.*' \(Dense\): kernel_regularizer: Unknown regularizer 'l3'"):
        layers.Dense(2, kernel_regularizer="l3")
    with pytest.raises(ValueError, match=r"Layer 'lstm.*recurrent_constraint: Unknown constraint 'max'"):
        layers.LSTM(2, recurrent_constraint="max")
    with pytest.raises(ValueError, match=r"activity_regularizer: Unknown regularizer"):
        layers.GRU(2, activity_regularizer="big")
    with pytest.raises(ValueError, match=r"add_weight\(name='w'\) initializer: Unknown initializer 'glorot'"):
        layers.Layer().add_weight(shape=(2,), initializer="glorot", name="w")


class Attention(layers.Layer):
    """A tutorial-style additive attention whose call takes two named tensors."""

    def build(self, input_shape):
        self.w = self.add_weight(name="att_weight", shape=(4, 1), initializer="normal")

    def call(self, values, query):
        scores = torch.tanh(values + query.unsqueeze(1)) @ self.w  # (B, T, 1)
        return (torch.softmax(scores, dim=1) * values).sum(dim=1)


def test_inputs_may_be_given_by_the_name_call_uses():
    values, query = torch.randn(2, 5, 4), torch.randn(2, 4)
    layer = Attention()
    torch.testing.assert_close(layer(values=values, query=query), layer(values, query))
    with pytest.raises(ValueError, match=r"called without inputs; call\(self, values, query\) takes them"):
        layer(query=query)
