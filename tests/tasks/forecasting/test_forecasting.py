"""Forecasting end to end through ``rnnkit.cli.main``: bundled series, no leakage from the test part, MASE, sequence outputs, bad input."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.cli import main
from rnnkit.tasks import forecasting
from rnnkit.tasks.forecasting.training import prepared
from rnnkit.training.scores import mean_absolute_scaled_error
from rnnkit.training.task_files import read_task_model, save_task_model


pytestmark = pytest.mark.usefixtures("one_thread")  # small networks: one thread is fastest and steadiest


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


@pytest.mark.parametrize("output", ["last", "sequence"])
def test_scaling_and_training_never_see_the_test_part(tmp_path, output):
    t = np.arange(200)
    series = 10 + np.sin(t / 4) + 0.01 * t
    changed = series.copy()
    changed[170:] *= 1000  # rows 170+ are the test part (0.7 + 0.15 of 200 = 170)
    runs = []
    for name, values in (("a", series), ("b", changed)):
        data = write_series(tmp_path / f"{name}.csv", values)
        assert main(["train", "forecast", "--data", str(data), "--target", "y", "--window", "8", "--horizon", "3",
                     "--epochs", "3", "--units", "4", "--output", output, "--out", str(tmp_path / name)]) == 0
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


def test_sequence_targets_are_the_values_after_every_step():
    squares = (np.arange(10.0) ** 2)[:, None]  # 0 1 4 9 16 25 36 49 64 81
    x, y, origins = forecasting.sequence_windows(squares, 3, 2, 0, 10, relative=False)
    assert origins.tolist() == [3, 4, 5, 6, 7, 8] and y.shape == (6, 3, 2)
    np.testing.assert_array_equal(x[1, :, 0], [1, 4, 9])  # rows 1..3
    np.testing.assert_array_equal(y[1], [[4, 9], [9, 16], [16, 25]])  # after rows 1, 2, 3
    x, y, _ = forecasting.sequence_windows(squares, 3, 2, 0, 10, relative=True)
    np.testing.assert_array_equal(x[1, :, 0], [0, 3, 8])  # minus the window's first value, 1
    np.testing.assert_array_equal(y[1], [[3, 8], [5, 12], [7, 16]])  # minus each step's own value: 1, 4, 9
    _, last_step, _ = forecasting.windows(squares, 3, 2, 0, 10, relative=True)
    np.testing.assert_array_equal(y[:, -1], last_step)  # the last step's targets are the forecast's


def test_sequence_targets_stop_before_the_part_end():
    values = np.arange(100.0)[:, None]
    split = forecasting.Split.of(100, 0.7, 0.15)
    scaler = forecasting.Scaler.fit(values[: split.train])
    config = forecasting.ForecasterConfig(window=10, horizon=4, output="sequence")
    parts = prepared(values, split, scaler, config, relative=False, source="toy")
    for name, end in (("train", split.train), ("val", split.val_end), ("test", split.total)):
        _, y, _ = parts[name]
        assert scaler.inverse_target(y).max() == pytest.approx(end - 1)  # the last row of the part, never a later one
    changed = values.copy()
    changed[split.train :] = -1000.0  # the validation and test rows
    again = prepared(changed, split, scaler, config, relative=True, source="toy")
    for a, b in zip(prepared(values, split, scaler, config, relative=True, source="toy")["train"], again["train"]):
        np.testing.assert_array_equal(a, b)


def noisy_sine(path: Path) -> Path:
    t = np.arange(300)
    return write_series(path, np.sin(2 * np.pi * t / 20) + 0.1 * np.random.default_rng(0).standard_normal(300))


def test_sequence_output_end_to_end_beats_naive(tmp_path, capsys):
    data, out = noisy_sine(tmp_path / "sine.csv"), tmp_path / "run"
    assert main(["train", "forecast", "--data", str(data), "--target", "y", "--window", "20", "--horizon", "5",
                 "--units", "16", "--epochs", "15", "--output", "sequence", "--out", str(out)]) == 0
    for name in ("model.safetensors", "forecast.png", "eval.json"):
        assert (out / name).is_file()
    (out / "eval.json").unlink()
    capsys.readouterr()
    assert main(["eval", str(out), "--data", str(data)]) == 0
    assert capsys.readouterr().out.startswith("mase ")
    scores = json.loads((out / "eval.json").read_text())
    assert scores["mase"] < 0.5 * scores["naive_mase"]
    assert main(["predict", str(out)]) == 0
    steps = capsys.readouterr().out.splitlines()
    assert [s.split()[0] for s in steps] == ["1", "2", "3", "4", "5"] and all(-1.5 < float(s.split()[1]) < 1.5 for s in steps)


def test_sequence_forecast_is_the_last_steps_output_and_survives_a_round_trip(tmp_path):
    data = noisy_sine(tmp_path / "sine.csv")
    run = forecasting.train(data=str(data), target="y", window=8, horizon=3, units=4, epochs=2, output="sequence",
                            out=str(tmp_path / "run"), say=lambda line: None)
    model, record = forecasting.load_forecaster(run.out)
    assert record["config"]["output"] == "sequence"
    values = forecasting.read_series(data, "y")
    scaler = forecasting.Scaler.from_json(record["scaler"])
    scaled = scaler.transform(values)
    x, _, origins = forecasting.sequence_windows(scaled, 8, 3, 255, 300, relative=True)  # the test part
    with torch.inference_mode():
        trained, loaded = run.model(torch.from_numpy(x)).numpy(), model(torch.from_numpy(x)).numpy()  # (N, 8, 3)
    np.testing.assert_array_equal(trained, loaded)
    by_hand = scaler.inverse_target(loaded[:, -1] + scaled[origins - 1, :1])  # last step, plus the window's last value
    np.testing.assert_allclose(forecasting.forecast(model, record, x, scaled[origins - 1, 0]), by_hand, rtol=1e-6)
    _, arrays = forecasting.evaluate(run.out, str(data))
    np.testing.assert_allclose(arrays["predicted"], by_hand, rtol=1e-6)
    window = scaled[-8:].copy()  # what predict reads: the series' last 8 rows
    window[:, 0] -= window[0, 0]
    with torch.inference_mode():
        last_step = model(torch.from_numpy(window[None].astype(np.float32))).numpy()[0, -1]  # (3,)
    np.testing.assert_allclose(forecasting.predict(run.out), scaler.inverse_target(last_step + scaled[-1, 0]), rtol=1e-6)


def test_checkpoints_without_an_output_load_as_last(tmp_path):
    data = str(noisy_sine(tmp_path / "sine.csv"))
    run = forecasting.train(data=data, target="y", window=8, horizon=3, units=4, epochs=1, out=str(tmp_path / "run"), say=lambda line: None)
    _, _, record = read_task_model(run.out)
    del record["config"]["output"]  # as written before sequence outputs existed
    save_task_model(run.checkpoint, run.model, record)
    model, loaded = forecasting.load_forecaster(run.out)
    assert "output" not in loaded["config"]
    assert forecasting.ForecasterConfig.from_json(loaded["config"]).output == "last"
    assert forecasting.evaluate(run.out, data)[0]["mase"] > 0


def test_bad_output_kind_gives_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["train", "forecast", "--output", "seq", "--out", str(tmp_path / "o")])
    assert exit.value.code == 2
    error = capsys.readouterr().err  # argparse quotes the choices from Python 3.12 on
    assert "argument --output: invalid choice: 'seq' (choose from " in error and "sequence" in error
    with pytest.raises(ValueError, match=r"output must be one of last, sequence; got 'seq'"):
        forecasting.train(out=str(tmp_path / "o"), output="seq", say=lambda line: None)


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
