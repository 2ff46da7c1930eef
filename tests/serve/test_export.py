"""``rnnkit inspect --html``: one self-contained file whose embedded data is what the server answers."""

import json
import re

import pytest

from rnnkit.cli import main

TEXT = "the cat sat."


def embedded(page: str, name: str):
    return json.loads(re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S).group(1))


def test_the_export_embeds_the_servers_answer_and_calls_nothing(lm_run, tmp_path):
    html = tmp_path / "views.html"
    assert main(["inspect", str(lm_run), "--text", TEXT, "--out", str(tmp_path / "out"), "--html", str(html)]) == 0
    page = html.read_text()
    assert "connect-src 'none'" in page and " src=" not in page and "<link" not in page
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)  # the SVG namespace is a name, never fetched
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from rnnkit.serve.app import create_app
    from rnnkit.serve.subjects import load_subject

    client = TestClient(create_app(load_subject(lm_run), ("testserver",)))
    assert embedded(page, "rnnkit-data") == client.post("/api/inspect", json={"text": TEXT}).json()
    assert embedded(page, "rnnkit-about")["title"] == "a language model"


def test_the_export_needs_text(lm_run, tmp_path, capsys):
    import numpy as np

    np.save(tmp_path / "x.npy", np.zeros((1, 3), dtype=np.int64))
    argv = ["inspect", str(lm_run), "--input", str(tmp_path / "x.npy"), "--out", str(tmp_path / "out"), "--html", str(tmp_path / "v.html")]
    assert main(argv) == 2
    assert "needs --text" in capsys.readouterr().err
    assert not (tmp_path / "v.html").exists()


def test_serve_refuses_a_bad_port(lm_run, capsys):
    assert main(["serve", str(lm_run), "--port", "70000"]) == 2
    assert "--port must be in 1..65535" in capsys.readouterr().err
