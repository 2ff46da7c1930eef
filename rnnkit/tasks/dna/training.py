"""``train``: read labelled DNA sequences (or the bundled splice data), fit a bidirectional classifier over bases, keep the best epoch.

The network is the classification task's (:func:`rnnkit.tasks.classification.build_classifier`):
an embedding per base, bidirectional recurrent layers, a dense layer over the classes. With
``reverse_complement="as-neither"`` each training sequence's other strand (read 5' to 3') joins the
training rows labelled ``N``: a junction's reverse complement is no junction on the strand the
model reads, so it is a hard negative; labelling it with its own class teaches the model the wrong
thing. The checkpoint keeps the epoch of best validation accuracy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ... import optimizers
from ...training import losses, set_random_seed
from ...training.task_files import TimeLimit
from ..classification.model import ClassifierConfig, build_classifier
from ..classification.training import loader
from ..fingerprints import fingerprint
from ..resume import RESUME_FILE, continued
from ..runs import TaskRun, fit_keeping_best, hold_out
from ..settings import SettingError, settings_of
from .bases import ALPHABET, Row, bundled, encode, label_counts, read_rows, reverse_complement
from .settings import DNASettings

TASK = "dna"
NEITHER = "N"


def augmented(rows: list[Row], mode: str) -> list[Row]:
    """``rows``, plus with ``as-neither`` each one's reverse complement labelled ``N`` (rows holding D or R have none)."""
    if mode == "none":
        return rows
    others = [Row(NEITHER, f"{r.name} (reverse complement)", rc) for r in rows if (rc := reverse_complement(r.sequence))]
    return rows + others


def _read(settings: DNASettings) -> tuple[list[Row], list[Row], str]:
    if settings.data is None:
        if settings.val is not None:
            raise SettingError("val", "is only read with data (the bundled splice data has its own val split)")
        return bundled("train"), bundled("val"), "the bundled splice-junction data (train split)"
    rows = read_rows(settings.data)
    if settings.val is not None:
        return rows, read_rows(settings.val), str(settings.data)
    kept, held = hold_out(rows, settings.val_fraction, settings.seed, f"sequences in {settings.data}")
    return kept, held, str(settings.data)


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train a splice-junction classifier into ``out/model.safetensors``: ``train(DNASettings(...))`` or ``train(data, out=...)``.

    The run's ``details`` hold the ``classes``.
    """
    settings = settings_of(DNASettings, args, fields)
    if settings.resume:
        settings = continued(DNASettings, settings, Path(settings.out) / RESUME_FILE)
    rows, val, described = _read(settings)
    classes = sorted({r.label for r in rows})
    if settings.reverse_complement == "as-neither" and NEITHER not in classes:
        raise SettingError("reverse_complement", f"as-neither labels reverse complements {NEITHER!r}, a class {described} lacks "
                                                 f"(it has {', '.join(classes)}); use none")
    if len(classes) < 2:
        raise SettingError("data", f"{described}: one class only ({classes[0]!r}); a classifier needs two or more")
    unseen = sorted({r.label for r in val} - set(classes))
    if unseen:
        raise SettingError("val", f"labels {unseen[:5]} occur only in the validation sequences")
    index = {c: i for i, c in enumerate(classes)}
    training_rows = augmented(rows, settings.reverse_complement)

    set_random_seed(settings.seed)
    config = ClassifierConfig(len(ALPHABET) + 1, len(classes), settings.cell, True, settings.layers, settings.units,
                              settings.embedding, settings.dropout, pooling=settings.pooling)
    model = build_classifier(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=settings.learning_rate, clipnorm=5.0),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    train_data = loader([encode(r.sequence) for r in training_rows], [index[r.label] for r in training_rows], settings.batch_size, True)
    val_data = loader([encode(r.sequence) for r in val], [index[r.label] for r in val], settings.batch_size, False)
    say(f"Training a bidirectional {config.layers}-layer {config.cell.upper()}({config.units}) on {described}: "
        f"{len(rows):,} sequences ({label_counts(rows)})"
        + (f" and {len(training_rows) - len(rows):,} reverse complements labelled {NEITHER}" if len(training_rows) > len(rows) else "")
        + f", {len(val):,} for validation, {model.count_params():,} weights")

    record = lambda: {"task": TASK, "config": config.to_json(), "classes": classes, "alphabet": ALPHABET,
                      "data": None if settings.data is None else fingerprint(settings.data), "bundled": settings.data is None}
    run = fit_keeping_best(model, train_data, validation_data=val_data, out=settings.out, record=record, monitor="val_accuracy",
                           mode="max", epochs=settings.epochs, limit=TimeLimit(settings.minutes), say=say, settings=settings)
    run.details.update(classes=classes)
    return run
