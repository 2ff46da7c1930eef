"""What SimpleRNN, LSTM and Bidirectional return, checked in NumPy on one small batch.

The classic "understand Keras's RNN outputs" walk-through: layers are called directly on NumPy
arrays, with return_sequences and return_state; the final hidden state is the last step of the
sequence; LSTM returns (output, h, c); a Bidirectional layer with return_state returns five
tensors; SimpleRNN's output equals h_t = tanh(x_t W + h_(t-1) U + b) written in NumPy from its
get_weights(); Masking makes a post-padded sequence end in the state of the unpadded one.
"""

import numpy as np

import rnnkit as keras
from rnnkit.layers import LSTM, Bidirectional, Masking, SimpleRNN
from rnnkit.ops import convert_to_numpy

keras.utils.set_random_seed(1)

train_x = np.array([[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1], [0.3, 2.1, 1.5, 2.1, 0.1],
                     [2.2, 1.4, 0.5, 0.9, 1.1]]], dtype="float32")
print("input shape (batch, timesteps, features):", train_x.shape)

rnn = SimpleRNN(3)
hidden_state = rnn(train_x)
print("SimpleRNN(3):", tuple(hidden_state.shape))
assert tuple(hidden_state.shape) == (1, 3)

rnn = SimpleRNN(3, return_sequences=True, return_state=True)
hidden_states, last_state = (convert_to_numpy(t) for t in rnn(train_x))
print("return_sequences + return_state:", hidden_states.shape, last_state.shape)
print("hidden states:\n", hidden_states.round(4))
assert hidden_states.shape == (1, 4, 3) and last_state.shape == (1, 3)
np.testing.assert_allclose(hidden_states[:, -1], last_state, atol=1e-6)

kernel, recurrent_kernel, bias = rnn.get_weights()
h = np.zeros((1, 3), dtype="float64")
for t in range(train_x.shape[1]):
    h = np.tanh(train_x[:, t] @ kernel + h @ recurrent_kernel + bias)
    np.testing.assert_allclose(hidden_states[:, t], h, atol=1e-5)
print("NumPy recurrence reproduces every step; weights", kernel.shape, recurrent_kernel.shape, bias.shape)

lstm = LSTM(3, return_state=True)
output, state_h, state_c = (convert_to_numpy(t) for t in lstm(train_x))
print("LSTM(3, return_state=True): output", output.shape, "h", state_h.shape, "c", state_c.shape)
np.testing.assert_allclose(output, state_h, atol=1e-6)
assert not np.allclose(state_h, state_c)

bilstm = Bidirectional(LSTM(3, return_sequences=True, return_state=True))
outputs = [convert_to_numpy(t) for t in bilstm(train_x)]
sequence, forward_h, forward_c, backward_h, backward_c = outputs
print("Bidirectional returns", len(outputs), "tensors:", [o.shape for o in outputs])
assert sequence.shape == (1, 4, 6) and forward_h.shape == backward_h.shape == (1, 3)
np.testing.assert_allclose(sequence[:, -1, :3], forward_h, atol=1e-6)  # forward ends at the last step
np.testing.assert_allclose(sequence[:, 0, 3:], backward_h, atol=1e-6)  # backward ends at the first

padded = np.concatenate([train_x, np.zeros((1, 2, 5), dtype="float32")], axis=1)  # two padding steps
masked_lstm = LSTM(3)
unpadded_state = convert_to_numpy(masked_lstm(train_x))
padded_state = convert_to_numpy(masked_lstm(Masking(mask_value=0.0)(padded)))
unmasked_state = convert_to_numpy(masked_lstm(padded))
print("masked padding leaves the state unchanged:", np.abs(padded_state - unpadded_state).max())
np.testing.assert_allclose(padded_state, unpadded_state, atol=1e-6)
assert not np.allclose(unmasked_state, unpadded_state, atol=1e-4)

integer_x = np.array([[[1, 0], [0, 1], [1, 1]]])  # an integer one-hot-like array is cast to float32
print("integer input gives", convert_to_numpy(SimpleRNN(2)(integer_x)).dtype)
assert convert_to_numpy(SimpleRNN(2)(integer_x)).dtype == np.float32
