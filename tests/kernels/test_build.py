"""The kernel build: its hash covers every file under csrc/, and Python and C++ read the
activation codes from one table (the C++ enum is generated from it, and the compiled kernels
compute, for each code, the activation Python means by it)."""

from __future__ import annotations

import re
import shutil

import pytest
import torch

from rnnkit import activations
from rnnkit.kernels import build
from rnnkit.kernels.activation_codes import ACTIVATION_CODES, cpp_header, enumerator


@pytest.fixture
def source_copy(tmp_path, monkeypatch):
    """A copy of csrc/ that the build reads instead of the package's own."""
    copy = tmp_path / "csrc"
    shutil.copytree(build.SOURCE_DIR, copy)
    monkeypatch.setattr(build, "SOURCE_DIR", copy)
    return copy


def test_every_file_under_csrc_is_hashed_and_every_cpp_compiled(source_copy):
    assert build.compiled_sources() == sorted(source_copy.glob("*.cpp"))
    seen = {build.build_directory()}
    (source_copy / "team.h").write_text((source_copy / "team.h").read_text() + "// edited\n")
    seen.add(build.build_directory())
    (source_copy / "new_helper.h").write_text("#pragma once\n")  # a header no list names
    seen.add(build.build_directory())
    (source_copy / "new_helper.h").rename(source_copy / "other_helper.h")  # same bytes, new name
    seen.add(build.build_directory())
    (source_copy / "extra_ops.cpp").write_text("// a new translation unit\n")
    seen.add(build.build_directory())
    assert len(seen) == 5
    assert source_copy / "extra_ops.cpp" in build.compiled_sources()


def test_an_edited_header_means_the_cached_library_is_not_loaded(source_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("RNNKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(build._state, "loaded", False)  # as in a fresh process
    library = build.build_directory() / "rnnkit_fused.so"
    library.parent.mkdir(parents=True)
    library.write_bytes(b"")  # a cached build of these exact sources
    assert build.is_built()
    (source_copy / "lstm.h").write_text((source_copy / "lstm.h").read_text() + "// edited\n")
    assert not build.is_built()


def test_the_generated_enum_is_the_python_table():
    header = cpp_header()
    (body,) = re.findall(r"enum ActivationCode : int64_t \{(.*)\};", header)
    parsed = dict(re.findall(r"(k\w+) = (\d+)", body))
    assert parsed == {enumerator(name): str(code) for name, code in ACTIVATION_CODES.items()}
    assert enumerator("hard_sigmoid") == "kHardSigmoid"


def test_csrc_spells_no_code_of_its_own_and_uses_only_generated_names():
    text = "\n".join(path.read_text() for path in build.source_files())
    assert re.search(r"enum\s+ActivationCode\s*[:{]", text) is None  # the only enum is the generated one
    used = set(re.findall(r"case (k[A-Z]\w*):", text))
    assert used and used <= {enumerator(name) for name in ACTIVATION_CODES}


@pytest.mark.fused
def test_the_compiled_kernels_compute_what_python_means_by_each_code():
    g = torch.Generator().manual_seed(0)
    xw = torch.randn(3, 1, 4, generator=g, dtype=torch.float64) * 3  # (B, T=1, H=4)
    zeros = torch.zeros(3, 4, dtype=torch.float64)
    for name in ("tanh", "relu"):  # output activations: SimpleRNN's first step is act(xw)
        y = torch.ops.rnnkit.simple_rnn_forward(xw, zeros, torch.zeros(4, 4, dtype=torch.float64), None, None,
                                                ACTIVATION_CODES[name], False, False)[0]
        torch.testing.assert_close(y, activations.get(name)(xw), atol=1e-12, rtol=1e-12)
    xw4 = torch.randn(3, 1, 16, generator=g, dtype=torch.float64) * 3
    for name in ("sigmoid", "hard_sigmoid"):  # gate activations: LSTM's first step from c0 = 0
        y = torch.ops.rnnkit.lstm_forward(xw4, zeros, zeros, torch.zeros(4, 16, dtype=torch.float64), None, None,
                                          ACTIVATION_CODES["tanh"], ACTIVATION_CODES[name], False, False)[0]
        ract = activations.get(name)
        i, _, c, o = xw4.chunk(4, dim=-1)
        torch.testing.assert_close(y, ract(o) * torch.tanh(ract(i) * torch.tanh(c)), atol=1e-12, rtol=1e-12)
    assert (build.build_directory() / "generated" / "activation_codes.h").read_text() == cpp_header()
