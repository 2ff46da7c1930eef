"""Keras's three kinds of model: functional graphs, Sequential stacks and subclassed models.

References: a subclassed model and the functional model with the same layers compute the same
function (checked on shared layers, so the weights are the same objects); a sub-model made of
another model's layers (``Model(model.input, layer.output)``) equals the corresponding part of
the full model computed layer by layer; an encoder-decoder's inference halves, run step by step,
equal the trained model's teacher-forced outputs.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers
from rnnkit.models import Functional


def data(n=32, steps=5, features=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, steps, features)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("int64")
    return x, y


class Classifier(keras.Model):
    """A subclassed model as the Keras guides write it: layers as attributes, call(self, x) only."""

    def __init__(self):
        super().__init__()
        self.lstm = layers.LSTM(4)
        self.head = layers.Dense(2, activation="softmax")

    def call(self, x):
        return self.head(self.lstm(x))


def test_model_of_inputs_and_outputs_is_functional():
    x = keras.Input(shape=(5, 3))
    model = keras.Model(x, layers.Dense(2)(x))
    assert type(model) is Functional and isinstance(model, keras.Model)
    named = keras.Model(inputs=x, outputs=layers.Dense(2)(x), name="named")
    assert type(named) is Functional and named.name == "named"


def test_subclassed_model_equals_the_functional_model_on_the_same_layers():
    x, y = data()
    sub = Classifier()
    assert not sub.built
    with pytest.raises(ValueError, match="is not built yet"):
        sub.count_params()
    first = sub.predict(x, verbose=0)
    inputs = keras.Input(shape=(5, 3))
    functional = keras.Model(inputs, sub.head(sub.lstm(inputs)))
    np.testing.assert_allclose(functional.predict(x, verbose=0), first, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(sub.predict_on_batch(x[:7]), first[:7], rtol=1e-6, atol=1e-7)
    assert [layer.name for layer in sub.layers] == [sub.lstm.name, sub.head.name]


def test_subclassed_model_trains_and_prints_its_tracked_layers(capsys):
    x, y = data(64)
    torch.manual_seed(0)
    model = Classifier()
    model.summary()  # Keras prints an unbuilt subclassed model too
    unbuilt = capsys.readouterr().out
    assert f"│ {model.lstm.name} (LSTM)" in unbuilt and "0 (unbuilt)" in unbuilt and " Total params: 0 (0.00 B)" in unbuilt
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.summary()
    table = capsys.readouterr().out
    assert f"{model.lstm.name} (LSTM)" in table and f"{model.head.name} (Dense)" in table
    assert f"Total params: {4 * (4 * (3 + 4 + 1)) + 4 * 2 + 2:,}" in table


def test_subclassed_model_saves_and_loads_its_weights(tmp_path):
    x, _ = data(8)
    model = Classifier()
    expected = model.predict(x, verbose=0)
    for name in ("w.weights.h5", "w.safetensors"):
        other = Classifier()
        other(x[:1])  # built, with other random weights
        other.load_weights(model.save_weights(tmp_path / name) or tmp_path / name)
        np.testing.assert_allclose(other.predict(x, verbose=0), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="save its weights"):
        model.save(tmp_path / "m.keras")


def test_lists_of_layers_are_tracked_in_attribute_order():
    class Stack(keras.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(3, name="a"), layers.Dense(3, name="b")]
            self.out = layers.Dense(1, name="c")

        def call(self, x, training=False):
            for block in self.blocks:
                x = block(x)
            return self.out(x)

    model = Stack()
    model(np.zeros((2, 4), dtype="float32"))
    assert [layer.name for layer in model.layers] == ["a", "b", "c"]
    assert len(list(model.parameters())) == 6
    model.heads = {"left": layers.Dense(1, name="left"), "right": layers.Dense(1, name="right")}
    assert [layer.name for layer in model.layers] == ["a", "b", "c", "left", "right"]
    assert model.get_layer(index=1).name == "b" and model.get_layer("c") is model.out


def test_get_layer_names_what_is_wrong():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match="exactly one of name= and index="):
        model.get_layer()
    with pytest.raises(ValueError, match="has no layer named 'x'; it has \\['d'\\]"):
        model.get_layer("x")
    with pytest.raises(ValueError, match="out of range; the model has 1 layers"):
        model.get_layer(index=3)


def test_subclassed_call_without_training_or_mask_arguments_gets_neither():
    seen = {}

    class Recording(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x, training=None):
            seen["training"] = training
            return self.dense(x)

    model = Recording()
    model.predict(np.ones((3, 2)), verbose=0)
    assert seen["training"] is False


def test_layer_input_and_output_are_its_first_call():
    x = keras.Input(shape=(5, 3))
    lstm = layers.LSTM(4, return_sequences=True, name="seq")
    h = lstm(x)
    again = lstm(layers.Dense(3)(h))
    assert lstm.input is x and lstm.output is h and again is not h
    with pytest.raises(ValueError, match="has never been called"):
        layers.Dense(2).output


def test_sub_model_from_an_inner_layer_shares_the_weights():
    x, y = data(32)
    inputs = keras.Input(shape=(5, 3))
    h = layers.LSTM(6, return_sequences=True, name="seq")(inputs)
    outputs = layers.Dense(2, activation="softmax", name="head")(layers.GlobalAveragePooling1D()(h))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    inner = keras.Model(inputs=model.input, outputs=model.get_layer("seq").output)
    lstm = model.get_layer("seq")
    with torch.no_grad():
        expected = lstm(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(inner.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-7)
    assert inner.get_layer("seq") is lstm and [l.name for l in inner.layers][-1] == "seq"


def test_seq2seq_inference_halves_reproduce_the_trained_model():
    """The keras.io character translation recipe: encoder and decoder models from the trained layers."""
    rng = np.random.default_rng(1)
    tokens, units = 6, 8
    source = np.eye(tokens, dtype="float32")[rng.integers(0, tokens, (16, 7))]
    target = np.eye(tokens, dtype="float32")[rng.integers(0, tokens, (16, 5))]
    encoder_inputs = keras.Input(shape=(None, tokens))
    _, state_h, state_c = layers.LSTM(units, return_state=True)(encoder_inputs)
    decoder_inputs = keras.Input(shape=(None, tokens))
    decoder_lstm = layers.LSTM(units, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
    decoder_dense = layers.Dense(tokens, activation="softmax")
    model = keras.Model([encoder_inputs, decoder_inputs], decoder_dense(decoder_outputs))
    model.compile("rmsprop", "categorical_crossentropy")
    model.fit([source, target], np.roll(target, -1, axis=1), epochs=2, batch_size=8, verbose=0)
    teacher_forced = model.predict([source, target], verbose=0)

    encoder_model = keras.Model(model.input[0], model.layers[2].output[1:])
    state_inputs = [keras.Input(shape=(units,)), keras.Input(shape=(units,))]
    step_outputs, h, c = decoder_lstm(model.input[1], initial_state=state_inputs)
    decoder_model = keras.Model([model.input[1]] + state_inputs, [decoder_dense(step_outputs), h, c])

    states = encoder_model.predict(source, verbose=0)
    steps = []
    for t in range(target.shape[1]):
        probabilities, *states = decoder_model.predict([target[:, t : t + 1]] + states, verbose=0)
        steps.append(probabilities)
    np.testing.assert_allclose(np.concatenate(steps, axis=1), teacher_forced, rtol=1e-5, atol=1e-6)


def test_sequential_without_input_shape_builds_on_fit_and_knows_its_input():
    ids = np.random.default_rng(2).integers(1, 20, size=(24, 6))
    labels = (ids[:, 0] > 10).astype("float32")
    model = keras.Sequential([layers.Embedding(20, 4), layers.LSTM(5), layers.Dense(1, activation="sigmoid")])
    assert not model.built
    with pytest.raises(ValueError, match="no defined input"):
        model.input
    model.compile("adam", "binary_crossentropy")
    model.fit(ids, labels, epochs=1, verbose=0)
    assert model.built and model.input.shape == (None, 6) and model.output.shape == (None, 1)
    inner = keras.Model(model.input, model.get_layer(index=1).output)
    assert inner.predict(ids, verbose=0).shape == (24, 5)


def test_model_input_shape_and_output_shape_are_keras_batch_shapes():
    seq = keras.Sequential([layers.Embedding(20, 4), layers.LSTM(5, return_sequences=True), layers.Dense(2)])
    with pytest.raises(ValueError, match="no defined output shape"):
        seq.output_shape
    seq.build((None, 7))
    assert seq.input_shape == (None, 7) and seq.output_shape == (None, 7, 2)
    stacked = keras.Sequential([layers.LSTM(3, input_shape=(9, 2)), layers.Dense(1)])
    assert stacked.input_shape == (None, 9, 2) and stacked.output_shape == (None, 1)

    sequence, static = keras.Input(shape=(6, 3)), keras.Input(shape=(4,))
    merged = layers.Concatenate()([layers.GRU(5)(sequence), static])
    two = keras.Model([sequence, static], [layers.Dense(1)(merged), layers.Dense(2)(merged)])
    assert two.input_shape == [(None, 6, 3), (None, 4)] and two.output_shape == [(None, 1), (None, 2)]
    one = keras.Model(sequence, layers.GRU(2)(sequence))
    assert one.input_shape == (None, 6, 3) and one.output_shape == (None, 2)
