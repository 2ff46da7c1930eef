"""RNN layers' Keras methods that tutorials call directly (``get_initial_state``)."""

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import layers


@pytest.mark.parametrize("kind, states", [(layers.SimpleRNN, 1), (layers.GRU, 1), (layers.LSTM, 2)])
def test_get_initial_state_is_a_list_of_zeros_per_state(kind, states):
    layer = kind(3)
    got = layer.get_initial_state(4)
    assert isinstance(got, list) and len(got) == states
    for state in got:
        assert state.dtype == torch.float32 and tuple(state.shape) == (4, 3) and not state.any()
    assert [s.dtype for s in kind(2, dtype="float64").get_initial_state(1)] == [torch.float64] * states


def test_get_initial_state_of_stacked_cells_and_of_a_cell_that_has_its_own():
    stacked = layers.RNN([layers.LSTMCell(2), layers.GRUCell(5)])
    assert [tuple(s.shape) for s in stacked.get_initial_state(3)] == [(3, 2), (3, 2), (3, 5)]

    class OnesCell(keras.layers.Layer):
        state_size = 2

        def get_initial_state(self, batch_size=None):
            return torch.ones(batch_size, 2, dtype=torch.float64)

        def call(self, inputs, states):
            return states[0], states

    got = layers.RNN(OnesCell()).get_initial_state(3)
    assert len(got) == 1 and got[0].dtype == torch.float32 and torch.equal(got[0], torch.ones(3, 2))

    class WrongCell(OnesCell):
        def get_initial_state(self, batch_size=None):
            return [torch.ones(batch_size, 5)]

    with pytest.raises(ValueError, match=r"WrongCell.get_initial_state\(batch_size=3\) must return states of shapes \[\(3, 2\)\]"):
        layers.RNN(WrongCell(), name="bad_rnn").get_initial_state(3)


class CharModel(keras.Model):
    """The shape of tensorflow.org's text-generation model: a GRU whose state the caller may carry."""

    def __init__(self, vocab_size, units):
        super().__init__()
        self.embedding = keras.layers.Embedding(vocab_size, 4)
        self.gru = keras.layers.GRU(units, return_sequences=True, return_state=True)
        self.dense = keras.layers.Dense(vocab_size)

    def call(self, inputs, states=None, return_state=False, training=False):
        x = self.embedding(inputs, training=training)
        if states is None:
            states = self.gru.get_initial_state(keras.ops.shape(x)[0])
        x, states = self.gru(x, initial_state=states, training=training)
        x = self.dense(x, training=training)
        return (x, states) if return_state else x


def test_a_subclassed_model_starts_from_get_initial_state_and_carries_its_state():
    torch.manual_seed(0)
    model = CharModel(vocab_size=7, units=5)
    ids = np.random.default_rng(0).integers(0, 7, size=(2, 6))
    whole = model(ids)
    assert tuple(whole.shape) == (2, 6, 7)
    # the GRU started from zeros: same as the GRU with no initial state at all
    embedded = model.embedding(torch.as_tensor(ids))
    plain, _ = model.gru(embedded)
    torch.testing.assert_close(whole, model.dense(plain))
    # one step at a time, carrying the returned state, gives the whole-sequence output
    states, steps = None, []
    for t in range(6):
        logits, states = model(ids[:, t:t + 1], states=states, return_state=True)
        steps.append(logits)
    torch.testing.assert_close(torch.cat(steps, dim=1), whole)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ids, ids, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
