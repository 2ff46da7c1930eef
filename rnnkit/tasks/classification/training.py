"""``train``: read a labelled table, fit a tokenizer and a recurrent classifier, keep the best epoch.

Batches group texts of similar length (:class:`rnnkit.data.padding.LengthBuckets`) and are padded
only to their longest text; the mask makes that padding invisible to the model. The checkpoint
with the best validation accuracy is written to ``OUT/model.safetensors`` whenever it improves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
from torch.utils.data import DataLoader

from ... import optimizers
from ...data.padding import LengthBuckets, PaddedSequences
from ...data.tables import read_labelled_texts
from ...data.vectors import load_vectors_into, read_vectors
from ...training import losses, set_random_seed
from ...training.callbacks import CosineWarmDown
from ...training.task_files import MODEL_FILE, SaveBest, TimeLimit, load_weights_into, read_task_model
from .model import ClassifierConfig, build_classifier
from .sequences import JAPANESE_VOWELS, feature_loader, fit_standardiser, is_feature_file, read_sequence_table, read_sequences, standardise
from .text import TextEncoder

TASK = "classify"


@dataclass
class ClassifyResult:
    out: Path
    history: list[dict[str, Any]]
    best_epoch: int
    val_accuracy: float
    model: Any = field(repr=False)
    encoder: TextEncoder = field(repr=False)
    classes: list[str] = field(repr=False)

    @property
    def checkpoint(self) -> Path:
        return self.out / MODEL_FILE


def sorted_labels(labels: list[str]) -> list[str]:
    """Distinct labels, numerically sorted when they are all integers ('0' < '1' < '10')."""
    distinct = set(labels)
    try:
        return sorted(distinct, key=int)
    except ValueError:
        return sorted(distinct)


def class_weight_values(targets: list[int], classes: int, mode: str | None) -> list[float] | None:
    """Per-class weights: ``balanced`` gives n / (classes * count) as scikit-learn does; None for none."""
    if mode in (None, "none"):
        return None
    if mode != "balanced":
        raise ValueError(f"--class-weights must be 'balanced' or 'none'; got {mode!r}")
    counts = np.bincount(targets, minlength=classes)
    return [len(targets) / (classes * c) if c else 0.0 for c in counts]


def split_validation(texts: list[str], labels: list[str], fraction: float, seed: int) -> tuple[tuple[list, list], tuple[list, list]]:
    """A seeded random ``fraction`` of the rows held out for validation (at least one row)."""
    if len(texts) < 2:
        raise ValueError(f"need at least 2 labelled rows to hold some out for validation; got {len(texts)} (or give --val)")
    order = np.random.default_rng(seed).permutation(len(texts))
    cut = max(1, int(round(len(texts) * fraction)))
    held, kept = order[:cut], order[cut:]
    return ([texts[i] for i in kept], [labels[i] for i in kept]), ([texts[i] for i in held], [labels[i] for i in held])


def loader(ids: list[list[int]], targets: list, batch_size: int, shuffle: bool, weights: list[float] | None = None) -> DataLoader:
    data = PaddedSequences(ids, targets, weights)
    return DataLoader(data, batch_sampler=LengthBuckets([len(i) for i in ids], batch_size, shuffle), collate_fn=data.collate)


def train(
    data: str | None = None,
    val: str | None = None,
    out: str = "runs/classify",
    text_col: str | None = None,
    label_col: str | None = None,
    tokens: str = "word",
    max_vocab: int | None = 20000,
    min_frequency: int = 1,
    max_len: int = 100,
    cell: str = "lstm",
    bidirectional: bool = True,
    layers: int = 1,
    units: int = 64,
    embedding: int = 64,
    dropout: float = 0.3,
    pooling: str = "last",
    token_dropout: float = 0.0,
    batch_size: int = 64,
    epochs: int | None = None,
    minutes: float | None = None,
    learning_rate: float = 2e-3,
    lr_schedule: str = "constant",
    class_weights: str | None = None,
    vectors: str | None = None,
    freeze_vectors: bool = False,
    val_fraction: float = 0.1,
    seed: int = 0,
    sequence_of_features: bool = False,
    id_col: str | None = None,
    time_col: str | None = None,
    features: list[str] | None = None,
    say: Callable[[str], None] = print,
) -> ClassifyResult:
    """Train a classifier on ``data`` and write ``out/model.safetensors``.

    ``data`` is a table of texts (TSV/CSV/JSONL), or numeric sequences: an NPZ file, or with
    ``sequence_of_features`` a long table (one row per step, see :func:`read_sequence_table`).
    ``sequence_of_features`` without ``data`` trains on the bundled Japanese Vowels training part.
    ``epochs`` defaults to 5 for texts and 30 for numeric sequences (small sets, quick epochs).
    """
    bundled = data is None
    if bundled:
        if not sequence_of_features:
            raise ValueError("--data FILE is required (or --sequence-of-features alone, to train on the bundled Japanese Vowels set)")
        data = str(JAPANESE_VOWELS["train"])
    numeric = sequence_of_features or is_feature_file(data)  # numeric sequences instead of texts
    if epochs is None:
        epochs = 30 if numeric else 5
    if lr_schedule not in ("constant", "cosine"):
        raise ValueError(f"--lr-schedule must be constant or cosine; got {lr_schedule!r}")
    for name, value in (("epochs", epochs), ("batch-size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"--{name} must be a positive integer; got {value!r}")
    columns: dict[str, Any] = {}  # a long table's id, label, time and feature columns: found in --data, used for --val
    read = (lambda path, argument: read_sequences(path, columns, argument)[:2]) if numeric else \
        (lambda path, argument: read_labelled_texts(path, text_col, label_col, argument))
    if numeric and not is_feature_file(data):
        texts, labels, _, columns = read_sequence_table(data, id_col, label_col, time_col, features, "--data")
    else:
        texts, labels = read(data, "--data")
    if val is None:
        (texts, labels), (val_texts, val_labels) = split_validation(texts, labels, val_fraction, seed)
    else:
        val_texts, val_labels = read(val, "--val")
    classes = sorted_labels(labels)
    if len(classes) < 2:
        column = columns.get("label_col") or label_col or ("y" if is_feature_file(data) else "label")
        raise ValueError(f"--data {data}: the label column ({column}) has one class only ({classes[0]!r}); a classifier needs two or more")
    unseen = sorted(set(val_labels) - set(classes))
    if unseen:
        raise ValueError(f"--val {val}: labels {unseen[:5]} never occur in --data {data}")
    index = {c: i for i, c in enumerate(classes)}

    set_random_seed(seed)
    if numeric:
        source = {"data": "the bundled Japanese Vowels training part" if bundled else str(data), "columns": columns,
                  "bundled": "japanese_vowels" if bundled else None}
        config = ClassifierConfig(0, len(classes), cell, bidirectional, layers, units, 1, dropout,
                                  features=texts[0].shape[1], pooling=pooling)
        return _train_on_features(texts, labels, val_texts, val_labels, classes, config, source, out=out,
                                  batch_size=batch_size, epochs=epochs, minutes=minutes, learning_rate=learning_rate,
                                  lr_schedule=lr_schedule, class_weights=class_weights, say=say)
    encoder = TextEncoder.train(tokens, texts, max_len=max_len, max_vocab=max_vocab, min_frequency=min_frequency)
    table = read_vectors(vectors) if vectors is not None else None
    if table is not None:
        embedding = table.dimension
    config = ClassifierConfig(encoder.vocab_size, len(classes), cell, bidirectional, layers, units, embedding, dropout, pooling=pooling,
                              token_dropout=token_dropout)
    model = build_classifier(config)
    vector_note = ""
    if table is not None:
        vector_note = "; " + load_vectors_into(model.get_layer("embedding"), encoder.tokens(), table, trainable=not freeze_vectors)
    model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate, clipnorm=5.0),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

    train_ids = [encoder.encode(t) for t in texts]
    train_targets = [index[label] for label in labels]
    per_class = class_weight_values(train_targets, len(classes), class_weights)
    weights = None if per_class is None else [per_class[t] for t in train_targets]
    train_data = loader(train_ids, train_targets, batch_size, True, weights)
    val_data = loader([encoder.encode(t) for t in val_texts], [index[label] for label in val_labels], batch_size, False)

    counts = np.bincount(train_targets, minlength=len(classes))
    say(f"Training a {'bidirectional ' if bidirectional else ''}{layers}-layer {cell.upper()}({units}) on {data}: "
        f"{len(texts):,} training and {len(val_texts):,} validation texts, {len(classes)} classes "
        f"({', '.join(f'{c}: {n}' for c, n in zip(classes, counts))}), {encoder.kind} vocabulary {encoder.vocab_size:,}, "
        f"{model.count_params():,} weights{vector_note}")

    record = lambda: {"task": TASK, "config": config.to_json(), "encoder": encoder.to_json(), "classes": classes,
                      "data": str(data), "text_col": text_col, "label_col": label_col}
    return _fit(model, train_data, val_data, record, out, epochs, minutes, lr_schedule, say, encoder, classes)


def _train_on_features(sequences: list, labels: list[str], val_sequences: list, val_labels: list[str], classes: list[str],
                       config: ClassifierConfig, source: dict[str, Any], *, out: str, batch_size: int, epochs: int,
                       minutes: float | None, learning_rate: float, lr_schedule: str, class_weights: str | None,
                       say: Callable[[str], None]) -> ClassifyResult:
    """The same classifier over feature vectors ``(T, F)`` (``Masking`` instead of ``Embedding``).

    ``source`` (the data's name, the table's ``columns``, the ``bundled`` set) goes into the checkpoint,
    so ``eval`` reads other files the same way and finds the bundled test part by itself.
    """
    index = {c: i for i, c in enumerate(classes)}
    scaler = fit_standardiser(sequences)  # the training sequences only
    features = config.features
    model = build_classifier(config)
    model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate, clipnorm=5.0),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    targets = [index[label] for label in labels]
    per_class = class_weight_values(targets, len(classes), class_weights)
    weights = None if per_class is None else [per_class[t] for t in targets]
    train_data = feature_loader(standardise(sequences, scaler), targets, batch_size, True, weights)
    val_data = feature_loader(standardise(val_sequences, scaler), [index[label] for label in val_labels], batch_size, False)
    columns = source["columns"]
    read_as = f" (id {columns['id_col']!r}, label {columns['label_col']!r}, " \
              f"{'time ' + repr(columns['time_col']) if columns['time_col'] else 'rows in file order'}, " \
              f"features {', '.join(columns['features'])})" if columns else ""
    lengths = [len(s) for s in sequences]
    say(f"Training a {'bidirectional ' if config.bidirectional else ''}{config.layers}-layer {config.cell.upper()}({config.units}) "
        f"on {source['data']}{read_as}: "
        f"{len(sequences):,} training and {len(val_sequences):,} validation sequences of {features} features "
        f"and {min(lengths)}-{max(lengths)} steps, {len(classes)} classes")
    record = lambda: {"task": TASK, "config": config.to_json(), "encoder": None, "scaler": scaler, "classes": classes, **source}
    return _fit(model, train_data, val_data, record, out, epochs, minutes, lr_schedule, say, None, classes)


def _fit(model: Any, train_data: DataLoader, val_data: DataLoader, record: Callable[[], dict], out: str, epochs: int,
         minutes: float | None, lr_schedule: str, say: Callable[[str], None], encoder: TextEncoder | None,
         classes: list[str]) -> ClassifyResult:
    out_dir = Path(out)
    saver = SaveBest(out_dir / MODEL_FILE, record, monitor="val_accuracy", mode="max", say=say)
    limit = TimeLimit(minutes)
    callbacks = [limit, saver]
    if lr_schedule == "cosine":  # over the epochs or the minutes, whichever end first
        callbacks.append(CosineWarmDown(model.optimizer.learning_rate, seconds=limit.seconds, steps=epochs * len(train_data)))
    model.fit(train_data, epochs=epochs, validation_data=val_data, verbose=0, callbacks=callbacks)
    if not saver.best_epoch:
        raise ValueError("no epoch finished with a finite validation accuracy; nothing was saved (try a smaller --lr)")
    path, weights_saved, _ = read_task_model(out_dir / MODEL_FILE)
    load_weights_into(model, weights_saved, path)
    return ClassifyResult(out_dir, saver.history, saver.best_epoch, saver.best, model.eval(), encoder, classes)
