"""The two synthetic long-dependency problems of the long-memory experiment.

Adding problem (Hochreiter & Schmidhuber, 1997, in the form of Le et al., 2015)::

    x  (N, T, 2)   channel 0: numbers drawn uniformly from [0, 1]; channel 1: two markers,
                   one in the first half of the sequence and one in the second
    y  (N, 1)      the sum of the two marked numbers

Always answering 1 scores MSE 1/6 = 0.167 (the variance of the sum): a model that cannot carry
the first marked number across T/2 or more steps stays near that.

Copy problem (a short form of the memory task in Hochreiter & Schmidhuber, 1997)::

    x  (N, K + T + K, A + 2)   one-hot: K random symbols from an alphabet of A, T - 1 blanks,
                               a "go" marker, then K more blanks while the answer is written
    y  (N, K)                  the K symbols, to be output at the last K steps

Guessing scores a symbol error rate of 1 - 1/A.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

ADDING_BASELINE = 1.0 / 6.0
COPY_SYMBOLS = 5  # K
COPY_ALPHABET = 4  # A


def adding_batch(count: int, steps: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` adding-problem sequences of ``steps`` steps: x (N, T, 2), y (N, 1)."""
    if steps < 2:
        raise ValueError(f"the adding problem needs at least 2 steps; got {steps}")
    values = torch.rand(count, steps, generator=generator)
    half = steps // 2
    first = torch.randint(0, half, (count,), generator=generator)
    second = torch.randint(half, steps, (count,), generator=generator)
    markers = torch.zeros(count, steps)
    rows = torch.arange(count)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=-1)  # (N, T, 2)
    return x, (values * markers).sum(dim=1, keepdim=True)


def copy_batch(count: int, steps: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` copy-problem sequences with a gap of ``steps``: x (N, K+T+K, A+2), y (N, K) ids."""
    if steps < 1:
        raise ValueError(f"the copy problem needs a gap of at least 1 step; got {steps}")
    k, alphabet = COPY_SYMBOLS, COPY_ALPHABET
    blank, go = alphabet, alphabet + 1
    symbols = torch.randint(0, alphabet, (count, k), generator=generator)
    ids = torch.full((count, k + steps + k), blank, dtype=torch.long)
    ids[:, :k] = symbols
    ids[:, k + steps - 1] = go
    return torch.nn.functional.one_hot(ids, alphabet + 2).float(), symbols


@dataclass(frozen=True)
class Problem:
    """What the experiment needs to know about a problem to train and score a model on it."""

    name: str
    features: int  # input features per step
    outputs: int  # Dense units on top of the recurrent layer
    sequence_output: bool  # whether the recurrent layer returns every step
    baseline: float  # the error of the best input-blind answer
    solved_below: float  # training stops once the test error is below this
    error_name: str

    def sequence_steps(self, length: int) -> int:
        """Time steps of an input of this length (copy adds the symbols and the answer slots)."""
        return length if self.name == "adding" else length + 2 * COPY_SYMBOLS

    def batch(self, count: int, steps: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        return adding_batch(count, steps, generator) if self.name == "adding" else copy_batch(count, steps, generator)

    def loss(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if self.name == "adding":
            return torch.nn.functional.mse_loss(prediction, target)
        logits = prediction[:, -COPY_SYMBOLS:]  # (N, K, A)
        return torch.nn.functional.cross_entropy(logits.reshape(-1, COPY_ALPHABET), target.reshape(-1))

    def error(self, prediction: torch.Tensor, target: torch.Tensor) -> float:
        """Test MSE for adding; the share of wrongly copied symbols for copy."""
        if self.name == "adding":
            return float(torch.nn.functional.mse_loss(prediction, target))
        return float((prediction[:, -COPY_SYMBOLS:].argmax(-1) != target).float().mean())


PROBLEMS = {
    "adding": Problem("adding", 2, 1, False, ADDING_BASELINE, 0.002, "test MSE"),
    "copy": Problem("copy", COPY_ALPHABET + 2, COPY_ALPHABET, True, 1 - 1 / COPY_ALPHABET, 0.001, "symbol error rate"),
}
