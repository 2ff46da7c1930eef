"""Log-mel features of mono audio: frames -> Hann window -> power spectrum -> HTK mel filterbank -> log.

::

    samples (N,) -> frames (T, frame_length), T = 1 + (N - frame_length) // hop   (no centring; a short
                    clip is padded with zeros to one frame)
                 -> * periodic Hann window, zero-padded to n_fft -> |rfft|^2   (T, n_fft // 2 + 1)
                 -> @ mel filterbank^T (T, n_mels) -> log(. + floor)

The filterbank is the HTK one: mel(f) = 2595 log10(1 + f / 700), triangles with peak 1 whose
corners sit at ``n_mels + 2`` points evenly spaced in mel between ``f_min`` and ``f_max``, evaluated
at each FFT bin's frequency (no area normalisation, as HTK and ``librosa.filters.mel(htk=True,
norm=None)``). The defaults are the usual 25 ms windows every 10 ms at 16 kHz with 40 bands.
:func:`normalise` then scales each band of an utterance to mean 0 and variance 1 (per-utterance
CMVN), which removes the level and much of the channel and voice colour, so a model needs no
scaler fitted to its training set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..settings import check_value


@dataclass(frozen=True)
class LogMelConfig:
    """How audio becomes features; checkpoints carry it, so ``transcribe`` computes the features the model learnt from."""

    sample_rate: int = 16000
    frame_length: int = 400  # samples per window (25 ms at 16 kHz)
    hop: int = 160  # samples between windows (10 ms)
    n_fft: int = 512
    n_mels: int = 40
    f_min: float = 20.0
    f_max: float | None = None  # None: half the sample rate
    floor: float = 1e-6  # added to the mel energies before the log: silence stays finite

    def __post_init__(self) -> None:
        for name in ("sample_rate", "frame_length", "hop", "n_fft", "n_mels"):
            check_value(name, getattr(self, name), {"positive": True})
        if self.frame_length > self.n_fft:
            raise ValueError(f"frame_length ({self.frame_length}) must be at most n_fft ({self.n_fft})")
        if not 0 <= self.f_min < self.top < self.sample_rate / 2 + 1e-9:
            raise ValueError(f"need 0 <= f_min < f_max <= sample_rate / 2; got f_min {self.f_min}, f_max {self.top}")

    @property
    def top(self) -> float:
        return self.sample_rate / 2 if self.f_max is None else self.f_max

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> "LogMelConfig":
        return cls(**state)


def hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(config: LogMelConfig) -> np.ndarray:
    """The HTK triangles ``(n_mels, n_fft // 2 + 1)`` (float64): row m rises from corner m to m+1 and falls to m+2."""
    corners = mel_to_hz(np.linspace(hz_to_mel(config.f_min), hz_to_mel(config.top), config.n_mels + 2))  # (n_mels + 2,)
    bins = np.arange(config.n_fft // 2 + 1) * config.sample_rate / config.n_fft  # (F,) each bin's frequency in Hz
    low, centre, high = corners[:-2, None], corners[1:-1, None], corners[2:, None]  # (n_mels, 1) each
    rising = (bins - low) / (centre - low)
    falling = (high - bins) / (high - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


def frames_of(samples: np.ndarray, config: LogMelConfig) -> np.ndarray:
    """Overlapping windows ``(T, frame_length)`` of ``samples`` ``(N,)``; a clip shorter than a window is zero-padded to one."""
    if len(samples) < config.frame_length:
        samples = np.pad(samples, (0, config.frame_length - len(samples)))
    count = 1 + (len(samples) - config.frame_length) // config.hop
    starts = np.arange(count)[:, None] * config.hop  # (T, 1)
    return samples[starts + np.arange(config.frame_length)]


def log_mel(samples: np.ndarray, config: LogMelConfig = LogMelConfig()) -> np.ndarray:
    """Log-mel energies ``(T, n_mels)`` float32 of mono ``samples`` ``(N,)`` at ``config.sample_rate``."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 1:
        raise ValueError(f"log_mel takes mono samples shaped (N,); got shape {samples.shape}")
    n = np.arange(config.frame_length)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / config.frame_length)  # periodic Hann
    spectrum = np.fft.rfft(frames_of(samples, config) * window, n=config.n_fft)  # (T, n_fft // 2 + 1)
    power = spectrum.real ** 2 + spectrum.imag ** 2
    return np.log(power @ mel_filterbank(config).T + config.floor).astype(np.float32)  # (T, n_mels)


def normalise(features: np.ndarray) -> np.ndarray:
    """Each band of one utterance ``(T, n_mels)`` to mean 0 and variance 1 over its frames (a flat band: mean 0 only)."""
    features = np.asarray(features, dtype=np.float32)
    std = features.std(axis=0)
    return (features - features.mean(axis=0)) / np.where(std > 1e-5, std, 1.0)
