"""Bad user data into ``rnnkit train/eval/predict``: every case is one error line naming the file (and the line), exit 2.

Each case is a damaged data file (empty, binary, not UTF-8, ragged, NaN or unseen labels, broken
CoNLL-U columns, pickled or oversized NPZ arrays, mismatched shapes) given to every command that
reads that kind of file. What must hold for each: ``rnnkit.cli.main`` returns 2 (no traceback,
no exit 0), the message names the file and, where the fault sits on a line, that line; and a
failed ``train`` leaves no ``model.safetensors`` that would look like a finished run.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import main
from rnnkit.tasks import classification, forecasting, tagging

pytestmark = pytest.mark.usefixtures("one_thread")

TINY = {"units": 4, "batch_size": 16}


@dataclass(frozen=True)
class Bad:
    """A damaged file: its name, its bytes, the line the error must name (None: a whole-file problem), and the
    commands it is not bad for (``predict`` reads no labels)."""

    name: str
    content: bytes
    line: int | None = None
    fine_for: tuple[str, ...] = ()


def text_table(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


GOOD_TEXTS = ["text\tlabel", "good film\t1", "bad film\t0", "great film\t1", "awful film\t0"]
TEXT_TABLES = [
    Bad("empty.tsv", b""),
    Bad("blank.tsv", b"\n \n\t\n"),
    Bad("binary.tsv", bytes(range(256)) * 4, 2),
    Bad("latin1.tsv", "text\tlabel\ngood\t1\ncafé\t0\n".encode("latin-1"), 3),
    Bad("utf16.tsv", "text\tlabel\ngood\t1\n".encode("utf-16"), 1),
    Bad("header_only.tsv", b"text\tlabel\n"),
    Bad("empty_fields_only.csv", b",,\n,\n , \n"),  # found by scripts/fuzz_files.py (user-series 3762): was a StopIteration
    Bad("ragged_more.tsv", text_table([*GOOD_TEXTS[:2], "ok\t1\textra", *GOOD_TEXTS[2:]]), 3),
    Bad("ragged_fewer.tsv", text_table([*GOOD_TEXTS[:3], "no label here", *GOOD_TEXTS[3:]]), 4),
    Bad("no_text_column.tsv", text_table(["words\tlabel", "good\t1", "bad\t0"])),
    Bad("no_label_column.tsv", text_table(["text\tstars", "good\t1", "bad\t0"])),
    Bad("empty_label.tsv", text_table([*GOOD_TEXTS, "fine\t"]), 6),
    Bad("nan_label.tsv", text_table([*GOOD_TEXTS[:3], "meh\tnan", *GOOD_TEXTS[3:]]), 4),
    Bad("NaN_label.csv", text_table(["text,label", "good,1", "meh,NaN", "bad,0"]), 3),
    Bad("duplicate_column.tsv", text_table(["text\ttext\tlabel", "a\tb\t1", "c\td\t0"]), 1),
    Bad("unclosed_quote.csv", text_table(["text,label", "good,1", '"never closed,0', "bad,0", "fine,1"]), 3),
    Bad("giant_field.csv", b'text,label\n"' + b"x" * 200_000 + b'",1\nbad,0\n', 2),
    Bad("nul_byte.csv", text_table(["text,label", "good,1", "b\x00d,0"]), 3),
    Bad("bad_json.jsonl", b'{"text": "good", "label": 1}\n{"text": "bad", "label": \n', 2),
    Bad("json_array.jsonl", b'{"text": "good", "label": 1}\n["bad", 0]\n', 2),
    Bad("json_label_dict.jsonl", b'{"text": "good", "label": 1}\n{"text": "bad", "label": {"a": 0}}\n{"text": "ok", "label": 0}\n', 2),
    Bad("json_label_nan.jsonl", b'{"text": "good", "label": 1}\n{"text": "meh", "label": NaN}\n{"text": "ok", "label": 0}\n', 2),
    Bad("json_label_null.jsonl", b'{"text": "good", "label": 1}\n{"text": "meh", "label": null}\n{"text": "ok", "label": 0}\n', 2),
    Bad("json_deep.jsonl", b'{"text": "good", "label": 1}\n' + b"[" * 100_000 + b"\n", 2),
]
ONE_CLASS = Bad("one_class.tsv", text_table(["text\tlabel", "good\t1", "fine\t1", "nice\t1"]))
UNSEEN_LABEL = Bad("unseen_label.tsv", text_table([*GOOD_TEXTS, "so so\t7"]), 6)


def npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def npz_bomb() -> bytes:
    """An NPZ whose ``x.npy`` header declares 40 GB of float32 and holds 16 bytes."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (10_000, 1_000_000, 1)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.npy", header.getvalue() + bytes(16))
        archive.writestr("y.npy", npz_member(np.zeros(10_000, np.int64)))
    return buffer.getvalue()


def npz_member(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()


def good_x(n: int = 6, t: int = 5, f: int = 2) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, t, f)).astype(np.float32)


GOOD_Y = np.array([0, 1, 0, 1, 0, 1])
NPZ_FILES = [
    Bad("empty.npz", b""),
    Bad("text.npz", b"x,y\n1,2\n"),
    Bad("truncated.npz", npz(x=good_x(), y=GOOD_Y)[:150]),
    Bad("pickled_x.npz", npz(x=np.array([[1.0], "a"], dtype=object), y=GOOD_Y[:2])),
    Bad("x_2d.npz", npz(x=good_x()[:, :, 0], y=GOOD_Y)),
    Bad("x_strings.npz", npz(x=good_x().astype(str), y=GOOD_Y)),
    Bad("x_complex.npz", npz(x=good_x().astype(np.complex64), y=GOOD_Y)),
    Bad("x_nan.npz", npz(x=np.where(np.arange(60).reshape(6, 5, 2) == 7, np.nan, good_x()), y=GOOD_Y)),
    Bad("x_overflow.npz", npz(x=np.full((6, 5, 2), 1e300), y=GOOD_Y)),
    Bad("y_length.npz", npz(x=good_x(), y=GOOD_Y[:4]), fine_for=("predict --data",)),
    Bad("y_nan.npz", npz(x=good_x(), y=np.array([0.0, 1.0, np.nan, 1.0, 0.0, 1.0])), fine_for=("predict --data",)),
    Bad("y_2d.npz", npz(x=good_x(), y=GOOD_Y[:, None]), fine_for=("predict --data",)),
    Bad("lengths_range.npz", npz(x=good_x(), y=GOOD_Y, lengths=np.array([5, 5, 9, 5, 5, 5]))),
    Bad("lengths_fraction.npz", npz(x=good_x(), y=GOOD_Y, lengths=np.array([5, 4.5, 5, 5, 5, 5]))),
    Bad("no_x.npz", npz(inputs=good_x(), y=GOOD_Y)),
    Bad("no_sequences.npz", npz(x=good_x(0), y=GOOD_Y[:0])),
    Bad("no_features.npz", npz(x=good_x(f=0), y=GOOD_Y)),
    Bad("bomb.npz", npz_bomb()),
]
THREE_FEATURES = Bad("three_features.npz", npz(x=good_x(f=3), y=GOOD_Y))

GOOD_STEPS = ["id,time,label,a", "s1,0,up,1", "s1,1,up,2", "s2,0,down,2", "s2,1,down,1"]
SEQUENCE_TABLES = [
    Bad("word_feature.csv", text_table([*GOOD_STEPS[:2], "s1,1,up,high", *GOOD_STEPS[3:]]), 3),
    Bad("nan_feature.csv", text_table([*GOOD_STEPS[:2], "s1,1,up,nan", *GOOD_STEPS[3:]]), 3),
    Bad("empty_feature.csv", text_table([*GOOD_STEPS[:2], "s1,1,up,", *GOOD_STEPS[3:]]), 3),
    Bad("same_time.csv", text_table([*GOOD_STEPS[:2], "s1,0,up,2", *GOOD_STEPS[3:]]), 3),
    Bad("two_labels.csv", text_table([*GOOD_STEPS[:2], "s1,1,down,2", *GOOD_STEPS[3:]]), 3),
    Bad("empty_id.csv", text_table([*GOOD_STEPS[:2], ",1,up,2", *GOOD_STEPS[3:]]), 3),
    Bad("no_feature.csv", text_table(["id,time,label,note", "s1,0,up,x", "s2,0,down,y"])),
    Bad("binary.csv", bytes(range(256)) * 4, 2),
]

GOOD_CONLLU = ["# sent_id = 1", "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_", "2\tcat\tcat\tNOUN\tNN\t_\t0\troot\t_\t_", ""]
TAGGED_FILES = [
    Bad("empty.conllu", b""),
    Bad("binary.conllu", bytes(range(256)) * 4, 2),
    Bad("latin1.txt", "The DT\ncafé NN\n".encode("latin-1"), 2),
    Bad("nine_fields.conllu", text_table([*GOOD_CONLLU, "1\tA\ta\tDET\tDT\t_\t2\tdet\t_"]), 5),
    Bad("token_id.conllu", text_table([*GOOD_CONLLU, "one\tA\ta\tDET\tDT\t_\t2\tdet\t_\t_"]), 5),
    Bad("no_tag.conllu", text_table([*GOOD_CONLLU, "1\tA\ta\t_\tDT\t_\t2\tdet\t_\t_"]), 5),
    Bad("empty_form.conllu", text_table([*GOOD_CONLLU, "1\t\ta\tDET\tDT\t_\t2\tdet\t_\t_"]), 5),
    Bad("comments_only.txt", text_table(["# just a comment", "# another"])),
    Bad("ranges_only.conllu", text_table(["1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_"])),
    Bad("slash_no_tag.txt", text_table(["The/DT cat/NN", "A/DT dog/"]), 2),
    Bad("one_column.txt", text_table(["The DT", "cat NN", "", "dog"]), 4),
]
ONE_TAG = Bad("one_tag.txt", text_table(["The DT", "cat DT", "", "A DT", "dog DT"]))

SERIES = ["t,y"] + [f"{i},{np.sin(i / 3):.4f}" for i in range(60)]
SERIES_FILES = [
    Bad("empty.csv", b""),
    Bad("binary.csv", bytes(range(256)) * 4, 2),
    Bad("header_only.csv", b"t,y\n"),
    Bad("empty_fields_only.csv", b",,\n,\n , \n"),
    Bad("word.csv", text_table([*SERIES[:5], "4,high", *SERIES[6:]]), 6),
    Bad("nan.csv", text_table([*SERIES[:5], "4,nan", *SERIES[6:]]), 6),
    Bad("inf.csv", text_table([*SERIES[:5], "4,-inf", *SERIES[6:]]), 6),
    Bad("empty_cell.csv", text_table([*SERIES[:5], "4,", *SERIES[6:]]), 6),
    Bad("ragged.csv", text_table([*SERIES[:5], "4,1,2", *SERIES[6:]]), 6),
    Bad("no_target.csv", text_table(["t,value", *SERIES[1:]])),
    Bad("huge.csv", text_table(["t,y"] + [f"{i},{(-1) ** i * 1e308}" for i in range(60)])),
]
SHORT_SERIES = Bad("short.csv", text_table(SERIES[:4]))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> dict[str, Path]:
    """One tiny trained run per kind of data file: classify texts, classify NPZ sequences, classify a long table, tag, forecast."""
    root = tmp_path_factory.mktemp("trained")
    texts = root / "texts.tsv"
    texts.write_text("\n".join(GOOD_TEXTS + GOOD_TEXTS[1:] * 2) + "\n")
    steps = root / "steps.csv"
    steps.write_text("\n".join(GOOD_STEPS + [f"s{i},{t},{'up' if i % 2 else 'down'},{t * (1 if i % 2 else -1)}"
                                             for i in range(3, 9) for t in range(3)]) + "\n")
    sequences = root / "sequences.npz"
    sequences.write_bytes(npz(x=good_x(), y=GOOD_Y))
    tagged = root / "tagged.conllu"
    tagged.write_text("\n".join(GOOD_CONLLU * 4) + "\n")
    series = root / "series.csv"
    series.write_text("\n".join(SERIES) + "\n")
    say = lambda line: None
    runs = {"texts": classification.train(str(texts), out=str(root / "texts"), epochs=1, embedding=4, say=say, **TINY),
            "npz": classification.train(str(sequences), out=str(root / "npz"), epochs=1, say=say, **TINY),
            "steps": classification.train(str(steps), sequence_of_features=True, out=str(root / "steps"), epochs=1, say=say, **TINY),
            "tagged": tagging.train(str(tagged), out=str(root / "tagged"), epochs=1, embedding=4, say=say, **TINY),
            "series": forecasting.train(str(series), target="y", window=4, horizon=2, out=str(root / "series"), epochs=1, say=say,
                                        **TINY)}
    return {"root": root, "texts": texts, "steps": steps, "npz": sequences, "tagged": tagged, "series": series,
            **{f"{name} run": run.out for name, run in runs.items()}}


QUICK = ["--out", "{out}", "--epochs", "1", "--units", "4"]


def commands(kind: str, task: list[str], val: bool, predict: bool) -> dict[str, tuple[str, list[str]]]:
    """Each command that reads a file of ``kind``: ``(kind, argv)``, with {bad}, {good}, {run} and {out} filled in per case."""
    table = {"train --data": (kind, ["train", *task, "--data", "{bad}", *QUICK])}
    if val:
        table["train --val"] = (kind, ["train", *task, "--data", "{good}", "--val", "{bad}", *QUICK])
    table["eval --data"] = (kind, ["eval", "{run}", "--data", "{bad}", "--out", "{out}"])
    if predict:
        table["predict --data"] = (kind, ["predict", "{run}", "--data", "{bad}"])
    return table


TEXT_COMMANDS = commands("texts", ["classify"], val=True, predict=False)
NPZ_COMMANDS = commands("npz", ["classify"], val=True, predict=True)
TABLE_COMMANDS = commands("steps", ["classify", "--sequence-of-features"], val=False, predict=True)
TAG_COMMANDS = commands("tagged", ["tag"], val=True, predict=False)
SERIES_COMMANDS = commands("series", ["forecast", "--target", "y", "--window", "4", "--horizon", "2"], val=False, predict=True)


def cases() -> list:
    groups = [(TEXT_TABLES, TEXT_COMMANDS), (NPZ_FILES, NPZ_COMMANDS), (SEQUENCE_TABLES, TABLE_COMMANDS), (TAGGED_FILES, TAG_COMMANDS),
              (SERIES_FILES, SERIES_COMMANDS)]
    every = [(bad, command, argv) for files, commands in groups for bad in files for command, argv in commands.items()
             if command not in bad.fine_for]
    every += [(ONE_CLASS, "train --data", TEXT_COMMANDS["train --data"]), (UNSEEN_LABEL, "train --val", TEXT_COMMANDS["train --val"]),
              (UNSEEN_LABEL, "eval --data", TEXT_COMMANDS["eval --data"]),
              (THREE_FEATURES, "eval --data", NPZ_COMMANDS["eval --data"]),
              (THREE_FEATURES, "predict --data", NPZ_COMMANDS["predict --data"]),
              (SHORT_SERIES, "train --data", SERIES_COMMANDS["train --data"]),
              (SHORT_SERIES, "predict --data", SERIES_COMMANDS["predict --data"]), (ONE_TAG, "train --data", TAG_COMMANDS["train --data"])]
    return [pytest.param(bad, argv, id=f"{command}-{bad.name}")
            for bad, command, argv in every]


@pytest.mark.parametrize("bad, command", cases())
def test_bad_data_is_one_clear_error(bad: Bad, command: tuple[str, list[str]], trained, tmp_path, capsys):
    kind, argv = command
    path = tmp_path / bad.name
    path.write_bytes(bad.content)
    out = tmp_path / "out"
    fill = {"bad": str(path), "good": str(trained[kind]), "run": str(trained[f"{kind} run"]), "out": str(out)}
    status = main([part.format(**fill) for part in argv])
    err = capsys.readouterr().err.strip()
    assert status == 2, err
    assert len(err.splitlines()) == 1 and ": error: " in err, err
    assert str(path) in err, err
    if bad.line is not None:
        assert f"line {bad.line}" in err, err
    assert not (out / "model.safetensors").exists()
