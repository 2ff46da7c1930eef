"""Language models end to end through the real entry point: train -> sample -> score, on a tiny corpus."""

import math
import random

import pytest
import torch

from rnnkit.cli import main
from rnnkit.tasks import language_model as lm
from rnnkit.tasks.language_model.checkpoint import read_lm_checkpoint
from rnnkit.tasks.language_model.generation import generate_ids, pick_next, prime_ids_for
from rnnkit.tasks.precision import native_bfloat16

DOMINANT, RARE = "the cat sat on the mat.", "the mat sat on the cat."
TINY = ["--layers", "1", "--units", "48", "--embedding", "16", "--seq-len", "32", "--batch-size", "16", "--samples", "1"]


def tiny_corpus() -> str:
    """Lines where one phrasing dominates (9 to 1) and a few others vary."""
    rng = random.Random(0)
    lines = []
    for _ in range(700):
        roll = rng.random()
        lines.append(DOMINANT if roll < 0.6 else RARE if roll < 0.66 else f"a {rng.choice(['dog', 'cow', 'hen'])} ran.")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lm")
    data = folder / "tiny.txt"
    data.write_text(tiny_corpus(), encoding="utf-8")
    out = folder / "run"
    code = main(["train", "lm", "--data", str(data), "--out", str(out), "--epochs", "3", "--steps-per-epoch", "40", *TINY])
    assert code == 0
    return {"data": data, "out": out}


def test_training_writes_checkpoints_plot_and_learns(run, capsys):
    out = run["out"]
    for name in ("latest.safetensors", "best.safetensors", "loss.png"):
        assert (out / name).is_file()
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    _, _, record = read_lm_checkpoint(out)
    history = record["history"]
    assert [row["epoch"] for row in history] == [1, 2, 3]
    vocab = record["config"]["vocab_size"]
    assert history[0]["val_loss"] < math.log(vocab)  # better than guessing uniformly
    assert history[-1]["loss"] < history[0]["loss"] and history[-1]["val_loss"] < 0.6 * history[0]["val_loss"]
    assert history[-1]["val_bits_per_char"] == pytest.approx(history[-1]["val_loss"] / math.log(2))  # chars are tokens
    assert history[-1]["val_perplexity"] == pytest.approx(math.exp(history[-1]["val_loss"]))
    assert record["tokenizer"]["kind"] == "char" and record["settings"]["seq_len"] == 32


def sample_cli(capsys, *args):
    code = main(["sample", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_sampling_with_a_seed_is_reproducible(run, capsys):
    args = (run["out"], "--prime", "the ", "--length", "60", "--seed", "7", "--temperature", "0.9")
    code, first, _ = sample_cli(capsys, *args)
    assert code == 0 and first.startswith("the ") and len(first) == len("the ") + 60 + 1
    assert sample_cli(capsys, *args)[1] == first
    assert sample_cli(capsys, *args[:-3], "9", "--top-k", "3")[0] == 0


def greedy_by_rerunning_the_prefix(model, tokenizer, prime, length):
    """The independent reference: run the whole text so far for every new token, take the argmax."""
    ids = [tokenizer.start_id(), *tokenizer.encode(prime)]
    with torch.no_grad():
        for _ in range(length):
            logits, _ = model.step(torch.tensor([ids]))
            ids.append(int(logits[0, -1].argmax()))
    return prime + tokenizer.decode(ids[1 + len(prime):])


def test_temperature_zero_is_the_greedy_continuation(run, capsys):
    model, tokenizer = lm.load(run["out"])
    code, out, _ = sample_cli(capsys, run["out"], "--prime", "the m", "--length", "40", "--temperature", "0")
    assert code == 0
    assert out == greedy_by_rerunning_the_prefix(model, tokenizer, "the m", 40) + "\n"
    assert "the mat" in out or "the cat" in out  # it learned the corpus's words


def test_stepping_one_token_at_a_time_equals_running_the_whole_prefix(run):
    model, tokenizer = lm.load(run["out"])
    ids = torch.tensor([tokenizer.encode(DOMINANT + "\n" + RARE)])  # (1, T)
    with torch.no_grad():
        whole, final = model.step(ids)
        states, pieces = None, []
        for t in range(ids.shape[1]):
            logits, states = model.step(ids[:, t : t + 1], states)
            pieces.append(logits)
    torch.testing.assert_close(torch.cat(pieces, dim=1), whole, atol=1e-5, rtol=1e-5)
    for carried, reference in zip(states, final):
        for a, b in zip(carried, reference):
            torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


def test_scoring_ranks_the_dominant_phrasing_first(run, capsys):
    assert main(["score", str(run["out"]), RARE, DOMINANT]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    assert [text for _, _, text in lines] == [DOMINANT, RARE]
    rows = lm.score(run["out"] / "best.safetensors", [RARE, DOMINANT])
    (best_logp, best_ppl, best_text), (other_logp, _, _) = rows
    assert best_text == DOMINANT and best_logp > other_logp
    assert float(lines[0][0]) == pytest.approx(best_logp, abs=1e-3)
    assert best_ppl == pytest.approx(math.exp(-best_logp / len(DOMINANT)))


def test_pick_next_top_k_one_and_tiny_top_p_are_greedy():
    logits = torch.tensor([0.1, 2.0, -1.0, 1.9])
    generator = torch.Generator().manual_seed(0)
    assert {pick_next(logits, 1.5, top_k=1, generator=generator) for _ in range(20)} == {1}
    assert {pick_next(logits, 1.5, top_p=0.01, generator=generator) for _ in range(20)} == {1}
    assert pick_next(logits, 0.0) == 1
    assert {pick_next(logits, 1.0, top_k=2, generator=generator) for _ in range(200)} == {1, 3}


def test_resume_continues_from_the_latest_epoch(run, capsys):
    assert main(["train", "lm", "--out", str(run["out"]), "--resume", "--epochs", "4", "--data", str(run["data"])]) == 0  # its own settings: 40 steps
    assert "Resuming" in capsys.readouterr().out
    _, _, record = read_lm_checkpoint(run["out"] / "latest.safetensors")
    assert [row["epoch"] for row in record["history"]] == [1, 2, 3, 4]


def test_time_limit_and_word_model_with_unknown_prime_words(run, tmp_path, capsys):
    out = tmp_path / "words"
    args = ["train", "lm", "--data", str(run["data"]), "--out", str(out), "--tokens", "word", "--minutes", "0.01", *TINY]
    assert main(args[:-2] + ["--samples", "0", "--seq-len", "8"]) == 0
    assert "Stopped by time" in capsys.readouterr().out
    code, text, _ = sample_cli(capsys, out, "--prime", "the zebra", "--length", "5", "--seed", "0")
    assert code == 0 and text.startswith("the zebra")  # unknown words are read as <unk>
    model, tokenizer = lm.load(out)
    context, shown = prime_ids_for(tokenizer, "the zebra")
    ids = list(generate_ids(model, context, 5, seed=0))
    assert text == "the zebra" + tokenizer.decode(shown + ids)[len("the <unk>"):] + "\n"  # streamed pieces add up


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text(""), "is empty"),
        (lambda p: p.write_bytes(b"PK\x03\x04\x00\x00binary\x00data" * 50), "binary"),
        (lambda p: p.write_bytes(bytes(range(128, 256)) * 4), "not UTF-8"),
    ],
)
def test_bad_data_files_give_clear_errors(tmp_path, capsys, make, message):
    data = tmp_path / "data.txt"
    make(data)
    assert main(["train", "lm", "--data", str(data), "--out", str(tmp_path / "run"), *TINY]) == 2
    err = capsys.readouterr().err
    assert message in err and str(data) in err


def test_bad_sampling_and_scoring_input_gives_clear_errors(run, tmp_path, capsys):
    code, _, err = sample_cli(capsys, tmp_path / "nowhere.safetensors")
    assert code == 2 and "no such checkpoint" in err
    (tmp_path / "fake.safetensors").write_bytes(b"not a checkpoint at all")
    code, _, err = sample_cli(capsys, tmp_path / "fake.safetensors")
    assert code == 2 and "not an rnnkit checkpoint" in err
    code, out, err = sample_cli(capsys, run["out"], "--prime", "the Zebra", "--length", "5")
    assert code == 2 and "'Zb'" in err and out == ""
    code, out, err = sample_cli(capsys, run["out"], "--length", "0")
    assert code == 2 and "--length" in err and out == ""
    assert main(["score", str(tmp_path), "hello"]) == 2
    assert "run directory" in capsys.readouterr().err
    assert main(["train", "lm", "--data", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err


def test_readme_main_job_runs_on_the_bundled_corpus(tmp_path, capsys):
    """The README's main job (`rnnkit train lm --minutes 3`), with a tiny model and a budget of a second."""
    out = tmp_path / "run"
    args = ["train", "lm", "--minutes", "0.01", "--out", str(out), "--layers", "1", "--units", "16", "--batch-size", "4", "--seq-len", "32"]
    assert main(args + ["--samples", "0"]) == 0
    printed = capsys.readouterr().out
    assert "Shakespeare's plays (38, bundled with rnnkit)" in printed
    assert "sample at temperature 0.5" in printed and "sample at temperature 1.0" in printed
    assert f"model: {out / 'best.safetensors'}" in printed and f"plot:  {out / 'loss.png'}" in printed


def test_cosine_warm_down_follows_the_step_or_time_budget():
    from rnnkit.training.callbacks import CosineWarmDown

    class FakeOptimizer:
        learning_rate = 0.0

    class FakeModel:
        optimizer = FakeOptimizer()

    by_steps = CosineWarmDown(0.01, steps=4)
    by_steps.set_model(FakeModel())
    by_steps.on_train_begin()
    rates = []
    for step in range(4):
        by_steps.on_train_batch_begin(step)
        rates.append(FakeModel.optimizer.learning_rate)
    assert rates[0] == pytest.approx(0.01)
    assert rates == sorted(rates, reverse=True)
    assert rates[2] == pytest.approx(0.01 * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * 0.5))))

    by_time = CosineWarmDown(0.01, seconds=100.0)
    by_time.set_model(FakeModel())
    by_time.on_train_begin()
    by_time.started -= 100.0  # the whole budget has passed
    by_time.on_train_batch_begin(0)
    assert FakeModel.optimizer.learning_rate == pytest.approx(0.0005)
    both = CosineWarmDown(0.01, seconds=1000.0, steps=2)  # the steps run out first
    both.set_model(FakeModel())
    both.on_train_begin()
    both.on_train_batch_begin(0)
    both.on_train_batch_begin(1)
    assert FakeModel.optimizer.learning_rate == pytest.approx(0.01 * (0.05 + 0.95 * 0.5))
    with pytest.raises(ValueError, match="seconds, steps or both"):
        CosineWarmDown(0.01)


def test_constant_schedule_keeps_the_rate_and_a_bad_schedule_is_refused(run, tmp_path, capsys):
    out = tmp_path / "constant"
    args = ["train", "lm", "--data", str(run["data"]), "--out", str(out), "--epochs", "1", "--steps-per-epoch", "3", *TINY]
    assert main([*args, "--lr-schedule", "constant", "--lr", "0.003"]) == 0
    _, _, record = read_lm_checkpoint(out)
    assert record["settings"]["lr_schedule"] == "constant"
    with pytest.raises(ValueError, match="lr_schedule must be one of cosine, constant"):
        lm.train(str(run["data"]), out=str(tmp_path / "bad"), lr_schedule="linear", epochs=1)


@pytest.mark.skipif(not native_bfloat16(), reason="this CPU has no bfloat16 instructions; mixed_bfloat16 is refused here")
def test_mixed_bfloat16_trains_the_float32_weights_it_is_evaluated_with(run, tmp_path):
    result = lm.train(str(run["data"]), out=str(tmp_path / "bf16"), precision="mixed_bfloat16", units=48, embedding=16,
                      seq_len=32, batch_size=16, epochs=3, steps_per_epoch=25, samples=0, say=lambda line: None)
    losses = [row["val_loss"] for row in result.history]  # measured in float32 between epochs
    assert losses[-1] < losses[0] < math.log(result.details["tokenizer"].vocab_size) + 0.5


def test_each_mixed_bfloat16_step_has_its_own_autocast_region():
    # autocast keeps its bfloat16 weight copies until its region ends (one region around a loop
    # computes with stale weights), so each step gets its own region
    from rnnkit.layers import Dense
    from rnnkit.tasks.language_model.callbacks import MixedBfloat16

    dense, x, region = Dense(3), torch.randn(2, 4), MixedBfloat16()
    dense(x)
    outputs = []
    for _ in range(2):
        region.on_train_batch_begin(0)
        assert torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu") == torch.bfloat16
        outputs.append(dense(x))
        region.on_train_batch_end(0)
        with torch.no_grad():
            dense.kernel += 1.0  # the optimizer's update
    assert not torch.is_autocast_enabled("cpu") and not torch.equal(outputs[0], outputs[1])


def test_the_log_line_says_the_precision_and_a_bad_one_is_refused(run, tmp_path):
    lines = []
    lm.train(str(run["data"]), out=str(tmp_path / "auto"), units=8, embedding=4, seq_len=16, epochs=1, steps_per_epoch=2, samples=0,
             say=lines.append)
    expected = "mixed_bfloat16" if native_bfloat16() else "float32"
    assert f"; precision {expected} (chosen automatically: this CPU has " in lines[0]
    with pytest.raises(ValueError, match="precision must be one of auto, float32, mixed_bfloat16"):
        lm.train(str(run["data"]), out=str(tmp_path / "bad"), precision="float16", epochs=1)


def test_stream_batches_continue_each_row_where_the_batch_before_stopped():
    from rnnkit.tasks.language_model.batches import StreamBatches, TextWindows

    ids = torch.arange(103)
    stream = TextWindows(ids, 10)
    assert len(stream) == 93 and torch.equal(stream[92][1], torch.arange(93, 103))  # the last offset whose targets exist
    torch.manual_seed(0)
    batches = list(StreamBatches(stream, 4, 12))
    assert len(batches) == 12 and all(len(rows) == 4 for rows in batches)
    for before, after in zip(batches, batches[1:]):
        assert after == [(offset + 10) % 93 for offset in before]  # on from the last window, wrapping at the end of the text
    torch.manual_seed(0)
    assert list(StreamBatches(stream, 4, 12)) == batches  # drawn with the global generator a checkpoint restores


def test_training_on_streams_carries_the_state_from_batch_to_batch_and_resets_each_epoch():
    from rnnkit.tasks.language_model.callbacks import CarriedStates

    torch.manual_seed(0)
    model = lm.LanguageModel(lm.ModelConfig(vocab_size=7, cell="lstm", layers=2, units=5, embedding=3)).double()
    first, second = torch.randint(0, 7, (2, 4)), torch.randint(0, 7, (2, 6))
    model.carry_state = True
    model(first, training=True)
    carried = model(second, training=True)
    whole = model.step(torch.cat([first, second], dim=1), training=True)[0]
    torch.testing.assert_close(carried, whole[:, 4:])  # the second batch reads on from the first
    assert all(not s.requires_grad for layer in model.carried for s in layer)  # gradients stop at the batch edge
    CarriedStates(model).on_epoch_begin(1)
    torch.testing.assert_close(model(second, training=True), model.step(second, training=True)[0])
    assert not torch.allclose(model(second, training=False), carried)  # evaluation never reads the carried state


def test_the_command_trains_on_streams(tmp_path, capsys):
    data = tmp_path / "tiny.txt"
    data.write_text(tiny_corpus(), encoding="utf-8")
    assert main(["train", "lm", "--data", str(data), "--out", str(tmp_path / "run"), "--epochs", "1", "--steps-per-epoch", "5",
                 "--windows", "streams", *TINY]) == 0
    assert "5 batches of 16x32 per epoch, read as streams" in capsys.readouterr().out
