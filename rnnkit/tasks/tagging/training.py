"""``train``: read tagged sentences, fit the word features and a bidirectional tagger, keep the best epoch.

While training, each known word is replaced by ``<unk>`` with probability ``word_dropout`` so the
network learns to tag from suffix, shape and context when it meets a new word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import torch
from torch.utils.data import DataLoader, Dataset

from ... import optimizers
from ...data.padding import LengthBuckets
from ...data.tagged_text import is_iob, read_tagged
from ...data.vectors import load_vectors_into, read_vectors
from ...training import losses, set_random_seed
from ...training.task_files import TimeLimit
from ..fingerprints import fingerprint
from ..resume import RESUME_FILE, continued
from ..runs import TaskRun, fit_keeping_best, hold_out
from ..settings import SettingError, settings_of
from .crf import CRFLoss, viterbi_accuracy
from .features import WordFeatures
from .model import Tagger, TaggerConfig
from .settings import TagSettings

TASK = "tag"


class TaggedSentences(Dataset):
    """Sentences as ``(features (T, 3), tag ids (T,))``; :meth:`collate` pads a batch with zeros.

    A batch also carries per-word weights ``(B, T)``: 1 for words, 0 for padding. The logits' mask
    already keeps padding out of the loss; the weights keep it out of ``fit``'s accuracy too, which
    sees a detached copy of the logits without the mask.
    """

    def __init__(self, features: list[list[list[int]]], tags: list[list[int]], word_dropout: float = 0.0):
        self.features, self.tags, self.word_dropout = features, tags, word_dropout

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> int:
        return index

    def collate(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        longest = max(len(self.features[i]) for i in indices)
        width = len(self.features[indices[0]][0])  # 3 ids per word, plus its characters' with char features
        x = torch.zeros(len(indices), longest, width, dtype=torch.long)  # (B, T, width)
        y = torch.zeros(len(indices), longest, dtype=torch.long)  # (B, T)
        for row, i in enumerate(indices):
            x[row, : len(self.features[i])] = torch.tensor(self.features[i])
            y[row, : len(self.tags[i])] = torch.tensor(self.tags[i])
        words = (x[..., 0] != 0).float()  # (B, T)
        if self.word_dropout:
            drop = (torch.rand(x.shape[:2]) < self.word_dropout) & (x[..., 0] > 1)
            x[..., 0][drop] = 1
        return x, y, words


def sentence_loader(features: list, tags: list, batch_size: int, shuffle: bool, word_dropout: float = 0.0) -> DataLoader:
    data = TaggedSentences(features, tags, word_dropout)
    return DataLoader(data, batch_sampler=LengthBuckets([len(f) for f in features], batch_size, shuffle), collate_fn=data.collate)


def train(*args: Any, say: Callable[[str], None] = print, **fields: Any) -> TaskRun:
    """Train a tagger and write ``out/model.safetensors``: ``train(TagSettings(...))`` or ``train(data, out=..., ...)``.

    ``data`` is CoNLL-U, word/TAG lines or two-column text. The run's ``details`` hold the word
    ``features`` and the ``tags``.
    """
    settings = settings_of(TagSettings, args, fields)
    if settings.resume:
        settings = continued(TagSettings, settings, Path(settings.out) / RESUME_FILE)
    data, fmt, column = settings.data, settings.fmt, settings.column
    sentences = read_tagged(data, fmt, column, "--data")
    if settings.val is None:
        sentences, held = hold_out(sentences, settings.val_fraction, settings.seed, f"sentences in --data {data}")
    else:
        held = read_tagged(settings.val, fmt, column, "--val")
    tags = sorted({t for _, ts in sentences for t in ts} | {t for _, ts in held for t in ts})  # tags only --val has can still be scored
    if len(tags) < 2:
        raise SettingError("data", f"{data}: every word has the same tag ({tags[0]!r}); a tagger needs two or more")
    tag_index = {t: i for i, t in enumerate(tags)}

    set_random_seed(settings.seed)
    char_units = settings.char_units
    features = WordFeatures.train([w for w, _ in sentences], settings.min_frequency, settings.max_vocab, char_len=16 if char_units else 0)
    table = read_vectors(settings.vectors) if settings.vectors is not None else None
    config = TaggerConfig(features.sizes, len(tags), settings.cell, settings.bidirectional, settings.layers, settings.units,
                          table.dimension if table else settings.embedding, settings.dropout, len(features.chars), features.char_len,
                          char_units, settings.crf)
    model = Tagger(config)
    vector_note = "" if table is None else "; " + load_vectors_into(model.word_embedding, features.words, table,
                                                                    trainable=not settings.freeze_vectors)
    loss, accuracy = ((CRFLoss(model.crf), viterbi_accuracy(model.crf)) if model.crf is not None else
                      (losses.SparseCategoricalCrossentropy(from_logits=True), "accuracy"))
    model.compile(optimizer=optimizers.Adam(learning_rate=settings.learning_rate, clipnorm=5.0), loss=loss, metrics=[accuracy])
    encode = lambda group: ([features.encode(w) for w, _ in group], [[tag_index[t] for t in ts] for _, ts in group])
    train_data = sentence_loader(*encode(sentences), settings.batch_size, True, settings.word_dropout)
    val_data = sentence_loader(*encode(held), settings.batch_size, False)
    tokens = sum(len(w) for w, _ in sentences)
    say(f"Training a {'bidirectional ' if config.bidirectional else ''}{config.layers}-layer {config.cell.upper()}({config.units}) "
        f"tagger{' with a CRF' if config.crf else ''} on {data}: {len(sentences):,} sentences ({tokens:,} words) and {len(held):,} validation sentences, {len(tags)} tags, "
        f"vocabulary {len(features.words):,} words, {sum(p.numel() for p in model.parameters()):,} weights{vector_note}")

    record = lambda: {"task": TASK, "config": config.to_json(), "features": features.to_json(), "tags": tags,
                      "column": column, "format": fmt, "iob": is_iob(tags), "data": fingerprint(data)}
    run = fit_keeping_best(model, train_data, validation_data=val_data, out=settings.out, record=record, monitor="val_accuracy",
                           mode="max", epochs=settings.epochs, limit=TimeLimit(settings.minutes), say=say, settings=settings,
                           patience=settings.patience)
    run.details.update(features=features, tags=tags)
    return run
