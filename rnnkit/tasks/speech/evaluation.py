"""Using a trained acoustic model: transcripts of recordings, and character and word error rates on labelled ones."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch

from ...data.padding import LengthBuckets
from ...training.task_files import load_weights_into, read_task_model, resolve_task_checkpoint
from .ctc import Alphabet, decode_batch, frame_labels
from .error_rates import character_error_rate, word_error_rate
from .features import LogMelConfig
from .model import AcousticConfig, AcousticModel
from .utterances import TranscribedFrames, bundled, features_of_file, recorded


def load_acoustic_model(checkpoint: str | os.PathLike) -> tuple[AcousticModel, Alphabet, LogMelConfig, dict[str, Any]]:
    """``(model in eval mode, alphabet, feature config, record)`` from a checkpoint file or run directory."""
    path, weights, record = read_task_model(checkpoint)
    if record.get("task") != "ctc":
        raise ValueError(f"{path}: a checkpoint of task {record.get('task')!r}, not of 'ctc'")
    model = AcousticModel(AcousticConfig.from_json(record["config"]))
    load_weights_into(model, weights, path)
    return model.eval(), Alphabet(record["alphabet"]), LogMelConfig.from_json(record["features"]), record


def decode_features(model: AcousticModel, alphabet: Alphabet, features: list[np.ndarray], beam: int = 1,
                    batch_size: int = 32) -> list[str]:
    """The transcript of each utterance's features ``(T_i, n_mels)``, in order (batched by length)."""
    if beam < 1:
        raise ValueError(f"beam must be at least 1; got {beam}")
    data = TranscribedFrames(features, [[] for _ in features])
    texts = [""] * len(features)
    model.eval()
    with torch.inference_mode():
        for batch in LengthBuckets([len(f) for f in features], batch_size, shuffle=False):
            for i, text in zip(batch, decode_batch(model(data.collate(batch)[0]), alphabet, beam)):
                texts[i] = text
    return texts


def transcribe(checkpoint: str | os.PathLike, files: Sequence[str | os.PathLike], beam: int = 1) -> list[str]:
    """The transcript of each audio file (read as the model's training audio was: mono, its sample rate)."""
    if not files:
        raise ValueError("give one or more audio files to transcribe")
    model, alphabet, config, _ = load_acoustic_model(checkpoint)
    return decode_features(model, alphabet, [features_of_file(f, config) for f in files], beam)


@dataclass
class SpeechReport:
    """Corpus character and word error rates, and the utterances with their reference and decoded transcripts."""

    cer: float
    wer: float
    references: list[str]
    hypotheses: list[str]
    sources: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"cer": self.cer, "wer": self.wer, "utterances": len(self.references)}

    def as_text(self, examples: int = 5) -> str:
        """``cer``, ``wer`` and the count, then the first ``examples`` decoded utterances that hold an error."""
        lines = [f"cer {self.cer:.4f}", f"wer {self.wer:.4f}", f"utterances {len(self.references)}"]
        wrong = [(s, r, h) for s, r, h in zip(self.sources, self.references, self.hypotheses) if r != h][:examples]
        if wrong:
            lines += ["", "some errors (source: reference -> decoded):"]
            lines += [f"  {s}: {r!r} -> {h!r}" for s, r, h in wrong]
        return "\n".join(lines)


def evaluate(checkpoint: str | os.PathLike, data: str | os.PathLike | None = None, beam: int = 1) -> SpeechReport:
    """CER and WER on a transcript TSV (or its folder); a model trained on the bundled digits is scored on their held-out voices by default."""
    model, alphabet, config, record = load_acoustic_model(checkpoint)
    if data is None:
        if not record.get("bundled"):
            raise ValueError("--data is required to evaluate this model: a transcript .tsv (file<TAB>text) or its folder")
        utterances, config = bundled("test")
    else:
        utterances = recorded(data, config)
    hypotheses = decode_features(model, alphabet, utterances.features, beam)
    return SpeechReport(character_error_rate(utterances.texts, hypotheses), word_error_rate(utterances.texts, hypotheses),
                        utterances.texts, hypotheses, utterances.sources)


def eval_text(checkpoint: str | os.PathLike, data: str | None, out: str | None, options: dict[str, Any]) -> str:
    """What ``rnnkit eval`` prints (``cer 0.031`` first, greedy decoding); writes ``eval.json`` to ``out``."""
    report = evaluate(checkpoint, data)
    scored = str(data) if data else "the bundled spoken digits' held-out voices"
    folder = Path(out) if out else resolve_task_checkpoint(checkpoint).parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eval.json").write_text(json.dumps({"data": scored, **report.to_json()}, indent=1))
    return f"{report.as_text()}\n\ndata: {scored}"


def predict_text(checkpoint: str | os.PathLike, inputs: list[str], options: dict[str, Any]) -> str:
    """One ``file<TAB>transcript`` line per audio file (``options["beam"]``: the beam width, default 1: greedy)."""
    return "\n".join(f"{name}\t{text}" for name, text in zip(inputs, transcribe(checkpoint, inputs, options.get("beam") or 1)))


def inspection_input(model: AcousticModel, alphabet: Alphabet, config: LogMelConfig, audio: str | os.PathLike) -> tuple[np.ndarray, list[str]]:
    """``(features (1, T, n_mels), labels)`` of one audio file for ``rnnkit inspect``: a label per model step, its best symbol ('_': blank)."""
    features = features_of_file(audio, config)[None]  # (1, T, n_mels)
    with torch.inference_mode():
        logits = model.eval()(torch.from_numpy(features))[0]  # (T', symbols)
    return features, frame_labels(logits, alphabet)
