"""The first-run demo: the Keras seed models, their summaries, and a few seconds of LSTM training."""

from __future__ import annotations

import math
import time

import torch

from .. import Input, Model, Sequential, layers


def seed_models() -> list[Model]:
    """The three models from the material rnnkit serves, exactly as Keras code builds them."""
    simple = Sequential()
    simple.add(layers.SimpleRNN(3, input_shape=(2, 10)))

    inputs = Input(shape=(6, 2))
    outputs = layers.Bidirectional(layers.LSTM(3, return_state=True))(inputs)
    bidirectional = Model(inputs=inputs, outputs=outputs)

    stacked = Sequential(
        [
            Input(shape=(60, 13)),
            layers.LSTM(1024, return_sequences=True, name="LSTM_0"),
            layers.LSTM(512, return_sequences=True, name="LSTM_1"),
            layers.LSTM(256, return_sequences=True, name="LSTM_2"),
            layers.LSTM(128, return_sequences=True, name="LSTM_3"),
            layers.Flatten(),
            layers.Dense(64, activation="swish"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    return [simple, bidirectional, stacked]


def sine_windows(count: int, steps: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Noisy sine waves of random phase and frequency; the target is the next value."""
    phase = torch.rand(count, 1, generator=generator) * 2 * math.pi
    freq = 0.1 + 0.2 * torch.rand(count, 1, generator=generator)
    t = torch.arange(steps + 1).float()
    wave = torch.sin(phase + freq * t) + 0.05 * torch.randn(count, steps + 1, generator=generator)
    return wave[:, :steps, None], wave[:, steps:]  # (N, T, 1), (N, 1)


def train_forecaster(epochs: int = 6, samples: int = 2048, seed: int = 0, log=print) -> list[float]:
    """Train LSTM(32) -> Dense(1) to predict the next sine value; returns the loss after each epoch."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    x, y = sine_windows(samples, 30, generator)
    model = Sequential([Input(shape=(30, 1)), layers.LSTM(32), layers.Dense(1)])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for batch in order.split(128):
            loss = torch.nn.functional.mse_loss(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / len(x))
        log(f"epoch {epoch:3d}  mse {losses[-1]:.5f}  ({time.perf_counter() - start:.1f} s)")
    return losses


def run(epochs: int = 6, log=print) -> list[float]:
    for model in seed_models():
        model.summary(print_fn=log)
    log(f"Training LSTM(32) -> Dense(1) on noisy sine waves for {epochs} epochs (next-value MSE):")
    losses = train_forecaster(epochs, log=log)
    log(f"MSE went from {losses[0]:.5f} to {losses[-1]:.5f} (predicting 0 scores about 0.5)")
    return losses
