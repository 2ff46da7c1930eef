"""Connectionist temporal classification: the alphabet, the loss, and greedy and prefix-beam decoding.

A CTC model emits, at each frame, a distribution over the characters plus a *blank* (id 0). A
frame path maps to a transcript by merging runs of the same id and then dropping the blanks, so
``a a _ a b b`` reads "aab": two equal characters in a row need a blank between them. The loss is
minus the log of the summed probability of every path that reads the target (``torch.nn.CTCLoss``).

Greedy decoding takes the best id of each frame, then merges and drops. Prefix beam search
(Graves 2012; Hannun et al. 2014) keeps the ``beam`` likeliest *transcripts* so far, each with the
probability of its paths ending in a blank and ending in its last character, so the paths that read
the same transcript add up; it finds "a" where the best single path is all blanks but the paths
reading "a" together weigh more.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from .error_rates import character_error_rate

BLANK = 0


class Alphabet:
    """The characters a model writes; id 0 is the CTC blank, character ``i`` of :attr:`chars` is id ``i + 1``."""

    def __init__(self, chars: Sequence[str]):
        self.chars = list(chars)
        self.index = {c: i + 1 for i, c in enumerate(self.chars)}

    @classmethod
    def of(cls, texts: Sequence[str]) -> "Alphabet":
        return cls(sorted({c for text in texts for c in text}))

    def __len__(self) -> int:
        """Ids the model scores: the characters and the blank."""
        return len(self.chars) + 1

    def encode(self, text: str, source: str = "transcript") -> list[int]:
        unknown = sorted({c for c in text if c not in self.index})
        if unknown:
            raise ValueError(f"{source}: characters {unknown} are not in the alphabet {''.join(self.chars)!r}")
        return [self.index[c] for c in text]

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[i - 1] for i in ids)


def collapse(path: Sequence[int]) -> list[int]:
    """A frame path's label ids: runs merged, blanks dropped (``[1, 1, 0, 1, 2, 2]`` -> ``[1, 1, 2]``)."""
    return [int(i) for k, i in enumerate(path) if i != BLANK and (k == 0 or i != path[k - 1])]


def greedy_decode(scores: np.ndarray | torch.Tensor) -> list[int]:
    """The label ids of the best path: each frame's best id ``(T, C)`` -> merged, blanks dropped."""
    return collapse(torch.as_tensor(scores).argmax(dim=-1).tolist())


def prefix_beam_search(log_probs: np.ndarray | torch.Tensor, beam: int = 8) -> list[int]:
    """The label ids of the likeliest transcript found by CTC prefix beam search over ``log_probs`` ``(T, C)``.

    Each kept prefix carries ``(log P(paths ending in blank), log P(paths ending in its last id))``.
    Extending by its own last id continues that id's run (no new label) unless the path ended in a
    blank; any other id appends a label. After each frame the ``beam`` prefixes of highest total
    probability stay. ``beam=1`` is not greedy decoding: it still sums the paths of its one prefix.
    """
    if beam < 1:
        raise ValueError(f"beam must be at least 1; got {beam}")
    scores = torch.as_tensor(log_probs, dtype=torch.float64).tolist()
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, -math.inf)}
    for frame in scores:
        grown: dict[tuple[int, ...], list[float]] = {}  # prefix -> [log P(ending in blank), log P(ending in its last id)]
        for prefix, (blank, label) in beams.items():
            either = np.logaddexp(blank, label)
            _add(grown, prefix, either + frame[BLANK], -math.inf)
            for c in range(1, len(frame)):
                p = frame[c]
                if prefix and c == prefix[-1]:
                    _add(grown, prefix, -math.inf, label + p)  # the run of c goes on: still the same transcript
                    _add(grown, prefix + (c,), -math.inf, blank + p)  # a blank came between: a second c
                else:
                    _add(grown, prefix + (c,), -math.inf, either + p)
        ranked = sorted(grown.items(), key=lambda item: -np.logaddexp(*item[1]))[:beam]
        beams = {prefix: (b, l) for prefix, (b, l) in ranked}
    return list(max(beams.items(), key=lambda item: np.logaddexp(*item[1]))[0])


def _add(grown: dict[tuple[int, ...], list[float]], prefix: tuple[int, ...], blank: float, label: float) -> None:
    """Add paths' log-probabilities (ending in a blank, ending in the last id) to ``prefix``'s in ``grown``."""
    old = grown.setdefault(prefix, [-math.inf, -math.inf])
    old[0], old[1] = np.logaddexp(old[0], blank), np.logaddexp(old[1], label)


def input_lengths(logits: torch.Tensor) -> torch.Tensor:
    """Real frames per utterance ``(B,)`` from the mask the logits ``(B, T, C)`` carry (all frames without one)."""
    mask = getattr(logits, "_keras_mask", None)
    if mask is None:
        return torch.full((logits.shape[0],), logits.shape[1], dtype=torch.long)
    return mask.sum(dim=1).long()


def ctc_loss(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """CTC loss per utterance ``(B,)``, per target character: targets ``(B, L)`` (ids >= 1, padded with 0), logits ``(B, T, C)``.

    An utterance whose frames are too few for its transcript has no path (infinite loss); it
    counts as 0 so one short clip cannot stop training (``zero_infinity``).
    """
    targets = y_true.long()
    target_lengths = (targets != BLANK).sum(dim=1)
    log_probs = torch.log_softmax(y_pred.float(), dim=-1).transpose(0, 1)  # (T, B, C)
    loss = torch.nn.functional.ctc_loss(log_probs, targets, input_lengths(y_pred), target_lengths, blank=BLANK,
                                        reduction="none", zero_infinity=True)
    return loss / target_lengths.clamp(min=1)


def decode_batch(logits: torch.Tensor, alphabet: Alphabet, beam: int = 1) -> list[str]:
    """Transcripts of a batch of logits ``(B, T, C)`` (their mask bounds each one): greedy for ``beam`` 1, else prefix beam search."""
    lengths = input_lengths(logits).tolist()
    log_probs = torch.log_softmax(logits.detach().float(), dim=-1)
    texts = []
    for row, length in enumerate(lengths):
        frames = log_probs[row, :length]
        texts.append(alphabet.decode(greedy_decode(frames) if beam == 1 else prefix_beam_search(frames, beam)))
    return texts


def frame_labels(logits: torch.Tensor, alphabet: Alphabet) -> list[str]:
    """Each frame's best symbol for one utterance ``(T, C)``: its character, or '_' for the blank (labels for plots)."""
    return ["_" if i == BLANK else alphabet.chars[i - 1] for i in torch.as_tensor(logits).argmax(dim=-1).tolist()]


def greedy_cer(alphabet: Alphabet) -> Any:
    """A metric ``fn(y_true (B, L), logits (B, T, C)) -> (B,)``: each utterance's character error rate by greedy decoding."""
    def cer(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        truths = [alphabet.decode([i for i in row if i != BLANK]) for row in y_true.long().tolist()]
        guesses = decode_batch(y_pred, alphabet)
        return torch.tensor([character_error_rate([t], [g]) for t, g in zip(truths, guesses)])

    return cer
