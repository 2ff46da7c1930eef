"""A missing optional dependency names the extra that brings it."""

import sys

import pytest

from rnnkit.extras import EXTRA_OF, MissingExtraError, pyplot, require


def hide(monkeypatch, package):
    """Make ``import package`` (and its submodules) raise ImportError, even if an earlier test imported it."""
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")] + [package]:
        monkeypatch.setitem(sys.modules, name, None)


def test_missing_module_names_its_extra(monkeypatch):
    hide(monkeypatch, "gensim")
    with pytest.raises(MissingExtraError, match=r"reading word vectors needs gensim.*pip install 'rnnkit\[vectors\]'"):
        require("gensim.models", "reading word vectors")


def test_every_extra_module_is_declared_in_pyproject():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    for module, extra in EXTRA_OF.items():
        assert f'{extra} = [' in text and f'"{module}>=' in text


def test_present_modules_import_and_pyplot_draws_without_a_display():
    assert require("numpy", "anything").__name__ == "numpy"
    plt = pyplot("a test plot")
    figure, _ = plt.subplots()
    plt.close(figure)


def test_the_command_line_prints_the_missing_extra_as_an_error(monkeypatch, capsys, tmp_path):
    from rnnkit import cli

    hide(monkeypatch, "gensim")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("a few words to train on\n", encoding="utf-8")
    status = cli.main(["word2vec", "--data", str(corpus), "--out", str(tmp_path / "vectors.bin")])
    assert status == 2
    assert "error: training word2vec needs gensim, which comes with rnnkit's 'vectors' extra" in capsys.readouterr().err
