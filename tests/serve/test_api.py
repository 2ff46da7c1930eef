"""The serve API, endpoint by endpoint, through FastAPI's test client: values against rnnkit.inspect and
independent references, and every validation error as JSON with a 4xx status."""

import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from rnnkit import Input, layers
from rnnkit.inspect import gradient_through_time, trace
from rnnkit.models import Sequential
from rnnkit.tasks import classification, language_model, tagging

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from rnnkit.serve.app import LIMITS, create_app  # noqa: E402
from rnnkit.serve.subjects import load_subject  # noqa: E402

TEXT = "the cat sat on the mat."


def client_for(path, vocab=None, **options):
    return TestClient(create_app(load_subject(path, vocab), ("testserver",)), **options)


def events(body: str) -> list[tuple[str | None, dict]]:
    """Server-sent events as (event name or None, data)."""
    found = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        found.append((lines.get("event"), json.loads(lines["data"])))
    return found


def test_the_page_needs_nothing_from_the_network(lm_run):
    response = client_for(lm_run).get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "connect-src 'self'" in page and "default-src 'none'" in page
    assert " src=" not in page and "<link" not in page and "__SCRIPT__" not in page  # everything inline
    assert 'id="sample-form"' in page and 'id="inspect-form"' in page


def test_model_endpoint_says_what_the_model_is(lm_run):
    _, tokenizer = language_model.load(lm_run)
    about = client_for(lm_run).get("/api/model").json()
    assert about["title"] == "a language model" and about["can_sample"] is True
    assert about["vocab_size"] == tokenizer.vocab_size and about["source"] == lm_run.name
    assert about["limits"]["text_chars"] == LIMITS["text_chars"]


def test_inspect_gives_the_traces_and_gradients_of_rnnkit_inspect(lm_run):
    model, tokenizer = language_model.load(lm_run)
    data = client_for(lm_run).post("/api/inspect", json={"text": TEXT}).json()
    ids = np.array([tokenizer.encode(TEXT)])
    assert data["tokens"] == list(TEXT)
    (want,) = trace(model, ids)
    (shown,) = data["layers"]
    assert (shown["layer"], shown["direction"], shown["cell"], shown["units"]) == (want.layer, "forward", "lstm", 16)
    assert shown["names"] == ["i", "f", "c~", "o", "h", "c"]
    for name in want.names():
        np.testing.assert_allclose(np.array(shown["values"][name]), want[name][0], atol=1e-5)

    def next_token_loss(target, logits):  # written here, not taken from the package
        return torch.nn.functional.cross_entropy(logits[:, -1], target)

    (norms,) = gradient_through_time(model, ids[:, :-1], torch.tensor(ids[:, -1]), loss=next_token_loss)
    (curve,) = data["gradient"]["curves"]
    assert len(curve["norms"]) == len(TEXT) - 1
    np.testing.assert_allclose(curve["norms"], norms.norms, rtol=1e-4, atol=1e-5)
    assert data["verdict"] is None
    one = client_for(lm_run).post("/api/inspect", json={"text": "t"}).json()["gradient"]
    assert one["curves"] == [] and "a text of one token" in one["about"]


def test_sampling_streams_the_tokens_of_sample_text_with_their_probabilities(lm_run):
    model, tokenizer = language_model.load(lm_run)
    options = {"temperature": 0.8, "top_k": 5, "top_p": 0.9, "seed": 3}
    response = client_for(lm_run).post("/api/sample", json={"prime": "the ", "length": 12, **options})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    found = events(response.text)
    assert found[-1] == ("done", {})
    tokens = [data for name, data in found[:-1]]
    assert len(tokens) == 12
    text = "".join(t["piece"] for t in tokens)
    assert "the " + text == language_model.sample_text(model, tokenizer, "the ", 12, **options)
    # Each probability is the model's softmax at temperature 1 for the drawn token, given the text before it.
    ids = [tokenizer.start_id(), *tokenizer.encode("the " + text)]
    with torch.no_grad():
        logits, _ = model.step(torch.tensor([ids[:-1]]))
    p = torch.softmax(logits[0].double(), -1)[torch.arange(len(ids) - 1), torch.tensor(ids[1:])][-12:]
    np.testing.assert_allclose([t["probability"] for t in tokens], p.numpy(), rtol=1e-5)


@pytest.mark.parametrize("route, body, message", [
    ("/api/inspect", {"text": ""}, "text: String should have at least 1 character"),
    ("/api/inspect", {"text": "a" * (LIMITS["text_chars"] + 1)}, "text: String should have at most"),
    ("/api/inspect", {"text": "Zebra"}, "characters not in the model's vocabulary: 'Z"),
    ("/api/inspect", {"text": "the", "path": "/etc/passwd"}, "path: Extra inputs are not permitted"),
    ("/api/inspect", ["the"], "body: Input should be a valid dictionary"),
    ("/api/sample", {"prime": "Zz"}, "--prime has characters the model never saw"),
    ("/api/sample", {"prime": "a" * (LIMITS["prime_chars"] + 1)}, "prime: String should have at most"),
    ("/api/sample", {"length": 0}, "length: Input should be greater than or equal to 1"),
    ("/api/sample", {"length": LIMITS["sample_tokens"] + 1}, "length: Input should be less than or equal to"),
    ("/api/sample", {"temperature": -1}, "temperature: Input should be greater than or equal to 0"),
    ("/api/sample", {"top_k": 0}, "top_k: Input should be greater than or equal to 1"),
    ("/api/sample", {"top_k": 10_000}, "top_k: at most the vocabulary size"),
    ("/api/sample", {"top_p": 0}, "top_p: Input should be greater than 0"),
    ("/api/sample", {"top_p": 1.5}, "top_p: Input should be less than or equal to 1"),
    ("/api/sample", {"seed": "x"}, "seed: Input should be a valid integer"),
])
def test_bad_requests_are_json_errors(lm_run, route, body, message):
    response = client_for(lm_run).post(route, json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_sizes_hosts_and_routes_are_refused_as_json(lm_run):
    client = client_for(lm_run)
    big = client.post("/api/inspect", content=b" " * (LIMITS["body_bytes"] + 1), headers={"content-type": "application/json"})
    assert big.status_code == 413 and "at most" in big.json()["error"]
    assert client.get("/api/model", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/api/nothing").json() == {"error": "Not Found"}
    assert client.get("/api/inspect").status_code == 405 and "error" in client.get("/api/inspect").json()
    long_text = "the " * 130  # within the characters limit, over the steps the page shows
    assert "the pages show at most 500" in client.post("/api/inspect", json={"text": long_text}).json()["error"]


def test_a_bug_is_a_json_500_without_a_traceback(lm_run):
    def broken(x):
        raise RuntimeError("secret internals")

    subject = replace(load_subject(lm_run), verdict=broken)
    client = TestClient(create_app(subject, ("testserver",)), raise_server_exceptions=False)
    response = client.post("/api/inspect", json={"text": "the"})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error (RuntimeError); the server's log has the details"}


def test_classifier_verdict_and_gradient(classifier_file):
    model, encoder, _ = classification.load(classifier_file)
    client = client_for(classifier_file)
    data = client.post("/api/inspect", json={"text": "ab ca"}).json()
    want = classification.probabilities(model, encoder, ["ab ca"])[0]
    verdict = data["verdict"]
    assert verdict["label"] == ["neg", "pos"][int(want.argmax())]
    np.testing.assert_allclose(list(verdict["probabilities"].values()), want, rtol=1e-5)
    assert len(verdict["pushes"]) == 5 and [l["direction"] for l in data["layers"]] == ["forward", "backward"]
    forward, backward = data["gradient"]["curves"]
    assert len(forward["norms"]) == len(backward["norms"]) == 5
    refused = client.post("/api/sample", json={"prime": "a"})
    assert refused.status_code == 400 and "only a language model samples" in refused.json()["error"]


def test_tagger_verdict_is_its_predicted_tags(tagger_file):
    data = client_for(tagger_file).post("/api/inspect", json={"text": "the dog sat"}).json()
    assert data["tokens"] == ["the", "dog", "sat"]
    assert data["verdict"]["tags"] == [tag for _, tag in tagging.predict(tagger_file, ["the dog sat"])[0]]
    assert len(data["layers"]) == 2 and data["gradient"]["curves"]


def test_model_file_needs_a_vocabulary_and_shows_no_gradient(tmp_path):
    model = Sequential([Input(shape=(None,), dtype="int32"), layers.Embedding(5, 4), layers.GRU(3, return_sequences=True)])
    model.build((None, None))
    model.save(tmp_path / "model.rnnkit")
    (tmp_path / "vocab.json").write_text(json.dumps(["_", "a", "b", "c", " "]))
    with pytest.raises(ValueError, match="give one with --vocab"):
        load_subject(tmp_path / "model.rnnkit")
    client = client_for(tmp_path / "model.rnnkit", str(tmp_path / "vocab.json"))
    data = client.post("/api/inspect", json={"text": "ab c"}).json()
    (want,) = trace(model, np.array([[1, 2, 4, 3]]))
    np.testing.assert_allclose(np.array(data["layers"][0]["values"]["h"]), want["h"][0], atol=1e-5)
    assert data["gradient"] is None and data["verdict"] is None
    assert client.get("/api/model").json()["can_sample"] is False


def test_a_task_without_views_is_refused_at_start(tmp_path):
    from rnnkit.training.task_files import save_task_model

    model = Sequential([Input(shape=(4, 1)), layers.LSTM(2), layers.Dense(1)])
    save_task_model(tmp_path / "forecaster.safetensors", model, {"task": "forecast"})
    with pytest.raises(ValueError, match="a forecaster .'forecast'.; the pages show lm, classify, tag checkpoints"):
        load_subject(tmp_path / "forecaster.safetensors")
