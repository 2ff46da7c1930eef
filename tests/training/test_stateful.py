"""Stateful recurrent layers under fit: truncated backpropagation through time, against a hand loop."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import rnnkit as keras
from rnnkit import callbacks
from rnnkit.layers import Dense, SimpleRNN

STREAMS, CHUNKS, STEPS, FEATURES, UNITS = 4, 3, 5, 2, 6


def streams():
    """4 long sequences cut into 3 chunks each; batch k holds chunk k of every stream (Keras's layout)."""
    rng = np.random.default_rng(0)
    series = rng.standard_normal((STREAMS, CHUNKS * STEPS, FEATURES)).astype("float32")
    x = series.reshape(STREAMS, CHUNKS, STEPS, FEATURES).transpose(1, 0, 2, 3).reshape(-1, STEPS, FEATURES)
    y = x.sum(axis=(1, 2))[:, None] * 0.1
    return x, y.astype("float32")


class ResetEachEpoch(callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.model.reset_states()


def stateful_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(STEPS, FEATURES)), SimpleRNN(UNITS, stateful=True), Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    return model


def reference_training(weights, x, y, epochs, carry_state=True):
    """SimpleRNN + Dense by hand, SGD, the final state of each batch detached into the next."""
    kernel, recurrent, bias, dense_kernel, dense_bias = (torch.tensor(w, requires_grad=True) for w in weights)
    params = [kernel, recurrent, bias, dense_kernel, dense_bias]
    epoch_losses = []
    for _ in range(epochs):
        h = torch.zeros(STREAMS, UNITS)
        losses = []
        for batch in range(CHUNKS):
            xb = torch.from_numpy(x[batch * STREAMS : (batch + 1) * STREAMS])  # (B, T, F)
            yb = torch.from_numpy(y[batch * STREAMS : (batch + 1) * STREAMS])
            if not carry_state:
                h = torch.zeros(STREAMS, UNITS)
            for t in range(STEPS):
                h = torch.tanh(xb[:, t] @ kernel + h @ recurrent + bias)  # (B, H)
            loss = F.mse_loss(h @ dense_kernel + dense_bias, yb)
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads):
                    p -= 0.05 * g
            h = h.detach()
            losses.append(loss.item())
        epoch_losses.append(float(np.mean(losses)))
    return [p.detach().numpy() for p in params], epoch_losses


def test_stateful_fit_is_truncated_backpropagation_through_time():
    x, y = streams()
    model = stateful_model()
    start = model.get_weights()
    history = model.fit(x, y, batch_size=STREAMS, epochs=3, shuffle=False, verbose=0, callbacks=[ResetEachEpoch()])
    expected_weights, expected_losses = reference_training(start, x, y, epochs=3)
    for got, want in zip(model.get_weights(), expected_weights):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history.history["loss"], expected_losses, rtol=1e-5)
    # the carried state matters: starting every batch from zeros trains differently
    stateless_weights, _ = reference_training(start, x, y, epochs=3, carry_state=False)
    assert not np.allclose(stateless_weights[0], expected_weights[0], atol=1e-4)


def test_stateful_fit_refuses_shuffling_and_ragged_batches():
    x, y = streams()
    model = stateful_model()
    with pytest.raises(ValueError, match="shuffle must be False for a model with stateful layers"):
        model.fit(x, y, batch_size=STREAMS, verbose=0)
    with pytest.raises(ValueError, match="x has 12 samples, not a multiple of batch_size=5"):
        model.fit(x, y, batch_size=5, shuffle=False, verbose=0)
    model.fit(x, y, batch_size=STREAMS, shuffle=False, verbose=0)
    with pytest.raises(ValueError, match="carries state for batch size 4; got a batch of 6"):
        model.predict(x, batch_size=6)
    model.reset_states()
    assert model.predict(x, batch_size=6).shape == (12, 1)
