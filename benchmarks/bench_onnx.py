"""The deployed model's speed and int8 accuracy: onnxruntime (1 and 2 threads) against rnnkit's own inference.

Not collected by pytest. Run from the project root::

    .venv/bin/python benchmarks/bench_onnx.py speed --repeats 7                 # the rnnkit bench shapes
    .venv/bin/python benchmarks/bench_onnx.py quantize --minutes 2              # NSMC from ../shared/data/nsmc

``speed``: each cell (LSTM, GRU, SimpleRNN) at each shape of :data:`rnnkit.kernels.benchmark.SHAPES`
as ``Sequential([Input((T, I)), Layer(H, return_sequences=True)])``, exported with ``to_onnx`` (which
checks it), then timed in interleaved rounds (rnnkit and onnxruntime at 1 and 2 threads, one call
each per round), median per contender. ``quantize``: trains a small BiLSTM classifier on a slice of
NSMC with ``rnnkit train classify``, exports it, quantizes it with
``onnxruntime.quantization.quantize_dynamic`` (int8 weights of MatMul/LSTM/Gather, activations
quantized per call), and reports dev accuracy and batch-inference time of rnnkit, float ONNX and int8 ONNX.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

import rnnkit as keras
from rnnkit import layers as L
from rnnkit.data.padding import pad_sequences
from rnnkit.data.tables import read_labelled_texts
from rnnkit.export import onnx_bytes, to_onnx
from rnnkit.kernels.benchmark import SHAPES

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nsmc"
LAYERS = {"lstm": L.LSTM, "gru": L.GRU, "simple_rnn": L.SimpleRNN}


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def session(model_bytes: bytes, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # onnxruntime's threads spin after each run by default, taking the cores from torch's next call.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def interleaved(contenders: dict, repeats: int, warmup: int = 2) -> dict[str, float]:
    """Median milliseconds of each no-argument callable, one call each per round."""
    for run in contenders.values():
        for _ in range(warmup):
            run()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            started = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(t) for name, t in times.items()}


def rnnkit_call(model, x: torch.Tensor):
    def run():
        with torch.inference_mode():
            model(x)
    return run


def per_threads(make: dict, repeats: int) -> dict[str, float]:
    """``make[name](threads)`` gives a contender; each thread count is timed in its own interleaved rounds
    (switching torch's thread count costs more than a small call)."""
    ms = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        found = interleaved({name: build(threads) for name, build in make.items()}, repeats)
        ms.update({f"{name} {threads} thr": value for name, value in found.items()})
    return ms


def speed(args: argparse.Namespace) -> None:
    print("| cell | shape (B, T, I, H) | rnnkit 1 thr | ORT 1 thr | rnnkit 2 thr | ORT 2 thr | ORT/rnnkit (1, 2 thr) | max abs err |")
    print("|---|---|---|---|---|---|---|---|")
    for cell in args.cells.split(","):
        for name in args.shapes.split(","):
            B, T, I, H = SHAPES[name]
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input(shape=(T, I)), LAYERS[cell](H, return_sequences=True)]).eval()
            x = torch.randn(B, T, I)
            with tempfile.TemporaryDirectory() as folder:
                report = to_onnx(model, Path(folder) / "m.onnx", sample=x.numpy())
            content = onnx_bytes(model)
            feeds = {model.inputs[0].node.layer.name: x.numpy()}
            ms = per_threads({"rnnkit": lambda threads: rnnkit_call(model, x),
                              "ort": lambda threads: (lambda s=session(content, threads): s.run(None, feeds))},
                             args.repeats)
            r1, o1, r2, o2 = (ms[k] for k in ("rnnkit 1 thr", "ort 1 thr", "rnnkit 2 thr", "ort 2 thr"))
            print(f"| {cell} | {name} {SHAPES[name]} | {r1:.2f} | {o1:.2f} | {r2:.2f} | {o2:.2f} | "
                  f"{o1 / r1:.2f}, {o2 / r2:.2f} | {report.max_abs_error:.1e} |", flush=True)


def _slice(source: Path, rows: int, target: Path) -> None:
    lines = source.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")  # the header, then rows


def quantize(args: argparse.Namespace) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from rnnkit.tasks import classification

    folder = Path(tempfile.mkdtemp(prefix="bench_onnx_"))
    train, dev = folder / "train.tsv", folder / "dev.tsv"
    _slice(args.data / "ratings_train.txt", args.train_rows, train)
    _slice(args.data / "ratings_dev.txt", args.dev_rows, dev)
    torch.set_num_threads(args.threads)
    run = classification.train(str(train), out=str(folder / "run"), val=str(dev), tokens="word", max_vocab=args.vocab,
                               max_len=60, cell="lstm", units=args.units, embedding=64, minutes=args.minutes,
                               epochs=20, batch_size=128, seed=0)
    model, encoder, record = classification.load(run.out)
    float_path, int8_path = folder / "model.onnx", folder / "model.int8.onnx"
    print(to_onnx(model, float_path).as_text())
    quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8)

    texts, labels = read_labelled_texts(str(dev), None, None, "--val")
    classes = record["classes"]
    truth = np.array([classes.index(label) for label in labels])
    ids = pad_sequences([encoder.encode(t) for t in texts], padding="post", dtype="int64")  # one batch
    x = torch.from_numpy(ids)
    with torch.inference_mode():
        rnnkit_pred = model(x).argmax(-1).numpy()
    make = {"rnnkit": lambda threads: rnnkit_call(model, x)}
    for name, path in (("ONNX float", float_path), ("ONNX int8", int8_path)):
        make[name] = lambda threads, path=path: (lambda s=session(path.read_bytes(), threads): s.run(None, {"ids": ids}))
    predictions = {"rnnkit": rnnkit_pred}
    for name, path in (("ONNX float", float_path), ("ONNX int8", int8_path)):
        (logits,) = session(path.read_bytes(), 2).run(None, {"ids": ids})
        predictions[name] = logits.argmax(-1)
    accuracy = {name: float((p == truth).mean()) for name, p in predictions.items()}
    agree = float((predictions["ONNX int8"] == rnnkit_pred).mean())
    ms = per_threads(make, args.repeats)
    sizes = {"float": float_path.stat().st_size, "int8": int8_path.stat().st_size}
    print(f"BiLSTM({args.units}) on {args.train_rows:,} NSMC reviews ({run.best_epoch} epochs kept of "
          f"{len(run.history)}), dev {len(texts):,} reviews in one batch of {ids.shape}")
    print("accuracy: " + ", ".join(f"{k} {v:.4f}" for k, v in accuracy.items()) + f"; int8 agrees with rnnkit on {agree:.4f}")
    import onnx

    quantized_ops = sorted({n.op_type for n in onnx.load(str(int8_path)).graph.node if "Quant" in n.op_type or "Integer" in n.op_type})
    print(f"int8 graph's quantized operators: {', '.join(quantized_ops)}")
    print("file size: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sizes.items()))
    print("time per batch (median ms): " + ", ".join(f"{k} {v:.1f}" for k, v in ms.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="part", required=True)
    fast = commands.add_parser("speed")
    fast.add_argument("--cells", default="lstm,gru,simple_rnn")
    fast.add_argument("--shapes", default=",".join(SHAPES))
    fast.add_argument("--repeats", type=int, default=7)
    small = commands.add_parser("quantize")
    small.add_argument("--data", type=Path, default=DATA)
    small.add_argument("--train-rows", type=int, default=20000)
    small.add_argument("--dev-rows", type=int, default=2000)
    small.add_argument("--vocab", type=int, default=10000)
    small.add_argument("--units", type=int, default=32)
    small.add_argument("--minutes", type=float, default=2.0)
    small.add_argument("--threads", type=int, default=2)
    small.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"CPU: {cpu_model()}, {torch.get_num_threads()} torch threads available; torch {torch.__version__}")
    print("Measured on a shared, busy machine: absolute times are noisy, ratios within one run are what to read.")
    speed(args) if args.part == "speed" else quantize(args)


if __name__ == "__main__":
    main()
