"""The fused ops' output pool: a freed output's block serves the next call of the same shape, and
its contents never leak into results (pooled blocks are reused, not zeroed)."""

from __future__ import annotations

import pytest
import torch

from helpers.sequence_cases import assert_close, make_case, outputs_and_grads

from rnnkit import recurrence
from rnnkit.kernels import fused

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
