"""``train``: read tagged sentences, fit the word features and a bidirectional tagger, keep the best epoch.

While training, each known word is replaced by ``<unk>`` with probability ``word_dropout`` so the
network learns to tag from suffix, shape and context when it meets a new word.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch
from torch.utils.data import DataLoader, Dataset

from ... import optimizers
from ...data.padding import LengthBuckets
from ...data.tagged_text import is_iob, read_tagged
from ...data.vectors import load_vectors_into, read_vectors
from ...training import losses, set_random_seed
from ...training.task_files import MODEL_FILE, SaveBest, TimeLimit, load_weights_into, read_task_model
from .features import WordFeatures
from .model import Tagger, TaggerConfig

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


@dataclass
class TagResult:
    out: Path
    history: list[dict[str, Any]]
    best_epoch: int
    val_accuracy: float
    model: Any = field(repr=False)
    features: WordFeatures = field(repr=False)
    tags: list[str] = field(repr=False)

    @property
    def checkpoint(self) -> Path:
        return self.out / MODEL_FILE


def train(
    data: str,
    val: str | None = None,
    out: str = "runs/tag",
    fmt: str = "auto",
    column: str = "upos",
    cell: str = "lstm",
    bidirectional: bool = True,
    layers: int = 1,
    units: int = 128,
    embedding: int = 100,
    dropout: float = 0.3,
    word_dropout: float = 0.05,
    min_frequency: int = 1,
    max_vocab: int | None = 50000,
    batch_size: int = 32,
    epochs: int = 5,
    minutes: float | None = None,
    learning_rate: float = 2e-3,
    vectors: str | None = None,
    freeze_vectors: bool = False,
    char_units: int = 0,
    val_fraction: float = 0.1,
    seed: int = 0,
    say: Callable[[str], None] = print,
) -> TagResult:
    """Train a tagger on ``data`` (CoNLL-U, word/TAG or two-column text) and write ``out/model.safetensors``."""
    for name, value in (("epochs", epochs), ("batch-size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"--{name} must be a positive integer; got {value!r}")
    sentences = read_tagged(data, fmt, column, "--data")
    if val is None:
        if len(sentences) < 2:
            raise ValueError(f"--data {data}: need at least 2 sentences to hold some out for validation (or give --val)")
        order = list(range(len(sentences)))
        random.Random(seed).shuffle(order)
        cut = max(1, round(len(sentences) * val_fraction))
        held = [sentences[i] for i in order[:cut]]
        sentences = [sentences[i] for i in order[cut:]]
    else:
        held = read_tagged(val, fmt, column, "--val")
    tags = sorted({t for _, ts in sentences for t in ts} | {t for _, ts in held for t in ts})  # tags only --val has can still be scored
    if len(tags) < 2:
        raise ValueError(f"--data {data}: every word has the same tag ({tags[0]!r}); a tagger needs two or more")
    tag_index = {t: i for i, t in enumerate(tags)}

    set_random_seed(seed)
    if not isinstance(char_units, int) or char_units < 0:
        raise ValueError(f"--char-units must be 0 (off) or a positive integer; got {char_units!r}")
    features = WordFeatures.train([w for w, _ in sentences], min_frequency, max_vocab, char_len=16 if char_units else 0)
    table = read_vectors(vectors) if vectors is not None else None
    config = TaggerConfig(features.sizes, len(tags), cell, bidirectional, layers, units, table.dimension if table else embedding, dropout,
                          len(features.chars), features.char_len, char_units)
    model = Tagger(config)
    vector_note = "" if table is None else "; " + load_vectors_into(model.word_embedding, features.words, table, trainable=not freeze_vectors)
    model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate, clipnorm=5.0),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    encode = lambda group: ([features.encode(w) for w, _ in group], [[tag_index[t] for t in ts] for _, ts in group])
    train_data = sentence_loader(*encode(sentences), batch_size, True, word_dropout)
    val_data = sentence_loader(*encode(held), batch_size, False)
    tokens = sum(len(w) for w, _ in sentences)
    say(f"Training a {'bidirectional ' if bidirectional else ''}{layers}-layer {cell.upper()}({units}) tagger on {data}: "
        f"{len(sentences):,} sentences ({tokens:,} words) and {len(held):,} validation sentences, {len(tags)} tags, "
        f"vocabulary {len(features.words):,} words, {sum(p.numel() for p in model.parameters()):,} weights{vector_note}")

    out_dir = Path(out)
    record = lambda: {"task": TASK, "config": config.to_json(), "features": features.to_json(), "tags": tags,
                      "column": column, "format": fmt, "iob": is_iob(tags), "data": str(data)}
    saver = SaveBest(out_dir / MODEL_FILE, record, monitor="val_accuracy", mode="max", say=say)
    model.fit(train_data, epochs=epochs, validation_data=val_data, verbose=0, callbacks=[TimeLimit(minutes), saver])
    if not saver.best_epoch:
        raise ValueError("no epoch finished with a finite validation accuracy; nothing was saved (try a smaller --lr)")
    path, weights, _ = read_task_model(out_dir / MODEL_FILE)
    load_weights_into(model, weights, path)
    return TagResult(out_dir, saver.history, saver.best_epoch, saver.best, model.eval(), features, tags)
