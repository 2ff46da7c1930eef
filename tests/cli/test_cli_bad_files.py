"""Every command that opens a checkpoint or model file, given a damaged one: exit 2, one line naming the file, no traceback."""

import json

import pytest
import torch

from rnnkit.cli import main
from rnnkit.cli import summary as summary_command

from helpers.rnnkit_files import make_files, rewrite


def _damages(good, folder):
    """Damaged copies of one good file: cut short, a JSON bomb, a config unlike the weights, NaN, a record of another type."""
    name = good.stem
    raw = good.read_bytes()
    (folder / f"{name}_cut{good.suffix}").write_bytes(raw[: len(raw) // 2])
    (folder / f"{name}_empty{good.suffix}").write_bytes(b"")
    yield folder / f"{name}_cut{good.suffix}"
    yield folder / f"{name}_empty{good.suffix}"
    yield rewrite(good, folder / f"{name}_bomb{good.suffix}", header=lambda h: json.dumps(h)[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}")
    yield rewrite(good, folder / f"{name}_record{good.suffix}", header=lambda h: {**h, "record": 7, "config": 7})
    yield rewrite(good, folder / f"{name}_nan{good.suffix}", tensors=lambda t: {k: v.float() * float("nan") if v.is_floating_point() else v for k, v in t.items()})


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    return [path for good in make_files(folder).values() for path in _damages(good, folder)]


COMMANDS = {
    "sample": lambda f, out: ["sample", f, "--length", "3"],
    "score": lambda f, out: ["score", f, "ab"],
    "inspect": lambda f, out: ["inspect", f, "--text", "ab", "--out", out],
    "eval": lambda f, out: ["eval", f, "--out", out],
    "predict": lambda f, out: ["predict", f, "ab"],
    "translate": lambda f, out: ["translate", f, "ab"],
    "summary": lambda f, out: ["summary", f],
    "convert": lambda f, out: ["convert", f, f"{out}.rnnkit"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_file_is_one_error_line_with_status_2(damaged, tmp_path, capsys, command):
    for path in damaged:
        status = main(COMMANDS[command](str(path), str(tmp_path / "out")))
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert status == 2 and len(lines) == 1, (path, err)
        assert lines[0].startswith(f"rnnkit {command}: error: ") and str(path) in lines[0], (path, err)


def test_ctrl_c_outside_training_is_status_130_without_a_traceback(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(summary_command, "run", interrupted)
    assert main(["summary", "anything.rnnkit"]) == 130
    assert capsys.readouterr().err == "rnnkit summary: interrupted\n"


def test_a_bug_still_shows_its_traceback(monkeypatch):
    """Only bad input becomes an error line: any other exception is rnnkit's bug and must stay visible."""
    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(summary_command, "run", broken)
    with pytest.raises(ZeroDivisionError):
        main(["summary", "anything.rnnkit"])


def test_the_damaged_files_hold_what_they_claim(damaged):
    """The NaN copies really hold NaN (so the refusal above is the loader's, not an accident of the copy)."""
    from rnnkit import safetensors_file

    nan = [p for p in damaged if "_nan" in p.name]
    assert len(nan) == 3
    for path in nan:
        assert any(torch.isnan(t).any() for t in safetensors_file.load(path).tensors.values() if t.is_floating_point())
