"""Multi-process training on ``torch.distributed``: start-up from torchrun's environment, and sums.

Under ``torchrun --nproc_per_node=N script.py`` every process runs the same script; the first
``fit`` joins the process group torchrun describes (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``...)
with ``nccl`` when CUDA is available and ``gloo`` otherwise, unless the script already called
``torch.distributed.init_process_group`` itself. ``batch_size`` is then per process: the global
batch is ``N * batch_size``.
"""

from __future__ import annotations

import os

import torch
import torch.distributed as dist


def join_from_environment() -> None:
    """Join torchrun's process group if the environment names one and none is joined yet."""
    if dist.is_initialized() or int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group("nccl")
    else:
        dist.init_process_group("gloo")


def world_size() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def rank() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def is_chief() -> bool:
    """Whether this process prints and writes files (rank 0, or the only process)."""
    return rank() == 0


def device_for_process() -> torch.device | None:
    """The GPU this process owns in an nccl run; None where the model's own device is used."""
    if world_size() > 1 and dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return None


def sum_over_processes(values: list[float]) -> list[float]:
    """Element-wise sums of ``values`` over all processes (``values`` itself in a single process)."""
    if world_size() == 1:
        return values
    device = device_for_process() or torch.device("cpu")
    tensor = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(tensor)
    return tensor.tolist()
