"""Forecasting end to end through ``rnnkit.cli.main``: bundled series, no leakage from the test part, MASE, bad input."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.cli import main
from rnnkit.tasks import forecasting
from rnnkit.training.scores import mean_absolute_scaled_error
from rnnkit.training.task_files import read_task_model


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def write_series(path: Path, values: np.ndarray, extra: np.ndarray | None = None) -> Path:
    lines = ["t,y" + (",x" if extra is not None else "")]
    for i, v in enumerate(values):
        lines.append(f"{i},{v:.6f}" + (f",{extra[i]:.6f}" if extra is not None else ""))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bundled_co2_beats_both_naive_baselines(tmp_path, capsys):
    out = tmp_path / "co2"
    assert main(["train", "forecast", "--out", str(out), "--epochs", "40", "--units", "16"]) == 0
    for name in ("model.safetensors", "forecast.png", "eval.json"):
        assert (out / name).is_file()
    capsys.readouterr()
    assert main(["eval", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("mase ")
    scores = json.loads((out / "eval.json").read_text())
    assert scores["mase"] < scores["seasonal_naive_mase"] and scores["mase"] < scores["naive_mase"]
    assert main(["predict", str(out)]) == 0
    steps = capsys.readouterr().out.splitlines()
    assert len(steps) == 12 and all(300 < float(s.split()[1]) < 400 for s in steps)  # ppmv around 2002


def test_scaling_and_training_never_see_the_test_part(tmp_path):
    t = np.arange(200)
    series = 10 + np.sin(t / 4) + 0.01 * t
    changed = series.copy()
    changed[170:] *= 1000  # rows 170+ are the test part (0.7 + 0.15 of 200 = 170)
    runs = []
    for name, values in (("a", series), ("b", changed)):
        data = write_series(tmp_path / f"{name}.csv", values)
        assert main(["train", "forecast", "--data", str(data), "--target", "y", "--window", "8", "--horizon", "3",
                     "--epochs", "3", "--units", "4", "--out", str(tmp_path / name)]) == 0
        runs.append(read_task_model(tmp_path / name)[2])
    scaler = runs[0]["scaler"]
    assert scaler == runs[1]["scaler"]
    assert scaler["mean"][0] == pytest.approx(series[:140].mean())  # the first 70% of the rows only
    assert scaler["std"][0] == pytest.approx(series[:140].std())
    assert [h["val_loss"] for h in runs[0]["history"]] == [h["val_loss"] for h in runs[1]["history"]]


def test_extra_feature_columns_and_sequence_split(tmp_path, capsys):
    t = np.arange(120)
    data = write_series(tmp_path / "s.csv", np.sin(t / 3), np.cos(t / 3))
    out = tmp_path / "run"
    assert main(["train", "forecast", "--data", str(data), "--target", "y", "--features", "x", "--window", "6", "--horizon", "2",
                 "--season", "19", "--epochs", "2", "--units", "4", "--out", str(out)]) == 0
    model, record = forecasting.load_forecaster(out)
    assert record["config"]["features"] == 2 and record["features"] == ["x"]
    assert "seasonal_naive_mase" in json.loads((out / "eval.json").read_text())


def test_mase_and_seasonal_naive_by_hand():
    history = np.array([1.0, 3.0, 2.0, 4.0])  # one-step naive errors 2, 1, 2: scale 5/3
    assert mean_absolute_scaled_error([5.0, 6.0], [4.0, 8.0], history) == pytest.approx(1.5 / (5 / 3))
    assert mean_absolute_scaled_error([5.0], [5.0], history, season=2) == 0.0
    series = np.arange(10.0)
    # season 3, origin 6: steps 0,1,2 repeat rows 3,4,5; step 3 repeats row 3 again (two seasons back)
    np.testing.assert_array_equal(forecasting.seasonal_naive(series, np.array([6]), 4, 3), [[3.0, 4.0, 5.0, 3.0]])
    with pytest.raises(ValueError, match="constant series"):
        mean_absolute_scaled_error([1.0], [1.0], np.ones(5))


def test_windows_are_relative_to_the_last_value():
    scaled = np.arange(10.0)[:, None]
    x, y, origins = forecasting.windows(scaled, 3, 2, 0, 10, relative=True)
    assert origins.tolist() == [3, 4, 5, 6, 7, 8]
    np.testing.assert_array_equal(x[0, :, 0], [-2, -1, 0])
    np.testing.assert_array_equal(y[0], [1, 2])


@pytest.mark.parametrize("content, args, expected", [
    ("t,y\n0,1\n1,two\n", ["--target", "y"], "line 3, column 'y': 'two' is not a number"),
    ("t,y\n0,1\n1,\n", ["--target", "y"], "line 3, column 'y': '' is not a number"),
    ("t,y\n" + "".join(f"{i},{i % 7}\n" for i in range(40)), ["--target", "y", "--window", "30"], "--window 30 + --horizon 12 is longer than the training part (28 of 40 rows)"),
    ("t,y\n0,1\n", ["--target", "price"], "--target 'price'"),
    ("t,y\n0,1\n", [], "--target COLUMN is required"),
    ("", ["--target", "y"], "the file is empty"),
])
def test_bad_input_gives_clear_errors(tmp_path, capsys, content, args, expected):
    data = tmp_path / "series.csv"
    data.write_text(content)
    assert main(["train", "forecast", "--data", str(data), "--out", str(tmp_path / "o"), *args]) == 2
    error = capsys.readouterr().err
    assert expected in error and "series.csv" in error
