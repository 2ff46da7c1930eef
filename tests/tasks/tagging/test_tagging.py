"""Sequence tagging end to end through ``rnnkit.cli.main``: CoNLL-U, word/TAG and IOB text; masks; bad input."""

import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.cli import main
from rnnkit.data.tagged_text import read_tagged
from rnnkit.tasks import tagging
from rnnkit.training.scores import entity_scores, iob_spans

FIXTURES = Path(__file__).parents[2] / "fixtures" / "tasks"
EWT_TRAIN, EWT_DEV = str(FIXTURES / "ewt_train_80.conllu"), str(FIXTURES / "ewt_dev_20.conllu")
TINY = ["--units", "16", "--embedding", "16"]


pytestmark = pytest.mark.usefixtures("one_thread")  # small networks: one thread is fastest and steadiest


def test_conllu_train_eval_predict(tmp_path, capsys):
    out = tmp_path / "pos"
    code = main(["train", "tag", "--data", EWT_TRAIN, "--val", EWT_DEV, "--out", str(out), "--epochs", "6", "--lr", "0.01", *TINY])
    assert code == 0
    assert (out / "model.safetensors").is_file()
    trained = capsys.readouterr().out.splitlines()
    assert main(["eval", str(out), "--data", EWT_DEV]) == 0
    lines = capsys.readouterr().out.splitlines()
    scores = dict(line.split() for line in lines if len(line.split()) == 2)
    assert f"on {EWT_DEV}: known words {scores['known_word_accuracy']}, unseen words {scores['unknown_word_accuracy']}" in trained
    accuracy = float(lines[0].split()[1])
    assert lines[0].startswith("accuracy ") and accuracy > 0.3  # 15 tags; the most frequent (NOUN) is ~0.2 of the words
    assert json.loads((out / "eval.json").read_text())["words"] == sum(len(w) for w, _ in read_tagged(EWT_DEV))
    assert main(["predict", str(out), "The cat sat on the mat.", "I like it"]) == 0
    first, second = capsys.readouterr().out.splitlines()
    assert [pair.rsplit("/", 1)[0] for pair in first.split()] == ["The", "cat", "sat", "on", "the", "mat", "."]
    assert all(pair.rsplit("/", 1)[1].isupper() for pair in second.split())


def test_accuracy_counts_words_only_and_padding_never_changes_tags(tmp_path):
    out = tmp_path / "pos"
    assert main(["train", "tag", "--data", EWT_TRAIN, "--out", str(out), "--epochs", "1", "--cell", "gru", "--layers", "2", "--char-units", "4", *TINY]) == 0
    model, features, record = tagging.load_tagger(out)
    sentences = read_tagged(EWT_DEV)
    words = [w for w, _ in sentences]
    together = tagging.tag_sentences(model, features, record["tags"], words, batch_size=64)  # one batch, padded to the longest
    alone = [tagging.tag_sentences(model, features, record["tags"], [w])[0] for w in words]
    assert together == alone
    x = torch.tensor([features.encode(words[0])])
    padded = torch.cat([x, torch.zeros(1, 9, x.shape[2], dtype=torch.long)], dim=1)  # 3 + 16 character ids per word
    with torch.inference_mode():
        np.testing.assert_allclose(model(x).numpy(), model(padded)[:, : x.shape[1]].numpy(), atol=1e-6)
    right = sum(t == g for (_, truth), guess in zip(sentences, alone) for t, g in zip(truth, guess))
    assert tagging.evaluate(out, EWT_DEV).accuracy == pytest.approx(right / sum(len(w) for w in words))


def ner_sentences(count: int, seed: int) -> list[list[tuple[str, str]]]:
    rng = random.Random(seed)
    first, last = ["Anna", "Ben", "Carl", "Dora"], ["Smith", "Jones", "Brown"]
    places = ["Paris", "Seoul", "Lima"]
    sentences = []
    for _ in range(count):
        pairs = [(w, "O") for w in rng.choice([["we", "met"], ["today"], ["then", "I", "saw"]])]
        pairs += [(rng.choice(first), "B-PER")] + ([(rng.choice(last), "I-PER")] if rng.random() < 0.5 else [])
        pairs += [("in", "O"), (rng.choice(places), "B-LOC"), (".", "O")]
        sentences.append(pairs)
    return sentences


def test_two_column_iob_reports_entity_f1(tmp_path, capsys):
    train, val = tmp_path / "train.txt", tmp_path / "val.txt"
    for path, seed, count in ((train, 0, 200), (val, 1, 40)):
        path.write_text("-DOCSTART- O\n\n" + "\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in ner_sentences(count, seed)) + "\n")
    out = tmp_path / "ner"
    assert main(["train", "tag", "--data", str(train), "--val", str(val), "--out", str(out), "--epochs", "8", "--lr", "0.02", *TINY]) == 0
    capsys.readouterr()
    assert main(["eval", str(out), "--data", str(val)]) == 0
    report = dict(line.split() for line in capsys.readouterr().out.splitlines())
    assert float(report["accuracy"]) > 0.9 and float(report["entity_f1"]) > 0.8


def test_slash_format_and_iob_spans(tmp_path):
    path = tmp_path / "pos.txt"
    path.write_text("The/DT cat/NN sat/VBD ./.\nA/DT 1/2/CD\n")
    assert read_tagged(path) == [(["The", "cat", "sat", "."], ["DT", "NN", "VBD", "."]), (["A", "1/2"], ["DT", "CD"])]
    assert iob_spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-PER"]) == {(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "PER")}
    truth = [["B-PER", "I-PER", "O", "B-LOC"]]
    guess = [["B-PER", "O", "O", "B-LOC"]]  # PER span cut short: one of two entities right, one of two found right
    assert entity_scores(truth, guess) == {"entity_precision": 0.5, "entity_recall": 0.5, "entity_f1": 0.5}


@pytest.mark.parametrize("name, content, expected", [
    ("bad.conllu", "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\n", "line 1: a CoNLL-U token line needs 10 tab-separated fields; found 9"),
    ("bad.conllu", "# c\n1\tThe\tthe\t_\tDT\t_\t2\tdet\t_\t_\n", "line 2, column 4 (upos): no tag"),
    ("bad.conllu", "x\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n", "line 1, column 1: token id 'x'"),
    ("bad.txt", "The/DT cat/NN\nsat VBD now\n", "line 2, token 1: 'sat' is not word/TAG"),
    ("empty.conllu", "\n\n", "the file is empty"),
    ("one.txt", "a X\nb X\n\nc X\n", "every word has the same tag ('X')"),
])
def test_bad_input_names_file_and_line(tmp_path, capsys, name, content, expected):
    path = tmp_path / name
    path.write_text(content)
    fmt = ["--format", "slash"] if name == "bad.txt" else []
    assert main(["train", "tag", "--data", str(path), "--out", str(tmp_path / "o"), *fmt]) == 2
    error = capsys.readouterr().err
    assert str(path) in error and expected in error
