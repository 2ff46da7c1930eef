"""rnnkit's own files, made hostile: every one refused at load with an error naming the file, nothing allocated first.

The files are the small ones of :mod:`helpers.rnnkit_files`, rewritten with one field or tensor
changed as an attacker (or a damaged disk) would change it.
"""

import json
import math
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit.data.vectors import read_vectors
from rnnkit.datasets.npz import load_npz
from rnnkit.errors import FileFormatError, FileLimitError
from rnnkit.tasks import classification, language_model
from rnnkit.tasks.language_model import LanguageModel
from rnnkit.training import load_checkpoint

from helpers.rnnkit_files import make_files, read, rewrite, write

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("rnnkit_files"))


def refused(load, path, error=FileFormatError, match=""):
    """``load(path)`` raises ``error`` whose message starts with the file's name and matches ``match``."""
    with pytest.raises(error, match=match) as raised:
        load(path)
    assert str(raised.value).startswith(f"{path}: "), str(raised.value)
    return raised.value


def with_config(**changes):
    def edit(header):
        header["record"]["config"].update(changes)
        return header
    return edit


def compiled_lm(path):
    model = LanguageModel(language_model.load(path)[0].config)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


# ----- configs against the weights, before the model is built -----------------------------------
@pytest.mark.parametrize("changes, error, field", [
    ({"units": 20000}, FileFormatError, "model/"),  # 6.4 GB if built: the shapes differ from the file's
    ({"vocab_size": 10**9}, FileLimitError, "rnnkit.record.config"),  # over the 8 GiB cap even on meta
    ({"layers": 20000}, FileFormatError, "rnnkit.record.config.layers"),  # more layers than the file has tensors
    ({"units": "8"}, FileFormatError, "rnnkit.record.config.units: expected an integer, found str '8'"),
    ({"units": 0}, FileFormatError, "rnnkit.record.config.units"),
    ({"colour": "red"}, FileFormatError, "only the fields"),
])
def test_a_config_that_does_not_fit_its_weights_is_refused_before_building(files, tmp_path, changes, error, field):
    path = rewrite(files["lm"], tmp_path / "big.safetensors", header=with_config(**changes))
    started = time.process_time()
    refused(language_model.load, path, error, field)
    assert time.process_time() - started < 5  # nothing of the declared size was built (a real build takes minutes)


def test_a_task_checkpoint_config_is_compared_with_its_weights(files, tmp_path):
    path = rewrite(files["task"], tmp_path / "c.safetensors", header=with_config(units=4))
    refused(classification.evaluation.load_classifier, path, match="model/.*expected shape")
    labels = rewrite(files["task"], tmp_path / "l.safetensors", header=lambda h: {**h, "record": {**h["record"], "classes": ["x"]}})
    refused(classification.evaluation.load_classifier, labels, match=r"rnnkit.record.classes: expected 2 names")


# ----- dtypes and values of weights ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", [torch.float16, torch.float64, torch.bfloat16])
def test_weights_of_another_float_dtype_are_cast_when_they_survive(files, tmp_path, dtype):
    _, tensors = read(files["model"])
    path = rewrite(files["model"], tmp_path / "m.rnnkit", tensors=lambda t: {k: v.to(dtype) if k.startswith("weights/") else v for k, v in t.items()})
    model = keras.saving.load_model(path)
    for key, value in model.state_dict().items():
        assert value.dtype == torch.float32
        torch.testing.assert_close(value, tensors[f"weights/{key}"].to(dtype).float(), rtol=0, atol=0)


@pytest.mark.parametrize("edit, match", [
    (lambda v: v.to(torch.int64), "weights/layers.1.kernel: expected floating-point values .torch.float32., found dtype torch.int64"),
    (lambda v: v.to(torch.float64) * 1e300, "weights/layers.1.kernel: expected values that fit torch.float32"),
    (lambda v: v.index_fill(0, torch.tensor([0]), float("nan")), "weights/layers.1.kernel: expected finite values, found 1 NaN or infinite"),
    (lambda v: v[:-1], r"weights/layers.1.kernel: expected shape \(3, 1\), found shape \(2, 1\)"),
])
def test_weights_that_do_not_survive_are_refused_naming_the_tensor(files, tmp_path, edit, match):
    path = rewrite(files["model"], tmp_path / "m.rnnkit", tensors=lambda t: {**t, "weights/layers.1.kernel": edit(t["weights/layers.1.kernel"])})
    refused(keras.saving.load_model, path, match=match)


# ----- optimizer state and generators -------------------------------------------------------------
def test_optimizer_state_of_the_wrong_shape_is_refused_at_load(files, tmp_path):
    path = rewrite(files["lm"], tmp_path / "o.safetensors", tensors=lambda t: {**t, "optimizer/2/momentum": torch.zeros(3, 3)})
    refused(lambda p: load_checkpoint(p, compiled_lm(files["lm"])), path, match=r"optimizer/2/momentum: expected shape \(8, 32\)")
    missing = rewrite(files["lm"], tmp_path / "s.safetensors", tensors=lambda t: {k: v for k, v in t.items() if k != "optimizer/1/velocity"})
    refused(lambda p: load_checkpoint(p, compiled_lm(files["lm"])), missing, match=r"optimizer/1/\*: expected the slots \['momentum', 'velocity'\]")


@pytest.mark.parametrize("tensors, rng, match", [
    (lambda t: {**t, "rng/torch": t["rng/torch"].float()}, None, "rng/torch: expected a uint8 vector of 5056 bytes"),
    (lambda t: {**t, "rng/torch": t["rng/torch"][:100]}, None, "rng/torch: expected a uint8 vector"),
    (None, lambda r: {**r, "python": [3, [2**40] * 625, None]}, r"rnnkit.rng.python.internal.0: expected at most 4294967295"),
    (None, lambda r: {**r, "numpy": ["MT19937", r["numpy"][1][:5], 0, 0, 0.0]}, "rnnkit.rng.numpy.keys: expected a list of 624 integers"),
    (None, lambda r: {**r, "numpy": ["PCG64", *r["numpy"][1:]]}, "rnnkit.rng.numpy.kind: expected one of"),
])
def test_bad_generator_states_are_refused_not_overflowed(files, tmp_path, tensors, rng, match):
    header = (lambda h: {**h, "rng": rng(h["rng"])}) if rng else None
    path = rewrite(files["lm"], tmp_path / "r.safetensors", header=header, tensors=tensors)
    model = compiled_lm(files["lm"])
    before = {k: v.clone() for k, v in model.state_dict().items()}
    refused(lambda p: load_checkpoint(p, model), path, match=match)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # checked before anything was restored


# ----- the header itself --------------------------------------------------------------------------
@pytest.mark.parametrize("header, readers, error, match", [
    (lambda h: json.dumps(h)[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "sample resume", FileLimitError, "JSON nested at most 100 deep"),
    (lambda h: {**h, "epoch": "x"}, "resume", FileFormatError, "rnnkit.epoch: expected an integer, found str 'x'"),
    (lambda h: {**h, "record": 7}, "sample", FileFormatError, "rnnkit.record: expected a JSON object or null, found int 7"),
    (lambda h: {**h, "optimizer": {**h["optimizer"], "iterations": 1.5}}, "resume", FileFormatError, "rnnkit.optimizer.iterations: expected an integer"),
    (lambda h: {**h, "version": True}, "sample resume", FileFormatError, "rnnkit.version: expected an integer, found bool True"),
    (lambda h: [h], "sample resume", FileFormatError, "rnnkit: expected a JSON object"),
])
def test_header_fields_of_the_wrong_type_are_named(files, tmp_path, header, readers, error, match):
    """The two readers of a language-model checkpoint: for sampling (weights, config, tokenizer) and resuming (training state)."""
    path = rewrite(files["lm"], tmp_path / "h.safetensors", header=header)
    for reader in readers.split():
        refused(language_model.load if reader == "sample" else lambda p: load_checkpoint(p, compiled_lm(files["lm"])), path, error, match)


# ----- NPZ and word vectors: declared sizes against the cap and the file ----------------------------
def _npy(shape, dtype="<f8"):
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def test_an_npz_member_declaring_40_gb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", _npy((5_000_000_000,)) + b"\x00" * 64)  # 40 GB declared, 64 bytes present
    refused(load_npz, path, FileLimitError, "x.npy: expected at most")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", _npy((1000,)) + b"\x00" * 64)  # under the cap, but more than the member holds
    refused(load_npz, path, FileLimitError, "x.npy: expected 8,000 bytes as declared, found only 64")


@pytest.mark.parametrize("name, body", [
    ("vectors.txt", b"200000000 300\nthe 0.1 0.2\n"),
    ("vectors.bin", b"200000000 300\nthe " + struct.pack("<300f", *[0.0] * 300)),
])
def test_a_word_vector_header_of_200m_by_300_is_refused_before_allocating(tmp_path, name, body):
    pytest.importorskip("gensim")
    path = tmp_path / name
    path.write_bytes(body)
    refused(read_vectors, path, FileLimitError, r"line 1 .COUNT x DIMENSION float32 values.: expected at most")
    path.write_bytes(body.replace(b"200000000", b"2000"))  # under the cap, far more than the file holds
    refused(read_vectors, path, FileLimitError, "as declared, found only")


# ----- many mutants ---------------------------------------------------------------------------------
def test_seeded_mutants_load_or_raise_a_file_format_error(tmp_path):
    """A few hundred structure-aware mutants of each file kind (in a subprocess): no other exception, no hang."""
    run = subprocess.run([sys.executable, "-m", "helpers.rnnkit_mutants", "--count", "60", "--seed", "22", "--folder", str(tmp_path)],
                         capture_output=True, text=True, cwd=TESTS, timeout=600,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS.parent), str(TESTS)])})
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["unexpected"] == [], report
    for kind, outcomes in report["outcomes"].items():
        assert sum(outcomes.values()) == 60 and outcomes.get("FileFormatError", 0) > 20, (kind, outcomes)
