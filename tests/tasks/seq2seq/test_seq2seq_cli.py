"""``rnnkit train seq2seq``, ``translate`` and ``eval`` through the real entry point, on tiny data."""

from __future__ import annotations

import re

import pytest
import torch

from rnnkit.cli import main
from rnnkit.tasks import seq2seq

WORDS = ["abc", "bad", "cab", "dab", "ace", "bed", "fad", "cafe", "face", "bead", "deaf", "fade"]
SMALL = ["--units", "16", "--embedding", "8", "--batch-size", "8", "--threads", "1"]


@pytest.fixture(autouse=True)
def keep_thread_count():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def write_pairs(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_train_translate_eval_on_a_tsv_file(tmp_path, capsys):
    data = write_pairs(tmp_path / "reverse.tsv", [f"{w}\t{w[::-1]}" for w in WORDS * 2])
    run = tmp_path / "run"
    assert main(["train", "seq2seq", "--data", str(data), "--out", str(run), "--epochs", "2", *SMALL]) == 0
    out = capsys.readouterr().out
    assert "epoch 2:" in out and "exact match" in out and (run / "model.safetensors").is_file()

    assert main(["translate", str(run), "abc", "face"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [t[0].text for t in seq2seq.translate(run, ["abc", "face"])]
    assert main(["translate", str(run / "model.safetensors"), "abc", "--beam", "3", "--n-best", "2"]) == 0
    best = [line.split("\t") for line in capsys.readouterr().out.splitlines() if line]
    assert len(best) == 2 and float(best[0][0]) >= float(best[1][0])

    assert main(["eval", str(run), "--data", str(data), "--out", str(tmp_path / "report")]) == 0
    report = capsys.readouterr().out.splitlines()
    assert report[0].startswith("exact_match ") and report[1].startswith("bleu ")
    rows = (tmp_path / "report" / "eval.tsv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 2 * len(WORDS)
    correct = sum(int(r.split("\t")[3]) for r in rows[1:])
    assert float(report[0].split()[1]) == pytest.approx(correct / (2 * len(WORDS)), abs=1e-4)


def test_dates_need_no_data_argument(tmp_path, capsys):
    run = tmp_path / "dates"
    args = ["--train-size", "200", "--held-out", "16", "--eval-size", "16", "--minutes", "0.005", "--clock", "cpu",
            "--attention", "additive"]
    assert main(["train", "seq2seq", "--out", str(run), *args, *SMALL]) == 0
    out = capsys.readouterr().out
    assert "generated dates (200 to train on, 16 held out)" in out
    assert re.search(r"Stopped by time after \d+ epochs", out)  # how many fit depends on the machine
    assert main(["eval", str(run)]) == 0
    out = capsys.readouterr().out
    assert "on 16 held-out generated dates" in out and (run / "eval.tsv").is_file()
    assert main(["translate", str(run), "the 3rd of March 1998", "--beam", "2"]) == 0
    assert len(capsys.readouterr().out.strip()) > 0


@pytest.mark.parametrize("content, message", [
    ("", "no source<TAB>target pairs"),
    ("abc\tcba\nno tab here\n", "reverse.tsv:2: no tab"),
    ("abc\tcba\na\tb\tc\n", "reverse.tsv:2: 2 tabs"),
    ("abc\tcba\nabc\t \n", "reverse.tsv:2: empty target"),
    ("\tcba\nabc\tcba\n", "reverse.tsv:1: empty source"),
    ("abc\tcba\n", "need at least 2"),
])
def test_bad_data_gives_one_clear_error(tmp_path, capsys, content, message):
    data = tmp_path / "reverse.tsv"
    data.write_text(content, encoding="utf-8")
    assert main(["train", "seq2seq", "--data", str(data), "--out", str(tmp_path / "run"), "--epochs", "1", *SMALL]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit train seq2seq: error: ") and message in err and "Traceback" not in err


def test_bad_checkpoints_and_texts_give_clear_errors(tmp_path, capsys):
    assert main(["translate", str(tmp_path / "missing"), "abc"]) == 2
    assert "no such checkpoint file or run directory" in capsys.readouterr().err
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x05" * 64)
    assert main(["translate", str(junk), "abc"]) == 2
    assert "not an rnnkit checkpoint" in capsys.readouterr().err

    data = write_pairs(tmp_path / "reverse.tsv", [f"{w}\t{w[::-1]}" for w in WORDS])
    run = tmp_path / "run"
    assert main(["train", "seq2seq", "--data", str(data), "--out", str(run), "--epochs", "1", *SMALL]) == 0
    capsys.readouterr()
    assert main(["translate", str(run), "xyz"]) == 2
    assert "outside the model's vocabulary: 'x', 'y', 'z'" in capsys.readouterr().err
    assert main(["translate", str(run), "  "]) == 2
    assert "empty text" in capsys.readouterr().err
    assert main(["eval", str(run)]) == 2  # trained on a file: eval needs --data
    assert "--data" in capsys.readouterr().err


SENTENCES = ["the cat sat", "a dog ran", "the dog sat", "a cat ran", "the cat ran", "a dog sat"] * 3


@pytest.mark.parametrize("tokens", [["--source-tokens", "word", "--target-tokens", "word"],
                                    ["--source-tokens", "bpe", "--target-tokens", "char", "--max-vocab", "40"],
                                    ["--source-tokens", "word", "--target-tokens", "word", "--shared-vocabulary"]],
                         ids=["word-word", "bpe-char", "shared-word"])
def test_word_and_subword_sides(tmp_path, capsys, tokens):
    data = write_pairs(tmp_path / "swap.tsv", [f"{s}\t{' '.join(reversed(s.split()))}" for s in SENTENCES])
    run = tmp_path / "run"
    assert main(["train", "seq2seq", "--data", str(data), "--out", str(run), "--epochs", "1", *tokens, *SMALL]) == 0
    model, source, target, _ = seq2seq.load_seq2seq(run)
    assert model.config.shared_embedding == ("--shared-vocabulary" in tokens)
    assert source.decode(source.encode("the cat sat")) == "the cat sat"
    capsys.readouterr()
    assert main(["translate", str(run), "the dog ran"]) == 0
    if tokens[1] == "word":
        assert main(["translate", str(run), "the zebra ran"]) == 2
        err = capsys.readouterr().err
        assert "outside the model's vocabulary: 'zebra'" in err and "--allow-unknown" in err
        assert main(["translate", str(run), "the zebra ran", "--allow-unknown"]) == 0
