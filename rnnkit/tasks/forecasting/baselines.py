"""Statistical baselines for the test part: seasonal ETS and SARIMA, fitted on the training part (statsmodels).

A recurrent forecaster is worth its training only if it beats what a statistician fits in a second.
Both models are fitted once, by maximum likelihood, on the training rows only; each test origin's
forecast is the fitted model's dynamic prediction from that origin (parameters fixed, nothing
refitted; the filter has seen the rows before the origin only), so the baselines see exactly the
history the network sees.

- ETS: additive errors, an additive trend (a damped one scored worse on CO2), and an additive
  season of ``season`` rows (none when ``season`` is 1): statsmodels' state-space ``ExponentialSmoothing``.
- SARIMA: ``(1, 1, 1) x (0, 1, 1, season)``, the seasonal "airline"-like model that suits
  monthly series such as CO2 (``(1, 1, 1)`` when ``season`` is 1).

statsmodels comes with the ``forecast`` extra; without it :func:`statistical_forecasts` raises
:class:`rnnkit.extras.MissingExtraError` saying how to install it.
"""

from __future__ import annotations

import warnings

import numpy as np

from ...extras import require

SARIMA_ORDER = (1, 1, 1)
SARIMA_SEASONAL_ORDER = (0, 1, 1)  # with the season's length as the fourth number


def _models(history: np.ndarray, season: int) -> dict[str, object]:
    """Unfitted statsmodels models of the training part ``history`` (n,), by baseline name."""
    statespace = require("statsmodels.tsa.statespace.api", "scoring seasonal ETS and SARIMA baselines")
    seasonal = season if season > 1 else None
    ets = statespace.ExponentialSmoothing(history, trend=True, seasonal=seasonal)
    sarima = statespace.SARIMAX(history, order=SARIMA_ORDER,
                                seasonal_order=(*SARIMA_SEASONAL_ORDER, season) if season > 1 else (0, 0, 0, 0))
    return {"ets": ets, "sarima": sarima}


def statistical_forecasts(series: np.ndarray, train_end: int, origins: np.ndarray, horizon: int,
                          season: int) -> dict[str, np.ndarray]:
    """``{"ets": (N, horizon), "sarima": (N, horizon)}``: each baseline's forecasts of ``series[o : o + horizon]`` per origin ``o``.

    ``series`` (n,) is the whole target series; the models are fitted on ``series[:train_end]``.
    """
    forecasts = {}
    models = _models(series[:train_end], season)  # first: importing statsmodels installs its own warning filters
    with warnings.catch_warnings():  # convergence notes from statsmodels: the scores speak for the fit
        warnings.simplefilter("ignore")
        for name, model in models.items():
            filtered = model.fit(disp=False).apply(series[: origins[-1]])  # the fitted parameters over the series
            forecasts[name] = np.stack([np.asarray(filtered.get_prediction(start=o, end=o + horizon - 1, dynamic=True).predicted_mean)
                                        for o in origins])  # from o on, only rows before o are seen
    return forecasts
