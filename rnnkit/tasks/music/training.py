"""``train``: tokenise the tunes, fit a recurrent language model over their tokens, keep the epoch of best validation loss.

The network is the language-model task's (:class:`rnnkit.tasks.language_model.LanguageModel`:
embedding, stacked recurrent layers, a dense layer over the vocabulary). The training tunes are
one stream of ids, ``<tune>`` between tunes, cut into windows of ``seq_len`` tokens that are
shuffled each epoch; the validation tunes are cut the same way. Training stops after ``epochs``,
``minutes``, or ``patience`` epochs without a better validation loss.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import torch
from torch.utils.data import DataLoader, TensorDataset

from ... import optimizers
from ...training import losses, set_random_seed
from ...training.callbacks import EarlyStopping
from ...training.task_files import TimeLimit
from ..fingerprints import fingerprint
from ..language_model.model import LanguageModel, ModelConfig
from ..language_model.batches import windows
from ..resume import RESUME_FILE, continued
from ..runs import TaskRun, fit_keeping_best
from ..settings import SettingError, settings_of
from .settings import MusicSettings
from .tunes import TuneVocabulary, distinct, read_collection, split_tunes

TASK = "music"


def tune_splits(data: str | None, split_seed: int, say: Callable[[str], None] = lambda line: None) -> tuple[dict[str, list], str]:
    """The distinct tunes of ``data`` (None: O'Neill's) split into train/val/test, and a description; says what was dropped."""
    skipped: list[str] = []
    tunes, described = read_collection(data, skipped)
    kept = distinct(tunes)
    if skipped:
        say(f"note: {len(skipped)} tunes of {described} do not tokenise and are left out; the first: {skipped[0]}")
    if len(kept) < len(tunes):
        say(f"note: {len(tunes) - len(kept)} tunes repeat an earlier one and are kept once")
    return split_tunes(kept, split_seed), described


def window_loader(ids: list[int], seq_len: int, batch_size: int, shuffle: bool, what: str) -> DataLoader:
    x, y = windows(torch.tensor(ids), seq_len)
    if len(x) == 0:
        raise SettingError("seq_len", f"{seq_len} is longer than the {len(ids)} tokens of the {what}; give more tunes or a smaller seq_len")
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=shuffle)


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train a tune model into ``out/model.safetensors``: ``train(MusicSettings(...))`` or ``train(data, out=..., minutes=3)``.

    The run's ``details`` hold the ``vocabulary`` and the ``splits`` (lists of tunes).
    """
    settings = settings_of(MusicSettings, args, fields)
    if settings.resume:
        settings = continued(MusicSettings, settings, Path(settings.out) / RESUME_FILE)
    splits, described = tune_splits(settings.data, settings.split_seed, say)
    vocabulary = TuneVocabulary.of(splits["train"] + splits["val"] + splits["test"])
    train_ids, val_ids = vocabulary.stream(splits["train"]), vocabulary.stream(splits["val"])

    set_random_seed(settings.seed)
    config = ModelConfig(vocabulary.vocab_size, settings.cell, settings.layers, settings.units, settings.embedding, settings.dropout)
    model = LanguageModel(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=settings.learning_rate, clipnorm=5.0),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    train_data = window_loader(train_ids, settings.seq_len, settings.batch_size, True, "training tunes")
    val_data = window_loader(val_ids, settings.seq_len, settings.batch_size, False, "validation tunes")
    say(f"Training a {config.layers}-layer {config.cell.upper()}({config.units}) on {described}: {len(splits['train']):,} tunes "
        f"({len(train_ids):,} tokens) and {len(splits['val']):,} for validation ({len(val_ids):,} tokens), {len(splits['test'])} "
        f"held out for testing; vocabulary {vocabulary.vocab_size} tokens, {sum(p.numel() for p in model.parameters()):,} weights")

    record = lambda: {"task": TASK, "config": config.to_json(), "vocabulary": vocabulary.to_json(),
                      "data": None if settings.data is None else fingerprint(settings.data), "bundled": settings.data is None,
                      "split_seed": settings.split_seed}
    stopping = EarlyStopping(monitor="val_loss", patience=settings.patience)
    run = fit_keeping_best(model, train_data, validation_data=val_data, out=settings.out, record=record, monitor="val_loss", mode="min",
                           epochs=settings.epochs, limit=TimeLimit(settings.minutes, settings.clock), say=say, callbacks=[stopping], settings=settings)
    run.details.update(vocabulary=vocabulary, splits=splits)
    return run
