"""``train``: read a labelled table, fit a tokenizer and a recurrent classifier, keep the best epoch.

Batches group texts of similar length (:class:`rnnkit.data.padding.LengthBuckets`) and are padded
only to their longest text; the mask makes that padding invisible to the model. The checkpoint
with the best validation accuracy is written to ``OUT/model.safetensors`` whenever it improves.
"""

from __future__ import annotations

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
from ...training.task_files import TimeLimit, ensemble_members
from ..fingerprints import fingerprint
from ..resume import RESUME_FILE, continued
from ..runs import TaskRun, fit_keeping_best, hold_out
from ..settings import SettingError, settings_of
from .ensemble import train_ensemble, validation_scores
from .model import ClassifierConfig, build_classifier
from .sequences import JAPANESE_VOWELS, feature_loader, fit_standardiser, is_feature_file, read_sequence_table, read_sequences, standardise
from .settings import ClassifySettings
from .text import TextEncoder

TASK = "classify"


def sorted_labels(labels: list[str]) -> list[str]:
    """Distinct labels, numerically sorted when they are all integers ('0' < '1' < '10')."""
    distinct = set(labels)
    try:
        return sorted(distinct, key=int)
    except ValueError:
        return sorted(distinct)


def class_weight_values(targets: list[int], classes: int, mode: str) -> list[float] | None:
    """Per-class weights: ``balanced`` gives n / (classes * count) as scikit-learn does; None for none."""
    if mode == "none":
        return None
    counts = np.bincount(targets, minlength=classes)
    return [len(targets) / (classes * c) if c else 0.0 for c in counts]


def loader(ids: list[list[int]], targets: list, batch_size: int, shuffle: bool, weights: list[float] | None = None) -> DataLoader:
    data = PaddedSequences(ids, targets, weights)
    return DataLoader(data, batch_sampler=LengthBuckets([len(i) for i in ids], batch_size, shuffle), collate_fn=data.collate)


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train a classifier and write ``out/model.safetensors``: ``train(ClassifySettings(...))`` or ``train(data, out=..., ...)``.

    ``data`` is a table of texts (TSV/CSV/JSONL), or numeric sequences: an NPZ file, or with
    ``sequence_of_features`` a long table (one row per step, see :func:`read_sequence_table`).
    ``sequence_of_features`` without ``data`` trains on the bundled Japanese Vowels training part.
    The run's ``details`` hold the ``encoder`` (None for numeric sequences) and the ``classes``.
    With ``ensemble`` N > 1, N members are trained into ``out/member-K``
    (:mod:`~rnnkit.tasks.classification.ensemble`).
    """
    settings = settings_of(ClassifySettings, args, fields)
    if settings.ensemble > 1 or (settings.resume and ensemble_members(settings.out) is not None):
        return train_ensemble(settings, lambda member: train(member, say=say), say)
    if settings.resume:
        settings = continued(ClassifySettings, settings, Path(settings.out) / RESUME_FILE)
    data, val = settings.data, settings.val
    bundled = data is None
    if bundled:
        if not settings.sequence_of_features:
            raise SettingError("data", "FILE is required (or sequence_of_features alone, to train on the bundled Japanese Vowels set)")
        data = str(JAPANESE_VOWELS["train"])
    numeric = settings.sequence_of_features or is_feature_file(data)  # numeric sequences instead of texts
    settings = settings.for_data(numeric)
    columns: dict[str, Any] = {}  # a long table's id, label, time and feature columns: found in --data, used for --val
    read = (lambda path, argument, known=None: read_sequences(path, columns, argument, known=known)[:2]) if numeric else \
        (lambda path, argument, known=None: read_labelled_texts(path, settings.text_col, settings.label_col, argument, known=known))
    if numeric and not is_feature_file(data):
        texts, labels, _, columns = read_sequence_table(data, settings.id_col, settings.label_col, settings.time_col,
                                                        settings.features, "--data")
    else:
        texts, labels = read(data, "--data")
    if val is None:
        kept, held = hold_out(list(zip(texts, labels)), settings.val_fraction, settings.seed, f"labelled rows in {data}")
        (texts, labels), (val_texts, val_labels) = ([list(c) for c in zip(*part)] for part in (kept, held))
    classes = sorted_labels(labels)
    if len(classes) < 2:
        column = columns.get("label_col") or settings.label_col or ("y" if is_feature_file(data) else "label")
        raise SettingError("data", f"{data}: the label column ({column}) has one class only ({classes[0]!r}); a classifier needs two or more")
    if val is not None:
        val_texts, val_labels = read(val, "--val", classes)
    unseen = sorted(set(val_labels) - set(classes))
    if unseen:
        raise SettingError("data", f"{data}: labels {unseen[:5]} occur only in the rows held out for validation; "
                                   "give more rows of each class, or a --val file")
    index = {c: i for i, c in enumerate(classes)}

    set_random_seed(settings.seed + (settings.member or 1) - 1)  # every member's validation split was drawn with seed
    if numeric:
        source = {"data": "the bundled Japanese Vowels training part" if bundled else str(data), "columns": columns,
                  "bundled": "japanese_vowels" if bundled else None}
        config = ClassifierConfig(0, len(classes), settings.cell, settings.bidirectional, settings.layers, settings.units, 1,
                                  settings.dropout, features=texts[0].shape[1], pooling=settings.pooling)
        return _train_on_features(texts, labels, val_texts, val_labels, classes, config, source, settings, say)
    encoder = TextEncoder.train(settings.tokens, texts, max_len=settings.max_len, max_vocab=settings.max_vocab,
                                min_frequency=settings.min_frequency)
    table = read_vectors(settings.vectors) if settings.vectors is not None else None
    embedding = table.dimension if table is not None else settings.embedding
    config = ClassifierConfig(encoder.vocab_size, len(classes), settings.cell, settings.bidirectional, settings.layers, settings.units,
                              embedding, settings.dropout, pooling=settings.pooling, token_dropout=settings.token_dropout)
    model = build_classifier(config)
    vector_note = ""
    if table is not None:
        vector_note = "; " + load_vectors_into(model.get_layer("embedding"), encoder.tokens(), table, trainable=not settings.freeze_vectors)
    _compile(model, settings)

    train_ids = [encoder.encode(t) for t in texts]
    train_targets = [index[label] for label in labels]
    per_class = class_weight_values(train_targets, len(classes), settings.class_weights)
    weights = None if per_class is None else [per_class[t] for t in train_targets]
    train_data = loader(train_ids, train_targets, settings.batch_size, True, weights)
    val_data = loader([encoder.encode(t) for t in val_texts], [index[label] for label in val_labels], settings.batch_size, False)

    counts = np.bincount(train_targets, minlength=len(classes))
    say(f"Training a {'bidirectional ' if config.bidirectional else ''}{config.layers}-layer {config.cell.upper()}({config.units}) on {data}: "
        f"{len(texts):,} training and {len(val_texts):,} validation texts, {len(classes)} classes "
        f"({', '.join(f'{c}: {n}' for c, n in zip(classes, counts))}), {encoder.kind} vocabulary {encoder.vocab_size:,}, "
        f"{model.count_params():,} weights{vector_note}")

    record = lambda: {"task": TASK, "config": config.to_json(), "encoder": encoder.to_json(), "classes": classes,
                      "data": fingerprint(data), "text_col": settings.text_col, "label_col": settings.label_col}
    return _fit(model, train_data, val_data, record, settings, say, {"encoder": encoder, "classes": classes})


def _compile(model: Any, settings: ClassifySettings) -> None:
    model.compile(optimizer=optimizers.Adam(learning_rate=settings.learning_rate, clipnorm=5.0),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])


def _train_on_features(sequences: list, labels: list[str], val_sequences: list, val_labels: list[str], classes: list[str],
                       config: ClassifierConfig, source: dict[str, Any], settings: ClassifySettings,
                       say: Callable[[str], None]) -> TaskRun:
    """The same classifier over feature vectors ``(T, F)`` (``Masking`` instead of ``Embedding``).

    ``source`` (the data's name, the table's ``columns``, the ``bundled`` set) goes into the checkpoint,
    so ``eval`` reads other files the same way and finds the bundled test part by itself.
    """
    index = {c: i for i, c in enumerate(classes)}
    scaler = fit_standardiser(sequences)  # the training sequences only
    features = config.features
    model = build_classifier(config)
    _compile(model, settings)
    targets = [index[label] for label in labels]
    per_class = class_weight_values(targets, len(classes), settings.class_weights)
    weights = None if per_class is None else [per_class[t] for t in targets]
    train_data = feature_loader(standardise(sequences, scaler), targets, settings.batch_size, True, weights)
    val_data = feature_loader(standardise(val_sequences, scaler), [index[label] for label in val_labels], settings.batch_size, False)
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
    return _fit(model, train_data, val_data, record, settings, say, {"encoder": None, "classes": classes})


def _fit(model: Any, train_data: DataLoader, val_data: DataLoader, record: Callable[[], dict], settings: ClassifySettings,
         say: Callable[[str], None], details: dict[str, Any]) -> TaskRun:
    """Fit with the settings :meth:`ClassifySettings.for_data` completed."""
    epochs = settings.epochs
    limit = TimeLimit(settings.minutes)
    schedule = []
    if settings.lr_schedule == "cosine":  # over the epochs or the minutes, whichever end first
        schedule.append(CosineWarmDown(model.optimizer.learning_rate, seconds=limit.seconds, steps=epochs * len(train_data)))
    run = fit_keeping_best(model, train_data, validation_data=val_data, out=settings.out, record=record, monitor="val_accuracy",
                           mode="max", epochs=epochs, limit=limit, say=say, callbacks=schedule, settings=settings,
                           patience=settings.patience)
    run.details.update(details)
    if settings.member is not None:
        run.details["validation"] = validation_scores(run.model, val_data)
    return run
