"""``get_file``: Keras's cache paths, no download ever, a clear error naming the file and the place."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from rnnkit.utils import get_file


def test_returns_the_cached_file_under_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "jena.csv").write_text("a,b\n")
    assert get_file("jena.csv", origin="https://example.org/x/jena.csv") == str(tmp_path / "datasets" / "jena.csv")
    assert get_file(origin="https://example.org/x/jena.csv?raw=1") == str(tmp_path / "datasets" / "jena.csv")


def test_home_folder_and_cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".keras" / "models").mkdir(parents=True)
    (tmp_path / ".keras" / "models" / "w.h5").write_bytes(b"x")
    assert get_file("w.h5", "https://e/w.h5", cache_subdir="models") == str(tmp_path / ".keras" / "models" / "w.h5")
    other = tmp_path / "elsewhere"
    (other / "datasets").mkdir(parents=True)
    (other / "datasets" / "f.txt").write_text("1")
    assert get_file("f.txt", "https://e/f.txt", cache_dir=other) == str(other / "datasets" / "f.txt")


def test_missing_file_says_what_to_put_where(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"no network: .* put imdb\.npz at .*datasets/imdb\.npz .*https://e/imdb\.npz"):
        get_file("imdb.npz", origin="https://e/imdb.npz")
    with pytest.raises(ValueError, match="force_download=True needs the network"):
        get_file("imdb.npz", origin="https://e/imdb.npz", force_download=True)
    with pytest.raises(ValueError, match="fname must be a file name"):
        get_file("sub/imdb.npz", origin="https://e/imdb.npz")


def test_file_hash_is_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "d.bin").write_bytes(b"data")
    good = hashlib.sha256(b"data").hexdigest()
    assert get_file("d.bin", "https://e/d.bin", file_hash=good).endswith("d.bin")
    assert get_file("d.bin", "https://e/d.bin", md5_hash=hashlib.md5(b"data").hexdigest()).endswith("d.bin")
    with pytest.raises(ValueError, match="does not match the expected sha256 hash"):
        get_file("d.bin", "https://e/d.bin", file_hash="0" * 64)


def test_extract_unpacks_a_cached_archive(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    with tarfile.open(tmp_path / "datasets" / "corpus.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("corpus/a.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    folder = Path(get_file("corpus.tar.gz", "https://e/corpus.tar.gz", extract=True))
    assert folder == tmp_path / "datasets" / "corpus_extracted"
    assert (folder / "corpus" / "a.txt").read_text() == "hello"
    with zipfile.ZipFile(tmp_path / "datasets" / "evil.zip", "w") as z:
        z.writestr("../outside.txt", "x")
    with pytest.raises(ValueError, match="member outside its folder"):
        get_file("evil.zip", "https://e/evil.zip", extract=True)
    assert not (tmp_path / "datasets" / "outside.txt").exists()
