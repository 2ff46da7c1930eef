"""Text classification end to end through ``rnnkit.cli.main``: train -> eval -> predict, masks, bad input."""

import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.cli import main
from rnnkit.data.padding import pad_sequences
from rnnkit.data.tables import read_labelled_texts
from rnnkit.tasks import classification
from rnnkit.tasks.classification.text import TextEncoder
from rnnkit.training.scores import ClassReport

FIXTURES = Path(__file__).parents[2] / "fixtures" / "tasks"
NSMC_TRAIN, NSMC_DEV = str(FIXTURES / "nsmc_train_300.tsv"), str(FIXTURES / "nsmc_dev_100.tsv")
TINY = ["--units", "8", "--embedding", "8", "--batch-size", "32"]


pytestmark = pytest.mark.usefixtures("one_thread")  # small networks: one thread is fastest and steadiest


def toy_rows(count: int, seed: int) -> list[dict]:
    """Three classes a model can learn: the review holds 'great', 'awful' or 'fine' among filler words."""
    rng = random.Random(seed)
    filler = "the a movie plot actor scene was is and it this film story".split()
    rows = []
    for _ in range(count):
        label = rng.choice(["pos", "neg", "mid"])
        cue = {"pos": "great", "neg": "awful", "mid": "fine"}[label]
        words = [rng.choice(filler) for _ in range(rng.randint(2, 12))]
        words.insert(rng.randint(0, len(words)), cue)
        rows.append({"review": " ".join(words), "stars": label})
    return rows


def test_nsmc_train_eval_predict(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "classify", "--data", NSMC_TRAIN, "--val", NSMC_DEV, "--out", str(out), "--epochs", "1", *TINY]) == 0
    assert (out / "model.safetensors").is_file()
    capsys.readouterr()
    assert main(["eval", str(out), "--data", NSMC_DEV]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].startswith("accuracy 0.")
    saved = json.loads((out / "eval.json").read_text())
    assert sum(map(sum, saved["confusion_matrix"])) == 100
    assert (out / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["predict", str(out / "model.safetensors"), "정말 재밌어요", "시간이 아깝다"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] in ("0", "1") for line in lines] == [True, True]
    assert all(0.5 <= float(line.split("\t")[1]) <= 1.0 for line in lines)
    assert main(["predict", str(out)]) == 2
    assert "give one or more texts" in capsys.readouterr().err


def test_learns_a_three_class_toy_set_from_jsonl(tmp_path, capsys):
    train, val = tmp_path / "train.jsonl", tmp_path / "val.jsonl"
    train.write_text("\n".join(json.dumps(r) for r in toy_rows(600, 0)))
    val.write_text("\n".join(json.dumps(r) for r in toy_rows(150, 1)))
    out = tmp_path / "toy"
    code = main(["train", "classify", "--data", str(train), "--val", str(val), "--text-col", "review", "--label-col", "stars",
                 "--out", str(out), "--epochs", "6", "--cell", "gru", "--class-weights", "balanced", "--lr", "0.01", *TINY])
    assert code == 0
    capsys.readouterr()
    assert main(["eval", str(out), "--data", str(val)]) == 0
    accuracy = float(capsys.readouterr().out.split()[1])
    assert accuracy > 0.9  # chance is 1/3
    rows = classification.predict(out, ["a great film", "an awful plot", "it was fine"])
    assert [r[0] for r in rows] == ["pos", "neg", "mid"]
    assert all(abs(sum(r[2].values()) - 1.0) < 1e-5 for r in rows)


def test_char_and_bpe_tokens_and_padding_never_change_predictions(tmp_path):
    for tokens in ("char", "bpe", "char-mean", "bpe+char-mean"):
        out = tmp_path / tokens
        extra = ["--max-vocab", "300"] if tokens.startswith("bpe") else []
        extra += ["--pooling", "mean", "--token-dropout", "0.2"] if tokens.endswith("-mean") else []
        tokens = tokens.split("-")[0]
        assert main(["train", "classify", "--data", NSMC_TRAIN, "--out", str(out), "--epochs", "1", "--tokens", tokens,
                     "--layers", "2", *TINY, *extra]) == 0
        model, encoder, _ = classification.load_classifier(out)
        texts = ["재밌다", "이 영화 정말 최고의 작품이었습니다 배우들의 연기도 좋고"]
        alone = np.concatenate([classification.probabilities(model, encoder, [t]) for t in texts])
        together = classification.probabilities(model, encoder, texts)  # the short one padded to the long one
        np.testing.assert_allclose(alone, together, atol=1e-6)
        ids = torch.tensor([encoder.encode(texts[0])])
        padded = torch.cat([ids, torch.zeros(1, 17, dtype=torch.long)], dim=1)
        with torch.inference_mode():
            np.testing.assert_allclose(model(ids).numpy(), model(padded).numpy(), atol=1e-6)


def test_class_report_matches_hand_computation():
    # true 0: 5 right, 2 called 1; true 1: 1 called 0, 2 right
    report = ClassReport(["neg", "pos"], np.array([[5, 2], [1, 2]]))
    assert report.accuracy == pytest.approx(7 / 10)
    np.testing.assert_allclose(report.precision, [5 / 6, 2 / 4])
    np.testing.assert_allclose(report.recall, [5 / 7, 2 / 3])
    f1_neg = 2 * (5 / 6) * (5 / 7) / (5 / 6 + 5 / 7)
    np.testing.assert_allclose(report.f1, [f1_neg, 2 * 0.5 * (2 / 3) / (0.5 + 2 / 3)])
    assert "neg" in report.as_text() and "confusion matrix" in report.as_text()


def test_pad_sequences_follows_keras():
    seqs = [[1, 2, 3], [4]]
    np.testing.assert_array_equal(pad_sequences(seqs), [[1, 2, 3], [0, 0, 4]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2), [[2, 3], [0, 4]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, padding="post", truncating="post"), [[1, 2], [4, 0]])


def test_reads_csv_with_quotes_and_nsmc_as_is(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('text,label\n"good, really",1\n"bad ""meh""",0\n')
    assert read_labelled_texts(path) == (["good, really", 'bad "meh"'], ["1", "0"])
    texts, labels = read_labelled_texts(NSMC_DEV)
    assert len(texts) == 100 and set(labels) == {"0", "1"}


@pytest.mark.parametrize("content, args, expected", [
    ("text\tlabel\nfine\t1\n", ["--text-col", "review"], "--text-col 'review'"),
    ("text\tlabel\nfine\t1\n", ["--label-col", "stars"], "--label-col 'stars'"),
    ("", [], "the file is empty"),
    ("text\tlabel\n", [], "only a header line"),
    ("text\tlabel\ngood\t1\nbad\t1\nmeh\t1\n", [], "one class only"),
    ("text\tlabel\ngood\t1\nbad\n", [], "line 3: 1 columns"),
    ("words\tlabel\ngood\t1\n", [], "no text column found"),
])
def test_bad_input_gives_clear_errors(tmp_path, capsys, content, args, expected):
    data = tmp_path / "data.tsv"
    data.write_text(content)
    assert main(["train", "classify", "--data", str(data), "--out", str(tmp_path / "o"), *args]) == 2
    error = capsys.readouterr().err
    assert expected in error and "error" in error
    assert str(data) in error or args[-1] in error


def test_bad_jsonl_line_and_wrong_checkpoint(tmp_path, capsys):
    data = tmp_path / "d.jsonl"
    data.write_text('{"text": "a", "label": "x"}\n{"text": oops}\n')
    assert main(["train", "classify", "--data", str(data)]) == 2
    assert f"{data}: line 2: expected valid JSON" in capsys.readouterr().err
    assert main(["eval", str(data), "--data", str(data)]) == 2
    assert "not an rnnkit checkpoint" in capsys.readouterr().err
    assert main(["predict", str(tmp_path / "missing"), "x"]) == 2
    assert "no such checkpoint" in capsys.readouterr().err


def feature_npz(path: Path, count: int, seed: int) -> Path:
    """Variable-length 2-feature sequences: class 'up' when the first feature rises, 'down' when it falls."""
    rng = np.random.default_rng(seed)
    x = np.zeros((count, 30, 2), dtype=np.float32)
    lengths = rng.integers(5, 31, size=count)
    y = rng.choice(["up", "down"], size=count)
    for i, (n, label) in enumerate(zip(lengths, y)):
        slope = 1.0 if label == "up" else -1.0
        x[i, :n, 0] = slope * np.linspace(0, 1, n) + 0.1 * rng.normal(size=n) + 3.0
        x[i, :n, 1] = rng.normal(size=n)
    np.savez(path, x=x, y=y, lengths=lengths)
    return path


def test_numeric_sequences_from_npz(tmp_path, capsys):
    train, val = feature_npz(tmp_path / "train.npz", 300, 0), feature_npz(tmp_path / "val.npz", 100, 1)
    out = tmp_path / "seq"
    assert main(["train", "classify", "--data", str(train), "--val", str(val), "--out", str(out), "--epochs", "4",
                 "--cell", "gru", "--lr", "0.01", *TINY]) == 0
    capsys.readouterr()
    assert main(["eval", str(out), "--data", str(val)]) == 0
    assert float(capsys.readouterr().out.split()[1]) > 0.8
    assert main(["predict", str(out), "some text"]) == 2
    assert "numeric sequences" in capsys.readouterr().err
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros((3, 4, 2)), labels=np.zeros(3))
    assert main(["train", "classify", "--data", str(bad)]) == 2
    assert f"{bad}: y: expected an array 'y'" in capsys.readouterr().err


def test_cosine_schedule_ends_near_the_floor_and_a_bad_schedule_is_refused(tmp_path):
    run = classification.train(NSMC_TRAIN, out=str(tmp_path / "cos"), units=8, embedding=8, epochs=2, learning_rate=0.004,
                               lr_schedule="cosine", say=lambda line: None)
    assert run.model.optimizer.learning_rate < 0.004 * 0.15  # the last of its 2 * 9 steps is near 5%
    with pytest.raises(ValueError, match="lr_schedule must be one of constant, cosine"):
        classification.train(NSMC_TRAIN, out=str(tmp_path / "bad"), lr_schedule="step", say=lambda line: None)


def test_several_checkpoints_are_scored_as_one_ensemble(tmp_path, capsys):
    runs = []
    for tokens in ("char", "word"):
        runs.append(str(tmp_path / tokens))
        assert main(["train", "classify", "--data", NSMC_TRAIN, "--out", runs[-1], "--epochs", "1", "--tokens", tokens, *TINY]) == 0
    capsys.readouterr()
    assert main(["eval", *runs, "--data", NSMC_DEV, "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    texts, labels = read_labelled_texts(NSMC_DEV)
    mean = sum(classification.probabilities(*classification.load_classifier(run)[:2], texts) for run in runs) / 2
    classes = classification.load_classifier(runs[0])[2]["classes"]
    expected = np.mean([classes[i] == label for i, label in zip(mean.argmax(axis=1), labels)])
    assert printed.startswith(f"accuracy {expected:.3f}")
    assert (tmp_path / "eval.json").exists() and (tmp_path / "confusion.png").exists()


def test_an_ensemble_needs_the_same_classes_and_the_classify_task(tmp_path, capsys):
    other = tmp_path / "three.tsv"
    other.write_text("text\tlabel\n" + "".join(f"t{i}\t{i % 3}\n" for i in range(30)))
    runs = [str(tmp_path / "two"), str(tmp_path / "three")]
    assert main(["train", "classify", "--data", NSMC_TRAIN, "--out", runs[0], "--epochs", "1", *TINY]) == 0
    assert main(["train", "classify", "--data", str(other), "--out", runs[1], "--epochs", "1", *TINY]) == 0
    assert main(["eval", *runs, "--data", NSMC_DEV]) == 2
    assert "an ensemble needs the same classes" in capsys.readouterr().err
    assert main(["train", "forecast", "--out", str(tmp_path / "f"), "--epochs", "1", "--units", "4"]) == 0
    assert main(["eval", runs[0], str(tmp_path / "f"), "--data", NSMC_DEV]) == 2
    assert "only for classify" in capsys.readouterr().err


def test_ensemble_option_trains_seeded_members_that_eval_and_predict_average(tmp_path, capsys):
    out, single = tmp_path / "ensemble", tmp_path / "single"
    common = ["--data", NSMC_TRAIN, "--val", NSMC_DEV, "--epochs", "1", *TINY]
    assert main(["train", "classify", *common, "--out", str(out), "--ensemble", "2"]) == 0
    printed = capsys.readouterr().out
    assert json.loads((out / "ensemble.json").read_text()) == {"task": "classify", "members": 2}
    members = [str(out / "member-1"), str(out / "member-2")]
    assert main(["train", "classify", *common, "--out", str(single)]) == 0
    weights = [classification.load_classifier(path)[0].state_dict() for path in (*members, single)]
    assert all(torch.equal(weights[0][k], weights[2][k]) for k in weights[0])  # member 1 is the single run of the same seed
    assert not all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])  # member 2 has its own seed
    report = classification.evaluate(members, NSMC_DEV)  # the validation file: the ensemble's printed score
    assert f"validation accuracy of the ensemble of 2: {report.accuracy:.4f}" in printed
    capsys.readouterr()
    assert main(["eval", str(out), "--data", NSMC_DEV]) == 0
    assert capsys.readouterr().out.startswith(f"accuracy {report.accuracy:.3f}")
    assert (out / "eval.json").is_file()
    texts = ["정말 재밌어요", "시간이 아깝다"]
    means = np.mean([[list(p.values()) for *_, p in classification.predict(m, texts)] for m in members], axis=0)
    for (label, probability, every), mean in zip(classification.predict(out, texts), means):
        assert [every[c] for c in ("0", "1")] == pytest.approx(mean.tolist(), abs=1e-6)
        assert probability == pytest.approx(mean.max(), abs=1e-6) and label == "01"[int(mean.argmax())]


def test_ensemble_members_share_the_held_out_split_and_resume_alone(tmp_path, capsys):
    out = tmp_path / "ensemble"
    run = classification.train(NSMC_TRAIN, out=str(out), ensemble=2, epochs=1, units=8, embedding=8, batch_size=32, say=lambda line: None)
    first, second = (member.details["validation"] for member in run.details["members"])
    assert np.array_equal(first[1], second[1]) and not np.allclose(first[0], second[0])  # same texts, different models
    assert len(run.model) == 2 and run.best == pytest.approx(float((((first[0] + second[0]) / 2).argmax(1) == first[1]).mean()))
    assert main(["train", "classify", "--data", NSMC_TRAIN, "--out", str(out), "--resume"]) == 2
    assert "resume" in (error := capsys.readouterr().err) and "member-1" in error
    said = []  # a member resumes as its own run, with its own seed: from its epoch 2
    classification.train(NSMC_TRAIN, out=str(out / "member-2"), resume=True, epochs=2, say=said.append)
    assert [line.split(":")[0] for line in said if line.startswith("epoch")] == ["epoch 2"]
    with pytest.raises(ValueError, match="an ensemble of 2 models.*member-1"):
        classification.load_classifier(out)


@pytest.mark.parametrize("manifest, expected", [
    ("[1, 2]", "ensemble.json: task: expected the task's name"),
    ('{"task": "classify", "members": 0}', "members: expected a whole number from 1 to 64"),
    ('{"task": "classify", "members": "../../etc"}', "members: expected a whole number"),
    ("{not json", "expected valid JSON"),
])
def test_a_bad_ensemble_file_is_refused_by_name(tmp_path, capsys, manifest, expected):
    (tmp_path / "ensemble.json").write_text(manifest)
    assert main(["eval", str(tmp_path), "--data", NSMC_DEV]) == 2
    assert expected in capsys.readouterr().err


def test_bpe_plus_char_reads_each_text_twice_and_survives_a_round_trip():
    texts = ["정말 재밌다", "시간이 아깝다 정말", "재밌다 최고"] * 20
    encoder = TextEncoder.train("bpe+char", texts, max_len=4, max_vocab=40)
    bpe, char = encoder.tokenizers
    ids = encoder.encode("정말 재밌다")
    assert encoder.kind == "bpe+char" and encoder.vocab_size == bpe.vocab_size + char.vocab_size
    assert ids[-4:] == [bpe.vocab_size + char.index["정"], bpe.vocab_size + char.index["말"], bpe.vocab_size + char.index[" "],
                        bpe.vocab_size + char.index["재"]]  # the characters follow the subwords, cut at max_len
    assert all(0 < i < bpe.vocab_size for i in ids[:-4]) and len(ids) <= 8
    assert len(encoder.tokens()) == encoder.vocab_size
    again = TextEncoder.from_json(json.loads(json.dumps(encoder.to_json())))
    assert again.encode("시간이 아깝다") == encoder.encode("시간이 아깝다") and again.kind == "bpe+char"
    assert TextEncoder.from_json(TextEncoder.train("word", texts).to_json()).kind == "word"  # checkpoints from before
    with pytest.raises(ValueError, match="tokens must be one of char, word, bpe, bpe\\+char"):
        TextEncoder.train("char+word", texts)


def test_token_dropout_drops_whole_tokens_in_training_only():
    model = classification.build_classifier(classification.ClassifierConfig(20, 2, token_dropout=0.5))
    layer = model.get_layer("token_dropout")
    x = torch.ones(4, 50, 8)
    dropped = layer(x, training=True)
    per_token = dropped.amax(dim=-1)  # (B, T): 0 where a token was dropped, 2 (= 1 / (1 - 0.5)) where kept
    assert set(per_token.unique().tolist()) == {0.0, 2.0} and torch.equal(dropped.amin(dim=-1), per_token)
    assert torch.equal(layer(x, training=False), x)
    with pytest.raises(ValueError, match="token_dropout must be in"):
        classification.ClassifierConfig(20, 2, token_dropout=1.0)
