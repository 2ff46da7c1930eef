"""The dispatcher: forced paths raise when they cannot run, auto agrees with the reference, and
the native (torch) path computes the same numbers as the reference where it is allowed to run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import torch

from helpers.sequence_cases import make_case, make_mask, outputs_and_grads

import rnnkit
from rnnkit import kernels, recurrence
from rnnkit.kernels import build, dispatch, native

CELLS = ("simple_rnn", "lstm", "gru")
REFERENCE = {cell: recurrence.reference(cell) for cell in CELLS}


def run_path(implementation, cell, x, states, weights, **options):
    return dispatch.run_sequence(cell, implementation, x, tuple(states), tuple(weights), **options)


# ---------------------------------------------------------------- forced paths


@pytest.mark.parametrize("cell", CELLS)
def test_forced_native_refuses_what_torch_cannot_compute(cell):
    x, states, weights = make_case(cell)
    refusals = [{"mask": make_mask(3, 7)}, {"recurrent_mask": torch.ones(3, 5)},
                {"activation": "relu" if cell != "simple_rnn" else "sigmoid"}]
    if cell == "gru":
        refusals.append({"reset_after": False})
    if cell != "simple_rnn":
        refusals.append({"recurrent_activation": "hard_sigmoid"})
    for options in refusals:
        with pytest.raises(dispatch.UnsupportedImplementation, match="native"):
            dispatch.choose(cell, "native", x, options)


@pytest.mark.parametrize("cell", CELLS)
def test_forced_fused_refuses_what_the_kernels_do_not_cover(cell):
    x, _, _ = make_case(cell)
    refusals = [
        ({"activation": "linear"}, "activation 'linear'"),
        ({"activation": torch.sin}, "custom callable"),
    ]
    for options, words in refusals:
        with pytest.raises(dispatch.UnsupportedImplementation, match=words):
            dispatch.choose(cell, "fused", x, options)
    with pytest.raises(dispatch.UnsupportedImplementation, match="float16"):
        dispatch.choose(cell, "fused", x.detach().half(), {})


def test_unknown_cell_or_implementation_is_an_error():
    x = torch.zeros(1, 2, 3)
    with pytest.raises(ValueError, match="implementation='cuda'"):
        dispatch.choose("lstm", "cuda", x, {})
    with pytest.raises(ValueError, match="Unknown recurrent cell"):
        dispatch.choose("transformer", "auto", x, {})


def test_forced_fused_names_why_the_build_is_missing(monkeypatch):
    monkeypatch.setattr(build, "unavailable_reason", lambda: "no C++ compiler found (test)")
    x, _, _ = make_case("gru")
    with pytest.raises(dispatch.UnsupportedImplementation, match="no C\\+\\+ compiler"):
        dispatch.choose("gru", "fused", x, {})
    choice = dispatch.choose("gru", "auto", x, {})
    assert choice.implementation == "native"
    assert "no C++ compiler found (test)" in choice.reason


# ---------------------------------------------------------------- auto


def _auto_cases():
    for cell in CELLS:
        yield cell, {}
        yield cell, {"mask": make_mask(3, 7), "go_backwards": True}
        yield cell, {"recurrent_mask": torch.full((3, 5), 1.25)}
    yield "gru", {"reset_after": False}


@pytest.mark.parametrize("cell, options", list(_auto_cases()))
@pytest.mark.parametrize("training", [True, False], ids=["train", "infer"])
def test_auto_equals_reference(cell, options, training):
    reset_after = options.get("reset_after", True)
    x, states, weights = make_case(cell, reset_after=reset_after)
    if training:
        expected = outputs_and_grads(REFERENCE[cell], x, states, weights, **options)
        actual = outputs_and_grads(
            lambda *a, **o: run_path("auto", cell, a[0], a[1:-3], a[-3:], **o),
            x, states, weights, **options)
    else:
        with torch.no_grad():
            expected = [REFERENCE[cell](x, *states, *weights, **options)[0]]
            actual = [run_path("auto", cell, x, states, weights, **options)[0]]
    for a, e in zip(actual, expected):
        torch.testing.assert_close(a, e, atol=1e-10, rtol=1e-9)


@pytest.mark.fused
def test_auto_explains_its_choice_and_its_fallbacks():
    x, _, _ = make_case("lstm")
    fallback = dispatch.choose("lstm", "auto", x, {"activation": torch.sin})
    assert fallback.implementation == "reference"
    assert "custom callable" in fallback.reason and "fixed to tanh/sigmoid" in fallback.reason
    dropout = dispatch.choose("lstm", "auto", x, {"recurrent_mask": torch.ones(3, 5)})
    assert dropout.implementation == "fused"  # recurrent dropout runs fused

    x = x.detach().float()
    layer = rnnkit.layers.GRU(5)
    layer(x)
    text = kernels.explain(layer, x)
    assert text.startswith(f"{layer.name}: ")
    masked = kernels.explain(layer, x, mask=make_mask(3, 7), activation="linear")
    assert "reference" in masked and "activation 'linear'" in masked


@pytest.mark.fused
def test_layers_run_every_path_to_the_same_numbers():
    x = torch.randn(2, 6, 3)
    weights = _fixed_lstm_weights()
    outputs = {}
    for implementation in ("reference", "fused", "native", "auto"):
        layer = rnnkit.layers.LSTM(4, return_sequences=True, implementation=implementation)
        layer(x)
        layer.set_weights(weights)
        outputs[implementation] = torch.as_tensor(layer(x))
    for name, y in outputs.items():
        torch.testing.assert_close(y, outputs["reference"], atol=2e-6, rtol=1e-5,
                                   msg=lambda m: f"{name}: {m}")


def _fixed_lstm_weights():
    g = torch.Generator().manual_seed(1)
    return [(torch.randn(3, 16, generator=g) * 0.5).numpy(),
            (torch.randn(4, 16, generator=g) * 0.5).numpy(),
            (torch.randn(16, generator=g) * 0.1).numpy()]


# ---------------------------------------------------------------- native vs reference


@pytest.mark.parametrize("cell, activation", [("simple_rnn", "tanh"), ("simple_rnn", "relu"),
                                              ("lstm", "tanh"), ("gru", "tanh")])
@pytest.mark.parametrize("backwards", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
def test_native_matches_reference(cell, activation, backwards, bias, dtype):
    x, states, weights = make_case(cell, dtype=dtype, bias=bias)
    options = {"activation": activation, "go_backwards": backwards}
    expected = outputs_and_grads(REFERENCE[cell], x, states, weights, **options)
    actual = outputs_and_grads(native.SEQUENCES[cell], x, states, weights, **options)
    tol = dict(atol=1e-12, rtol=1e-10) if dtype == torch.float64 else dict(atol=2e-5, rtol=1e-4)
    for a, e in zip(actual, expected):
        torch.testing.assert_close(a, e, **tol)


# ---------------------------------------------------------------- without the extension


def test_package_works_and_says_so_when_fused_is_turned_off(tmp_path):
    """RNNKIT_FUSED=0: no build is attempted, auto uses the other paths, forced fused raises."""
    script = textwrap.dedent("""
        import torch, rnnkit
        from rnnkit.kernels import dispatch
        x = torch.randn(2, 5, 3)
        layer = rnnkit.layers.GRU(4)
        layer(x)
        print(rnnkit.kernels.explain(layer, x))
        try:
            dispatch.choose("gru", "fused", x, {})
        except dispatch.UnsupportedImplementation as error:
            print("raised:", error)
    """)
    env = {**os.environ, "RNNKIT_FUSED": "0", "RNNKIT_CACHE": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    assert "gru: native" in result.stdout
    assert "raised: implementation='fused' cannot run this gru call" in result.stdout
    assert "RNNKIT_FUSED=0" in result.stdout
    assert "compiling" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_package_works_without_a_compiler_and_warns_once(tmp_path):
    script = textwrap.dedent("""
        import warnings, torch, rnnkit
        from rnnkit.kernels import dispatch
        x = torch.randn(2, 5, 3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(2):
                rnnkit.layers.SimpleRNN(4, activation="relu")(x)
        print("warnings:", len(caught), caught[0].message)
        try:
            dispatch.choose("simple_rnn", "fused", x, {})
        except dispatch.UnsupportedImplementation as error:
            print("raised:", error)
    """)
    env = {key: value for key, value in os.environ.items() if key != "RNNKIT_FUSED"}
    env.update(CXX=str(tmp_path / "no-such-c++"), RNNKIT_CACHE=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    assert "warnings: 1 rnnkit: no C++ compiler" in result.stdout
    assert "running without the fused kernels" in result.stdout
    assert "raised: implementation='fused' cannot run this simple_rnn call: no C++ compiler" \
        in result.stdout


def test_bench_smoke_writes_json_and_markdown(tmp_path, capsys):
    """A smoke test (shapes of the output only): one tiny case through the bench entry point."""
    import argparse
    import json

    from rnnkit.cli import bench

    parser = argparse.ArgumentParser()
    bench.add_parser(parser.add_subparsers())
    args = parser.parse_args(["bench", "--cells", "gru", "--shapes", "tiny-stream", "--modes",
                              "infer", "--paths", "auto,native", "--repeats", "1", "--warmup", "0",
                              "--no-keras", "--no-peak", "--out", str(tmp_path)])
    assert args.run(args) == 0
    data = json.loads((tmp_path / "bench.json").read_text())
    assert {r["contender"] for r in data["rows"]} == {"torch", "rnnkit-auto", "rnnkit-native"}
    assert "| gru | tiny-stream | infer | torch |" in (tmp_path / "bench.md").read_text()
    assert "rnnkit-auto" in capsys.readouterr().out


def test_autocast_sends_auto_past_the_fused_kernels_and_a_forced_fused_call_raises():
    x = torch.randn(2, 5, 3)  # batch 2: auto would pick the fused kernel
    with torch.autocast("cpu", dtype=torch.bfloat16):
        for cell in CELLS:
            choice = dispatch.choose(cell, "auto", x, {})
            assert choice.implementation != "fused" and "autocast" in choice.reason
            with pytest.raises(dispatch.UnsupportedImplementation, match="autocast"):
                dispatch.choose(cell, "fused", x, {})
        y = rnnkit.layers.LSTM(4, return_sequences=True)(x)
    assert y.shape == (2, 5, 4)


@pytest.mark.parametrize("batch, training, expected", [
    pytest.param(8, False, "fused", marks=pytest.mark.fused), (9, False, "native"),
    pytest.param(64, True, "fused", marks=pytest.mark.fused),
    pytest.param(1, True, "fused", marks=pytest.mark.fused),
])
def test_auto_lstm_rule_follows_batch_and_mode(batch, training, expected):
    """The measured LSTM split (dispatch.preference): oneDNN only for inference beyond batch 8."""
    x = torch.randn(batch, 3, 2)
    with torch.set_grad_enabled(training):
        assert dispatch.choose("lstm", "auto", x, {}).implementation == expected
        layer = rnnkit.layers.LSTM(4)
        layer(x)
        assert kernels.explain(layer, x).split(": ")[1].startswith(expected)
