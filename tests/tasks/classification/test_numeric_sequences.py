"""Numeric sequence classification: long CSV tables through ``rnnkit.cli.main``, the bundled Japanese Vowels set, bad input."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.cli import main
from rnnkit.tasks import classification
from rnnkit.tasks.classification.sequences import (JAPANESE_VOWELS, feature_probabilities, read_feature_sequences,
                                                   read_sequence_table, standardise)

TINY = ["--units", "8", "--batch-size", "32"]


pytestmark = pytest.mark.usefixtures("one_thread")  # small networks: one thread is fastest and steadiest


def toy_sequences(count: int, seed: int) -> tuple[list[np.ndarray], list[str]]:
    """Variable-length 2-feature sequences: 'up' when the first feature rises, 'down' when it falls."""
    rng = np.random.default_rng(seed)
    sequences, labels = [], []
    for _ in range(count):
        n, label = int(rng.integers(4, 16)), str(rng.choice(["up", "down"]))
        slope = 1.0 if label == "up" else -1.0
        first = slope * np.linspace(0, 1, n) + 0.1 * rng.normal(size=n) + 3.0
        sequences.append(np.stack([first, rng.normal(size=n)], axis=1).astype(np.float32))  # (T, 2)
        labels.append(label)
    return sequences, labels


def write_long_csv(path: Path, sequences: list[np.ndarray], labels: list[str], seed: int = 0) -> Path:
    """One row per step with a time column; each sequence's rows shuffled (the time column restores their order)."""
    rng = np.random.default_rng(seed)
    rows = [f"seq{i},{t},{label},{float(s[t, 0])!r},{float(s[t, 1])!r}\n"
            for i, (s, label) in enumerate(zip(sequences, labels)) for t in rng.permutation(len(s))]
    path.write_text("id,time,label,accel,noise\n" + "".join(rows))
    return path


def test_long_csv_train_eval_end_to_end(tmp_path, capsys):
    train = write_long_csv(tmp_path / "train.csv", *toy_sequences(300, 0))
    val = write_long_csv(tmp_path / "val.csv", *toy_sequences(100, 1))
    out = tmp_path / "run"
    assert main(["train", "classify", "--data", str(train), "--val", str(val), "--sequence-of-features", "--out", str(out),
                 "--epochs", "4", "--cell", "gru", "--lr", "0.01", *TINY]) == 0
    printed = capsys.readouterr().out
    assert "(id 'id', label 'label', time 'time', features accel, noise)" in printed
    assert "300 training and 100 validation sequences of 2 features" in printed
    assert (out / "model.safetensors").is_file()
    assert main(["eval", str(out), "--data", str(val)]) == 0
    report = capsys.readouterr().out
    assert float(report.split()[1]) > 0.8  # chance is 1/2
    assert sum(map(sum, json.loads((out / "eval.json").read_text())["confusion_matrix"])) == 100
    assert (out / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["eval", str(out)]) == 2
    assert "--data FILE is required" in capsys.readouterr().err

    unlabelled = tmp_path / "new.csv"  # no label column; the rows of 'b' before those of 'a'
    rising, falling = [f"{3 + k / 5}" for k in range(6)], [f"{3 - k / 5}" for k in range(6)]
    unlabelled.write_text("time,noise,id,accel\n" + "".join(f"{t},0.0,b,{v}\n" for t, v in enumerate(falling))
                          + "".join(f"{t},0.0,a,{v}\n" for t, v in enumerate(rising)))
    assert main(["predict", str(out), "--data", str(unlabelled)]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [line[:2] for line in lines] == [["b", "down"], ["a", "up"]]
    assert all(0.5 <= float(line[2]) <= 1.0 for line in lines)
    assert main(["predict", str(out), "some text"]) == 2
    assert "numeric sequences, not texts" in capsys.readouterr().err
    assert main(["predict", str(out), "some text", "--data", str(unlabelled)]) == 2
    assert "not both" in capsys.readouterr().err


def test_csv_reader_gives_the_npz_readers_sequences(tmp_path):
    sequences, labels = toy_sequences(20, 2)
    x = np.zeros((20, max(len(s) for s in sequences), 2), dtype=np.float32)
    for i, s in enumerate(sequences):
        x[i, : len(s)] = s
    np.savez(tmp_path / "d.npz", x=x, y=np.array(labels), lengths=np.array([len(s) for s in sequences]))
    from_npz = read_feature_sequences(tmp_path / "d.npz")
    shuffled = read_sequence_table(write_long_csv(tmp_path / "d.csv", sequences, labels))
    in_order = tmp_path / "ordered.csv"  # no time column: file order
    in_order.write_text("label,noise,sequence,accel\n" + "".join(f"{label},{float(s[t, 1])!r},{i},{float(s[t, 0])!r}\n"
                        for i, (s, label) in enumerate(zip(sequences, labels)) for t in range(len(s))))
    ordered = read_sequence_table(in_order, features=["accel", "noise"])
    assert shuffled.columns == {"id_col": "id", "label_col": "label", "time_col": "time", "features": ["accel", "noise"]}
    assert ordered.columns["time_col"] is None
    assert shuffled.ids == [f"seq{i}" for i in range(20)] and ordered.ids == [str(i) for i in range(20)]
    for table in (shuffled, ordered):
        assert table.labels == from_npz[1]
        assert len(table.sequences) == len(from_npz[0])
        for a, b in zip(table.sequences, from_npz[0]):
            assert a.dtype == np.float32
            np.testing.assert_array_equal(a, b)


def test_bundled_japanese_vowels_has_the_documented_shapes():
    for part, count, longest in (("train", 270, 26), ("test", 370, 29)):
        sequences, labels = read_feature_sequences(JAPANESE_VOWELS[part])
        lengths = [len(s) for s in sequences]
        assert len(sequences) == count and {s.shape[1] for s in sequences} == {12}
        assert min(lengths) == 7 and max(lengths) == longest
        assert sorted(set(labels)) == [str(k) for k in range(1, 10)]
    assert np.unique(read_feature_sequences(JAPANESE_VOWELS["train"])[1], return_counts=True)[1].tolist() == [30] * 9
    assert sum(path.stat().st_size for path in JAPANESE_VOWELS.values()) < 1_000_000
    assert "CC BY 4.0" in (JAPANESE_VOWELS["train"].parent / "LICENSES.md").read_text()


def test_bundled_set_trains_without_data_and_evaluates_on_its_test_part(tmp_path, capsys):
    out = tmp_path / "vowels"
    assert main(["train", "classify", "--sequence-of-features", "--out", str(out), "--epochs", "1", *TINY]) == 0
    assert "on the bundled Japanese Vowels training part" in capsys.readouterr().out
    assert main(["eval", str(out)]) == 0
    assert "data: the bundled Japanese Vowels test part" in capsys.readouterr().out
    saved = json.loads((out / "eval.json").read_text())
    assert sum(map(sum, saved["confusion_matrix"])) == 370

    # padded positions never change predictions: alone, batched with a longer one, or with extra zero steps
    model, _, record = classification.load_classifier(out)
    sequences, _ = read_feature_sequences(JAPANESE_VOWELS["test"])
    short, long = min(sequences, key=len), max(sequences, key=len)
    scaled = standardise([short, long], record["scaler"])
    alone = np.concatenate([feature_probabilities(model, [s]) for s in scaled])
    np.testing.assert_allclose(feature_probabilities(model, scaled), alone, atol=1e-6)
    x = torch.from_numpy(scaled[0])[None]  # (1, T, 12)
    padded = torch.cat([x, torch.zeros(1, 9, 12)], dim=1)
    with torch.inference_mode():
        np.testing.assert_allclose(model(x).numpy(), model(padded).numpy(), atol=1e-6)


GOOD = "id,time,label,a,b\ns1,1,up,1.0,2.0\ns1,2,up,2.0,3.0\ns2,1,down,2.0,1.0\ns2,2,down,1.0,0.5\n"


@pytest.mark.parametrize("content, args, expected", [
    (GOOD.replace("s1,2,up,2.0", "s1,2,up,abc"), [], "line 3, column 'a': 'abc' is not a finite number"),
    (GOOD.replace("s2,1,down,2.0,1.0", "s2,1,down,2.0,"), [], "line 4, column 'b': empty"),
    (GOOD.replace("s2,2,down,1.0", "s2,2,down,nan"), [], "line 5, column 'a': 'nan' is not a finite number"),
    (GOOD.replace("s1,2,up", "s1,2,down"), [], "line 3, column 'label': sequence 's1' is labelled 'down' here but 'up' on line 2"),
    (GOOD.replace("s1,2,up", "s1,1,up"), [], "line 3, column 'time': sequence 's1' has time 1 already on line 2"),
    (GOOD.replace("s2,2,down", "s2,late,down"), [], "line 5, column 'time': 'late' is not a finite number"),
    (GOOD.replace("s2,1,down", ",1,down"), [], "line 4, column 'id': empty sequence id"),
    (GOOD.replace("down", "up"), [], "the label column (label) has one class only ('up')"),
    (GOOD, ["--id-col", "trial"], "--id-col 'trial': {data} has no such column"),
    (GOOD, ["--time-col", "when"], "--time-col 'when': {data} has no such column"),
    (GOOD, ["--features", "a,c"], "--features 'c': {data} has no such column"),
    (GOOD, ["--features", "a,label"], "--features 'label': in {data} that is the id, label or time column"),
    (GOOD.replace("id,", "trial,"), [], "{data}: no sequence-id column found"),
    (GOOD + "s3,1,up,1.0\n", [], "{data}: line 6: 4 columns, but the header (line 1) names 5"),
    ("id,time,label,name\ns1,1,up,x\n", [], "{data}: line 2: no numeric feature column besides ['id', 'label', 'time']"),
    ("", [], "{data}: the file is empty"),
    ("id,time,label,a\n", [], "{data}: only a header line"),
])
def test_bad_tables_give_errors_naming_file_line_and_column(tmp_path, capsys, content, args, expected):
    data = tmp_path / "steps.csv"
    data.write_text(content)
    assert main(["train", "classify", "--data", str(data), "--sequence-of-features", "--out", str(tmp_path / "o"), *args]) == 2
    error = capsys.readouterr().err
    assert expected.format(data=data) in error
    assert str(data) in error


def test_eval_reads_a_table_with_the_training_columns_and_checks_the_feature_count(tmp_path, capsys):
    data = tmp_path / "steps.csv"
    data.write_text(GOOD.replace("id,", "trial,"))
    out = tmp_path / "run"
    assert main(["train", "classify", "--data", str(data), "--val", str(data), "--sequence-of-features", "--id-col", "trial",
                 "--features", "b", "--out", str(out), "--epochs", "1", *TINY]) == 0
    capsys.readouterr()
    assert main(["eval", str(out), "--data", str(data)]) == 0  # trial and b again, without naming them
    assert sum(map(sum, json.loads((out / "eval.json").read_text())["confusion_matrix"])) == 2
    npz = tmp_path / "three.npz"
    np.savez(npz, x=np.ones((2, 3, 3)), y=np.array(["up", "down"]))
    assert main(["eval", str(out), "--data", str(npz)]) == 2
    assert f"--data {npz}: sequences of 3 features, but the model reads 1" in capsys.readouterr().err
    np.savez(npz, x=np.ones((2, 3, 1)))  # no y: fine for predict, ids are row numbers
    assert main(["predict", str(out), "--data", str(npz)]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["0", "1"]
    assert main(["eval", str(out), "--data", str(npz)]) == 2
    assert "y: expected an array 'y'" in capsys.readouterr().err
