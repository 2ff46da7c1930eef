"""Whole training steps, rnnkit against the same model written in plain PyTorch.

``python benchmarks/bench_end_to_end.py [--repeats 9] [--cases lm,bilstm]``

- ``lm``: the main job, ``rnnkit train lm`` with its defaults (read from ``LMSettings``: character
  tokens, Embedding -> one GRU -> Dense over the vocabulary, the default batch of windows, Adam at
  the default rate with clipnorm per weight as Keras clips), one ``train_on_batch`` as ``fit``
  runs it; against ``nn.Embedding``, ``nn.GRU``, ``nn.Linear``, ``torch.optim.Adam`` with
  ``clip_grad_norm_`` on each weight, the same batch and loss. ``lm-lstm``: the same with an LSTM
  (the default before GRU) against ``nn.LSTM``.
- ``bilstm``: a 2-layer bidirectional LSTM classifier at ``rnnkit train classify``'s sizes
  (vocabulary 20000, embedding 64, 64 units per direction, batch 64) on 64-token texts, the last
  step's merged states into a 2-way Dense; against ``nn.LSTM(num_layers=2, bidirectional=True)``.

Both sides are warmed up, then timed in interleaved rounds in a fresh random order; the medians
and the ratio (PyTorch time / rnnkit time: above 1 means rnnkit is faster) come from one run.
The header names the CPU, threads and the load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import time
from typing import Callable

import torch
from torch import nn

import rnnkit
from rnnkit import layers
from rnnkit.kernels import machine
from rnnkit.tasks.language_model.model import LanguageModel, ModelConfig
from rnnkit.tasks.language_model.settings import LMSettings

LM_VOCAB = 65  # the bundled Shakespeare's characters
_LM_DEFAULTS = LMSettings().for_budget()  # the main job's (3-minute) recipe
LM = dict(embedding=_LM_DEFAULTS.embedding, units=_LM_DEFAULTS.units, batch=_LM_DEFAULTS.batch_size,
          seq_len=_LM_DEFAULTS.seq_len, lr=_LM_DEFAULTS.learning_rate, clipnorm=_LM_DEFAULTS.clipnorm)
TORCH_CELLS = {"gru": nn.GRU, "lstm": nn.LSTM}
CLASSIFY = dict(vocab=20000, embedding=64, units=64, batch=64, seq_len=64, classes=2, lr=1e-3)


def _lm_batch():
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(LM_VOCAB, (LM["batch"], LM["seq_len"] + 1), generator=g)
    return ids[:, :-1], ids[:, 1:]


def rnnkit_lm(cell: str = _LM_DEFAULTS.cell) -> Callable[[], object]:
    model = LanguageModel(ModelConfig(vocab_size=LM_VOCAB, embedding=LM["embedding"], units=LM["units"], cell=cell))
    model.compile(optimizer=rnnkit.optimizers.Adam(learning_rate=LM["lr"], clipnorm=LM["clipnorm"]),
                  loss=rnnkit.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = _lm_batch()
    return lambda: model.train_on_batch(x, y)


class TorchLM(nn.Module):
    def __init__(self, cell: str):
        super().__init__()
        self.embedding = nn.Embedding(LM_VOCAB, LM["embedding"])
        self.rnn = TORCH_CELLS[cell](LM["embedding"], LM["units"], batch_first=True)
        self.head = nn.Linear(LM["units"], LM_VOCAB)

    def forward(self, ids):
        return self.head(self.rnn(self.embedding(ids))[0])  # (B, T, vocab)


def _torch_step(model: nn.Module, optimizer, x, y, loss_of, clipnorm: float | None):
    def step():
        optimizer.zero_grad()
        loss = loss_of(model(x), y)
        loss.backward()
        if clipnorm is not None:
            for p in model.parameters():  # Keras's clipnorm: each weight's gradient on its own
                nn.utils.clip_grad_norm_([p], clipnorm)
        optimizer.step()
        return loss.item()
    return step


def torch_lm(cell: str = _LM_DEFAULTS.cell) -> Callable[[], object]:
    model = TorchLM(cell)
    x, y = _lm_batch()
    loss = lambda logits, target: nn.functional.cross_entropy(logits.reshape(-1, LM_VOCAB), target.reshape(-1))
    return _torch_step(model, torch.optim.Adam(model.parameters(), lr=LM["lr"]), x, y, loss, LM["clipnorm"])


def _classify_batch():
    g = torch.Generator().manual_seed(0)
    x = torch.randint(1, CLASSIFY["vocab"], (CLASSIFY["batch"], CLASSIFY["seq_len"]), generator=g)
    return x, torch.randint(CLASSIFY["classes"], (CLASSIFY["batch"],), generator=g)


def rnnkit_bilstm() -> Callable[[], object]:
    c = CLASSIFY
    model = rnnkit.models.Sequential([
        rnnkit.Input((c["seq_len"],), dtype="int64"),
        layers.Embedding(c["vocab"], c["embedding"]),
        layers.Bidirectional(layers.LSTM(c["units"], return_sequences=True)),
        layers.Bidirectional(layers.LSTM(c["units"])),
        layers.Dense(c["classes"]),
    ])
    model.compile(optimizer=rnnkit.optimizers.Adam(learning_rate=c["lr"]),
                  loss=rnnkit.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = _classify_batch()
    return lambda: model.train_on_batch(x, y)


class TorchBiLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        c = CLASSIFY
        self.embedding = nn.Embedding(c["vocab"], c["embedding"])
        self.lstm = nn.LSTM(c["embedding"], c["units"], num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * c["units"], c["classes"])

    def forward(self, ids):
        _, (h, _) = self.lstm(self.embedding(ids))  # h: (layers * 2, B, units)
        return self.head(torch.cat([h[-2], h[-1]], dim=-1))  # last layer, forward and backward


def torch_bilstm() -> Callable[[], object]:
    model = TorchBiLSTM()
    x, y = _classify_batch()
    return _torch_step(model, torch.optim.Adam(model.parameters(), lr=CLASSIFY["lr"]), x, y,
                       nn.functional.cross_entropy, None)


CASES = {
    "lm": (rnnkit_lm, torch_lm),
    "lm-lstm": (lambda: rnnkit_lm("lstm"), lambda: torch_lm("lstm")),
    "bilstm": (rnnkit_bilstm, torch_bilstm),
}


def interleaved(steps: dict[str, Callable[[], object]], repeats: int,
                warmup: int) -> dict[str, tuple[float, float]]:
    """Each step's median time (s) and median minor page faults, over interleaved rounds."""
    for step in steps.values():
        for _ in range(warmup):
            step()
    names, samples = list(steps), {name: [] for name in steps}
    faults = {name: [] for name in steps}
    shuffle = random.Random(0).shuffle
    for _ in range(repeats):
        shuffle(names)
        for name in names:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = time.perf_counter()
            steps[name]()
            samples[name].append(time.perf_counter() - start)
            faults[name].append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return {name: (statistics.median(samples[name]), statistics.median(faults[name])) for name in steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"CPU: {machine.describe()}; torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"load average at start {os.getloadavg()[0]:.1f}; median of {args.repeats} interleaved rounds")
    for case in args.cases.split(","):
        make_rnnkit, make_torch = CASES[case]
        torch.manual_seed(0)
        found = interleaved({"rnnkit": make_rnnkit(), "torch": make_torch()}, args.repeats, args.warmup)
        (mine, my_faults), (theirs, their_faults) = found["rnnkit"], found["torch"]
        print(f"{case:<7} rnnkit {mine * 1e3:8.1f} ms/step ({my_faults:6.0f} faults)"
              f"  torch {theirs * 1e3:8.1f} ms/step ({their_faults:6.0f} faults)  torch/rnnkit {theirs / mine:.2f}x")
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
