"""``train``: tokenize a corpus, build the network, fit it with checkpoints, report and samples.

Training reads windows of ``seq_len`` tokens (:mod:`~rnnkit.tasks.language_model.batches`): at
random, each from a zero state, or as streams whose state carries from batch to batch, both
drawn with torch's global generator, so a checkpoint that restores the generators resumes
exactly. An "epoch" is one pass over the windows but at most ``MAX_STEPS_PER_EPOCH`` batches (or
``steps_per_epoch`` batches when that is set); after each one the held-out loss is measured with
the state carried through the held-out text.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

import torch
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from ... import optimizers
from ...data import load_corpus, split_held_out, tokenizer_from_json, train_tokenizer
from ...training import losses, set_random_seed
from ...training.callbacks import CosineWarmDown, EarlyStopping
from ...training.task_files import TimeLimit
from .batches import StreamBatches, TextWindows, windows
from .callbacks import CarriedStates, EpochReport, MixedBfloat16, ProgressBar, RunFiles
from ..resume import SaveResumable, continued, stored_settings
from ..precision import chosen_precision
from ..runs import TaskRun, run_lock
from ..settings import SettingError, settings_of
from .checkpoint import BEST, LATEST, lm_record, read_lm_checkpoint
from .evaluation import HELD_OUT_FRACTION
from .model import LanguageModel, ModelConfig
from .settings import LMSettings

MAX_STEPS_PER_EPOCH = 100  # so a long text still reports, samples and checkpoints every few minutes


def _check_sizes(train_ids: list[int], held_out: list[int], seq_len: int, source: str) -> None:
    if len(train_ids) < seq_len + 1:
        raise SettingError("seq_len", f"{seq_len} is longer than the {len(train_ids)} training tokens (90% of the text) of {source}; "
                                      "give more text or a smaller seq_len")
    if len(held_out) < 3:
        raise ValueError(f"{source}: the held-out 10% of the text has only {len(held_out)} tokens; give more text")


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train a language model into ``out``: ``train(LMSettings(...))`` or ``train(data, out=..., ...)``.

    ``data`` is a file or folder (the bundled corpus if None). Stops after ``epochs`` (default 10
    without ``minutes``), after ``minutes`` of training, or after ``patience`` epochs without a
    better held-out loss, whichever comes first. With ``lr_schedule="cosine"`` the learning rate
    falls along a cosine to 5% of ``learning_rate`` over that budget (``"constant"`` keeps it).
    ``precision="mixed_bfloat16"`` runs the products in bfloat16 (weights, optimizer and held-out
    loss stay float32): about 1.5x faster on CPUs with bfloat16 instructions (AVX512-BF16, AMX),
    and refused on others; ``"auto"`` (the default) picks it where the CPU has them, float32
    elsewhere (:mod:`rnnkit.tasks.precision`). The held-out loss after each epoch is measured on the first ``eval_tokens`` tokens of the held-out 10% (all of it when None).
    With ``resume`` it continues the run in ``out`` from its latest checkpoint, the last finished
    epoch, with that run's settings (:mod:`rnnkit.tasks.resume`: only ``epochs`` and ``minutes``
    may change; ``epochs`` counts from the run's start, as Keras's ``initial_epoch`` does), and
    gives the losses and weights the uninterrupted run would have. The run's ``checkpoint`` is the
    best one (else the latest); its ``details`` hold the ``tokenizer`` and the ``plot``. A Ctrl-C
    raises ``KeyboardInterrupt`` at once; the files then hold the last finished epoch.
    """
    chosen = settings_of(LMSettings, args, fields)
    out_dir = Path(chosen.out)
    if chosen.resume:
        chosen = continued(LMSettings, chosen, out_dir / LATEST)  # the run's own, budget recipe included
    else:
        chosen = chosen.for_budget()
    precision = chosen_precision(chosen.precision)  # before the run folder is made: a refused precision leaves nothing
    with run_lock(out_dir):
        return _train(chosen, out_dir, say, precision)


def _train(chosen: LMSettings, out_dir: Path, say: Callable[[str], None], precision_and_why: tuple[str, str]) -> TaskRun:
    precision, why = precision_and_why
    text, description = load_corpus(chosen.data)
    if chosen.resume:
        tokenizer, config, history = _resumed(out_dir)
    else:
        tokenizer = train_tokenizer(chosen.tokens, text, min_frequency=chosen.min_frequency, max_size=chosen.max_vocab)
        config = ModelConfig(tokenizer.vocab_size, chosen.cell, chosen.layers, chosen.units, chosen.embedding, chosen.dropout)
        history = []
    minutes = chosen.minutes
    epochs = chosen.epochs if chosen.epochs is not None else 10 if minutes is None else 1_000_000

    ids = tokenizer.encode(text)
    train_ids, held_out = split_held_out(ids, HELD_OUT_FRACTION)
    _check_sizes(train_ids, held_out, chosen.seq_len, description)
    evaluated = held_out[:chosen.eval_tokens] if chosen.eval_tokens else held_out
    x, y = windows(torch.tensor(train_ids), chosen.seq_len)

    set_random_seed(chosen.seed)
    model = LanguageModel(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=chosen.learning_rate, clipnorm=chosen.clipnorm),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    stored = stored_settings(chosen)
    files = RunFiles(out_dir, tokenizer, stored, history)
    stop = EarlyStopping(monitor="val_loss", mode="min", patience=chosen.patience)
    latest = SaveResumable(out_dir / LATEST, lambda: lm_record(model, tokenizer, {"settings": stored, "history": files.history}), [stop])
    initial_epoch = latest.first_epoch(model, chosen.resume, epochs)

    dataset = TensorDataset(x, y)
    batch = chosen.batch_size
    if chosen.steps_per_epoch:
        samples_per_epoch = chosen.steps_per_epoch * batch
    else:
        samples_per_epoch = min(len(dataset), MAX_STEPS_PER_EPOCH * batch)
    if chosen.windows == "streams":
        stream = TextWindows(torch.tensor(train_ids), chosen.seq_len)
        loader = DataLoader(stream, batch_sampler=StreamBatches(stream, batch, -(-samples_per_epoch // batch)))
        model.carry_state = True
    else:
        loader = DataLoader(dataset, batch_size=batch, sampler=RandomSampler(dataset, num_samples=samples_per_epoch))

    parameters = sum(p.numel() for p in model.parameters())
    say(f"{'Resuming' if chosen.resume else 'Training'} a {config.layers}-layer {config.cell.upper()}({config.units}) on {description}: "
        f"{len(train_ids):,} training and {len(held_out):,} held-out {tokenizer.kind} tokens, vocabulary {tokenizer.vocab_size:,}, "
        f"{parameters:,} weights; held-out loss on {len(evaluated):,} tokens; {len(loader)} batches of {batch}x{chosen.seq_len} per epoch"
        f"{', read as streams' if model.carry_state else ''}"
        + (f"; {minutes:g} minutes" if minutes is not None else f"; epochs {initial_epoch + 1}-{epochs}")
        + f"; precision {precision} ({why})")

    clock = TimeLimit(minutes)
    bar = ProgressBar(clock, None if minutes is not None else len(loader) * (epochs - initial_epoch))
    offset_seconds = history[-1].get("seconds", 0.0) if history else 0.0
    report = EpochReport(tokenizer, torch.tensor(evaluated), len(tokenizer.decode(evaluated)), clock, bar.write, chosen.samples,
                         chosen.sample_length, offset_seconds)
    callbacks = [clock, report, files, stop, bar, *([CarriedStates(model)] if model.carry_state else [])]
    if chosen.lr_schedule == "cosine":  # over the whole run's steps, from its first epoch
        callbacks.append(CosineWarmDown(chosen.learning_rate, seconds=clock.seconds, steps=None if minutes is not None else len(loader) * epochs))
    region = MixedBfloat16() if precision == "mixed_bfloat16" else None
    if region is not None:
        callbacks.append(region)
    callbacks.append(latest)  # last: the commit point of an epoch, after best.safetensors and the plot
    try:
        model.fit(loader, epochs=epochs, initial_epoch=initial_epoch, verbose=0, callbacks=callbacks)
    except KeyboardInterrupt:
        for callback in callbacks:  # close the progress bar and the bfloat16 region; the files hold the last finished epoch
            callback.on_train_end()
        raise
    finally:
        if region is not None:  # a step that raised must not leave the process under autocast
            region.on_train_end()

    stopped_by = "time" if clock.reached else "early stopping" if stop.stopped_epoch else "epochs"
    if history and not math.isfinite(history[-1].get("loss", 0.0)):
        stopped_by = "nan"
    checkpoint = out_dir / BEST if (out_dir / BEST).exists() else out_dir / LATEST
    scored = [row for row in history if math.isfinite(row.get("val_loss", math.nan))]
    best = min(scored, key=lambda row: row["val_loss"]) if scored else None
    return TaskRun(out_dir, checkpoint, history, model.eval(), "val_loss", best and best["val_loss"], best and best["epoch"], stopped_by,
                   {"tokenizer": tokenizer, "plot": out_dir / "loss.png"})


def _resumed(out_dir: Path) -> tuple[Any, ModelConfig, list[dict[str, Any]]]:
    """Tokenizer, config and history of the run in ``out_dir``, from its latest checkpoint."""
    _, _, record = read_lm_checkpoint(out_dir / LATEST)
    return tokenizer_from_json(record["tokenizer"]), ModelConfig.from_json(record["config"]), list(record.get("history", []))
