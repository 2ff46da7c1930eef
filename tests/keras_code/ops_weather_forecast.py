"""Forecast a temperature series from windows of past readings (keras.io's weather example shape).

A generated hourly "temperature/pressure/humidity" record replaces the Jena climate CSV: the
features are standardised with the training split's mean and std, windows of past readings are
made with keras.utils.timeseries_dataset_from_array (one reading in six, as the tutorial samples
hourly from 10-minute data), and an LSTM predicts the temperature some steps after the window.
"""

import numpy as np

import rnnkit as keras

keras.utils.set_random_seed(7)  # the same weights and batches on every run

rng = np.random.default_rng(0)
hours = np.arange(1600)
temperature = 10 + 8 * np.sin(2 * np.pi * hours / 240) + 0.3 * rng.normal(size=hours.size)
pressure = 1000 + 5 * np.cos(2 * np.pi * hours / 240) + 0.3 * rng.normal(size=hours.size)
humidity = 60 - 2 * temperature + rng.normal(size=hours.size)
features = np.stack([temperature, pressure, humidity], axis=1)

split_fraction = 0.8
train_split = int(split_fraction * len(features))
mean = features[:train_split].mean(axis=0)
std = features[:train_split].std(axis=0)
features = (features - mean) / std

step = 6
past = 120
future = 12
learning_rate = 0.01
batch_size = 64
epochs = 3

train_data = features[:train_split]
val_data = features[train_split:]

start = past + future
x_train = train_data[: train_split - start]
y_train = features[start:train_split, 0]
sequence_length = int(past / step)

dataset_train = keras.utils.timeseries_dataset_from_array(
    x_train, y_train, sequence_length=sequence_length, sampling_rate=step, batch_size=batch_size
)
x_val = val_data[: len(val_data) - start]
y_val = features[train_split + start :, 0]
dataset_val = keras.utils.timeseries_dataset_from_array(
    x_val, y_val, sequence_length=sequence_length, sampling_rate=step, batch_size=batch_size
)

for batch in dataset_train.take(1):
    inputs, targets = batch

print("Input shape:", inputs.numpy().shape)
print("Target shape:", targets.numpy().shape)
assert inputs.numpy().shape == (batch_size, sequence_length, 3)

model_inputs = keras.layers.Input(shape=(inputs.shape[1], inputs.shape[2]))
lstm_out = keras.layers.LSTM(16)(model_inputs)
outputs = keras.layers.Dense(1)(lstm_out)
model = keras.Model(inputs=model_inputs, outputs=outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
model.summary()

baseline = model.evaluate(dataset_val, verbose=0)
path_checkpoint = "model_checkpoint.weights.h5"
es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5)
modelckpt_callback = keras.callbacks.ModelCheckpoint(
    monitor="val_loss", filepath=path_checkpoint, verbose=1, save_weights_only=True, save_best_only=True
)
history = model.fit(
    dataset_train, epochs=epochs, validation_data=dataset_val, callbacks=[es_callback, modelckpt_callback], verbose=2
)

val_loss = history.history["val_loss"]
print("validation loss before training %.4f, after each epoch %s" % (baseline, ["%.4f" % v for v in val_loss]))
assert val_loss[-1] < 0.5 * baseline, (baseline, val_loss)

model.load_weights(path_checkpoint)  # the best epoch's weights
print("reloaded best weights: validation loss %.4f" % model.evaluate(dataset_val, verbose=0))
assert abs(model.evaluate(dataset_val, verbose=0) - min(val_loss)) < 1e-4

for x, y in dataset_val.take(2):
    prediction = model.predict(x)
    print("true %.3f, predicted %.3f" % (y[0].numpy(), prediction[0][0]))
    assert prediction.shape == (x.shape[0], 1)
