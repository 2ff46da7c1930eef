"""Built-in cells: RNN(LSTMCell) equals LSTM, StackedRNNCells stacks, and a cell steps by hand.

The RNN guide's point that a recurrent layer is a cell run over time: a model built on
RNN(LSTMCell(16)) is trained, an LSTM(16) model given its weights predicts the same, the trained
cell is then run one step at a time in a Python loop (how a decoder samples), and
two LSTM cells are stacked with StackedRNNCells, whose state is one [h, c] per cell.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers
from rnnkit.ops import convert_to_numpy

keras.utils.set_random_seed(17)

rng = np.random.default_rng(17)
x = rng.uniform(-1, 1, size=(384, 8, 2)).astype("float32")
y = (x[:, :, 0] * x[:, :, 1]).sum(axis=1, keepdims=True).astype("float32")  # sum of products over time


def build(recurrent):
    inputs = keras.Input(shape=(8, 2))
    return keras.Model(inputs, layers.Dense(1)(recurrent(inputs)))


model = build(layers.RNN(layers.LSTMCell(16)))
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
history = model.fit(x[:320], y[:320], batch_size=32, epochs=4, verbose=2)
assert history.history["loss"][-1] < history.history["loss"][0] * 0.7, history.history["loss"]

same = build(layers.LSTM(16))
same.set_weights(model.get_weights())
gap = float(np.abs(same.predict(x[320:], verbose=0) - model.predict(x[320:], verbose=0)).max())
print("RNN(LSTMCell(16)) vs LSTM(16) with the same weights, largest gap:", gap)
assert gap < 1e-5

# the trained cell, one step at a time
rnn_layer = model.layers[1]
cell, dense = rnn_layer.cell, model.layers[2]
batch = x[320:324]
states = [np.zeros((4, 16), dtype="float32"), np.zeros((4, 16), dtype="float32")]
for t in range(batch.shape[1]):
    output, states = cell(batch[:, t], states)
    assert len(states) == 2  # [h, c]
stepped = convert_to_numpy(dense(output))
print("stepping the cell by hand:", stepped[:, 0].round(4), "predict:", model.predict(batch, verbose=0)[:, 0].round(4))
np.testing.assert_allclose(stepped, model.predict(batch, verbose=0), atol=1e-5)

stacked = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(12), layers.LSTMCell(6)]), return_state=True)
last, first_cell_states, second_cell_states = stacked(x[:5])  # the states: one [h, c] per cell
shapes = [[tuple(s.shape) for s in states] for states in (first_cell_states, second_cell_states)]
print("StackedRNNCells output", tuple(last.shape), "states per cell", shapes)
assert tuple(last.shape) == (5, 6) and shapes == [[(5, 12), (5, 12)], [(5, 6), (5, 6)]]
np.testing.assert_allclose(convert_to_numpy(last), convert_to_numpy(second_cell_states[0]), atol=1e-6)
