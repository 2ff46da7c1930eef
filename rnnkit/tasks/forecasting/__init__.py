"""Time-series forecasting with recurrent networks: direct multi-step forecasts, scored against naive baselines.

In a notebook::

    from rnnkit.tasks import forecasting
    run = forecasting.train(dataset="co2", window=24, horizon=12, out="runs/co2")
    scores, _ = forecasting.evaluate(run.out)
    print(scores["mase"], scores["naive_mase"], scores["seasonal_naive_mase"])
"""

from .evaluation import ForecastReport, eval_text, evaluate, forecast, load_forecaster, plot_forecasts, predict, predict_text, seasonal_naive
from .model import ForecasterConfig, build_forecaster
from .series import BUNDLED, Scaler, Split, bundled, read_series, sequence_windows, windows
from .settings import ForecastSettings
from .training import train

load = load_forecaster  # every task exports train, load, evaluate and predict under these names (rnnkit.tasks.registry)

__all__ = ["BUNDLED", "ForecastReport", "ForecastSettings", "ForecasterConfig", "Scaler", "Split", "build_forecaster", "bundled", "eval_text",
           "evaluate", "forecast", "load", "load_forecaster", "plot_forecasts", "predict", "predict_text", "read_series",
           "seasonal_naive", "sequence_windows", "train", "windows"]
