"""rnnkit layers trained by a plain PyTorch loop: they are torch.nn.Modules.

A Keras-built Sequential (Input -> LSTM -> Dropout -> Dense) is trained with torch.optim.Adam over
model.parameters(), a DataLoader, loss.backward() and gradient clipping; then a torch.nn.Module
holding rnnkit layers as attributes is trained the same way. Afterwards the Keras API sees the
trained weights: predict equals the torch forward pass and evaluate equals the torch loss.
"""

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

import rnnkit as keras
from rnnkit import layers

keras.utils.set_random_seed(13)

rng = np.random.default_rng(13)
x = rng.normal(size=(512, 10, 3)).astype("float32")
y = (x[:, :, 0].cumsum(axis=1)[:, -1:] * 0.3 + x[:, -1, 1:2]).astype("float32")  # depends on the whole sequence
x_train, y_train = torch.from_numpy(x[:448]), torch.from_numpy(y[:448])
x_test, y_test = torch.from_numpy(x[448:]), torch.from_numpy(y[448:])
loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)


def train(model, epochs):
    """A textbook PyTorch loop; returns the mean training loss of each epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.MSELoss()
    history = []
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for batch_x, batch_y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(batch_x), batch_y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            total += loss.item() * len(batch_x)
        history.append(total / len(loader.dataset))
        model.eval()
        with torch.no_grad():
            test_loss = loss_fn(model(x_test), y_test).item()
        print(f"epoch {epoch + 1}: train loss {history[-1]:.4f}, test loss {test_loss:.4f}")
    return history


model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.LSTM(24),
    layers.Dropout(0.1),
    layers.Dense(1),
])
assert isinstance(model, torch.nn.Module) and isinstance(model.layers[0], torch.nn.Module)
print("parameters:", sum(p.numel() for p in model.parameters()), "==", model.count_params())
assert sum(p.numel() for p in model.parameters()) == model.count_params()
history = train(model, epochs=4)
assert history[-1] < history[0] * 0.5, history

# the Keras side sees what torch trained
model.eval()
with torch.no_grad():
    torch_out = model(x_test).numpy()
np.testing.assert_allclose(model.predict(x[448:], verbose=0), torch_out, atol=1e-6)
model.compile(optimizer="adam", loss="mse")
torch_mse = float(np.mean((torch_out - y[448:]) ** 2))
print(f"evaluate {model.evaluate(x[448:], y[448:], verbose=0):.5f} == torch mse {torch_mse:.5f}")
assert abs(model.evaluate(x[448:], y[448:], verbose=0) - torch_mse) < 1e-5


class Regressor(torch.nn.Module):
    """rnnkit layers inside a plain torch module: a GRU reads the sequence, a Dense reads its end."""

    def __init__(self):
        super().__init__()
        self.gru = layers.GRU(24, return_sequences=True)
        self.head = layers.Dense(1)

    def forward(self, inputs):
        return self.head(self.gru(inputs)[:, -1])


net = Regressor()
net(x_train[:2])  # rnnkit layers create their weights on the first call, as Keras layers do
print("GRU weights (Keras layout):", [tuple(w.shape) for w in net.gru.get_weights()])
history = train(net, epochs=3)
assert history[-1] < history[0], history
