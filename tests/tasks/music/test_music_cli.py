"""End to end through the real command line on hand-written tunes: train -> sample (ABC, MIDI, PNG) -> eval -> inspect -> resume."""

import json
from pathlib import Path

import pytest

music21 = pytest.importorskip("music21")

from rnnkit.cli import main  # noqa: E402

TUNES = Path(__file__).parents[2] / "fixtures" / "music" / "tunes.abc"
TINY = ["--units", "16", "--embedding", "8", "--layers", "1", "--seq-len", "16", "--batch-size", "4"]


def test_train_sample_eval_inspect_resume(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "music", "--data", str(TUNES), "--out", str(out), "--epochs", "2", *TINY]) == 0
    printed = capsys.readouterr().out
    assert "2 tunes" in printed and "best validation loss" in printed and (out / "model.safetensors").is_file()

    tunes = tmp_path / "tunes"
    assert main(["sample", str(out), "--count", "2", "--out", str(tunes), "--prime", "M:6/8 K:D", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert printed.rstrip().endswith("valid (music21 reads them and their bars fit the meter)")
    for number in (1, 2):
        text = (tunes / f"tune_{number}.abc").read_text()
        assert text.startswith(f"X:{number}\n") and "\nM:6/8\nL:1/8\nK:Dmaj\n" in text  # the prime is the header
        if (tunes / f"tune_{number}.mid").exists():  # written only for a tune music21 reads
            assert music21.converter.parse(tunes / f"tune_{number}.mid").flatten().notes
            assert (tunes / f"tune_{number}.png").is_file()

    assert main(["eval", str(out), "--data", str(TUNES), "--count", "2"]) == 0
    report = capsys.readouterr().out
    assert report.startswith("loss ") and "nats/token" in report and "held-out tunes valid by the same rule: 100%" in report
    scores = json.loads((out / "eval.json").read_text())
    assert scores["sampled"] == 2 and 0 <= scores["valid_fraction"] <= 1 and scores["loss_per_token"] > 0

    assert main(["inspect", str(out), "--text", "M:6/8 K:D A d 2 f |", "--out", str(tmp_path / "inspect")]) == 0
    assert (tmp_path / "inspect" / "trace.npz").is_file()
    capsys.readouterr()

    assert main(["train", "music", "--data", str(TUNES), "--out", str(out), "--epochs", "3", "--resume", *TINY]) == 0
    assert "epoch 3:" in capsys.readouterr().out


def test_bad_input_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.abc"
    bad.write_text("X:1\nT:x\nM:6/8\nK:D\nA2 $B|\n")
    assert main(["train", "music", "--data", str(bad), "--out", str(tmp_path / "run")]) == 2
    assert "bad.abc: line 5: column 4: '$' is not ABC" in capsys.readouterr().err
