"""Seeded structure-aware mutants of rnnkit's own files, each loaded and used; outcomes counted by type.

Run as a program (the tests run it in a subprocess, so a crash or a blow-up cannot take pytest down)::

    python -m helpers.rnnkit_mutants --count 300 --seed 0 --folder /tmp/mutants

It writes the three files of :func:`helpers.rnnkit_files.make_files`, then ``count`` mutants of
each (a header field deleted or given a value of another type or size, a tensor of another dtype
or shape, NaN in a weight, a tensor dropped or renamed, a JSON nesting bomb, bytes flipped, the
file cut short), loads each with its loader and, when it loads, uses it (a sampled token, a
prediction, a training step). It prints one JSON object: ``{"outcomes": {kind: {outcome: n}},
"unexpected": [first few reports]}``; an outcome is ``loaded``, ``FileFormatError``,
``FileLimitError``, or the name of any other exception (with ``use:`` when the loaded file failed
in use). ``RNNKIT_MAX_BYTES`` is set to 256 MiB and every case has 10 s, so a blow-up or a hang
shows as ``FileLimitError`` or ``hang`` instead of taking the machine.
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import os
import random
import signal
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

os.environ["RNNKIT_MAX_BYTES"] = str(256 << 20)

import rnnkit as keras  # noqa: E402
from rnnkit.errors import FileFormatError, FileLimitError  # noqa: E402
from rnnkit.tasks import classification, language_model  # noqa: E402
from rnnkit.tasks.language_model import LanguageModel, ModelConfig  # noqa: E402
from rnnkit.training import load_checkpoint  # noqa: E402

from .rnnkit_files import make_files, read, write  # noqa: E402

ODD_VALUES: list[Any] = [None, True, False, 0, -1, 1, 7, 2**31, 2**63, 10**9, -(10**9), 0.5, float("nan"), float("inf"), 1e308,
                         "", "x", "lstm", [], [1], ["a", 2], {}, {"a": 1}]
DTYPES = [torch.float16, torch.float64, torch.bfloat16, torch.int64, torch.int32, torch.uint8, torch.bool]


class Hang(Exception):
    pass


def _nodes(value: Any, trail: tuple = ()) -> list[tuple]:
    """Every path into a JSON value (a tuple of keys and indices)."""
    found = [trail]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*trail, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:50]):
            found += _nodes(item, (*trail, index))
    return found


def _set(root: Any, trail: tuple, value: Any, delete: bool = False) -> Any:
    if not trail:
        return value
    parent = root
    for step in trail[:-1]:
        parent = parent[step]
    if delete:
        del parent[trail[-1]]
    else:
        parent[trail[-1]] = value
    return root


def mutate_header(header: dict, rng: random.Random) -> Any:
    header = copy.deepcopy(header)
    trail = rng.choice(_nodes(header))
    current = header
    for step in trail:
        current = current[step]
    choice = rng.random()
    if trail and choice < 0.2:
        return _set(header, trail, None, delete=True)
    if isinstance(current, (int, float)) and not isinstance(current, bool) and choice < 0.6:
        return _set(header, trail, rng.choice([current * 1000, current + 1, -current, current * 10**6, 20000, 10**9]))
    return _set(header, trail, rng.choice(ODD_VALUES))


def mutate_tensors(tensors: dict[str, torch.Tensor], rng: random.Random) -> dict[str, torch.Tensor]:
    tensors = dict(tensors)
    name = rng.choice(sorted(tensors))
    value = tensors[name]
    choice = rng.randrange(7)
    if choice == 0:
        dtype = rng.choice(DTYPES)
        tensors[name] = (value * 1e30).to(dtype) if dtype == torch.float16 and rng.random() < 0.3 else value.to(dtype)
    elif choice == 1 and value.numel() > 1:
        tensors[name] = value.flatten()[:-1].clone()
    elif choice == 2:
        tensors[name] = value.unsqueeze(0).clone()
    elif choice == 3 and value.is_floating_point() and value.numel():
        bad = value.clone()
        bad.view(-1)[rng.randrange(bad.numel())] = rng.choice([float("nan"), float("inf")])
        tensors[name] = bad
    elif choice == 4:
        del tensors[name]
    elif choice == 5:
        tensors[name + "x"] = tensors.pop(name)
    else:
        tensors[name] = torch.zeros(rng.choice([(3,), (2, 2), (0,), (1000, 3)]), dtype=value.dtype)
    return tensors


def mutant(path: Path, target: Path, rng: random.Random) -> None:
    header, tensors = read(path)
    choice = rng.random()
    if choice < 0.45:
        write(target, mutate_header(header, rng), tensors)
    elif choice < 0.75:
        write(target, header, mutate_tensors(tensors, rng))
    elif choice < 0.8:
        text = json.dumps(header)
        write(target, text[:-1] + ', "bomb": ' + "[" * 100_000 + "]" * 100_000 + "}", tensors)
    else:
        raw = bytearray(path.read_bytes())
        if rng.random() < 0.3:
            raw = raw[: rng.randrange(len(raw))]
        else:
            for _ in range(rng.randint(1, 8)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        target.write_bytes(bytes(raw))


def load_lm(path: Path) -> Any:
    """The two readers of a language-model checkpoint: for sampling, and for resuming (into a compiled model)."""
    model, tokenizer = language_model.load(path)
    resumed = LanguageModel(model.config)
    resumed.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    load_checkpoint(path, resumed)
    return model, tokenizer, resumed


def use_lm(loaded: Any) -> None:
    model, tokenizer, resumed = loaded
    language_model.sample_text(model, tokenizer, "", 3, seed=0)
    ids = torch.tensor([[0, 1, 2, 3]])
    resumed.fit(ids[:, :-1], ids[:, 1:], epochs=1, verbose=0)


def load_task(path: Path) -> Any:
    return classification.evaluation.load_classifier(path)


def use_task(loaded: Any) -> None:
    model, encoder, _ = loaded
    if encoder is not None:  # a record whose encoder became null is a (valid) classifier of numeric sequences
        classification.evaluation.probabilities(model, encoder, ["ab", "ba b"])


def use_model(model: Any) -> None:
    x = np.zeros((2, 4, 2), "float32")
    y = model.predict(x, verbose=0)
    if model.compilation is not None:
        model.fit(x, np.zeros_like(y), epochs=1, verbose=0, shuffle=False)


LOADERS = {"lm": (load_lm, use_lm), "task": (load_task, use_task), "model": (keras.saving.load_model, use_model)}


def outcome(kind: str, path: Path) -> tuple[str, str | None]:
    """``(outcome, report)``; the report says what went wrong when the outcome is a finding.

    Loading may only succeed or raise a FileFormatError naming the file. A file that loaded is
    then used; there a ValueError is the model's own API refusing an odd but valid config (a
    stateful model given 2 samples), any other exception a finding (``use:`` outcomes).
    """
    load, use = LOADERS[kind]
    signal.alarm(10)
    phase = "load"
    try:
        loaded = load(path)
        phase = "use"
        use(loaded)
        return "loaded", None
    except FileFormatError as error:
        name = type(error).__name__ if isinstance(error, FileLimitError) else "FileFormatError"
        return name, None if str(error).startswith(str(path)) and phase == "load" else f"{phase}: {error}"
    except Hang:
        return "hang", f"{path}: over 10 s ({phase})"
    except Exception as error:  # the point of the loop: every other exception is a finding
        name = type(error).__name__ if phase == "load" else f"use:{type(error).__name__}"
        finding = phase == "load" or not isinstance(error, ValueError)
        return name, f"{path}: {name}: {str(error)[:300]}" if finding else None
    finally:
        signal.alarm(0)


def run(count: int, seed: int, folder: Path) -> dict[str, Any]:
    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang()

    signal.signal(signal.SIGALRM, on_alarm)
    folder.mkdir(parents=True, exist_ok=True)
    files = make_files(folder)
    outcomes: dict[str, collections.Counter] = {kind: collections.Counter() for kind in files}
    unexpected: list[str] = []
    rng = random.Random(seed)
    for index in range(count):
        for kind, path in files.items():
            target = folder / f"mutant_{kind}_{index}{path.suffix}"
            mutant(path, target, rng)
            name, report = outcome(kind, target)
            outcomes[kind][name] += 1
            if report is not None:
                unexpected.append(report)
            else:
                target.unlink()
    return {"outcomes": {kind: dict(counts) for kind, counts in outcomes.items()}, "unexpected": unexpected[:20],
            "unexpected_count": len(unexpected)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100, help="mutants of each file kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # a mutated compile config leaves the model uncompiled, with a warning
    print(json.dumps(run(args.count, args.seed, args.folder)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
