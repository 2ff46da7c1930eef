"""Two processes on loopback (gloo), started the way torchrun starts them, train like one process."""

import os
import socket

import numpy as np
import torch
import torch.multiprocessing as mp

import rnnkit as keras
from rnnkit import callbacks
from rnnkit.layers import GRU, Dense

GLOBAL_BATCH, PROCESSES = 16, 2


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 5, 3)).astype("float32")
    return x, (x[:, :, 1].sum(axis=1) > 0).astype("int64")


def train(batch_size, directory, rank=0):
    keras.utils.set_random_seed(0)
    # the plain-torch path: this tests the loop, and fresh processes need no compiled kernels
    model = keras.Sequential([keras.Input(shape=(5, 3)), GRU(6, implementation="reference"), Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5, momentum=0.5), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = data()
    log = os.path.join(directory, f"log-{rank}.csv")
    history = model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0, callbacks=[callbacks.CSVLogger(log)])
    return model, history


def worker(rank, port, directory):
    """What ``torchrun --nproc_per_node=2`` gives each process: the environment, nothing else."""
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(PROCESSES), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    model, history = train(GLOBAL_BATCH // PROCESSES, directory, rank)
    weights = model.get_weights()
    np.savez(os.path.join(directory, f"rank{rank}.npz"), *weights, loss=np.array(history.history["loss"]))
    torch.distributed.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_processes_reach_the_weights_of_one_process_with_the_same_global_batch(tmp_path):
    mp.spawn(worker, args=(free_port(), str(tmp_path)), nprocs=PROCESSES, join=True)
    (tmp_path / "single").mkdir()
    single, history = train(GLOBAL_BATCH, str(tmp_path / "single"))
    expected = single.get_weights()
    for rank in range(PROCESSES):
        saved = np.load(tmp_path / f"rank{rank}.npz")
        for i, want in enumerate(expected):
            np.testing.assert_allclose(saved[f"arr_{i}"], want, rtol=1e-5, atol=1e-6)
        # logs are means over both processes' samples, so they match the single run too
        np.testing.assert_allclose(saved["loss"], history.history["loss"], rtol=1e-5)
    assert (tmp_path / "log-0.csv").exists() and not (tmp_path / "log-1.csv").exists()  # only rank 0 writes
