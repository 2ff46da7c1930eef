"""``rnnkit train forecast``: a recurrent forecaster of the next K values of a series (a bundled one by default)."""

from __future__ import annotations

import argparse
import sys

from ..tasks import forecasting

EXAMPLE = """examples:
  rnnkit train forecast                                      # bundled monthly Mauna Loa CO2, window 24, horizon 12
  rnnkit train forecast --dataset sunspots --window 22 --horizon 5 --out runs/sunspots
  rnnkit train forecast --output sequence                    # also learn the next 12 values after every month of the window
  rnnkit train forecast --data prices.csv --target close --features volume --window 30 --horizon 5 --season 5
  rnnkit eval runs/forecast                                  # MAE, RMSE, MASE vs naive and seasonal naive; forecast.png
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
    parser.add_argument("--data", help="a CSV with a header line, rows in time order (default: a bundled series)")
    parser.add_argument("--dataset", choices=sorted(forecasting.BUNDLED), default="co2", help="bundled series without --data (default co2)")
    parser.add_argument("--target", help="the column to forecast (required with --data)")
    parser.add_argument("--features", help="more input columns, comma-separated")
    parser.add_argument("--window", type=int, default=24, help="past rows the model sees (default 24)")
    parser.add_argument("--horizon", type=int, default=12, help="future values forecast at once (default 12)")
    parser.add_argument("--season", type=int, help="season length for the seasonal-naive baseline (bundled: 12 or 11)")
    parser.add_argument("--out", default="runs/forecast", help="run directory (default runs/forecast)")
    parser.add_argument("--cell", choices=["lstm", "gru", "simple"], default="lstm", help="recurrent layer (default lstm)")
    parser.add_argument("--layers", type=int, default=1, help="stacked recurrent layers (default 1)")
    parser.add_argument("--units", type=int, default=32, help="units per layer (default 32)")
    parser.add_argument("--output", choices=["last", "sequence"], default="last",
                        help="last: forecast from the window's last state; sequence: train on the next K values after "
                             "every step of the window and forecast from the last step (default last)")
    parser.add_argument("--relative", action=argparse.BooleanOptionalAction, default=True,
                        help="predict changes from the window's last value (default yes; copes with trends)")
    parser.add_argument("--train", type=float, default=0.7, help="fraction of rows (the earliest) to train on (default 0.7)")
    parser.add_argument("--val", type=float, default=0.15, help="fraction after those to pick the epoch on (default 0.15); the rest is the test part")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per batch (default 32)")
    parser.add_argument("--epochs", type=int, default=200, help="most epochs (default 200)")
    parser.add_argument("--patience", type=int, default=20, help="stop after this many epochs without a better validation loss (default 20)")
    parser.add_argument("--minutes", type=float, help="stop after this many minutes of training")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate (default 0.003)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    features = [c.strip() for c in args.features.split(",") if c.strip()] if args.features else None
    try:
        result = forecasting.train(
            data=args.data, target=args.target, features=features, dataset=args.dataset, window=args.window,
            horizon=args.horizon, season=args.season, out=args.out, cell=args.cell, layers=args.layers, units=args.units,
            output=args.output, relative=args.relative, train_fraction=args.train, val_fraction=args.val,
            batch_size=args.batch_size, epochs=args.epochs, patience=args.patience, minutes=args.minutes,
            learning_rate=args.lr, seed=args.seed,
        )
        text = forecasting.eval_text(result.out, None, None, {})
    except ValueError as error:
        print(f"rnnkit train forecast: error: {error}", file=sys.stderr)
        return 2
    print(f"test part:\n{text}")
    print(f"model: {result.checkpoint}")
    print(f"next:  rnnkit predict {result.out}")
    return 0
