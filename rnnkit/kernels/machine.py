"""What CPU this is, in words: the model, and the vector flags that decide kernel speed.

The benchmark prints it in its header and the autotune cache is keyed by it, so neither a figure
nor a measured choice is ever read as if it came from another kind of machine.
"""

from __future__ import annotations

import platform
from functools import lru_cache
from pathlib import Path

# The flags that change what the kernels compile to (x86-64 /proc/cpuinfo "flags", ARM "Features").
VECTOR_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
                "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_bf16", "amx_tile", "asimd",
                "asimdhp", "asimddp", "sve", "sve2", "bf16", "i8mm")


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo (empty where there is none)."""
    fields: dict[str, str] = {}
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return fields
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


@lru_cache(maxsize=1)
def cpu_model() -> str:
    """e.g. ``AMD EPYC (AuthenticAMD family 25 model 1 stepping 1)``; ARM: implementer and part."""
    info = _cpuinfo()
    name = info.get("model name") or platform.processor() or platform.machine() or "unknown CPU"
    if "cpu family" in info:
        name += (f" ({info.get('vendor_id', '?')} family {info['cpu family']} model "
                 f"{info.get('model', '?')} stepping {info.get('stepping', '?')})")
    elif "CPU part" in info:
        name += f" (implementer {info.get('CPU implementer', '?')} part {info['CPU part']})"
    return name


@lru_cache(maxsize=1)
def vector_flags() -> str:
    """The :data:`VECTOR_FLAGS` this CPU reports, space-separated ('' when unknown)."""
    present = set((_cpuinfo().get("flags") or _cpuinfo().get("Features") or "").split())
    return " ".join(flag for flag in VECTOR_FLAGS if flag in present)


def describe() -> str:
    """One line for a report header: model, machine and vector flags."""
    return f"{cpu_model()}, {platform.machine()}, flags: {vector_flags() or 'unknown'}"
