"""The task table, open_checkpoint, and the run helpers every task shares (held-out split, fit keeping the best)."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import safetensors_file
from rnnkit.cli import main
from rnnkit.tasks import classification, dna, forecasting, language_model, seq2seq, tagging
from rnnkit.tasks.registry import TASKS, open_checkpoint
from rnnkit.tasks.runs import fit_keeping_best, hold_out
from rnnkit.training import save_checkpoint
from rnnkit.training.task_files import TimeLimit, read_task_model

LEGACY = Path(__file__).parents[1] / "fixtures" / "legacy_files"


def test_every_task_exports_train_load_evaluate_and_predict():
    for module in (classification, tagging, forecasting, language_model, seq2seq, dna):
        for name in ("train", "load", "evaluate", "predict"):
            assert callable(getattr(module, name, None)), f"{module.__name__}.{name}"
    assert set(TASKS) == {"lm", "classify", "tag", "forecast", "seq2seq", "ctc", "music", "dna"}
    assert all(task.name == name for name, task in TASKS.items())


def test_open_checkpoint_finds_the_task_of_a_file_or_a_run_directory(tmp_path):
    task, checkpoint = open_checkpoint(LEGACY / "classify.safetensors")  # a file of the older layout
    assert task is TASKS["classify"] and checkpoint.record["task"] == "classify"
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(LEGACY / "lm.safetensors", run / "latest.safetensors")
    task, checkpoint = open_checkpoint(run)
    assert task is TASKS["lm"] and checkpoint.path == run / "latest.safetensors" and checkpoint.header["epoch"] == 3
    model, tokenizer = task.load(checkpoint.path)
    assert tokenizer.vocab_size == model.config.vocab_size


def test_open_checkpoint_explains_files_that_are_not_task_checkpoints(tmp_path):
    with pytest.raises(ValueError, match="an rnnkit model file"):
        open_checkpoint(LEGACY / "model.rnnkit")
    with pytest.raises(ValueError, match="a training checkpoint of a model"):
        open_checkpoint(LEGACY / "training.safetensors")
    odd = tmp_path / "odd.safetensors"
    safetensors_file.save(odd, "task", {}, {"record": {"task": "juggle"}})
    with pytest.raises(ValueError, match="task 'juggle', which this rnnkit does not know"):
        open_checkpoint(odd)
    with pytest.raises(ValueError, match="a folder without model.safetensors or best.safetensors or latest.safetensors"):
        open_checkpoint(tmp_path)
    with pytest.raises(ValueError, match="no such checkpoint file or run directory"):
        open_checkpoint(tmp_path / "nowhere")


def test_commands_refuse_a_checkpoint_of_another_task(capsys):
    assert main(["predict", str(LEGACY / "lm.safetensors"), "text"]) == 2
    assert "rnnkit predict runs classify, ctc, dna, forecast, tag checkpoints" in capsys.readouterr().err
    assert main(["sample", str(LEGACY / "classify.safetensors")]) == 2
    assert "a classifier ('classify'); rnnkit sample needs a language model" in capsys.readouterr().err


def test_hold_out_is_seeded_disjoint_and_keeps_at_least_one_row():
    rows = list(range(50))
    kept, held = hold_out(rows, 0.1, seed=3)
    assert len(held) == 5 and sorted(kept + held) == rows
    assert hold_out(rows, 0.1, seed=3) == (kept, held) and hold_out(rows, 0.1, seed=4) != (kept, held)
    assert np.random.default_rng(3).permutation(50)[:5].tolist() == held  # numpy's generator, as every task uses
    assert len(hold_out(rows[:3], 0.01, seed=0)[1]) == 1
    with pytest.raises(ValueError, match="need at least 2 sentences"):
        hold_out(rows[:1], 0.1, seed=0, what="sentences")


class Weights(keras.callbacks.Callback):
    """Keeps the model's weights at the end of every epoch."""

    def __init__(self):
        super().__init__()
        self.by_epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.by_epoch.append({k: v.clone() for k, v in self.model.state_dict().items()})


def test_fit_keeping_best_returns_and_saves_the_best_epoch(tmp_path, one_thread):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    x = np.random.default_rng(0).standard_normal((32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    weights = Weights()
    # validation targets of the opposite sign: the better the fit, the worse the validation loss, so an early
    # epoch is the best one, not the last
    run = fit_keeping_best(model, x, y=y, batch_size=8, validation_data=(x, -y), out=tmp_path, record=lambda: {"task": "demo"},
                           monitor="val_loss", mode="min", epochs=4, limit=TimeLimit(None), say=lambda line: None,
                           callbacks=[weights])
    losses = [row["val_loss"] for row in run.history]
    best = int(np.argmin(losses))
    assert best < 3 and run.best_epoch == best + 1 and run.best == losses[best] and run.stopped_by == "epochs"
    _, saved, record = read_task_model(tmp_path)
    assert record["best_epoch"] == best + 1 and record["task"] == "demo"
    for key, value in weights.by_epoch[best].items():
        assert torch.equal(saved[key], value) and torch.equal(run.model.state_dict()[key], value), key
    assert not torch.equal(weights.by_epoch[-1]["layers.0.kernel"], weights.by_epoch[best]["layers.0.kernel"])


def test_fit_keeping_best_says_when_no_epoch_was_good(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.full((4, 1), 1e30, "float32")  # the squared error overflows float32
    with pytest.raises(ValueError, match="no epoch finished with a finite val_loss; nothing was saved"), pytest.warns(RuntimeWarning):
        fit_keeping_best(model, x, y=y, validation_data=(x, y), out=tmp_path, record=dict, monitor="val_loss", mode="min",
                         epochs=1, limit=TimeLimit(None), say=lambda line: None)
    assert not (tmp_path / "model.safetensors").exists()


def test_a_training_checkpoint_with_a_task_record_is_that_tasks(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    save_checkpoint(tmp_path / "c.safetensors", model, epoch=1, extra={"task": "lm"})
    assert open_checkpoint(tmp_path / "c.safetensors")[0] is TASKS["lm"]


def test_language_model_evaluate_reads_a_text_with_the_state_carried(tmp_path):
    from rnnkit.tasks.language_model import evaluate, load

    text = tmp_path / "t.txt"
    text.write_text("ab c. ca b. " * 12)
    report = evaluate(LEGACY / "lm.safetensors", text)
    model, tokenizer = load(LEGACY / "lm.safetensors")
    ids = torch.tensor(tokenizer.encode(text.read_text()))
    streams = 16
    length = (len(ids) - 1) // streams
    with torch.no_grad():  # each stream read whole in one call: no chunks
        logits, _ = model.step(ids[: streams * length].view(streams, length))
        expected = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[1: streams * length + 1].view(-1))
    assert report.tokens == streams * length
    assert report.loss == pytest.approx(float(expected), rel=1e-5)
    assert report.perplexity == pytest.approx(np.exp(report.loss))
    assert report.bits_per_char == pytest.approx(report.loss * report.tokens / len(tokenizer.decode(ids.tolist())) / np.log(2))
    assert report.as_text().startswith(f"loss {report.loss:.4f} nats/token")
    assert main(["eval", str(LEGACY / "lm.safetensors"), "--data", str(text)]) == 0


def test_language_model_predict_continues_each_prime_as_sample_does():
    from rnnkit.tasks.language_model import load, predict, sample_text

    model, tokenizer = load(LEGACY / "lm.safetensors")
    expected = [sample_text(model, tokenizer, prime, 8, temperature=0.7, seed=1) for prime in ("ab", "c.")]
    assert predict(LEGACY / "lm.safetensors", ["ab", "c."], length=8, temperature=0.7, seed=1) == expected
    assert all(text.startswith(prime) and len(text) > len(prime) for text, prime in zip(expected, ("ab", "c.")))
