"""Hostile and damaged Keras files (.h5, .weights.h5, .keras): refused with the right error, nothing
read from outside the file, nothing allocated before its size is checked, never a crash or hang.

Each hostile file is built here with h5py from a real Keras fixture: one weight (same shape and
dtype, so only the storage is wrong) is replaced by external storage, a link or a bomb. The
mutation run at the end loads a few hundred damaged copies in a subprocess, so a crash or a
hang fails the test instead of killing pytest.
"""

from __future__ import annotations

import builtins
import functools
import struct
import subprocess
import sys
import time
import traceback
import zipfile
import zlib
from pathlib import Path

import h5py
import numpy as np
import pytest

from rnnkit import limits
from rnnkit.errors import FileFormatError, FileLimitError, ForeignReferenceError
from rnnkit.saving import load_model
from rnnkit.saving.hdf5_read import open_hdf5

FIXTURES = Path(__file__).parents[1] / "fixtures"
# (base file, the weight replaced, how the file is loaded) for each kind of Keras file
KINDS = {
    "h5": (FIXTURES / "keras" / "lstm_last.h5", "/model_weights/lstm/sequential/lstm/lstm_cell/bias"),
    "weights.h5": (FIXTURES / "saving" / "keras3_shared_gru.weights.h5", "/layers/dense/vars/1"),
    "keras": (FIXTURES / "keras" / "lstm_last.keras", "/layers/lstm/cell/vars/2"),
}
SECRET = 4242.0  # the value a foreign file holds; it must never reach a weight


def _load(kind: str, path: Path) -> None:
    if kind == "weights.h5":
        load_model(FIXTURES / "saving" / "keras3_shared_gru.keras", compile=False).load_weights(path)
    else:
        load_model(path)


def _hostile(kind: str, tmp_path: Path, replace) -> Path:
    """A copy of ``kind``'s fixture whose target weight ``replace(f, name, shape, dtype)`` rewrote."""
    base, target = KINDS[kind]
    path = tmp_path / f"hostile.{kind}"
    weights = tmp_path / "weights.h5"
    if kind == "keras":
        with zipfile.ZipFile(base) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        weights.write_bytes(members["model.weights.h5"])
    else:
        weights.write_bytes(base.read_bytes())
    with h5py.File(weights, "r+") as f:
        shape, dtype = f[target].shape, f[target].dtype
        del f[target]
        replace(f, target, shape, dtype)
    if kind == "keras":
        members["model.weights.h5"] = weights.read_bytes()
        _write_zip(path, members)
    else:
        weights.rename(path)
    return path


def _write_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _refused(kind: str, path: Path, error: type, *fragments: str) -> FileFormatError:
    with pytest.raises(error) as caught:
        _load(kind, path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message
    return caught.value


@pytest.fixture
def foreign(tmp_path, monkeypatch):
    """Files outside the hostile one holding SECRET, and the list of every file opened meanwhile."""
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.full(64, SECRET, np.float32).tobytes())
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["w"] = np.full(12, SECRET, np.float32)
        f["v"] = np.full(2, SECRET, np.float32)
    opened = []
    real_open = builtins.open

    def recording_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    return secret, other, opened


def _foreign_name(shape: tuple[int, ...]) -> str:
    """The dataset of other.h5 with the target weight's shape."""
    return "w" if shape == (12,) else "v"


def _external_storage(secret: Path, other: Path, f: h5py.File, name: str, shape, dtype) -> None:
    f.create_dataset(name, shape, dtype, external=[(str(secret), 0, int(np.prod(shape)) * dtype.itemsize)])


def _external_link(secret: Path, other: Path, f: h5py.File, name: str, shape, dtype) -> None:
    f[name] = h5py.ExternalLink(str(other), _foreign_name(shape))


def _virtual_dataset(secret: Path, other: Path, f: h5py.File, name: str, shape, dtype) -> None:
    layout = h5py.VirtualLayout(shape=shape, dtype=dtype)
    layout[:] = h5py.VirtualSource(str(other), _foreign_name(shape), shape=shape)
    f.create_virtual_dataset(name, layout)


FOREIGN_CASES = {"external storage": _external_storage, "external link": _external_link, "virtual dataset": _virtual_dataset}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", FOREIGN_CASES)
def test_references_out_of_the_file_are_refused_without_opening_their_target(kind, case, tmp_path, foreign):
    secret, other, opened = foreign
    path = _hostile(kind, tmp_path, functools.partial(FOREIGN_CASES[case], secret, other))
    with h5py.File(path if kind != "keras" else tmp_path / "weights.h5") as f:
        assert np.all(f[KINDS[kind][1]][()] == SECRET)  # libhdf5 would read the foreign bytes as the weight
    opened.clear()
    member = "model.weights.h5:" if kind == "keras" else ""
    error = _refused(kind, path, ForeignReferenceError, member + KINDS[kind][1])
    assert str(SECRET) not in str(error) and "4242" not in str(error)
    assert not any(name in (str(secret), str(other)) for name in opened), opened


@pytest.mark.parametrize("target", ["/etc/passwd", "nowhere"])  # paths inside the file, which it lacks
def test_a_soft_link_that_dangles_is_refused(target, tmp_path):
    path = _hostile("h5", tmp_path, lambda f, name, shape, dtype: f.__setitem__(name, h5py.SoftLink(target)))
    _refused("h5", path, ForeignReferenceError, KINDS["h5"][1], target)


def test_a_soft_link_inside_the_file_is_followed(tmp_path):
    def moved(f, name, shape, dtype):
        f["/elsewhere"] = np.arange(12, dtype=dtype)
        f[name] = h5py.SoftLink("/elsewhere")

    model = load_model(_hostile("h5", tmp_path, moved))
    assert np.array_equal(model.get_weights()[2], np.arange(12, dtype=np.float32))  # the LSTM's bias


def test_soft_links_in_a_loop_are_refused(tmp_path):
    def loop(f, name, shape, dtype):
        f["/a"] = h5py.SoftLink("/b")
        f["/b"] = h5py.SoftLink("/a")
        f[name] = h5py.SoftLink("/a")

    _refused("h5", _hostile("h5", tmp_path, loop), FileFormatError, "soft links")


def test_a_group_linked_into_itself_ends(tmp_path):
    base, _ = KINDS["weights.h5"]
    path = tmp_path / "cycle.weights.h5"
    path.write_bytes(base.read_bytes())
    with h5py.File(path, "r+") as f:
        group = f.create_group("layers/extra/inner")
        group["loop"] = f["layers/extra"]  # a hard link back up: the tree has a cycle and no dataset
    _load("weights.h5", path)  # the extra group holds no data, so it is ignored, and the walk ends
    with h5py.File(path, "r+") as f:
        f["layers/extra/inner/w"] = np.zeros(3)
    _refused("weights.h5", path, FileFormatError, "['extra']")


def test_an_object_header_that_continues_into_itself_is_refused(tmp_path):
    """pyfive appends each continuation block to the header: 65535 of them took 19 s unbounded."""
    path = tmp_path / "loop.h5"
    with h5py.File(path, "w") as f:
        f["w"] = np.zeros(3)
    data = bytearray(path.read_bytes())
    (root,) = struct.unpack_from("<Q", data, 64)  # superblock v0: the root's symbol table entry, then its header address
    size = struct.unpack_from("<I", data, root + 8)[0]
    struct.pack_into("<H", data, root + 2, 65535)  # messages in the header
    struct.pack_into("<HHB3xQQ", data, root + 16, 0x10, 16, 0, root + 16, size)  # message 0: "continue at message 0"
    path.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="points back into itself"), open_hdf5(path) as root_group:
        list(root_group)


@pytest.mark.parametrize("compression", ["lzf"])
def test_a_filter_other_than_deflate_shuffle_fletcher32_is_refused(compression, tmp_path):
    path = _hostile("h5", tmp_path, lambda f, name, shape, dtype: f.create_dataset(name, data=np.ones(shape, dtype), compression=compression))
    _refused("h5", path, ForeignReferenceError, KINDS["h5"][1], "lzf")


def test_gzip_shuffle_fletcher32_weights_load(tmp_path):
    values = np.linspace(-1, 1, 12, dtype=np.float32)
    path = _hostile("h5", tmp_path, lambda f, name, shape, dtype: f.create_dataset(
        name, data=values, chunks=(5,), compression="gzip", shuffle=True, fletcher32=True))
    assert np.array_equal(load_model(path).get_weights()[2], values)


def test_a_weight_declared_but_never_stored_is_refused(tmp_path):
    path = _hostile("keras", tmp_path, lambda f, name, shape, dtype: f.create_dataset(name, shape, dtype))
    _refused("keras", path, FileLimitError, "layers/lstm/cell/vars/2", "only 0")


def test_a_dataset_declaring_gigabytes_with_nothing_stored_is_refused_before_allocating(tmp_path):
    path = tmp_path / "declared.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("w", shape=(40_000, 40_000), dtype="f4")  # 6.4 GB, no storage allocated
        f.create_dataset("z", shape=(40_000, 40_000), dtype="f4", chunks=(1000, 1000), compression="gzip")
    assert path.stat().st_size < 10_000
    for name in ("w", "z"):
        with open_hdf5(path) as root, pytest.raises(FileLimitError, match=f"{path}: /{name}: expected 6,400,000,000 bytes"):
            root.get(name).read()


def test_a_dataset_over_the_cap_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.h5"
    with h5py.File(path, "w") as f:
        f["w"] = np.zeros(4096, np.float32)
    monkeypatch.setenv(limits.MAX_BYTES_ENV, "1000")
    with open_hdf5(path) as root, pytest.raises(FileLimitError, match="RNNKIT_MAX_BYTES"):
        root.get("w").read()


def test_a_gzip_bomb_in_a_weight_stops_at_the_weight_size(tmp_path):
    def bomb(f, name, shape, dtype):
        dataset = f.create_dataset(name, shape, dtype, chunks=shape, compression="gzip")
        dataset.id.write_direct_chunk((0,), zlib.compress(bytes(64 << 20), 9))  # 64 MB of zeros in 64 KB

    _refused("h5", _hostile("h5", tmp_path, bomb), FileLimitError, KINDS["h5"][1], "inflates to more")


def test_a_chunk_claiming_more_than_deflate_can_reach_is_refused_before_inflating(tmp_path):
    path = tmp_path / "ratio.h5"
    with h5py.File(path, "w") as f:
        dataset = f.create_dataset("w", (1024, 1024), "f4", chunks=(1024, 1024), compression="gzip")
        dataset.id.write_direct_chunk((0, 0), zlib.compress(b"\0" * 16))
    with open_hdf5(path) as root, pytest.raises(FileLimitError, match="decompression bomb"):
        root.get("w").read()


@pytest.mark.parametrize("stored_as", [str, np.bytes_], ids=["variable-length (global heap)", "fixed-length (dense attribute)"])
def test_an_attribute_larger_than_any_json_is_refused_before_reading_it(stored_as, tmp_path, monkeypatch):
    path = tmp_path / "attribute.h5"
    with h5py.File(KINDS["h5"][0]) as source, h5py.File(path, "w", libver="latest") as f:  # no 64 KB attribute limit
        for name in source:
            source.copy(name, f)
        f.attrs["model_config"] = stored_as(source.attrs["model_config"] + " " * 300_000)
    monkeypatch.setattr(limits, "MAX_JSON_BYTES", 100_000)
    _refused("h5", path, FileLimitError, "metadata", "at most 100,000 bytes")


def test_a_json_nesting_bomb_in_config_json_is_refused(tmp_path):
    with zipfile.ZipFile(KINDS["keras"][0]) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["config.json"] = b"[" * 200_000 + b"]" * 200_000
    path = tmp_path / "nested.keras"
    _write_zip(path, members)
    _refused("keras", path, FileLimitError, "config.json", "nested")


def _members_with_zeros(size: int) -> dict[str, bytes]:
    with zipfile.ZipFile(KINDS["keras"][0]) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["model.weights.h5"] = bytes(size)
    return members


def test_a_zip_member_over_the_cap_is_refused_before_inflating(tmp_path, monkeypatch):
    path = tmp_path / "bomb.keras"
    _write_zip(path, _members_with_zeros(8 << 20), zipfile.ZIP_DEFLATED)  # 8 MB in 8 KB
    monkeypatch.setenv(limits.MAX_BYTES_ENV, str(1 << 20))
    _refused("keras", path, FileLimitError, "model.weights.h5", "8,388,608 bytes declared")


def test_a_zip_bomb_under_the_cap_stops_at_its_first_block(tmp_path, monkeypatch):
    path = tmp_path / "bomb.keras"
    _write_zip(path, _members_with_zeros(16 << 20), zipfile.ZIP_DEFLATED)  # 16 MB in 16 KB, 1000:1
    inflated = []
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, n=-1: inflated.append(self.name) or real_read(self, n))
    _refused("keras", path, FileFormatError, "model.weights.h5", "begins with")
    assert inflated.count("model.weights.h5") == 1  # one block of 1 MiB, not the 16


def _patch_declared_size(path: Path, member: str, size: int) -> None:
    """Rewrite ``member``'s uncompressed size in the zip's central directory (as a bomb's author would)."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46:entry + 46 + len(member)] != member.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24:entry + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_a_zip_header_declaring_an_impossible_ratio_is_refused(tmp_path):
    path = tmp_path / "ratio.keras"
    _write_zip(path, _members_with_zeros(1 << 20), zipfile.ZIP_DEFLATED)
    _patch_declared_size(path, "model.weights.h5", 4_000_000_000)
    _refused("keras", path, FileLimitError, "model.weights.h5", "zip bomb")


def test_a_zip_header_that_understates_the_size_does_not_inflate_further(tmp_path):
    path = tmp_path / "understated.keras"
    _write_zip(path, _members_with_zeros(1 << 20), zipfile.ZIP_DEFLATED)
    _patch_declared_size(path, "model.weights.h5", 1000)
    _refused("keras", path, FileFormatError, "zip")


def test_a_zip_member_compressed_otherwise_than_keras_writes_is_refused(tmp_path):
    with zipfile.ZipFile(KINDS["keras"][0]) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    path = tmp_path / "bz2.keras"
    _write_zip(path, members, zipfile.ZIP_BZIP2)
    _refused("keras", path, FileFormatError, "compression method 12")


# ----- damaged copies of real files, loaded in a subprocess --------------------------------------------
MUTANTS_PER_KIND = 100


def _mutant(data: bytes, rng: np.random.Generator) -> bytes:
    """``data`` with a few bits flipped, a run overwritten (random bytes, 0x00 or 0xff: addresses and
    sizes at their extremes), an address replaced by another one of the file (so that structures
    point at one another, in loops too) or the end cut off."""
    data = bytearray(data)
    how = rng.integers(5)
    if how == 0:
        for _ in range(rng.integers(1, 9)):
            data[rng.integers(len(data))] ^= 1 << int(rng.integers(8))
    elif how == 1:
        start = int(rng.integers(len(data) - 16))
        data[start:start + 16] = rng.bytes(16)
    elif how == 2:
        for _ in range(rng.integers(1, 4)):
            start = int(rng.integers(len(data) - 8))
            data[start:start + 8] = bytes([255 if rng.random() < 0.5 else 0]) * 8
    elif how == 3:
        aligned = range(0, len(data) - 8, 8)
        fields = [i for i in aligned if 0 < int.from_bytes(data[i:i + 8], "little") < len(data)] or list(aligned)
        for _ in range(rng.integers(1, 4)):
            target, source = (int(i) for i in rng.choice(fields, 2))
            data[target:target + 8] = data[source:source + 8]
    else:
        del data[rng.integers(len(data)):]
    return bytes(data)


def _mutants(kind: str, seed: int, count: int, folder: Path):
    """``count`` damaged copies of ``kind``'s fixture (for .keras: its weights or its config, rezipped)."""
    rng = np.random.default_rng(seed)
    base, _ = KINDS[kind]
    if kind == "keras":
        with zipfile.ZipFile(base) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
    for case in range(count):
        path = folder / f"mutant.{kind}"
        if kind == "keras":
            damaged = dict(members)
            name = "model.weights.h5" if rng.random() < 0.8 else "config.json"
            damaged[name] = _mutant(damaged[name], rng)
            _write_zip(path, damaged)
        else:
            path.write_bytes(_mutant(base.read_bytes(), rng))
        yield case, path


def _mutation_worker(folder: str, seed: int, count: int) -> None:
    """Load every mutant; print one line per case: its outcome, or the unexpected exception."""
    for kind in KINDS:
        for case, path in _mutants(kind, seed, count, Path(folder)):
            start = time.perf_counter()
            try:
                _load(kind, path)
                outcome = "ok"
            except FileFormatError as error:
                outcome = "FileFormatError" if str(error).startswith(str(path)) else f"UNNAMED {error}"
            except Exception as error:  # noqa: BLE001 -- this is what the test looks for
                outcome = f"UNEXPECTED {type(error).__name__}: {error} | {traceback.format_exc(limit=-3)!r}"
            print(f"{kind} {case} {time.perf_counter() - start:.2f}s {outcome}", flush=True)


def test_damaged_keras_files_end_in_a_load_or_a_file_format_error(tmp_path):
    command = [sys.executable, __file__, str(tmp_path), "2026", str(MUTANTS_PER_KIND)]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired as timeout:
        last = (timeout.stdout or b"").splitlines()[-1:]
        pytest.fail(f"a mutant hung (the last case done: {last}); rerun {command} to find it")
    lines = run.stdout.splitlines()
    assert run.returncode == 0, f"the worker died (status {run.returncode}) after {lines[-1:]}: {run.stderr[-2000:]}"
    assert len(lines) == len(KINDS) * MUTANTS_PER_KIND, run.stderr[-2000:]
    outcomes = [line.split(" ", 3)[3] for line in lines]
    bad = [line for line, outcome in zip(lines, outcomes) if outcome not in ("ok", "FileFormatError")]
    assert not bad, "\n".join(bad[:5])
    assert outcomes.count("FileFormatError") > len(lines) // 4  # the mutants do damage
    assert outcomes.count("ok") > 0


if __name__ == "__main__":
    _mutation_worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
