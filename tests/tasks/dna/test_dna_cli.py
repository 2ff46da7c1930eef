"""End to end through the real command line on a slice of the splice data: train -> eval -> predict -> inspect."""

import json
from pathlib import Path

from rnnkit.cli import main
from rnnkit.tasks.dna.bases import bundled

TINY = ["--units", "8", "--embedding", "4", "--batch-size", "16", "--reverse-complement", "as-neither"]
SEQUENCE = "CCAGCTGCATCACAGGAGGCCAGCGAGCAGGTCTGTTCCAAGGGCCTTCGAGCCAGTCTG"


def splice_file(path: Path, rows) -> Path:
    path.write_text("".join(f"{r.label}, {r.name}, {r.sequence}\n" for r in rows))
    return path


def test_train_eval_predict_inspect(tmp_path, capsys):
    data = splice_file(tmp_path / "train.data", bundled("train")[::25])
    test = splice_file(tmp_path / "test.data", bundled("test")[::10])
    out = tmp_path / "run"
    assert main(["train", "dna", "--data", str(data), "--out", str(out), "--epochs", "2", *TINY]) == 0
    printed = capsys.readouterr().out
    assert "reverse complements labelled N" in printed and "best validation accuracy" in printed

    assert main(["eval", str(out), "--data", str(test)]) == 0
    report = capsys.readouterr().out
    assert report.startswith("accuracy ") and "confusion matrix" in report
    scores = json.loads((out / "eval.json").read_text())
    assert sum(map(sum, scores["matrix"] if "matrix" in scores else scores["confusion_matrix"])) == 30
    assert (out / "confusion.png").is_file()

    sequences = tmp_path / "sequences.txt"
    sequences.write_text(f"{SEQUENCE}\n\n{SEQUENCE.lower()}\n")
    assert main(["predict", str(out), "--data", str(sequences)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.split("\t")[0] in ("EI", "IE", "N") and line.endswith(SEQUENCE) for line in lines)

    assert main(["inspect", str(out), "--text", SEQUENCE[:20], "--out", str(tmp_path / "inspect")]) == 0
    assert (tmp_path / "inspect" / "trace.npz").is_file()


def test_letters_outside_the_alphabet(tmp_path, capsys):
    bad = tmp_path / "bad.data"
    bad.write_text(f"EI, ONE, {SEQUENCE}\nN, TWO, {SEQUENCE[:-1]}U\n")
    assert main(["train", "dna", "--data", str(bad), "--out", str(tmp_path / "run")]) == 2
    assert "bad.data: line 2: letters 'U' are not DNA bases" in capsys.readouterr().err
