"""``train``: tokenize a corpus, build the network, fit it with checkpoints, report and samples.

Training reads random windows of ``seq_len`` tokens (each from a zero state), shuffled by torch's
global generator, so a checkpoint that restores the generators resumes exactly. An "epoch" is one
pass over the windows but at most ``MAX_STEPS_PER_EPOCH`` batches (or ``steps_per_epoch`` batches
when that is set), drawn at random without replacement; after each one the
held-out loss is measured with the state carried through the held-out text.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

import torch
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from ... import optimizers
from ...data import load_corpus, split_held_out, tokenizer_from_json, train_tokenizer
from ...training import load_checkpoint, losses, set_random_seed
from ...training.callbacks import CosineWarmDown
from ...training.task_files import TimeLimit
from .callbacks import EpochReport, MixedBfloat16, ProgressBar, RunFiles, StopOnInterrupt
from ..runs import TaskRun
from ..settings import SettingError, settings_of
from .checkpoint import BEST, LATEST, read_lm_checkpoint
from .evaluation import HELD_OUT_FRACTION
from .model import LanguageModel, ModelConfig
from .settings import LMSettings

MAX_STEPS_PER_EPOCH = 100  # so a long text still reports, samples and checkpoints every few minutes


def windows(ids: torch.Tensor, seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Non-overlapping inputs ``(N, seq_len)`` and their next-token targets ``(N, seq_len)``."""
    count = (len(ids) - 1) // seq_len
    x = ids[: count * seq_len].view(count, seq_len)
    y = ids[1 : count * seq_len + 1].view(count, seq_len)
    return x, y


def _check_sizes(train_ids: list[int], held_out: list[int], seq_len: int, source: str) -> None:
    if len(train_ids) < seq_len + 1:
        raise SettingError("seq_len", f"{seq_len} is longer than the {len(train_ids)} training tokens (90% of the text) of {source}; "
                                      "give more text or a smaller seq_len")
    if len(held_out) < 3:
        raise ValueError(f"{source}: the held-out 10% of the text has only {len(held_out)} tokens; give more text")


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train a language model into ``out``: ``train(LMSettings(...))`` or ``train(data, out=..., ...)``.

    ``data`` is a file or folder (the bundled corpus if None). Stops after ``epochs`` (default 10
    without ``minutes``), or after ``minutes`` of training, whichever comes first. With
    ``lr_schedule="cosine"`` the learning rate falls along a cosine to 5% of ``learning_rate`` over
    that budget (``"constant"`` keeps it). ``precision="mixed_bfloat16"`` runs the products in
    bfloat16 (weights, optimizer and held-out loss stay float32): about 1.5x faster on CPUs with
    bfloat16 instructions (AVX512-BF16, AMX), slower on others. The held-out loss after each epoch
    is measured on the first ``eval_tokens`` tokens of the held-out 10% (all of it when None).
    With ``resume`` it continues the run in ``out`` from its latest checkpoint (architecture,
    tokenizer and data settings come from the checkpoint; ``epochs`` counts from the run's start,
    as Keras's ``initial_epoch`` does). The run's ``checkpoint`` is the best one (else the latest);
    its ``details`` hold the ``tokenizer`` and the ``plot``.
    """
    chosen = settings_of(LMSettings, args, fields)
    data, minutes, epochs = chosen.data, chosen.minutes, chosen.epochs
    out_dir = Path(chosen.out)
    if chosen.resume:
        tokenizer, config, settings, history, path = _resumed(out_dir)
        text, description = load_corpus(settings["data"] if data is None else data)
    else:
        text, description = load_corpus(data)
        tokenizer = train_tokenizer(chosen.tokens, text, min_frequency=chosen.min_frequency, max_size=chosen.max_vocab)
        config = ModelConfig(tokenizer.vocab_size, chosen.cell, chosen.layers, chosen.units, chosen.embedding, chosen.dropout)
        settings = {"data": None if data is None else str(Path(data).resolve()), "tokens": chosen.tokens, "seq_len": chosen.seq_len,
                    "batch_size": chosen.batch_size, "steps_per_epoch": chosen.steps_per_epoch, "learning_rate": chosen.learning_rate,
                    "clipnorm": chosen.clipnorm, "lr_schedule": chosen.lr_schedule, "precision": chosen.precision, "seed": chosen.seed}
        history = []
    if epochs is None:
        epochs = 10 if minutes is None else 1_000_000
    resume, eval_tokens = chosen.resume, chosen.eval_tokens

    ids = tokenizer.encode(text)
    train_ids, held_out = split_held_out(ids, HELD_OUT_FRACTION)
    _check_sizes(train_ids, held_out, settings["seq_len"], description)
    evaluated = held_out[:eval_tokens] if eval_tokens else held_out
    x, y = windows(torch.tensor(train_ids), settings["seq_len"])

    if not resume:
        set_random_seed(settings["seed"])
    model = LanguageModel(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=settings["learning_rate"], clipnorm=settings["clipnorm"]),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    initial_epoch = load_checkpoint(path, model) if resume else 0
    if initial_epoch >= epochs:
        raise SettingError("epochs", f"{epochs}: the run in {out_dir} has already trained {initial_epoch} epochs; ask for more to resume it")

    dataset = TensorDataset(x, y)
    batch = settings["batch_size"]
    if settings["steps_per_epoch"]:
        samples_per_epoch = settings["steps_per_epoch"] * batch
    else:
        samples_per_epoch = min(len(dataset), MAX_STEPS_PER_EPOCH * batch)
    sampler = RandomSampler(dataset, num_samples=samples_per_epoch)
    loader = DataLoader(dataset, batch_size=settings["batch_size"], sampler=sampler)

    parameters = sum(p.numel() for p in model.parameters())
    say(f"{'Resuming' if resume else 'Training'} a {config.layers}-layer {config.cell.upper()}({config.units}) on {description}: "
        f"{len(train_ids):,} training and {len(held_out):,} held-out {tokenizer.kind} tokens, vocabulary {tokenizer.vocab_size:,}, "
        f"{parameters:,} weights; held-out loss on {len(evaluated):,} tokens; {len(loader)} batches of {settings['batch_size']}x{settings['seq_len']} per epoch"
        + (f"; {minutes:g} minutes" if minutes is not None else f"; epochs {initial_epoch + 1}-{epochs}"))

    clock = TimeLimit(minutes)
    planned_steps = None if minutes is not None else len(loader) * (epochs - initial_epoch)
    bar = ProgressBar(clock, planned_steps)
    interrupt = StopOnInterrupt(bar.write)
    offset_seconds = history[-1].get("seconds", 0.0) if history else 0.0
    report = EpochReport(tokenizer, torch.tensor(evaluated), len(tokenizer.decode(evaluated)), clock, bar.write, chosen.samples,
                         chosen.sample_length, offset_seconds)
    files = RunFiles(out_dir, tokenizer, settings, history)
    out_dir.mkdir(parents=True, exist_ok=True)
    callbacks = [clock, interrupt, report, files, bar]
    if chosen.lr_schedule == "cosine":
        callbacks.append(CosineWarmDown(settings["learning_rate"], seconds=clock.seconds, steps=planned_steps))
    if chosen.precision == "mixed_bfloat16":
        callbacks.append(MixedBfloat16())
    model.fit(loader, epochs=epochs, initial_epoch=initial_epoch, verbose=0, callbacks=callbacks)

    stopped_by = "interrupt" if interrupt.interrupted else "time" if clock.reached else "epochs"
    if history and not math.isfinite(history[-1].get("loss", 0.0)):
        stopped_by = "nan"
    checkpoint = out_dir / BEST if (out_dir / BEST).exists() else out_dir / LATEST
    scored = [row for row in history if math.isfinite(row.get("val_loss", math.nan))]
    best = min(scored, key=lambda row: row["val_loss"]) if scored else None
    return TaskRun(out_dir, checkpoint, history, model.eval(), "val_loss", best and best["val_loss"], best and best["epoch"], stopped_by,
                   {"tokenizer": tokenizer, "plot": out_dir / "loss.png"})


def _resumed(out_dir: Path) -> tuple[Any, ModelConfig, dict[str, Any], list[dict[str, Any]], Path]:
    """Tokenizer, config, settings, history and file of the run in ``out_dir``, from its latest checkpoint."""
    if not (out_dir / LATEST).exists():
        raise SettingError("resume", f"needs {out_dir / LATEST}, which does not exist; start the run without resume first")
    path, _, record = read_lm_checkpoint(out_dir / LATEST)
    tokenizer = tokenizer_from_json(record["tokenizer"])
    return tokenizer, ModelConfig.from_json(record["config"]), dict(record["settings"]), list(record.get("history", [])), path
