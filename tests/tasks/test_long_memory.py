"""The long-memory experiment: its problems, and the command end to end with tiny settings."""

import json

import numpy as np
import pytest
import torch

from rnnkit.cli import main
from rnnkit.tasks.long_memory_problems import COPY_ALPHABET, COPY_SYMBOLS, PROBLEMS, adding_batch, copy_batch

PNG = b"\x89PNG\r\n\x1a\n"


def test_adding_batch_marks_one_number_in_each_half_and_sums_them():
    x, y = adding_batch(500, 9, torch.Generator().manual_seed(0))
    assert x.shape == (500, 9, 2) and y.shape == (500, 1)
    markers = x[..., 1].numpy()
    assert np.all(markers.sum(1) == 2)
    assert np.all(markers[:, :4].sum(1) == 1) and np.all(markers[:, 4:].sum(1) == 1)
    values = x[..., 0].numpy()
    np.testing.assert_allclose(y[:, 0].numpy(), (values * markers).sum(1), rtol=1e-6)
    # answering 1 (the mean) scores the variance of a sum of two uniform numbers: 1/6
    assert abs(float(((y - 1) ** 2).mean()) - PROBLEMS["adding"].baseline) < 0.03


def test_copy_batch_layout():
    x, y = copy_batch(3, 6, torch.Generator().manual_seed(0))
    steps = COPY_SYMBOLS + 6 + COPY_SYMBOLS
    assert x.shape == (3, steps, COPY_ALPHABET + 2) and y.shape == (3, COPY_SYMBOLS)
    ids = x.argmax(-1)
    assert torch.equal(ids[:, :COPY_SYMBOLS], y)
    blank, go = COPY_ALPHABET, COPY_ALPHABET + 1
    assert torch.all(ids[:, COPY_SYMBOLS + 5] == go)
    rest = torch.cat([ids[:, COPY_SYMBOLS : COPY_SYMBOLS + 5], ids[:, COPY_SYMBOLS + 6 :]], dim=1)
    assert torch.all(rest == blank)
    assert PROBLEMS["copy"].sequence_steps(6) == steps


def run_tiny(tmp_path, name, *extra):
    out = tmp_path / name
    argv = ["experiment", "long-memory", "--lengths", "4,6", "--cells", "simple,gru", "--max-steps", "3",
            "--units", "3", "--test-samples", "16", "--seed", "5", "--out", str(out), *extra]
    assert main(argv) == 0
    return out


def test_experiment_command_writes_table_and_plots_and_repeats_exactly(tmp_path, capsys):
    first = run_tiny(tmp_path, "a")
    record = json.loads((first / "results.json").read_text())
    runs = record["runs"]
    assert [(r["cell"], r["length"]) for r in runs] == [("simple", 4), ("gru", 4), ("simple", 6), ("gru", 6)]
    for r in runs:
        assert r["steps"] == 3 and r["stopped_by"] == "max_steps" and [s for s, _ in r["curve"]] == [3]
        assert len(r["gradients"]["init"]) == r["length"] and len(r["gradients"]["trained"]) == r["length"]
        assert 0 < r["error"] < 10
    table = (first / "results.md").read_text()
    assert "| gru | 6 |" in table and "test MSE" in table
    for name in ("error_vs_length.png", "training_curves.png", "gradients_T4.png", "gradients_T6.png"):
        assert (first / name).read_bytes().startswith(PNG)
    assert "wrote results.md" in capsys.readouterr().out

    again = json.loads((run_tiny(tmp_path, "b") / "results.json").read_text())["runs"]
    for one, two in zip(runs, again):
        assert (one["error"], one["curve"], one["gradients"]) == (two["error"], two["curve"], two["gradients"])
    other_seed = json.loads((run_tiny(tmp_path, "c", "--seed", "6") / "results.json").read_text())["runs"]
    assert other_seed[0]["error"] != runs[0]["error"]


def test_copy_task_runs(tmp_path):
    out = run_tiny(tmp_path, "copy", "--task", "copy", "--cells", "lstm")
    runs = json.loads((out / "results.json").read_text())["runs"]
    assert [r["cell"] for r in runs] == ["lstm", "lstm"]
    assert all(0.0 <= r["error"] <= 1.0 for r in runs)
    assert "symbol error rate" in (out / "results.md").read_text()


@pytest.mark.parametrize("argv, message", [
    (["--cells", "simple,rnn"], "unknown cell"),
    (["--lengths", "1,5"], "at least 2"),
])
def test_experiment_refuses_bad_settings(tmp_path, capsys, argv, message):
    assert main(["experiment", "long-memory", "--out", str(tmp_path), *argv]) == 2
    assert message in capsys.readouterr().err
