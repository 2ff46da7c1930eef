"""The restricted ``.npz`` reader: NumPy's object arrays come back; anything else a pickle names is refused."""

from __future__ import annotations

import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from rnnkit.datasets import npz
from rnnkit.errors import FileLimitError


def object_array(rows):
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = row
    return out


def write_member(path, name, header_dtype, payload: bytes, shape=(1,)):
    """A one-member .npz whose member has a genuine .npy header and then ``payload``."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": np.lib.format.dtype_to_descr(np.dtype(header_dtype)),
                                                   "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}.npy", buffer.getvalue() + payload)


def test_reads_numpys_object_and_plain_arrays(tmp_path):
    texts = object_array([[1, 2, 3], [4], []])
    np.savez(tmp_path / "d.npz", x=texts, y=np.array([1, 0, 1]), s=object_array(["a", "b"]))
    found = npz.load_npz(tmp_path / "d.npz")
    assert [list(t) for t in found["x"]] == [[1, 2, 3], [4], []]
    assert found["y"].tolist() == [1, 0, 1] and found["s"].tolist() == ["a", "b"]


class Exploit:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


@pytest.mark.parametrize("payload", [
    lambda: pickle.dumps(Exploit(), protocol=2),
    lambda: pickle.dumps(np.array([Exploit()], dtype=object), protocol=3),
    lambda: b"cbuiltins\neval\n(S'1+1'\ntR.",
])
def test_any_other_global_is_refused_without_running(tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    write_member(tmp_path / "evil.npz", "x_train", object, payload())
    with pytest.raises(ValueError, match=r"evil\.npz: x_train\.npy: .*refused global (posix|os|builtins)\.(system|eval)"):
        npz.load_npz(tmp_path / "evil.npz")
    assert not (tmp_path / "PWNED").exists()


def test_pickled_values_other_than_lists_of_ints_are_refused(tmp_path):
    write_member(tmp_path / "odd.npz", "x", object, pickle.dumps(object_array([{"a": 1}]), protocol=3))
    with pytest.raises(ValueError, match="other than lists of integers"):
        npz.load_npz(tmp_path / "odd.npz")
    write_member(tmp_path / "shape.npz", "x", object, pickle.dumps(object_array([[1], [2]]), protocol=3), shape=(5,))
    with pytest.raises(ValueError, match=r"not the array of shape \(5,\)"):
        npz.load_npz(tmp_path / "shape.npz")


def test_too_large_and_truncated_members(tmp_path, monkeypatch):
    np.savez_compressed(tmp_path / "d.npz", x=object_array([[1] * 500, [2]]), y=np.zeros(1000))
    monkeypatch.setenv("RNNKIT_MAX_BYTES", "2000")
    with pytest.raises(FileLimitError, match="at most 2,000 bytes .the cap"):
        npz.load_npz(tmp_path / "d.npz")
    monkeypatch.undo()
    data = (tmp_path / "d.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\.npz: not a readable \.npz archive"):
        npz.load_npz(tmp_path / "cut.npz")
    write_member(tmp_path / "short.npz", "x", object, pickle.dumps(object_array([[1, 2]]), protocol=3)[:-6])
    with pytest.raises(ValueError, match="cannot be read safely"):
        npz.load_npz(tmp_path / "short.npz")
    write_member(tmp_path / "floats.npz", "x", np.float64, b"\x00" * 3, shape=(4,))
    with pytest.raises(FileLimitError, match=r"floats\.npz: x\.npy: expected 32 bytes as declared, found only 3"):
        npz.load_npz(tmp_path / "floats.npz")
