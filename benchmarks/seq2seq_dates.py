"""Dates -> ISO 8601 with the bundled generator: exact match on 2,000 held-out dates after a fixed time.

For each ``--attention`` value (default: general, then none) it trains with
``rnnkit.tasks.seq2seq.train`` for ``--minutes`` (default 10; the clock includes the per-epoch
greedy decoding of ``--eval-size`` held-out dates), then decodes all held-out dates, whose sources
never occur in training, greedily and with a beam of 4. Target (issue 9): at least 99% exact match
with attention within 10 minutes on the 2-core development machine; the number without attention
is reported beside it.

    .venv/bin/python benchmarks/seq2seq_dates.py --minutes 10 --threads 1 --out runs/bench-dates

Not collected by pytest. Timings on a shared machine are noisy: report the load with the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import torch

from rnnkit.tasks import seq2seq


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training budget per model, on --clock")
    parser.add_argument("--out", default="runs/bench-dates")
    parser.add_argument("--attention", default="general,none", help="comma-separated: dot, general, additive, none")
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--embedding", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--train-size", type=int, default=50_000)
    parser.add_argument("--eval-size", type=int, default=500)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="what --minutes counts; 'cpu' (this process's CPU time) is fair on a crowded machine")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice); 1 copes best with a crowded machine")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    results = []
    for attention in args.attention.split(","):
        out = os.path.join(args.out, attention)
        print(f"\n=== attention {attention}: torch threads {torch.get_num_threads()}; load average {os.getloadavg()}")
        started = time.perf_counter()
        run = seq2seq.train(None, out=out, units=args.units, embedding=args.embedding, batch_size=args.batch_size,
                            learning_rate=args.lr, minutes=args.minutes, train_size=args.train_size, held_out_size=2_000,
                            eval_size=args.eval_size, clock=args.clock, attention=None if attention == "none" else attention)
        trained = time.perf_counter() - started
        trained_cpu = run.history[-1]["cpu_seconds"]
        beam_started = time.perf_counter()
        beam = seq2seq.eval_text(out, None, None, {"beam": 4}).splitlines()[0]
        result = {
            "attention": attention,
            "minutes_budget": args.minutes,
            "clock": args.clock,
            "wall_seconds_training": round(trained, 1),
            "cpu_seconds_training": trained_cpu,
            "epochs": len(run.history),
            "pairs_seen_at_most": sum(1 for _ in run.history) * args.train_size,
            "held_out": int(run.details["scores"]["examples"]),
            "exact_match_greedy": round(run.details["scores"]["exact_match"], 4),
            "bleu_char_greedy": round(run.details["scores"]["bleu"], 2),
            "exact_match_beam4": float(beam.split()[1]),
            "beam4_seconds": round(time.perf_counter() - beam_started, 1),
            "curve_epoch_wall_cpu_loss_exact": [(row["epoch"], row["seconds"], row["cpu_seconds"], round(row["loss"], 4),
                                                 round(row["val_exact_match"], 4)) for row in run.history],
            "load_average_after": os.getloadavg(),
            "config": {k: v for k, v in vars(args).items() if k not in ("out", "attention")},
        }
        if attention != "none":
            result["target_met"] = run.details["scores"]["exact_match"] >= 0.99
        print(json.dumps(result, indent=2))
        results.append(result)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "benchmark.json"), "w") as file:
        json.dump(results, file, indent=2)


if __name__ == "__main__":
    main()
