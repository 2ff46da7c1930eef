"""``rnnkit.datasets`` loaders against real Keras 3 on small cache files in Keras's layout.

``scripts/make_keras_fixtures_ops.py`` wrote random data as ``imdb.npz``/``reuters.npz``/
``boston_housing.npz`` and recorded what Keras's ``load_data`` returns from them with each set of
arguments; here the same files are read from a temporary ``KERAS_HOME``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import rnnkit as keras
from rnnkit.datasets import boston_housing, imdb, mnist, reuters

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras_ops"
EXPECTED = json.loads((FIXTURES / "datasets.json").read_text())


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "keras_home", tmp_path / "home")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def check_split(got, expected):
    (x_train, y_train), (x_test, y_test) = got
    for x, want in ((x_train, expected["x_train"]), (x_test, expected["x_test"])):
        assert x.dtype == object and x.ndim == 1
        assert [list(map(int, row)) for row in x] == want
    assert y_train.tolist() == expected["y_train"] and y_test.tolist() == expected["y_test"]


@pytest.mark.parametrize("expected", EXPECTED["imdb"], ids=lambda e: json.dumps(e["kwargs"]))
def test_imdb_matches_keras(keras_home, expected):
    check_split(imdb.load_data(**expected["kwargs"]), expected)


@pytest.mark.parametrize("expected", EXPECTED["reuters"], ids=lambda e: json.dumps(e["kwargs"]))
def test_reuters_matches_keras(keras_home, expected):
    check_split(reuters.load_data(**expected["kwargs"]), expected)


@pytest.mark.parametrize("expected", EXPECTED["boston_housing"], ids=lambda e: json.dumps(e["kwargs"]))
def test_boston_housing_matches_keras(keras_home, expected):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(**expected["kwargs"])
    np.testing.assert_array_equal(x_train, expected["x_train"])
    np.testing.assert_array_equal(y_test, expected["y_test"])
    assert len(x_test) == len(expected["x_test"]) and len(y_train) == len(expected["y_train"])


def test_word_index_and_keras_namespace(keras_home):
    index = keras.datasets.imdb.get_word_index()
    assert index["w1"] == 1 and len(index) == 39


def test_mnist_reads_plain_arrays(keras_home):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    np.savez(keras_home / "datasets" / "mnist.npz", x_train=images, y_train=np.array([3, 1], np.uint8),
             x_test=images[:1], y_test=np.array([7], np.uint8))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.dtype == np.uint8 and x_train.shape == (2, 28, 28) and y_test.tolist() == [7]
    np.testing.assert_array_equal(x_train, images)


def test_missing_cache_file_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"put imdb\.npz at " + str(tmp_path) + r"/datasets/imdb\.npz"):
        imdb.load_data()
    with pytest.raises(FileNotFoundError, match="reuters_word_index.json"):
        reuters.get_word_index()


def test_bad_arguments_are_named(keras_home):
    with pytest.raises(ValueError, match="num_words must be None or a non-negative integer"):
        imdb.load_data(num_words=-3)
    with pytest.raises(ValueError, match="no review is shorter than maxlen=1"):
        imdb.load_data(maxlen=1)
    with pytest.raises(ValueError, match="test_split must be in"):
        reuters.load_data(test_split=1.0)
    with pytest.raises(TypeError, match="unexpected arguments"):
        imdb.load_data(nb_words=10)


def test_a_file_without_keras_arrays_is_named(keras_home):
    np.savez(keras_home / "datasets" / "imdb.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match=r"lacks the arrays \['x_train'"):
        imdb.load_data()
