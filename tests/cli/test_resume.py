"""``rnnkit train TASK --resume`` through the real entry point: N epochs in one go, or a run interrupted inside
epoch N then resumed, give the same per-epoch losses and bit-identical weights, for every task; a conflicting
setting and a second writer of the same run folder are refused with one line."""

import math
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.cli import main
from rnnkit.training import loop
from rnnkit.tasks.runs import run_lock
from rnnkit.training.checkpoint import read_checkpoint

TIMES = ("seconds", "cpu_seconds")  # wall-clock columns of the history: the only ones allowed to differ


def losses_and_weights(path):
    """``(history without clock columns, model weights)`` of a run's resume checkpoint."""
    contents = read_checkpoint(path)
    record = contents.header["record"]
    history = record["history"] if "history" in record else record["callbacks"][0]["history"]
    rows = [{key: value for key, value in row.items() if key not in TIMES} for row in history]
    return rows, contents.group("model")


def assert_same_run(first, second):
    (rows_a, weights_a), (rows_b, weights_b) = first, second
    assert rows_a == rows_b
    assert weights_a.keys() == weights_b.keys()
    for key in weights_a:
        assert torch.equal(weights_a[key], weights_b[key]), key


def classify_data(folder):
    rng = random.Random(0)
    good, bad = ["great", "fine", "lovely", "fun"], ["awful", "dull", "bad", "slow"]
    lines = ["text\tlabel"] + [f"{' '.join(rng.choices(good if label else bad, k=4))} film\t{label}"
                               for label in [rng.randint(0, 1) for _ in range(80)]]
    path = folder / "texts.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["--data", str(path), "--units", "4", "--embedding", "4", "--batch-size", "16"]


def tag_data(folder):
    rng = random.Random(1)
    sentences = []
    for _ in range(60):
        words = [(rng.choice(["we", "they", "you"]), "PRON"), (rng.choice(["saw", "met"]), "VERB"), (rng.choice(["Ann", "Bo"]), "PROPN")]
        sentences.append("\n".join(f"{w} {t}" for w, t in words))
    path = folder / "tagged.txt"
    path.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    return ["--data", str(path), "--units", "4", "--embedding", "4", "--batch-size", "16"]


def forecast_data(folder):
    t = np.arange(120)
    path = folder / "series.csv"
    path.write_text("y\n" + "\n".join(f"{v:.5f}" for v in 5 + np.sin(t / 3)) + "\n")
    # patience 1: early stopping's count must carry over the resume too
    return ["--data", str(path), "--target", "y", "--window", "6", "--horizon", "2", "--units", "4", "--patience", "1"]


def seq2seq_data(folder):
    rng = random.Random(2)
    words = ["".join(rng.choices("abcde", k=rng.randint(2, 4))) for _ in range(60)]
    path = folder / "pairs.tsv"
    path.write_text("\n".join(f"{w}\t{w[::-1]}" for w in words) + "\n", encoding="utf-8")
    return ["--data", str(path), "--units", "8", "--embedding", "4", "--batch-size", "16", "--eval-size", "4"]


def lm_data(folder):
    path = folder / "text.txt"
    path.write_text("the cat sat on the mat.\n" * 60, encoding="utf-8")
    return ["--data", str(path), "--units", "8", "--embedding", "4", "--seq-len", "16", "--batch-size", "8",
            "--steps-per-epoch", "4", "--samples", "0", "--lr-schedule", "cosine"]


def lm_stream_data(folder):
    return lm_data(folder) + ["--windows", "streams"]  # a state carried from batch to batch, reset each epoch


TASKS = {  # case: (the task, its data and tiny settings, the resume checkpoint in the run folder)
    "lm": ("lm", lm_data, "latest.safetensors"),
    "lm-streams": ("lm", lm_stream_data, "latest.safetensors"),
    "classify": ("classify", classify_data, "resume.safetensors"),
    "tag": ("tag", tag_data, "resume.safetensors"),
    "forecast": ("forecast", forecast_data, "resume.safetensors"),
    "seq2seq": ("seq2seq", seq2seq_data, "resume.safetensors"),
}


@pytest.mark.parametrize("case", sorted(TASKS))
def test_a_run_interrupted_mid_epoch_resumes_as_the_uninterrupted_run(case, tmp_path, one_thread, monkeypatch, capsys):
    task, make_data, resume_file = TASKS[case]
    args = make_data(tmp_path)
    steps, real_step = [], loop.train_step

    def step(*arguments):  # Ctrl-C arrives during the chosen training step
        steps.append(1)
        if len(steps) == stop_at:
            raise KeyboardInterrupt
        return real_step(*arguments)

    stop_at = 0
    monkeypatch.setattr(loop, "train_step", step)
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert main(["train", task, "--out", str(whole), "--epochs", "4", *args]) == 0
    uninterrupted = losses_and_weights(whole / resume_file)
    epochs = len(uninterrupted[0])  # 4, or fewer where early stopping ends the run
    stop_at, steps[:] = len(steps) // epochs * (epochs - 1) + 2, []  # the second step of the last epoch
    assert main(["train", task, "--out", str(parts), "--epochs", "4", *args]) == 130
    assert "interrupted;" in capsys.readouterr().err
    assert losses_and_weights(parts / resume_file)[0] == uninterrupted[0][:-1]  # the cut epoch is not counted
    again = args[:2]  # the run's --data, named again: a checkpoint keeps fingerprints, not paths
    assert main(["train", task, "--out", str(parts), "--resume", *again]) == 0  # --epochs 4 is the run's
    resumed = losses_and_weights(parts / resume_file)
    assert all(math.isfinite(row["loss"]) for row in resumed[0])
    assert_same_run(uninterrupted, resumed)


def test_a_resume_may_extend_a_run_with_a_constant_rate(tmp_path, one_thread, capsys):
    args = lm_data(tmp_path) + ["--lr-schedule", "constant"]
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert main(["train", "lm", "--out", str(whole), "--epochs", "3", *args]) == 0
    assert main(["train", "lm", "--out", str(parts), "--epochs", "2", *args]) == 0
    assert main(["train", "lm", "--out", str(parts), "--resume", "--epochs", "3", *args[:2]]) == 0
    assert_same_run(losses_and_weights(whole / "latest.safetensors"), losses_and_weights(parts / "latest.safetensors"))


def test_a_resume_that_changes_a_setting_is_refused(tmp_path, one_thread, capsys):
    args = classify_data(tmp_path)
    out = tmp_path / "run"
    assert main(["train", "classify", "--out", str(out), "--epochs", "1", *args]) == 0
    capsys.readouterr()
    assert main(["train", "classify", "--out", str(out), "--resume", "--epochs", "2", "--units", "9", *args[:2]]) == 2
    error = capsys.readouterr().err
    assert "--units 9 differs from the 4 of the run in" in error and "only epochs and minutes may change" in error
    assert main(["train", "classify", "--out", str(out), "--resume", "--epochs", "1", *args[:2]]) == 2
    assert "has already trained 1 epochs" in capsys.readouterr().err


def test_a_resume_names_its_data_again_and_other_data_is_refused(tmp_path, one_thread, capsys):
    args = classify_data(tmp_path)
    out = tmp_path / "run"
    assert main(["train", "classify", "--out", str(out), "--epochs", "1", *args]) == 0
    assert str(tmp_path) not in (out / "resume.safetensors").read_bytes().decode("latin-1")  # no path in the checkpoint
    capsys.readouterr()
    assert main(["train", "classify", "--out", str(out), "--resume", "--epochs", "2"]) == 2
    error = capsys.readouterr().err
    assert "--data is needed to resume the run" in error and "texts.tsv" in error and "sha256" in error
    other = tmp_path / "other.tsv"
    other.write_text(Path(args[1]).read_text(encoding="utf-8") + "new film\t1\n", encoding="utf-8")
    assert main(["train", "classify", "--out", str(out), "--resume", "--epochs", "2", "--data", str(other)]) == 2
    assert "is not the file the run in" in capsys.readouterr().err
    assert main(["train", "classify", "--out", str(out), "--resume", "--epochs", "2", *args[:2]]) == 0


def test_resume_without_a_finished_epoch_says_so(tmp_path, capsys):
    assert main(["train", "tag", "--data", "x.txt", "--out", str(tmp_path / "none"), "--resume"]) == 2
    assert "no epoch of a run in" in capsys.readouterr().err


def test_a_second_writer_of_a_run_folder_is_refused_naming_the_holder(tmp_path, capsys):
    import multiprocessing
    import os

    args = classify_data(tmp_path)
    out = tmp_path / "run"
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()

    def hold():
        with run_lock(out):
            ready.set()
            release.wait(30)

    holder = context.Process(target=hold)
    holder.start()
    try:
        assert ready.wait(30)
        assert main(["train", "classify", "--out", str(out), "--epochs", "1", *args]) == 2
        error = capsys.readouterr().err
        assert f"{out}: another rnnkit process (pid {holder.pid}) is training into this run folder" in error
    finally:
        release.set()
        holder.join(30)
    assert main(["train", "classify", "--out", str(out), "--epochs", "1", *args]) == 0  # the lock went with its process
    assert os.listdir(out) and not (out / "model.safetensors").is_symlink()
