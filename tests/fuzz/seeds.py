"""Valid seed files of every kind rnnkit reads, written once per run; mutators start from these.

rnnkit's own files are made fresh (so they are in today's format): a model file, weights, a
training checkpoint with optimizer state and generator states, and one checkpoint of each task,
each trained for one tiny epoch. Keras files come from the suite's fixtures (written by real
Keras). A ``.keras`` bomb (a small archive whose weights member unpacks to 1.5 GiB of zeros) is
built here once, since deflating that much is too slow to redo per case.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KERAS_FIXTURES = ["saving/keras3_trained.keras", "saving/keras3_shared_gru.keras", "saving/keras3_trained.h5",
                  "saving/keras2_trained.h5", "saving/keras3_shared_gru.weights.h5"]
BOMB_BYTES = 3 << 29  # 1.5 GiB

GOOD_TSV = "text\tlabel\n" + "".join(f"{w} film\t{i % 2}\n" for i, w in enumerate(["good", "bad", "great", "awful", "fine", "poor"]))
GOOD_STEPS = "id,time,label,a,b\n" + "".join(f"s{i},{t},{'up' if i % 2 else 'down'},{t * (i % 2 * 2 - 1)},{t / 3:.3f}\n"
                                             for i in range(6) for t in range(4))
GOOD_CONLLU = "".join(f"# sent_id = {i}\n1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tcat\tcat\tNOUN\tNN\t_\t3\tnsubj\t_\t_\n"
                      f"3\tsat\tsit\tVERB\tVBD\t_\t0\troot\t_\t_\n\n" for i in range(4))
GOOD_SERIES = "t,y,x\n" + "".join(f"{i},{np.sin(i / 3):.4f},{np.cos(i / 5):.4f}\n" for i in range(40))
GOOD_VECTORS = "5 4\n" + "".join(f"{w} " + " ".join(f"{v:.3f}" for v in np.random.default_rng(i).normal(size=4)) + "\n"
                                 for i, w in enumerate(["the", "cat", "sat", "on", "mat"]))


def build(folder: Path, bomb: bool = True) -> Path:
    """Write every seed file into ``folder`` (made if needed; ``bomb``: the ``.keras`` bomb too, ~20 s of deflating); returns it."""
    import rnnkit
    from rnnkit.tasks import classification, forecasting, language_model, seq2seq, tagging
    from rnnkit.training.checkpoint import save_checkpoint

    folder.mkdir(parents=True, exist_ok=True)
    rnnkit.utils.set_random_seed(0)
    model = rnnkit.Sequential([rnnkit.Input(shape=(5, 3)), rnnkit.layers.LSTM(4), rnnkit.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 5, 3), np.float32), np.ones((4, 2), np.float32), epochs=1, verbose=0)
    model.save(folder / "model.rnnkit")
    model.save_weights(folder / "model.weights.safetensors")
    save_checkpoint(folder / "training.safetensors", model, epoch=1)
    model.save(folder / "model.keras")
    model.save(folder / "model.h5")
    model.save_weights(folder / "model.weights.h5")
    np.save(folder / "input.npy", np.ones((2, 5, 3), np.float32))  # a batch for `rnnkit inspect --input`

    data = folder / "data"
    data.mkdir(exist_ok=True)
    for name, text in (("texts.tsv", GOOD_TSV), ("steps.csv", GOOD_STEPS), ("tagged.conllu", GOOD_CONLLU), ("series.csv", GOOD_SERIES),
                       ("vectors.txt", GOOD_VECTORS), ("texts.csv", GOOD_TSV.replace("\t", ",")),
                       ("pairs.tsv", "".join(f"{a}\t{b}\n" for a, b in (("one", "1"), ("two", "2"), ("three", "3"), ("four", "4")) * 3))):
        (data / name).write_text(text)
    quiet = {"say": lambda line: None}
    runs = {"classify": classification.train(str(data / "texts.tsv"), out=str(folder / "run_classify"), epochs=1, units=4, embedding=4, **quiet),
            "tag": tagging.train(str(data / "tagged.conllu"), out=str(folder / "run_tag"), epochs=1, units=4, embedding=4, **quiet),
            "forecast": forecasting.train(str(data / "series.csv"), target="y", features=["x"], window=4, horizon=2, units=4, epochs=1,
                                          out=str(folder / "run_forecast"), **quiet),
            "seq2seq": seq2seq.train(str(data / "pairs.tsv"), out=str(folder / "run_seq2seq"), epochs=1, units=4, embedding=4, **quiet),
            "lm": language_model.train(str(FIXTURES / "lm" / "tiny.txt"), out=str(folder / "run_lm"), epochs=1, units=8, embedding=4,
                                       seq_len=16, steps_per_epoch=2, samples=0, eval_tokens=200, **quiet)}
    for task, run in runs.items():
        shutil.copy(run.checkpoint, folder / f"{task}.safetensors")
    for name in KERAS_FIXTURES:
        shutil.copy(FIXTURES / name, folder / Path(name).name)
    _write_dataset_cache(folder / "imdb.npz")
    if bomb:
        _write_bomb(folder / "model.keras", folder / "bomb.keras")
    return folder


def _write_dataset_cache(path: Path) -> None:
    """A tiny ``imdb.npz`` in Keras's layout: object arrays of word-id lists (pickled, as Keras writes them)."""
    reviews = np.empty(4, dtype=object)
    reviews[:] = [[1, 14, 22], [1, 5, 9, 2], [1, 7], [1, 3, 3, 3, 8]]
    np.savez(path, x_train=reviews, y_train=np.array([0, 1, 0, 1]), x_test=reviews[::-1].copy(), y_test=np.array([1, 0, 1, 0]))


def _write_bomb(keras: Path, bomb: Path) -> None:
    """``keras`` with its ``model.weights.h5`` member replaced by :data:`BOMB_BYTES` of zeros, deflated."""
    chunk = bytes(1 << 24)
    with zipfile.ZipFile(keras) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename.endswith(".h5"):
                with target.open(info.filename, "w", force_zip64=True) as member:
                    for _ in range(BOMB_BYTES // len(chunk)):
                        member.write(chunk)
            else:
                target.writestr(info.filename, source.read(info))
