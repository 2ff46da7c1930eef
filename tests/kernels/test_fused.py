"""The fused C++ kernels against the plain-torch reference: outputs and every gradient.

float64 agrees to ~1e-12 (the kernels use their own polynomial exp); float32 within 1e-5-ish.
Every test is marked ``fused`` (tests/conftest.py): skipped, with the build error as reason, only
where the extension cannot be built; RNNKIT_REQUIRE_FUSED=1 (CI sets it) makes that a failure.
"""

from __future__ import annotations

import itertools

import pytest
import torch
from helpers.sequence_cases import assert_close, make_case, make_mask, outputs_and_grads

from rnnkit import cells, recurrence
from rnnkit.kernels import fused

pytestmark = pytest.mark.fused

GATES = {kind: cells.spec(kind).gates for kind in fused.SEQUENCES}
REFERENCE = {
    "simple_rnn": recurrence.simple_rnn_sequence,
    "lstm": recurrence.lstm_sequence,
    "gru": recurrence.gru_sequence,
}


def assert_matches_reference(cell, dtype, B=3, T=7, H=5, bias=True, reset_after=True, **options):
    x, states, weights = make_case(cell, B=B, T=T, H=H, dtype=dtype, bias=bias,
                                   reset_after=reset_after)
    if cell == "gru":
        options["reset_after"] = reset_after
    expected = outputs_and_grads(REFERENCE[cell], x, states, weights, **options)
    actual = outputs_and_grads(fused.SEQUENCES[cell], x, states, weights, **options)
    names = ["y", *[f"final{i}" for i in range(len(states))], "dx",
             *[f"dstate{i}" for i in range(len(states))], "dkernel", "drecurrent", "dbias"]
    for name, a, e in zip(names, actual, expected):
        assert_close(a, e, name)


def configurations():
    """Every cell with every option that changes the kernel's work."""
    cases = []
    for cell in ("simple_rnn", "lstm", "gru"):
        acts = [("tanh", "sigmoid"), ("relu", "hard_sigmoid")]
        forms = [True, False] if cell == "gru" else [True]
        for (act, ract), reset_after, masked, backwards, zero_out, bias in itertools.product(
            acts, forms, [False, True], [False, True], [False, True], [True, False]
        ):
            if zero_out and not masked:
                continue  # zero_output_for_mask only matters with a mask
            options = {"activation": act, "go_backwards": backwards,
                       "zero_output_for_mask": zero_out}
            if cell != "simple_rnn":
                options["recurrent_activation"] = ract
            cases.append(pytest.param(cell, reset_after, masked, bias, options,
                                      id=f"{cell}-{act}-{ract}-ra{int(reset_after)}-m{int(masked)}"
                                         f"-b{int(backwards)}-z{int(zero_out)}-bias{int(bias)}"))
    return cases


@pytest.mark.parametrize("cell, reset_after, masked, bias, options", configurations())
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
def test_fused_matches_reference(cell, reset_after, masked, bias, options, dtype):
    B, T = 3, 7
    if masked:
        options = {**options, "mask": make_mask(B, T)}
    assert_matches_reference(cell, dtype, B=B, T=T, bias=bias, reset_after=reset_after, **options)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("masked", [False, True])
def test_batch_of_one_and_single_step(cell, masked):
    for T in (1, 9):
        options = {"mask": torch.tensor([[True] * (T - 1) + [False]])} if masked and T > 1 else {}
        assert_matches_reference(cell, torch.float64, B=1, T=T, **options)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_large_inputs_saturate_without_overflow(cell):
    """Pre-activations of +-hundreds drive exp into its clamped range: results stay finite."""
    x, states, weights = make_case(cell, dtype=torch.float32)
    with torch.no_grad():
        x.mul_(200.0)
    y, final = fused.SEQUENCES[cell](x, *states, *weights)
    y_ref, _ = REFERENCE[cell](x, *states, *weights)
    assert torch.isfinite(y).all()
    torch.testing.assert_close(y, y_ref, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_inference_saves_nothing(cell):
    x, states, weights = make_case(cell, dtype=torch.float32)
    with torch.inference_mode():
        y_infer, _ = fused.SEQUENCES[cell](x, *states, *weights)
    y_train, _ = fused.SEQUENCES[cell](x, *states, *weights)
    torch.testing.assert_close(y_infer, y_train.detach(), atol=0, rtol=0)
    xw = torch.zeros(2, 3, GATES[cell] * 4)
    h0, u = torch.zeros(2, 4), torch.zeros(4, GATES[cell] * 4)
    if cell == "simple_rnn":
        saved = torch.ops.rnnkit.simple_rnn_forward(xw, h0, u, None, None, 1, False, False)[2:]
    elif cell == "lstm":
        saved = torch.ops.rnnkit.lstm_forward(xw, h0, h0, u, None, None, 1, 2, False, False)[3:]
    else:
        saved = torch.ops.rnnkit.gru_forward(xw, h0, u, torch.zeros(12), None, None, 1, 2, True,
                                             False, False)[2:]
    assert all(t.numel() == 0 for t in saved)


def test_ops_reject_activation_codes_they_were_not_built_for():
    xw, h0, u = torch.zeros(1, 2, 4), torch.zeros(1, 1), torch.zeros(1, 4)
    with pytest.raises(RuntimeError, match="unsupported activation code 2"):
        torch.ops.rnnkit.simple_rnn_forward(xw[..., :1], h0, u[:, :1], None, None, 2, False, False)
    with pytest.raises(RuntimeError, match="unsupported recurrent activation code 1"):
        torch.ops.rnnkit.lstm_forward(xw, h0, h0, u, None, None, 1, 1, False, False)


# ---------------------------------------------------------------- gradcheck and opcheck


def _gradcheck_case(cell, reset_after=True, **options):
    x, states, weights = make_case(cell, B=2, T=4, I=3, H=3, reset_after=reset_after, seed=3)
    if cell == "gru":
        options["reset_after"] = reset_after
    leaves = [x, *states, *weights]

    def fn(*args):
        y, final = fused.SEQUENCES[cell](args[0], *args[1:-3], *args[-3:], **options)
        return (y, *final)

    return fn, leaves


@pytest.mark.parametrize("cell, reset_after", [("simple_rnn", True), ("lstm", True),
                                               ("gru", True), ("gru", False)])
@pytest.mark.parametrize("variant", ["plain", "masked-backwards", "recurrent-dropout"])
def test_gradcheck_float64(cell, reset_after, variant):
    options = {}
    if variant == "masked-backwards":
        options = {"mask": make_mask(2, 4, seed=1), "go_backwards": True}
    elif variant == "recurrent-dropout":
        options = {"recurrent_mask": torch.tensor([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]],
                                                  dtype=torch.float64)}
    fn, leaves = _gradcheck_case(cell, reset_after, **options)
    assert torch.autograd.gradcheck(fn, leaves, eps=1e-6, atol=1e-7)


def _op_samples():
    """(op, args) for every op: forward with save on, and backward fed from that forward."""
    g = torch.Generator().manual_seed(5)
    B, T, H = 2, 3, 4

    def r(*shape, grad=False):
        return torch.randn(*shape, generator=g, dtype=torch.float64).requires_grad_(grad)

    mask = torch.tensor([[True, False, True], [False, False, True]])
    drop = (torch.rand(B, H, generator=g) > 0.3).double() / 0.7
    ops = torch.ops.rnnkit
    samples = []
    for m, rm in ((None, None), (mask, drop)):
        fwd = (r(B, T, H, grad=True), r(B, H, grad=True), r(H, H, grad=True), m, rm, 1, False,
               True)
        y, h, hs, acts = ops.simple_rnn_forward(*fwd)
        samples += [(ops.simple_rnn_forward.default, fwd),
                    (ops.simple_rnn_backward.default,
                     (r(B, T, H), r(B, H), fwd[2].detach(), m, rm, hs.detach(), acts.detach(), 1,
                      False))]
        fwd = (r(B, T, 4 * H, grad=True), r(B, H, grad=True), r(B, H, grad=True),
               r(H, 4 * H, grad=True), m, rm, 1, 2, True, True)
        out = ops.lstm_forward(*fwd)
        samples += [(ops.lstm_forward.default, fwd),
                    (ops.lstm_backward.default,
                     (r(B, T, H), r(B, H), r(B, H), fwd[3].detach(), m, rm,
                      *[t.detach() for t in out[3:]], 1, 2, True))]
        for reset_after in (True, False):
            fwd = (r(B, T, 3 * H, grad=True), r(B, H, grad=True), r(H, 3 * H, grad=True),
                   r(3 * H, grad=True), m, rm, 1, 3, reset_after, False, True)
            out = ops.gru_forward(*fwd)
            samples += [(ops.gru_forward.default, fwd),
                        (ops.gru_backward.default,
                         (r(B, T, H), r(B, H), fwd[2].detach(), m, rm, out[2].detach(),
                          out[3].detach(), 1, 3, reset_after, False))]
    for bias in (None, r(5, grad=True)):
        samples.append((ops.projection.default, (r(6, 3, grad=True), r(3, 5, grad=True), bias)))
    return samples


def test_opcheck_every_op():
    samples = _op_samples()
    checked = {op.name() for op, _ in samples}
    parts = ("forward", "backward")
    assert checked == {f"rnnkit::{cell}_{part}" for cell in GATES for part in parts} | {
        "rnnkit::projection"}
    for op, args in samples:
        torch.library.opcheck(op, args)


# ---------------------------------------------------------------- an independent statement


def _independent_sequence(cell, x, h, c, kernel, recurrent, bias, mask, reset_after):
    """The Keras equations again, written out per element-block in float64 (not via cells.py)."""
    sig = lambda v: 1 / (1 + torch.exp(-v))  # noqa: E731
    H = recurrent.shape[0]
    ys, prev_y = [], torch.zeros_like(h)
    for t in range(x.shape[1]):
        xt = x[:, t] @ kernel
        if cell == "lstm":
            pre = xt + bias + h @ recurrent
            i, f, g, o = (pre[:, k * H:(k + 1) * H] for k in range(4))
            c_new = sig(f) * c + sig(i) * torch.tanh(g)
            h_new = sig(o) * torch.tanh(c_new)
        else:
            b_in = bias[0] if reset_after else bias
            xt = xt + b_in
            if reset_after:
                hr = h @ recurrent + bias[1]
                z = sig(xt[:, :H] + hr[:, :H])
                r = sig(xt[:, H:2 * H] + hr[:, H:2 * H])
                cand = torch.tanh(xt[:, 2 * H:] + r * hr[:, 2 * H:])
            else:
                z = sig(xt[:, :H] + h @ recurrent[:, :H])
                r = sig(xt[:, H:2 * H] + h @ recurrent[:, H:2 * H])
                cand = torch.tanh(xt[:, 2 * H:] + (r * h) @ recurrent[:, 2 * H:])
            h_new, c_new = z * h + (1 - z) * cand, c
        keep = mask[:, t:t + 1]
        h, c = torch.where(keep, h_new, h), torch.where(keep, c_new, c)
        prev_y = torch.where(keep, h_new, prev_y)
        ys.append(prev_y)
    return torch.stack(ys, 1), h, c


@pytest.mark.parametrize("cell, reset_after", [("lstm", True), ("gru", True), ("gru", False)])
def test_reference_and_fused_match_an_independent_statement(cell, reset_after):
    x, states, weights = make_case(cell, B=3, T=6, reset_after=reset_after, seed=9)
    mask = make_mask(3, 6, seed=2)
    h0 = states[0].detach()
    c0 = states[1].detach() if cell == "lstm" else torch.zeros_like(h0)
    w = [t.detach() for t in weights]
    y_ind, h_ind, c_ind = _independent_sequence(cell, x.detach(), h0, c0, *w, mask, reset_after)
    options = {"mask": mask} | ({"reset_after": reset_after} if cell == "gru" else {})
    with torch.no_grad():
        for fn in (REFERENCE[cell], fused.SEQUENCES[cell]):
            y, final = fn(x, *states, *weights, **options)
            torch.testing.assert_close(y, y_ind, atol=1e-12, rtol=1e-10)
            torch.testing.assert_close(final[0], h_ind, atol=1e-12, rtol=1e-10)
            if cell == "lstm":
                torch.testing.assert_close(final[1], c_ind, atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("B, H", [(1, 70), (3, 20), (5, 70), (17, 20), (70, 20)])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
def test_products_of_every_tiling(cell, B, H, dtype):
    """Widths and batch sizes that exercise the register tiles (6, 4, 2, 1 rows; 1-4 vectors
    wide), the scalar column remainder and the weight panels, forward and backward."""
    x, states, weights = make_case(cell, B=B, T=5, I=6, H=H, dtype=dtype, seed=B + H)
    options = {"mask": make_mask(B, 5)} if B > 2 else {}
    if cell == "gru":
        options["reset_after"] = H == 20
        if H != 20:
            weights[2] = weights[2].detach()[0].clone().requires_grad_()
    expected = outputs_and_grads(REFERENCE[cell], x, states, weights, **options)
    actual = outputs_and_grads(fused.SEQUENCES[cell], x, states, weights, **options)
    for a, e in zip(actual, expected):
        assert_close(a, e)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_float32_accuracy_is_that_of_the_reference(cell):
    """Against float64 truth, the fused float32 results (own exp polynomial, own tiles) are as
    accurate as the plain-torch float32 reference: within 3x its error plus 1e-6."""
    x, states, weights = make_case(cell, B=5, T=20, I=6, H=70, dtype=torch.float32, seed=11)
    options = {"mask": make_mask(5, 20)}
    fused32 = outputs_and_grads(fused.SEQUENCES[cell], x, states, weights, **options)
    ref32 = outputs_and_grads(REFERENCE[cell], x, states, weights, **options)

    def as64(t):
        return t.detach().double().requires_grad_()

    truth = outputs_and_grads(REFERENCE[cell], as64(x), [as64(s) for s in states],
                              [as64(w) for w in weights], **options)
    for f, r, t in zip(fused32, ref32, truth):
        scale = t.abs().max().item()
        fused_error = (f.double() - t).abs().max().item() / scale
        reference_error = (r.double() - t).abs().max().item() / scale
        assert fused_error <= 3 * reference_error + 1e-6


@pytest.mark.parametrize("cell, reset_after", [("simple_rnn", True), ("lstm", True),
                                               ("gru", True), ("gru", False)])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
def test_recurrent_dropout_matches_reference(cell, reset_after, masked, dtype):
    """Keras recurrent dropout: one (B, H) mask scales the state where it enters the product."""
    B, T, H = 3, 7, 5
    keep = (torch.rand(B, H, generator=torch.Generator().manual_seed(4)) > 0.4).to(dtype)
    options = {"recurrent_mask": keep / 0.6}
    if masked:
        options["mask"] = make_mask(B, T)
    assert_matches_reference(cell, dtype, B=B, T=T, reset_after=reset_after, **options)


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("cell, reset_after", [("simple_rnn", True), ("lstm", True),
                                               ("gru", True), ("gru", False)])
@pytest.mark.parametrize("B, H", [(3, 70), (20, 40), (70, 40)])
def test_column_teams_match_reference(monkeypatch, threads, cell, reset_after, B, H):
    """Several threads each owning a slice of the hidden units, one barrier per step (team.h),
    forced on small shapes: slices of unequal width, 3 to 70 rows, masks with an all-masked row,
    go_backwards and recurrent dropout, forward and backward."""
    monkeypatch.setenv("RNNKIT_TEAM_MIN_MACS", "0")
    keep = (torch.rand(B, H, generator=torch.Generator().manual_seed(6)) > 0.4).double() / 0.6
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for dtype in (torch.float64, torch.float32):
            assert_matches_reference(cell, dtype, B=B, T=6, H=H, reset_after=reset_after,
                                     mask=make_mask(B, 6), go_backwards=True)
            assert_matches_reference(cell, dtype, B=B, T=5, H=H, reset_after=reset_after,
                                     recurrent_mask=keep.to(dtype))
    finally:
        torch.set_num_threads(previous)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("used", ["y", "final"])
def test_gradients_when_only_some_outputs_are_used(cell, used):
    """Unused outputs reach the backward as None (no zero-filled (B, T, H) gradients)."""
    grads = []
    for fn in (REFERENCE[cell], fused.SEQUENCES[cell]):
        x, states, weights = make_case(cell, seed=8)
        y, final = fn(x, *states, *weights)
        loss = (y ** 2).sum() if used == "y" else (final[-1] ** 2).sum()
        leaves = [t for t in (x, *states, *weights) if t is not None]
        grads.append(torch.autograd.grad(loss, leaves))
    for a, e in zip(*grads[::-1]):
        assert_close(a, e)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (7, 3, 5), (200, 33, 130), (97, 64, 300),
                                     (5, 0, 70)])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
def test_projection_matches_addmm(threads, m, k, n, dtype):
    """The input projection op: column slices per thread, 96-row blocks, every tile width."""
    g = torch.Generator().manual_seed(m + k + n)
    x, w, b = (torch.randn(*s, generator=g, dtype=dtype) for s in ((m, k), (k, n), (n,)))
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for bias in (b, None):
            expected = x @ w if bias is None else torch.addmm(bias, x, w)
            assert_close(torch.ops.rnnkit.projection(x, w, bias), expected)
    finally:
        torch.set_num_threads(previous)


def test_projection_gradcheck_and_clear_errors():
    g = torch.Generator().manual_seed(1)
    leaves = [torch.randn(*s, generator=g, dtype=torch.float64, requires_grad=True)
              for s in ((4, 3), (3, 5), (5,))]
    assert torch.autograd.gradcheck(torch.ops.rnnkit.projection, leaves)
    with pytest.raises(RuntimeError, match="do not match"):
        torch.ops.rnnkit.projection(torch.zeros(2, 3), torch.zeros(4, 5), None)
    with pytest.raises(RuntimeError, match="bias must be"):
        torch.ops.rnnkit.projection(torch.zeros(2, 3), torch.zeros(3, 5), torch.zeros(4))
