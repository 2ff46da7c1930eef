"""``rnnkit train forecast``: a recurrent forecaster of the next K values of a series (a bundled one by default)."""

from __future__ import annotations

import argparse

from ..tasks import forecasting
from .settings_flags import add_setting_flags, settings_from

EXAMPLE = """examples:
  rnnkit train forecast                                      # bundled monthly Mauna Loa CO2, window 24, horizon 12
  rnnkit train forecast --dataset sunspots --window 22 --horizon 5 --out runs/sunspots
  rnnkit train forecast --output sequence                    # also learn the next 12 values after every month of the window
  rnnkit train forecast --data prices.csv --target close --features volume --window 30 --horizon 5 --season 5
  rnnkit eval runs/forecast                                  # MAE, RMSE, MASE vs naive, seasonal naive, ETS, SARIMA; forecast.png
  rnnkit predict runs/forecast                               # the next K values after the series
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "forecast",
        help="a forecaster: the next K values of a numeric series (CSV)",
        description="Train a direct multi-step recurrent forecaster; writes OUT/model.safetensors (best validation loss).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_setting_flags(parser, forecasting.ForecastSettings)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = forecasting.train(settings_from(args, forecasting.ForecastSettings))
    text = forecasting.eval_text(result.out, args.data, None, {"statistical": False})  # seconds of statsmodels fitting: eval's job
    print(f"test part:\n{text}")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit eval {result.out}{' --data FILE' if args.data else ''}   # adds seasonal ETS and SARIMA baselines;  "
          f"rnnkit predict {result.out}")
    return 0
