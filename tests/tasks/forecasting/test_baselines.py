"""ETS and SARIMA baselines in ``forecasting.evaluate``: fitted on the training part only, forecasting from each test origin."""

import sys
import warnings

import numpy as np
import pytest

from rnnkit.tasks import forecasting
from rnnkit.tasks.forecasting.baselines import statistical_forecasts
from rnnkit.training.scores import mean_absolute_scaled_error

pytestmark = pytest.mark.usefixtures("one_thread")
statespace = pytest.importorskip("statsmodels.tsa.statespace.api")


def seasonal_series(path, rows=100, season=4):  # a short season keeps statsmodels' fits to a second or two
    t, noise = np.arange(rows), np.random.default_rng(1).standard_normal((2, rows))
    values = 50 + 0.05 * t + 3 * np.sin(2 * np.pi * t / season) + np.cumsum(0.3 * noise[0]) + 0.3 * noise[1]
    path.write_text("t,y\n" + "\n".join(f"{i},{float(v)!r}" for i, v in enumerate(values)) + "\n")  # every digit: the same fit
    return path, values


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("baselines")
    data, values = seasonal_series(folder / "series.csv")
    result = forecasting.train(data=str(data), target="y", season=4, window=8, horizon=3, units=4, epochs=1,
                               out=str(folder / "run"), say=lambda line: None)
    return {"data": str(data), "values": values, "out": result.out}


def test_eval_scores_ets_and_sarima_as_statsmodels_forecasts_them_from_each_origin(run):
    scores, arrays = forecasting.evaluate(run["out"], run["data"])
    values, origins, train = run["values"], arrays["origins"], arrays["split"].train
    truth = np.stack([values[o : o + 3] for o in origins])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sarima = statespace.SARIMAX(values[:train], order=(1, 1, 1), seasonal_order=(0, 1, 1, 4)).fit(disp=False)
        by_refitting_nothing = np.stack([sarima.apply(values[:o]).forecast(3) for o in origins])  # filter up to o, then forecast
    assert scores["sarima_mase"] == pytest.approx(mean_absolute_scaled_error(truth, by_refitting_nothing, values[:train]), rel=1e-6)
    assert scores["ets_mase"] > 0
    assert scores["sarima_mase"] < scores["seasonal_naive_mase"]  # a trend plus a season: SARIMA sees both


def test_the_baselines_never_see_the_test_part():
    values = np.sin(np.arange(60) / 3.0) + np.arange(60) * 0.01
    changed = values.copy()
    changed[50:] += 1000  # after the last origin's history
    origins = np.array([45, 50])
    first, second = (statistical_forecasts(v, 40, origins, 3, 1) for v in (values, changed))
    for name in ("ets", "sarima"):
        np.testing.assert_array_equal(first[name], second[name])


def test_without_statsmodels_eval_says_which_extra_brings_it(run, monkeypatch):
    for name in [name for name in sys.modules if name.split(".")[0] == "statsmodels"] or ["statsmodels"]:
        monkeypatch.setitem(sys.modules, name, None)  # an import of it now fails as if it were not installed
    scores, _ = forecasting.evaluate(run["out"], run["data"])
    assert "ets_mase" not in scores and "pip install 'rnnkit[forecast]'" in scores["statistical_baselines"]
    assert "seasonal_naive_mase" in scores
