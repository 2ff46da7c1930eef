"""A stateful LSTM trained the Keras 2 way: fixed batch, shuffle=False, reset_states() each epoch.

Four long noisy waves run side by side and are cut into consecutive 10-step chunks, so sample i
of batch k+1 continues sample i of batch k; the LSTM carries its state across batches, and the
program resets it by hand between epochs. It then checks what statefulness means: predicting
chunk by chunk equals one stateless pass over the whole series with the same weights.
"""

import numpy as np

import rnnkit as keras
from rnnkit.layers import LSTM, Dense
from rnnkit.models import Sequential

keras.utils.set_random_seed(3)

batch_size, timesteps, chunks = 4, 10, 30
rng = np.random.default_rng(3)
t = np.arange(timesteps * chunks + 1) * 0.15
phase = rng.uniform(0, 2 * np.pi, size=(batch_size, 1))
waves = np.sin(t[None, :] + phase) + 0.05 * rng.normal(size=(batch_size, t.size))

# batch k holds chunk k of every wave: (chunks * batch_size, timesteps, 1), in that order
x = np.concatenate([waves[:, k * timesteps:(k + 1) * timesteps] for k in range(chunks)])[:, :, None]
y = np.concatenate([waves[:, (k + 1) * timesteps] for k in range(chunks)])[:, None]
x, y = x.astype("float32"), y.astype("float32")
print("inputs", x.shape, "targets", y.shape)

model = Sequential()
model.add(LSTM(16, batch_input_shape=(batch_size, timesteps, 1), stateful=True))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(0.01))
model.summary()

losses = []
for epoch in range(5):
    history = model.fit(x, y, epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
    model.reset_states()
    losses.append(history.history["loss"][0])
    print(f"epoch {epoch + 1}: loss {losses[-1]:.4f}")
assert losses[-1] < losses[0], losses

# the state carries over: the same chunk predicted twice without a reset gives different outputs
first = model.predict(x[:batch_size], batch_size=batch_size, verbose=0)
second = model.predict(x[:batch_size], batch_size=batch_size, verbose=0)
model.reset_states()
again = model.predict(x[:batch_size], batch_size=batch_size, verbose=0)
print("same chunk, state carried:", first[:, 0].round(3), "->", second[:, 0].round(3))
assert not np.allclose(first, second, atol=1e-4)
np.testing.assert_allclose(first, again, atol=1e-6)

# chunk by chunk with a carried state == one pass over the whole series without state
model.reset_states()
chunked = model.predict(x, batch_size=batch_size, verbose=0).reshape(chunks, batch_size).T
model.reset_states()

inputs = keras.Input(batch_size=batch_size, shape=(None, 1))
whole = keras.Model(inputs, Dense(1)(LSTM(16, return_sequences=True)(inputs)))
whole.set_weights(model.get_weights())
full = whole.predict(waves[:, :-1, None].astype("float32"), verbose=0)[:, timesteps - 1::timesteps, 0]
print("largest gap between stateful chunks and one long pass:", float(np.abs(chunked - full).max()))
np.testing.assert_allclose(chunked, full, atol=1e-4)

rmse = float(np.sqrt(np.mean((chunked - y.reshape(chunks, batch_size).T) ** 2)))
print(f"one-step RMSE over the series: {rmse:.4f}")
assert rmse < 0.5
