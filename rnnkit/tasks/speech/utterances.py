"""Utterances to train and score on: (normalised log-mel features, transcript) pairs, and their batches.

Two sources give the same :class:`Utterances`: a user's recordings with a transcript TSV
(:func:`recorded`), whose audio becomes features here, and the bundled spoken digits
(:func:`bundled`), whose features were computed once by ``scripts/make_spoken_digits.py`` (see
``data/README.md``): its ``train`` part is spoken by other voices than its ``test`` part.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from ...data.padding import LengthBuckets
from .audio import read_audio, read_transcripts
from .ctc import Alphabet
from .features import LogMelConfig, log_mel, normalise

SPOKEN_DIGITS = Path(__file__).parent / "data" / "spoken_digits.npz"
PARTS = ("train", "test")


@dataclass
class Utterances:
    """Features ``(T_i, n_mels)`` (normalised per utterance), transcripts, and where each came from (file or voice)."""

    features: list[np.ndarray]
    texts: list[str]
    sources: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, rows: list[int]) -> "Utterances":
        return Utterances([self.features[i] for i in rows], [self.texts[i] for i in rows], [self.sources[i] for i in rows])


def features_of_file(path: str | os.PathLike, config: LogMelConfig) -> np.ndarray:
    """The normalised log-mel features ``(T, n_mels)`` a model reads for one recording."""
    return normalise(log_mel(read_audio(path, config.sample_rate), config))


def recorded(data: str | os.PathLike, config: LogMelConfig, argument: str = "--data") -> Utterances:
    """The recordings a transcript TSV (or the folder holding it) lists, as features at ``config``."""
    recordings = read_transcripts(data, argument)
    return Utterances([features_of_file(r.path, config) for r in recordings], [r.text for r in recordings],
                      [str(r.path) for r in recordings])


def bundled(part: str) -> tuple[Utterances, LogMelConfig]:
    """The bundled spoken digits' ``train`` or ``test`` part, and the feature config they were computed with."""
    if part not in PARTS:
        raise ValueError(f"the bundled spoken digits have parts {PARTS}; not {part!r}")
    with np.load(SPOKEN_DIGITS, allow_pickle=False) as archive:
        config = LogMelConfig.from_json(json.loads(str(archive["config"])))
        steps = np.cumsum(archive[f"{part}_lengths"])[:-1]
        features = np.split(archive[f"{part}_features"].astype(np.float32), steps)
        texts, voices = archive[f"{part}_texts"].tolist(), archive[f"{part}_voices"].tolist()
    return Utterances([normalise(f) for f in features], texts, voices), config


class TranscribedFrames(Dataset):
    """Samples ``(features (T, F), target ids (L,))``; :meth:`collate` pads frames and targets with zeros."""

    def __init__(self, features: list[np.ndarray], targets: list[list[int]]):
        self.features, self.targets = features, targets

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> int:
        return index

    def collate(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        frames = max(len(self.features[i]) for i in indices)
        labels = max(len(self.targets[i]) for i in indices)
        x = torch.zeros(len(indices), frames, self.features[indices[0]].shape[1])  # (B, T, F)
        y = torch.zeros(len(indices), max(1, labels), dtype=torch.long)  # (B, L)
        for row, i in enumerate(indices):
            x[row, : len(self.features[i])] = torch.from_numpy(self.features[i])
            y[row, : len(self.targets[i])] = torch.tensor(self.targets[i], dtype=torch.long)
        return x, y


def utterance_loader(utterances: Utterances, alphabet: Alphabet, batch_size: int, shuffle: bool) -> DataLoader:
    """Batches of similar length; targets are the transcripts' ids (a character outside ``alphabet`` is an error)."""
    targets = [alphabet.encode(text, source) for text, source in zip(utterances.texts, utterances.sources)]
    data = TranscribedFrames(utterances.features, targets)
    return DataLoader(data, batch_sampler=LengthBuckets([len(f) for f in utterances.features], batch_size, shuffle),
                      collate_fn=data.collate)
