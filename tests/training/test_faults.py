"""Faults while writing and training: a full disk, a read-only folder, kill -9 mid-write, Ctrl-C, an interrupted fit.

After every one of them the last good file loads, no temporary file outlives the next write, and a
resumed run gives the uninterrupted run's losses and weights.
"""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit as keras
from rnnkit import atomic_files
from rnnkit.atomic_files import FileWriteError, write_atomically
from rnnkit.cli import main
from rnnkit.training import callbacks
from rnnkit.training.checkpoint import read_checkpoint

ROOT = Path(__file__).resolve().parents[2]


def temporaries(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_a_new_file_gets_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.bin", lambda stream: stream.write(b"x"))
    finally:
        os.umask(old)
    assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o640
    os.chmod(tmp_path / "new.bin", 0o604)
    write_atomically(tmp_path / "new.bin", lambda stream: stream.write(b"y"))
    assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o604 and (tmp_path / "new.bin").read_bytes() == b"y"


def test_temporaries_of_dead_writers_are_removed_by_the_next_write(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".model.keras.rnnkit-{dead.pid}.0badc0de.tmp"
    alive = tmp_path / f".other.rnnkit-{os.getppid()}.0badc0de.tmp"  # a live writer's (our parent process)
    user = tmp_path / ".notes.tmp"  # not rnnkit's
    for path in (stale, alive, user):
        path.write_bytes(b"partial")
    write_atomically(tmp_path / "latest.safetensors", lambda stream: stream.write(b"new"))
    assert temporaries(tmp_path) == sorted([alive.name, user.name])


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "disk full"), (errno.EROFS, "read-only folder"),
                                         (errno.EACCES, "no permission to write in this folder")])
@pytest.mark.parametrize("step", ["write", "rename"])
def test_a_failed_write_names_the_file_keeps_the_old_one_and_leaves_no_temporary(tmp_path, monkeypatch, code, words, step):
    path = tmp_path / "best.safetensors"
    write_atomically(path, lambda stream: stream.write(b"old"))

    def fail(*args):
        raise OSError(code, os.strerror(code))

    if step == "rename":
        monkeypatch.setattr(atomic_files.os, "replace", fail)
        write = lambda stream: stream.write(b"new")
    else:
        write = lambda stream: fail()
    with pytest.raises(FileWriteError) as caught:
        write_atomically(path, write)
    monkeypatch.undo()
    assert str(caught.value) == f"{path}: cannot write it: {atomic_files.REASONS[code]}; the previous file is unchanged"
    assert words in str(caught.value) and isinstance(caught.value, OSError) and caught.value.errno == code
    assert path.read_bytes() == b"old" and temporaries(tmp_path) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs (root only; skipped where mounting is not allowed, as in most containers)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)


def model():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    m.compile(optimizer="adam", loss="mse")
    return m


def test_a_full_disk_and_a_read_only_disk_keep_the_last_good_checkpoint(tiny_disk):
    from rnnkit.training import load_checkpoint, save_checkpoint

    small = model()
    save_checkpoint(tiny_disk / "ckpt.safetensors", small, epoch=1)
    (tiny_disk / "filler").write_bytes(b"\0" * (64 * 1024 - 2 * os.path.getsize(tiny_disk / "ckpt.safetensors")))
    with pytest.raises(FileWriteError, match=r"ckpt\.safetensors: cannot write it: disk full"):
        save_checkpoint(tiny_disk / "ckpt.safetensors", keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(64)]), epoch=2)
    assert temporaries(tiny_disk) == [] and load_checkpoint(tiny_disk / "ckpt.safetensors", model()) == 1
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    with pytest.raises(FileWriteError, match="read-only folder"):
        save_checkpoint(tiny_disk / "ckpt.safetensors", small, epoch=3)
    assert load_checkpoint(tiny_disk / "ckpt.safetensors", model()) == 1


def test_eval_into_a_read_only_folder_is_one_line_naming_the_file(tmp_path, monkeypatch, capsys):
    data = tmp_path / "texts.tsv"
    data.write_text("text\tlabel\n" + "".join(f"{w} film\t{i % 2}\n" for i, w in enumerate(["good", "bad"] * 10)))
    run = tmp_path / "run"
    assert main(["train", "classify", "--data", str(data), "--out", str(run), "--epochs", "1", "--units", "2", "--embedding", "2"]) == 0
    capsys.readouterr()

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(atomic_files, "_create_temporary", read_only)  # as a read-only bind mount answers (root ignores chmod)
    assert main(["eval", str(run), "--data", str(data)]) == 2
    error = capsys.readouterr().err
    assert error.strip() == f"rnnkit eval: error: {run / 'confusion.png'}: cannot write it: read-only folder " \
                            "(its file system is mounted read-only); nothing was written"


class StopMidEpoch(callbacks.Callback):
    """Ends the run inside epoch ``epoch`` after ``batches`` batches: by an exception (a crash) or by stopping training."""

    def __init__(self, epoch, batches, crash):
        super().__init__()
        self.epoch, self.batches, self.crash, self.seen = epoch, batches, crash, 0

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch_now == self.epoch and batch + 1 == self.batches:
            if self.crash:
                raise KeyboardInterrupt
            self.model.stop_training = True

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_now = epoch


@pytest.mark.parametrize("crash", [True, False])
def test_backup_and_restore_redoes_an_epoch_cut_short(tmp_path, crash):
    x = np.random.default_rng(0).standard_normal((64, 5, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    reference = model()
    whole = reference.fit(x, y, batch_size=8, epochs=4, verbose=0).history["loss"]
    backup = callbacks.BackupAndRestore(str(tmp_path))
    if crash:
        with pytest.raises(KeyboardInterrupt):
            model().fit(x, y, batch_size=8, epochs=4, verbose=0, callbacks=[backup, StopMidEpoch(2, 3, crash)])
    else:
        model().fit(x, y, batch_size=8, epochs=4, verbose=0, callbacks=[backup, StopMidEpoch(2, 3, crash)])
    assert read_checkpoint(tmp_path / "backup.safetensors").header["epoch"] == 2  # the cut epoch 3 was not backed up
    resumed = model()
    history = resumed.fit(x, y, batch_size=8, epochs=4, verbose=0, callbacks=[callbacks.BackupAndRestore(str(tmp_path))])
    assert history.epoch == [2, 3] and history.history["loss"] == whole[2:]
    for key, value in reference.state_dict().items():
        assert torch.equal(resumed.state_dict()[key], value), key


# The kill and Ctrl-C tests run the real command in a child process. Its fsync is slowed down so
# that each write of a file stays open (a temporary file beside it) for a moment a signal can hit.
CHILD = """
import os, sys, time
fsync = os.fsync
os.fsync = lambda fd: (time.sleep(0.05), fsync(fd))[1]
from rnnkit.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def lm_run(tmp_path_factory):
    """``(start(out, *flags) -> child process, run(out, *flags) -> exit status in this process, reference run folder)``."""
    folder = tmp_path_factory.mktemp("faults")
    data = folder / "text.txt"
    data.write_text("the cat sat on the mat.\n" * 60, encoding="utf-8")
    settings = ["--data", str(data), "--units", "8", "--embedding", "4", "--seq-len", "16", "--batch-size", "8",
                "--steps-per-epoch", "4", "--samples", "0", "--lr-schedule", "cosine"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

    def start(out, *flags):
        return subprocess.Popen([sys.executable, "-c", CHILD, "train", "lm", "--out", str(out), *settings, *flags],
                                env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(out, *flags):  # on one thread, as the children
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return main(["train", "lm", "--out", str(out), *settings, *flags])
        finally:
            torch.set_num_threads(threads)

    reference = folder / "reference"
    assert run(reference, "--epochs", "4") == 0
    return start, run, reference


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def finished_epochs(out):
    try:
        return read_checkpoint(out / "latest.safetensors").header["epoch"]
    except (OSError, ValueError):
        return 0


def assert_same_as(out, reference):
    a, b = read_checkpoint(out / "latest.safetensors"), read_checkpoint(reference / "latest.safetensors")
    strip = lambda rows: [{k: v for k, v in row.items() if k != "seconds"} for row in rows]
    assert strip(a.header["record"]["history"]) == strip(b.header["record"]["history"])
    for key, value in b.group("model").items():
        assert torch.equal(a.group("model")[key], value), key


def test_ctrl_c_exits_130_with_one_line_and_the_resume_is_the_uninterrupted_run(lm_run, tmp_path):
    start, run, reference = lm_run
    out = tmp_path / "run"
    child = start(out, "--epochs", "4")
    wait_for(lambda: finished_epochs(out) >= 2)
    child.send_signal(signal.SIGINT)
    _, error = child.communicate(timeout=60)
    assert child.returncode in (0, 130), error
    assert "Traceback" not in error
    if child.returncode == 130:
        assert "interrupted;" in error and "--resume" in error
    if finished_epochs(out) < 4:
        assert run(out, "--resume") == 0  # --epochs comes from the run: 4
    assert_same_as(out, reference)


def test_kill_9_during_a_checkpoint_write_leaves_a_loadable_file_and_the_resume_cleans_up(lm_run, tmp_path):
    start, run, reference = lm_run
    out = tmp_path / "run"
    child = start(out, "--epochs", "4")
    wait_for(lambda: finished_epochs(out) >= 2 and temporaries(out))  # a write of epoch 3 or 4 is under way
    child.kill()  # SIGKILL, mid-write: its temporary file stays behind
    child.wait(60)
    assert finished_epochs(out) >= 2  # latest.safetensors is whole: the previous one or the new one
    if finished_epochs(out) < 4:  # (the kill may land after the last write's rename on a slow machine)
        assert run(out, "--resume") == 0
    assert temporaries(out) == []  # the killed writer's temporary went with the next write
    assert_same_as(out, reference)
