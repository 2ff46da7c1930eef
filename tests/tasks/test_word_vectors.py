"""Word vectors: word2vec/GloVe files into the classifier's embedding (frozen or trainable), and rnnkit word2vec."""

from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import main
from rnnkit.tasks import classification

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tasks"
NSMC_TRAIN = str(FIXTURES / "nsmc_train_300.tsv")


pytestmark = pytest.mark.usefixtures("one_thread")  # small networks: one thread is fastest and steadiest


def toy_csv(path: Path) -> Path:
    rows = ["great movie", "awful plot", "a great film", "the awful movie", "great acting", "awful acting"] * 10
    path.write_text("review,stars\n" + "".join(f"{r},{'pos' if 'great' in r else 'neg'}\n" for r in rows))
    return path


def test_word_vectors_fill_the_embedding_and_stay_frozen(tmp_path):
    from gensim.models import KeyedVectors

    from rnnkit.data.vectors import read_vectors

    data = toy_csv(tmp_path / "toy.csv")
    vocabulary = {"great": [1.0, 0.0, 0.0, 0.5], "awful": [-1.0, 0.0, 0.0, 0.5], "Movie": [0.0, 1.0, 0.0, 0.0]}
    glove = tmp_path / "glove.txt"
    glove.write_text("".join(f"{w} {' '.join(map(str, v))}\n" for w, v in vocabulary.items()))
    keyed = KeyedVectors(4)
    keyed.add_vectors(list(vocabulary), np.array(list(vocabulary.values()), dtype=np.float32))
    binary = tmp_path / "vectors.bin"
    keyed.save_word2vec_format(str(binary), binary=True)
    assert read_vectors(binary).words == read_vectors(glove).words == list(vocabulary)
    out = tmp_path / "run"
    assert main(["train", "classify", "--data", str(data), "--text-col", "review", "--label-col", "stars", "--out", str(out), "--epochs", "1", "--units", "4",
                 "--vectors", str(binary), "--freeze-vectors"]) == 0
    model, encoder, record = classification.load_classifier(out)
    assert record["config"]["embedding"] == 4  # the vectors' size, whatever --embedding says
    table = model.get_layer("embedding").embeddings.detach().numpy()
    words = encoder.tokens()
    np.testing.assert_allclose(table[words.index("great")], vocabulary["great"])
    np.testing.assert_allclose(table[words.index("movie")], vocabulary["Movie"])  # found by its lowercased form
    np.testing.assert_array_equal(table[0], 0.0)  # padding


def test_pickled_gensim_files_are_refused(tmp_path, capsys):
    data = tmp_path / "d.tsv"
    data.write_text("text\tlabel\ngood\t1\nbad\t0\nok\t1\n")
    pickled = tmp_path / "vectors.kv"
    pickled.write_bytes(b"\x80\x04not opened")
    assert main(["train", "classify", "--data", str(data), "--vectors", str(pickled), "--out", str(tmp_path / "o")]) == 2
    assert "pickles, which rnnkit does not open" in capsys.readouterr().err


def test_word2vec_command_feeds_vectors_to_the_classifier(tmp_path, capsys):
    vectors = tmp_path / "nsmc.bin"
    assert main(["word2vec", "--data", NSMC_TRAIN, "--out", str(vectors), "--size", "8", "--min-count", "1", "--epochs", "1"]) == 0
    assert "words from 300 lines" in capsys.readouterr().out
    out = tmp_path / "run"
    assert main(["train", "classify", "--data", NSMC_TRAIN, "--out", str(out), "--epochs", "1", "--units", "4", "--vectors", str(vectors)]) == 0
    assert "rows from" in capsys.readouterr().out
    assert classification.load_classifier(out)[2]["config"]["embedding"] == 8
