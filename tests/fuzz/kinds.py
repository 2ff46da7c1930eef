"""Every kind of file the harness fuzzes: its seed files, its mutators, and the rnnkit entry point that opens it.

A case is ``(kind, seed)``: :func:`make_case` picks a seed file and one to three mutators with
``random.Random(f"{kind}/{seed}")`` and writes the mutant; :func:`open_case` hands it to the loader.
``open_case`` returns what a CLI command printed on stderr and its status (or None for library
loaders), so the runner can tell a clean refusal from a vague one.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import mutators as m
from .hdf5_mutators import FOREIGN_BYTES, HDF5



def keras_weights_member(content: bytes, rng: random.Random) -> bytes:
    """A ``.keras`` archive with its ``model.weights.h5`` member damaged by one of the HDF5 mutators."""
    members = m.zip_members(content)
    index = next(i for i, (info, _) in enumerate(members) if info.filename.endswith(".h5"))
    info, data = members[index]
    members[index] = (info, rng.choice(HDF5)(data, rng))
    return m.rezip(members)



@dataclass(frozen=True)
class Kind:
    """A file family: ``seeds`` (names in the seed folder), ``mutators``, ``suffix`` of the case file (default: the seed's),
    and ``load(path, seeds, case seed)``, which returns a CLI command's ``(status, stderr)`` or None. ``name`` is the case
    file's path in its folder when the loader needs one (default ``case-SEED.SUFFIX``)."""

    seeds: tuple[str, ...]
    mutators: tuple[m.Mutator, ...]
    suffix: str
    load: Callable[[Path, Path, int], tuple[int, str] | None]
    name: str | None = None


class ForeignBytesLoaded(Exception):
    """A file loaded with weights holding the bytes of a foreign file (``foreign.bin``/``foreign.h5``) it pointed at."""


def _load_model(path: Path):
    from rnnkit.models import load_model

    return load_model(path)


def _check_no_foreign_bytes(model, path: Path) -> None:
    marker = FOREIGN_BYTES[:8]
    if any(marker in weight.tobytes() for weight in model.get_weights()):
        raise ForeignBytesLoaded(f"{path}: loaded, with the bytes of a file outside it among its weights")


def _open_model(path: Path, seeds: Path, seed: int) -> None:
    _check_no_foreign_bytes(_load_model(path), path)


def _load_task(path: Path, seeds: Path, seed: int) -> None:
    from rnnkit.tasks.registry import open_checkpoint

    task, _ = open_checkpoint(path)
    task.load(path)


def _load_training(path: Path, seeds: Path, seed: int) -> None:
    from rnnkit.training import load_checkpoint

    load_checkpoint(path, _load_model(seeds / "model.rnnkit"))


def _load_weights(path: Path, seeds: Path, seed: int) -> None:
    model = _load_model(seeds / "model.rnnkit")
    model.load_weights(path)
    _check_no_foreign_bytes(model, path)


def _load_npz(path: Path, seeds: Path, seed: int) -> None:
    """Through Keras's cache: ``$KERAS_HOME/datasets/imdb.npz`` (the case is written there)."""
    from rnnkit.datasets import imdb

    os.environ["KERAS_HOME"] = str(path.parents[1])
    imdb.load_data()


def _read_vectors(path: Path, seeds: Path, seed: int) -> None:
    from rnnkit.data.vectors import read_vectors

    read_vectors(path)


def _read_texts(path: Path, seeds: Path, seed: int) -> None:
    from rnnkit.data.tables import read_labelled_texts

    read_labelled_texts(path)


def _read_steps(path: Path, seeds: Path, seed: int) -> None:
    from rnnkit.tasks.classification.sequences import read_sequence_table

    read_sequence_table(path)


def _read_series(path: Path, seeds: Path, seed: int) -> None:
    from rnnkit.tasks.forecasting import read_series

    read_series(path, "y", ["x"])


def _read_tagged(path: Path, seeds: Path, seed: int) -> None:
    from rnnkit.data.tagged_text import read_tagged

    read_tagged(path)


KERAS = m.ZIP + [keras_weights_member] * 2

# The CLI commands run on each seed file ({file} is the case, {seeds} the seed folder, {out} a fresh folder).
COMMANDS = {
    "classify.safetensors": [["predict", "{file}", "good film"], ["eval", "{file}", "--data", "{seeds}/data/texts.tsv", "--out", "{out}"],
                             ["inspect", "{file}", "--text", "good film", "--out", "{out}"]],
    "tag.safetensors": [["predict", "{file}", "The cat sat"], ["eval", "{file}", "--data", "{seeds}/data/tagged.conllu", "--out", "{out}"]],
    "forecast.safetensors": [["predict", "{file}"], ["eval", "{file}", "--data", "{seeds}/data/series.csv", "--out", "{out}"]],
    "seq2seq.safetensors": [["translate", "{file}", "one", "two"]],
    "lm.safetensors": [["sample", "{file}", "--length", "5", "--seed", "0"], ["score", "{file}", "the cat"],
                       ["inspect", "{file}", "--text", "the", "--out", "{out}"]],
    "model.rnnkit": [["summary", "{file}"], ["convert", "{file}", "{out}/converted.keras"]],
    "model.keras": [["summary", "{file}"], ["convert", "{file}", "{out}/converted.rnnkit"]],
    "model.h5": [["summary", "{file}"], ["inspect", "{file}", "--input", "{seeds}/input.npy", "--out", "{out}"]],
}


def _run_cli(path: Path, seeds: Path, argv: list[str]) -> tuple[int, str]:
    from rnnkit.cli import main

    out = path.parent / "out"
    out.mkdir(exist_ok=True)
    errors = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
        status = main([part.format(file=path, seeds=seeds, out=out) for part in argv])
    return status, errors.getvalue()


def _cli_kind(seed: str) -> Kind:
    suffix = Path(seed).suffix
    mutate = m.SAFETENSORS if suffix in (".safetensors", ".rnnkit") else KERAS if suffix == ".keras" else HDF5
    commands = COMMANDS[seed]

    def load(path: Path, seeds: Path, case_seed: int) -> tuple[int, str]:
        return _run_cli(path, seeds, commands[case_seed % len(commands)])

    return Kind((seed,), tuple(mutate), suffix, load)


KINDS: dict[str, Kind] = {
    "rnnkit-model": Kind(("model.rnnkit",), tuple(m.SAFETENSORS), ".rnnkit", _open_model),
    "rnnkit-weights": Kind(("model.weights.safetensors",), tuple(m.SAFETENSORS), ".safetensors", _load_weights),
    "training-checkpoint": Kind(("training.safetensors",), tuple(m.SAFETENSORS), ".safetensors", _load_training),
    **{f"task-{task}": Kind((f"{task}.safetensors",), tuple(m.SAFETENSORS), ".safetensors", _load_task)
       for task in ("lm", "classify", "tag", "forecast", "seq2seq")},
    "keras": Kind(("model.keras", "keras3_trained.keras", "keras3_shared_gru.keras"), tuple(KERAS), ".keras", _open_model),
    "keras-bomb": Kind(("bomb.keras",), (m.unchanged, m.unchanged, *m.RAW), ".keras", _open_model),  # raw only: unpacking it is the test
    "h5": Kind(("model.h5", "keras3_trained.h5", "keras2_trained.h5"), tuple(HDF5), ".h5", _open_model),
    "weights-h5": Kind(("model.weights.h5",), tuple(HDF5), ".weights.h5", _load_weights),
    "npz": Kind(("imdb.npz",), tuple(m.NPZ), ".npz", _load_npz, name="keras_home/datasets/imdb.npz"),
    "word-vectors": Kind(("data/vectors.txt",), tuple(m.VECTORS), ".txt", _read_vectors),
    "user-texts": Kind(("data/texts.tsv", "data/texts.csv"), tuple(m.TEXT), "", _read_texts),
    "user-steps": Kind(("data/steps.csv",), tuple(m.TEXT), ".csv", _read_steps),
    "user-series": Kind(("data/series.csv",), tuple(m.TEXT), ".csv", _read_series),
    "user-conllu": Kind(("data/tagged.conllu",), tuple(m.TEXT), ".conllu", _read_tagged),
    **{"cli-" + seed.replace(".safetensors", "").replace(".", "-"): _cli_kind(seed) for seed in COMMANDS},
}


def make_case(kind: str, seed: int, seeds: Path, folder: Path) -> tuple[Path, list[str]]:
    """Write case ``(kind, seed)``'s mutant into ``folder``; returns its path and the mutators applied, in order."""
    family = KINDS[kind]
    rng = random.Random(f"{kind}/{seed}")
    seed_name = rng.choice([name for name in family.seeds if (seeds / name).is_file()])
    content = (seeds / seed_name).read_bytes()
    applied = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        mutator = rng.choice(family.mutators)
        try:
            content = mutator(content, rng) or content
        except Exception:  # the previous mutation left nothing this one can parse: damage the bytes instead
            mutator = m.flip_bits
            content = m.flip_bits(content, rng) if content else content
        applied.append(mutator.__name__)
    suffix = family.suffix or Path(seed_name).suffix
    path = folder / (family.name or f"case-{seed}{suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path, [seed_name, *applied]


def open_case(kind: str, seed: int, path: Path, seeds: Path) -> tuple[int, str] | None:
    return KINDS[kind].load(path, seeds, seed)
