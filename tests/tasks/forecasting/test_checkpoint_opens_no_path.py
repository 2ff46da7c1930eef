"""A forecasting checkpoint carries no path that a later command opens: predict and eval read only the files their user names.

The checkpoint keeps the scaler, the columns and the training series' last window; a record that
still names a data file (as checkpoints once did, or as a hostile one does) is never opened.
"""

import builtins
import io
from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import main
from rnnkit.tasks import forecasting
from rnnkit.training.task_files import save_task_model

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """Every path opened through ``open``/``io.open`` (``Path.read_bytes`` too) while the test runs."""
    paths: list[Path] = []
    real = io.open

    def recording_open(file, *args, **kwargs):
        if isinstance(file, (str, Path)):
            paths.append(Path(file).resolve())
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    return paths


def test_predict_and_eval_never_open_the_path_a_record_names(tmp_path, capsys, opened):
    series = tmp_path / "series.csv"
    values = np.sin(np.arange(80) / 4) + np.arange(80) / 40
    series.write_text("t,y\n" + "".join(f"{i},{v:.6f}\n" for i, v in enumerate(values)))
    run = forecasting.train(str(series), target="y", window=6, horizon=3, units=4, epochs=2, out=str(tmp_path / "run"),
                            say=lambda line: None)
    with_file = forecasting.predict(run.out, str(series))
    decoy = tmp_path / "decoy.csv"  # what a hostile record names: any host file (/etc/passwd, another user's CSV)
    decoy.write_text("t,y\n" + "".join(f"{i},{1000 + i}\n" for i in range(80)))
    _, record = forecasting.load(run.out)
    save_task_model(run.checkpoint, run.model, {**record, "data": str(decoy)})
    series.unlink()  # the training file is gone: nothing may depend on reading it again
    opened.clear()

    assert main(["predict", str(run.out)]) == 0
    printed = [float(line.split("\t")[1]) for line in capsys.readouterr().out.splitlines()]
    np.testing.assert_allclose(printed, with_file, atol=5e-5)  # from the last window the checkpoint keeps
    assert main(["eval", str(run.out)]) == 2
    assert "give it with --data FILE" in capsys.readouterr().err
    assert decoy.resolve() not in opened and series.resolve() not in opened
    assert all(path.name != "decoy.csv" for path in opened)


def test_a_bundled_series_is_found_by_name_not_by_path(tmp_path, capsys, opened):
    run = forecasting.train(dataset="sunspots", window=11, horizon=3, units=4, epochs=1, out=str(tmp_path / "run"), say=lambda line: None)
    _, record = forecasting.load(run.out)
    assert record["dataset"] == "sunspots" and "data" not in record
    assert all("/" not in str(value) for value in record.values() if isinstance(value, str))
    opened.clear()
    assert main(["eval", str(run.out), "--out", str(tmp_path / "report")]) == 0
    assert capsys.readouterr().out.startswith("mase ")
    assert forecasting.bundled("sunspots")[0] in [str(path) for path in opened]
