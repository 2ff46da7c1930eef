"""An LSTM regressor with an L2 kernel regularizer and max-norm constraints, trained with fit.

It forecasts the next value of noisy sine waves from the previous 16. The penalties appear in
model.losses and in the reported loss; the constraint holds after training.
"""

import numpy as np

import rnnkit as keras
from rnnkit import layers, regularizers
from rnnkit.constraints import max_norm

rng = np.random.default_rng(2)
t = np.arange(17)[None, :] * 0.3 + rng.uniform(0, 6.28, size=(600, 1))
series = np.sin(t) + 0.05 * rng.normal(size=t.shape)
x = series[:, :16, None].astype("float32")
y = series[:, 16:].astype("float32")

model = keras.Sequential([
    keras.Input(shape=(16, 1)),
    layers.LSTM(24, kernel_regularizer=regularizers.l2(1e-3), recurrent_constraint=max_norm(2.0)),
    layers.Dropout(0.1),
    layers.Dense(1, kernel_regularizer=keras.regularizers.l2(1e-3), kernel_constraint=max_norm(1.5)),
])
model.compile(optimizer="adam", loss="mse")
model.summary()
history = model.fit(x[:500], y[:500], epochs=6, batch_size=32, validation_split=0.1, verbose=2)
losses = history.history["loss"]
print("loss per epoch:", [round(v, 4) for v in losses])
assert losses[-1] < losses[0], losses

penalty = float(sum(model.losses).detach())
print(f"regularization penalty now: {penalty:.5f}")
assert penalty > 0
mse = float(np.mean((model.predict(x[500:], verbose=0) - y[500:]) ** 2))
print(f"test mse {mse:.4f}; evaluate (mse + penalty) {model.evaluate(x[500:], y[500:], verbose=0):.4f}")
assert abs(model.evaluate(x[500:], y[500:], verbose=0) - (mse + penalty)) < 1e-3

dense_kernel = model.layers[-1].get_weights()[0]
recurrent_kernel = model.layers[0].get_weights()[1]
print("largest column norms:", np.linalg.norm(dense_kernel, axis=0).max(), np.linalg.norm(recurrent_kernel, axis=0).max())
assert np.linalg.norm(dense_kernel, axis=0).max() <= 1.5 + 1e-4
assert np.linalg.norm(recurrent_kernel, axis=0).max() <= 2.0 + 1e-4
