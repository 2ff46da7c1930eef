"""The fused ops' output pool: a freed output's block serves the next call of the same shape, and
its contents never leak into results (pooled blocks are reused, not zeroed). While a training step
runs it is also torch's allocator for large CPU tensors (rnnkit.kernels.pool)."""

from __future__ import annotations

import pytest
import torch

from helpers.sequence_cases import assert_close, make_case, outputs_and_grads

import rnnkit
from rnnkit import recurrence
from rnnkit.kernels import fused, native
from rnnkit.kernels.pool import pooled_allocations

pytestmark = pytest.mark.fused


def test_a_repeated_training_call_takes_its_blocks_from_the_pool():
    x, states, weights = make_case("gru", B=4, T=30, I=16, H=32, dtype=torch.float32)
    outputs_and_grads(fused.SEQUENCES["gru"], x, states, weights)  # first call: fills the pool on free
    _, hits, misses = torch.ops.rnnkit.pool_stats()
    outputs_and_grads(fused.SEQUENCES["gru"], x, states, weights)
    _, hits_after, misses_after = torch.ops.rnnkit.pool_stats()
    assert hits_after - hits >= 6  # y, states, gates, workspaces, gradients
    assert misses_after == misses


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_reused_blocks_give_the_reference_results(cell):
    """Blocks left full of another call's numbers (NaN here) must not show through."""
    for _ in range(2):
        garbage = outputs_and_grads(fused.SEQUENCES[cell], *make_case(cell, seed=1))
        for group in garbage:
            for t in group:
                t.detach().fill_(float("nan"))
        del garbage
        x, states, weights = make_case(cell)
        got = outputs_and_grads(fused.SEQUENCES[cell], x, states, weights)
        expected = outputs_and_grads(recurrence.reference(cell), x, states, weights)
        for a, b in zip(got, expected):
            for ta, tb in zip(a, b):
                assert_close(ta, tb, f"{cell} after reuse")


def test_release_hands_the_free_blocks_back():
    x, states, weights = make_case("lstm", B=4, T=30, I=16, H=32, dtype=torch.float32)
    outputs_and_grads(fused.SEQUENCES["lstm"], x, states, weights)
    assert torch.ops.rnnkit.pool_stats()[0] > 0
    torch.ops.rnnkit.pool_release()
    assert torch.ops.rnnkit.pool_stats()[0] == 0


def test_the_pool_stays_within_its_limit_by_freeing_older_blocks(tmp_path):
    """RNNKIT_POOL_MB=1: calls of many shapes never leave more than 1 MB of free blocks."""
    import os
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import torch
        from rnnkit.kernels import build, fused
        build.require()
        for T in range(5, 40, 5):
            x = torch.randn(8, T, 32)
            k, r = torch.randn(32, 128), torch.randn(32, 128)
            fused.SEQUENCES["lstm"](x, torch.zeros(8, 32), torch.zeros(8, 32), k, r, None)
            assert torch.ops.rnnkit.pool_stats()[0] <= 1 << 20, torch.ops.rnnkit.pool_stats()
        print("cached", torch.ops.rnnkit.pool_stats()[0])
    """)
    env = {**os.environ, "RNNKIT_POOL_MB": "1"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.split()[-1]) > 0  # the pool still works, within its limit


def _hits():
    return torch.ops.rnnkit.pool_stats()[1]


def test_pooled_allocations_serve_large_tensors_only_inside_the_block():
    with pooled_allocations():
        torch.empty(1 << 18)  # 1 MB: from the pool, back to it when freed
        before = _hits()
        torch.empty(1 << 18)
        assert _hits() == before + 1
        torch.empty(16)  # small: glibc's heap, as before
        assert _hits() == before + 1
        with pooled_allocations():  # nested: still on inside, and still on after the inner block
            torch.empty(1 << 18)
        torch.empty(1 << 18)
        assert _hits() == before + 3
    torch.empty(1 << 18)
    assert _hits() == before + 3


def test_torch_lstm_and_its_workspaces_run_on_pooled_memory():
    """oneDNN's LSTM allocates through c10's raw_allocate, which needs the block as its own context."""
    x, states, weights = make_case("lstm", B=4, T=9, I=16, H=32, dtype=torch.float32)
    expected = outputs_and_grads(native.SEQUENCES["lstm"], x, states, weights)
    for _ in range(2):
        with pooled_allocations():
            got = outputs_and_grads(native.SEQUENCES["lstm"], x, states, weights)
        for a, b in zip(got, expected):
            for ta, tb in zip(a, b):
                assert torch.equal(ta, tb)


def test_training_steps_take_their_large_tensors_from_the_pool():
    model = rnnkit.models.Sequential([rnnkit.Input((20, 8)), rnnkit.layers.LSTM(64), rnnkit.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = torch.randn(64, 20, 8), torch.randn(64, 1)
    model.train_on_batch(x, y)
    before = _hits()
    model.train_on_batch(x, y)
    assert _hits() > before
    torch.empty(1 << 18)  # after the step torch's own allocator is back
    hits = _hits()
    torch.empty(1 << 18)
    assert _hits() == hits
