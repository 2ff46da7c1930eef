"""Make the bundled spoken-digit features (``rnnkit/tasks/speech/data/spoken_digits.npz``); run by hand, never by CI.

No spoken-digit corpus ships on PyPI, so this speaks random digit strings with espeak-ng (apt:
``espeak-ng``), adds silence and noise, and stores their log-mel features. Every random choice
comes from one seeded generator, so the same espeak-ng version gives the same file::

    PYTHONPATH=. python scripts/make_spoken_digits.py            # about a minute

Each utterance is 3-7 digits, 0 spoken as "zero" or (one time in five) "oh", by one voice (an
espeak-ng accent with a speaker variant), at 120-220 words a minute, pitch 20-80, word gaps of
0-60 ms, gain 0.2-1.0, 50-200 ms of silence before and after, and white noise at 10-40 dB SNR
(one utterance in six is left clean: digital silence around the speech, as a clean recording has). The
test part's voices share neither accent nor variant with the training part's (see TEST_ACCENTS).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from rnnkit.tasks.speech.audio import read_audio
from rnnkit.tasks.speech.features import LogMelConfig, log_mel

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TRAIN_ACCENTS = ["en-gb", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbcwmd"]
TRAIN_VARIANTS = ["m1", "m2", "m3", "m5", "f1", "f2", "f4"]
TEST_ACCENTS = ["en-029", "en-us-nyc", "en-gb-x-gbclan"]
TEST_VARIANTS = ["m4", "m6", "f3", "f5"]
# 15 ms hops and 24 bands (as the ETSI front end has 23) keep the file small; the model stacks 2 frames (30 ms), as it stacks 3 of the default 10 ms
CONFIG = LogMelConfig(hop=240, n_mels=24)
STEP = 1 / 4  # log-mel values are stored rounded to this (about 1 dB), far below the added noise, and deflate packs them tighter
OUT = Path(__file__).resolve().parents[1] / "rnnkit" / "tasks" / "speech" / "data" / "spoken_digits.npz"


def digit_text(rng: np.random.Generator) -> str:
    digits = rng.integers(0, 10, size=rng.integers(3, 8))
    return " ".join("oh" if d == 0 and rng.random() < 0.2 else WORDS[d] for d in digits)


def speak(text: str, voice: str, rng: np.random.Generator, folder: Path) -> np.ndarray:
    """The samples of ``text`` spoken by ``voice`` with random rate, pitch, gaps, level, silence and noise, at 16 kHz."""
    wav = folder / "utterance.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rng.integers(120, 221)), "-p", str(rng.integers(20, 81)),
                    "-g", str(rng.integers(0, 7)), "-w", str(wav), text], check=True, capture_output=True)
    speech = read_audio(wav, CONFIG.sample_rate)
    speech = speech / max(1e-9, np.abs(speech).max()) * rng.uniform(0.2, 1.0)
    before, after = (np.zeros(int(rng.uniform(0.05, 0.2) * CONFIG.sample_rate)) for _ in range(2))
    signal = np.concatenate([before, speech, after])
    if rng.random() < 1 / 6:
        return signal
    snr_db = rng.uniform(10, 40)
    noise_power = np.mean(speech ** 2) / 10 ** (snr_db / 10)
    return signal + rng.normal(0.0, np.sqrt(noise_power), len(signal))


def make(voices: list[str], count: int, rng: np.random.Generator, folder: Path) -> dict[str, list]:
    part: dict[str, list] = {"features": [], "texts": [], "voices": []}
    for k in range(count):
        voice = voices[k % len(voices)]
        text = digit_text(rng)
        part["features"].append(np.round(log_mel(speak(text, voice, rng, folder), CONFIG) / STEP) * STEP)
        part["texts"].append(text)
        part["voices"].append(voice)
    return part


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=int, default=1200, help="training utterances")
    parser.add_argument("--test", type=int, default=320, help="test utterances (held-out voices)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    voices = {"train": [f"{a}+{v}" for a in TRAIN_ACCENTS for v in TRAIN_VARIANTS],
              "test": [f"{a}+{v}" for a in TEST_ACCENTS for v in TEST_VARIANTS]}
    arrays = {}
    with tempfile.TemporaryDirectory() as folder:
        for split, count in (("train", args.train), ("test", args.test)):
            part = make(voices[split], count, rng, Path(folder))
            arrays[f"{split}_features"] = np.concatenate(part["features"]).astype(np.float16)  # (frames, n_mels)
            arrays[f"{split}_lengths"] = np.array([len(f) for f in part["features"]], dtype=np.int32)
            arrays[f"{split}_texts"] = np.array(part["texts"])
            arrays[f"{split}_voices"] = np.array(part["voices"])
    arrays["config"] = np.array(json.dumps(CONFIG.to_json()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    frames = sum(len(arrays[f"{s}_features"]) for s in ("train", "test"))
    print(f"wrote {args.out}: {args.train} + {args.test} utterances, {frames * CONFIG.hop / CONFIG.sample_rate / 60:.1f} minutes, "
          f"{args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
