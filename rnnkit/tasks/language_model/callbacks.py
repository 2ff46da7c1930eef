"""Callbacks that ``fit`` runs for a language-model run: precision, progress, report, files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import torch

from ...training.callbacks import Callback
from ...training.task_files import TimeLimit
from .checkpoint import BEST, save_lm_checkpoint
from .evaluation import held_out_nats, metrics_from_nats
from .generation import sample_text
from .plot import write_loss_plot


class CarriedStates(Callback):
    """Starts every epoch of training on streams from zero states (so a resumed epoch repeats the original)."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.language_model = model

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.language_model.carried = None

    def on_train_end(self, logs: dict | None = None) -> None:
        self.language_model.carried = None


class MixedBfloat16(Callback):
    """Runs each training step (forward, loss, backward) under CPU autocast to bfloat16.

    One autocast region per step, not one around all of ``fit``: autocast keeps its bfloat16
    copies of the weights until its region ends, so a region spanning many optimizer steps would
    keep computing with the first step's weights. Evaluation between epochs runs in float32.
    """

    def __init__(self) -> None:
        super().__init__()
        self.region: Any = None

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.region = torch.autocast("cpu", dtype=torch.bfloat16)
        self.region.__enter__()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.region is not None:
            self.region.__exit__(None, None, None)
            self.region = None

    def on_train_end(self, logs: dict | None = None) -> None:
        self.on_train_batch_end(0)


class ProgressBar(Callback):
    """A tqdm bar over the time budget (or over all steps) when standard output is a terminal."""

    def __init__(self, clock: TimeLimit, total_steps: int | None):
        super().__init__()
        self.clock = clock
        self.total_steps = total_steps
        self.bar: Any = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not sys.stdout.isatty():
            return
        from tqdm import tqdm

        if self.clock.seconds is not None:
            self.bar = tqdm(total=round(self.clock.seconds), unit="s", desc="training", dynamic_ncols=True, file=sys.stdout,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total} s {postfix}")
        else:
            self.bar = tqdm(total=self.total_steps, unit="batch", desc="training", dynamic_ncols=True, file=sys.stdout)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.bar is None:
            return
        if self.clock.seconds is not None:
            self.bar.n = min(self.clock.elapsed(), self.bar.total)
        else:
            self.bar.n += 1
        self.bar.set_postfix_str(f"loss {(logs or {}).get('loss', float('nan')):.3f}")

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stdout)
        else:
            print(line, flush=True)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class EpochReport(Callback):
    """After each epoch: held-out loss, perplexity and bits per character, and a few samples."""

    def __init__(self, tokenizer: Any, held_out: torch.Tensor, characters: int, clock: TimeLimit, say: Callable[[str], None],
                 samples: int = 2, sample_length: int = 200, offset_seconds: float = 0.0):
        super().__init__()
        self.tokenizer, self.held_out, self.characters = tokenizer, held_out, characters
        self.clock, self.say = clock, say
        self.samples, self.sample_length = samples, sample_length
        self.offset_seconds = offset_seconds

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        nats, tokens = held_out_nats(self.model, self.held_out)
        logs.update(metrics_from_nats(nats, tokens, round(self.characters * tokens / len(self.held_out))))
        logs["seconds"] = self.offset_seconds + self.clock.elapsed()
        self.say(
            f"epoch {epoch + 1}: loss {logs['loss']:.4f} | held-out loss {logs['val_loss']:.4f}, "
            f"perplexity {logs['val_perplexity']:.2f}, {logs['val_bits_per_char']:.3f} bits/char | {logs['seconds']:.0f} s"
        )
        for number in range(self.samples):
            text = sample_text(self.model, self.tokenizer, "", self.sample_length, temperature=0.8, seed=1000 * epoch + number)
            self.say("  sample: " + text.strip().replace("\n", "\n          "))
        self.model.train()


class RunFiles(Callback):
    """Keeps the history, writes best.safetensors on a new best held-out loss, and loss.png.

    (latest.safetensors, the resume checkpoint, is written after these by
    :class:`rnnkit.tasks.resume.SaveResumable`.)
    """

    def __init__(self, out: Path, tokenizer: Any, settings: dict[str, Any], history: list[dict[str, Any]]):
        super().__init__()
        self.out, self.tokenizer, self.settings = out, tokenizer, settings
        self.history = history
        self.best = min((row["val_loss"] for row in history if "val_loss" in row), default=float("inf"))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        row = {"epoch": epoch + 1, **{key: float(value) for key, value in (logs or {}).items()}}
        self.history.append(row)
        if row.get("val_loss", float("inf")) < self.best:
            self.best = row["val_loss"]
            save_lm_checkpoint(self.out / BEST, self.model, self.tokenizer, epoch + 1, {"settings": self.settings, "history": self.history})
        write_loss_plot(self.history, self.out / "loss.png")
