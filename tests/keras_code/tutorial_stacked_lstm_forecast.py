"""A stacked LSTM forecaster on a sliding window over one scaled series, stopped early on val_loss.

The tutorial shape: min-max scale a 1-D series with NumPy, cut it into (window -> next value)
pairs, stack two LSTMs (the first with return_sequences=True) with Dropout between, train with
EarlyStopping(restore_best_weights=True), predict the held-out tail and undo the scaling in NumPy.
"""

import numpy as np

import rnnkit as keras
from rnnkit.callbacks import EarlyStopping
from rnnkit.layers import LSTM, Dense, Dropout
from rnnkit.models import Sequential

keras.utils.set_random_seed(11)

steps = np.arange(700)
series = 50.0 + 10.0 * np.sin(steps * 0.08) + 0.02 * steps + np.random.normal(0, 0.5, size=steps.shape)

low, high = series.min(), series.max()
scaled = (series - low) / (high - low)  # what MinMaxScaler would do, kept in NumPy


def make_windows(values, window):
    """(samples, window, 1) inputs and (samples, 1) next values."""
    x = np.stack([values[i:i + window] for i in range(len(values) - window)])
    return x[:, :, None].astype("float32"), values[window:, None].astype("float32")


window = 20
x, y = make_windows(scaled, window)
split = int(len(x) * 0.8)
x_train, y_train, x_test, y_test = x[:split], y[:split], x[split:], y[split:]
print("train windows:", x_train.shape, "test windows:", x_test.shape)

model = Sequential()
model.add(LSTM(32, return_sequences=True, input_shape=(window, 1)))
model.add(Dropout(0.2))
model.add(LSTM(16))
model.add(Dropout(0.2))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(0.01))
model.summary()
assert model.layers[0].return_sequences and model.output_shape == (None, 1)

early_stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
history = model.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.1,
                    callbacks=[early_stop], verbose=2)
val_losses = history.history["val_loss"]
print("val_loss per epoch:", [round(v, 5) for v in val_losses])
assert history.history["loss"][-1] < history.history["loss"][0]
best_epoch = int(np.argmin(val_losses)) + 1
print(f"stopped after {len(val_losses)} epochs; best epoch {best_epoch}")
assert len(val_losses) < 10 and best_epoch < len(val_losses)  # it stopped early, so restoring matters

# restore_best_weights: the model ends with its best epoch's weights, whatever epoch came last
held = int(len(x_train) * 0.9)  # validation_split takes the last 10%, as Keras does
validation = x_train[held:], y_train[held:]
best = model.evaluate(*validation, verbose=0)
print(f"val_loss of the restored weights {best:.5f}, best recorded {min(val_losses):.5f}")
assert abs(best - min(val_losses)) < 1e-6 + 1e-4 * min(val_losses)

predicted = model.predict(x_test, verbose=0)
assert predicted.shape == (len(x_test), 1)
predicted_price = predicted * (high - low) + low  # inverse scaling in NumPy
actual_price = y_test * (high - low) + low
rmse = float(np.sqrt(np.mean((predicted_price - actual_price) ** 2)))
naive = float(np.sqrt(np.mean((x_test[:, -1] * (high - low) + low - actual_price) ** 2)))
print(f"test RMSE in original units: {rmse:.3f} (series spans {high - low:.1f})")
for p, a in list(zip(predicted_price[:5, 0], actual_price[:5, 0])):
    print(f"  predicted {p:7.3f}  actual {a:7.3f}")
assert rmse < 0.15 * (high - low), (rmse, naive)
