"""auto's measured choices: the timed path is kept per shape class in memory and on disk, a
corrupt or foreign cache file is ignored with one warning, the choice computes what the reference
computes, and RNNKIT_AUTOTUNE=0 or torch.compile turn measuring off. Timing is injected (the
candidates still run), so the tests do not depend on this machine's speed."""

from __future__ import annotations

import json
import warnings

import pytest
import torch

from helpers.sequence_cases import assert_close, make_case, outputs_and_grads

import rnnkit
from rnnkit import recurrence
from rnnkit.kernels import autotune, dispatch

pytestmark = pytest.mark.fused


@pytest.fixture
def tuning(tmp_path, monkeypatch):
    """Autotune on, its cache under tmp_path, and a timer that says ``fastest`` wins."""
    monkeypatch.setenv("RNNKIT_AUTOTUNE", "1")
    monkeypatch.setenv("RNNKIT_CACHE", str(tmp_path))
    autotune.forget()
    timed: list[tuple[str, ...]] = []
    state = {"fastest": "native"}

    def fake_time_paths(calls):
        for call in calls.values():
            call()  # the candidates really run on the call's copies
        timed.append(tuple(sorted(calls)))
        return {p: (0.001 if p == state["fastest"] else 0.002) for p in calls}

    monkeypatch.setattr(autotune, "time_paths", fake_time_paths)
    yield state, timed
    autotune.forget()


def lstm_call(**kwargs):
    x, states, weights = make_case("lstm", dtype=torch.float32, **kwargs)
    return x, states, weights


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn"])
@pytest.mark.parametrize("fastest", ["native", "fused"])
def test_the_measured_choice_matches_the_reference_in_outputs_and_gradients(tuning, cell, fastest):
    state, timed = tuning
    state["fastest"] = fastest
    x, states, weights = make_case(cell, dtype=torch.float32)
    n = len(states)
    auto = lambda *a, **o: dispatch.run_sequence(cell, "auto", a[0], tuple(a[1:1 + n]), tuple(a[1 + n:]), **o)
    got = outputs_and_grads(auto, x, states, weights)
    expected = outputs_and_grads(recurrence.reference(cell), x, states, weights)
    for a, b in zip(got, expected):
        for ta, tb in zip(a, b):
            assert_close(ta, tb, f"{cell} auto after measuring ({fastest})")
    assert timed == [("fused", "native")]
    with torch.enable_grad():
        choice = dispatch.choose(cell, "auto", x, {}, 5)
    assert choice.implementation == fastest and choice.reason.startswith(f"measured for {cell} train b4 h5 i4")


def test_measuring_leaves_the_callers_gradients_alone(tuning):
    x, states, weights = lstm_call()
    dispatch.run_sequence("lstm", "auto", x, tuple(states), tuple(weights))
    assert all(t.grad is None for t in (x, *states, *weights))


def test_a_decision_is_measured_once_and_read_back_from_the_file(tuning, monkeypatch):
    state, timed = tuning
    x, states, weights = lstm_call()
    with torch.no_grad():
        for _ in range(3):
            dispatch.run_sequence("lstm", "auto", x, tuple(states), tuple(weights))
    assert timed == [("fused", "native")]
    data = json.loads(autotune.cache_file().read_text())
    assert data["decisions"]["lstm infer b4 h5 i4 t%d float32" % torch.get_num_threads()]["path"] == "native"
    autotune.forget()  # as a fresh process
    monkeypatch.setattr(autotune, "time_paths", lambda calls: pytest.fail("measured again"))
    layer = rnnkit.layers.LSTM(5)
    layer.build((3, 7, 4))
    with torch.no_grad():
        text = rnnkit.kernels.explain(layer, x)
    assert "native (measured for lstm infer b4 h5 i4" in text


def test_an_unmeasured_class_is_explained_as_ruled(tuning):
    layer = rnnkit.layers.LSTM(5)
    layer.build((3, 7, 4))
    text = rnnkit.kernels.explain(layer, torch.zeros(3, 7, 4))
    assert "ruled (" in text and "its first call times fused, native" in text


@pytest.mark.parametrize("content", [
    b"\x00\xff not json",
    b'{"decisions": {}}',  # no header: written by something else
    "HEADER_FOREIGN",
    "ENTRY_BAD",
])
def test_a_corrupt_or_foreign_cache_file_is_ignored_with_one_warning(tuning, content):
    state, timed = tuning
    path = autotune.cache_file()
    path.parent.mkdir(parents=True)
    header = autotune._header()
    if content == "HEADER_FOREIGN":
        content = json.dumps({**header, "cpu": "another CPU", "decisions": {}}).encode()
    elif content == "ENTRY_BAD":
        key = "lstm infer b4 h5 i4 t%d float32" % torch.get_num_threads()
        content = json.dumps({**header, "decisions": {key: {"path": "os.system", "ms": {}}}}).encode()
    path.write_bytes(content)
    x, states, weights = lstm_call()
    with warnings.catch_warnings(record=True) as caught, torch.no_grad():
        warnings.simplefilter("always")
        for _ in range(2):
            dispatch.run_sequence("lstm", "auto", x, tuple(states), tuple(weights))
    ignored = [w for w in caught if "ignoring the autotune cache" in str(w.message)]
    assert len(ignored) == 1 and str(path) in str(ignored[0].message)
    assert timed == [("fused", "native")]  # measured afresh, not read from the file
    assert json.loads(path.read_text())["cpu"] == header["cpu"]  # replaced by a valid file


def test_autotune_off_or_under_compile_means_the_rules_decide(tuning, monkeypatch):
    state, timed = tuning
    x, states, weights = lstm_call()
    monkeypatch.setenv("RNNKIT_AUTOTUNE", "0")
    choice = dispatch.choose("lstm", "auto", x, {}, 5)
    assert not choice.measure and choice.reason.startswith("ruled: ")
    dispatch.run_sequence("lstm", "auto", x, tuple(states), tuple(weights))
    monkeypatch.setenv("RNNKIT_AUTOTUNE", "1")
    monkeypatch.setattr(torch.compiler, "is_compiling", lambda: True)
    assert not dispatch.choose("lstm", "auto", x, {}, 5).measure
    assert timed == []
