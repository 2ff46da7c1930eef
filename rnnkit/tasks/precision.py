"""Which precision a task trains in: mixed bfloat16 where the CPU computes bfloat16 natively, float32 elsewhere.

Mixed bfloat16 (Keras's ``mixed_bfloat16`` policy: products in bfloat16 under CPU autocast,
weights, optimizer and evaluation in float32) pays only on a CPU with bfloat16 instructions:
x86's AVX512-BF16 or AMX-BF16, ARM's BF16. Elsewhere torch emulates bfloat16, which is slower
than float32, and oneDNN's LSTM cannot run it at all ("could not create a primitive descriptor",
seen on an AVX2-only AMD EPYC). So ``auto`` picks by the CPU's flags, and an explicit
``mixed_bfloat16`` on a CPU without them is refused with that reason rather than crashing mid-run.
The flags are read from ``/proc/cpuinfo`` (Linux); where that file is missing the CPU counts as
having none.
"""

from __future__ import annotations

from pathlib import Path

from .settings import SettingError

PRECISIONS = ("auto", "float32", "mixed_bfloat16")  # Keras's dtype-policy names, plus auto
CPU_FLAGS = {"avx512_bf16": "AVX512-BF16", "amx_bf16": "AMX-BF16", "bf16": "ARM BF16"}  # /proc/cpuinfo flag -> its name
CPUINFO = Path("/proc/cpuinfo")


def native_bfloat16(cpuinfo: Path | None = None) -> list[str]:
    """Names of the bfloat16 instruction sets the CPU reports (``["AVX512-BF16", "AMX-BF16"]``); empty when none.

    ``cpuinfo``: the file to read (default :data:`CPUINFO`).
    """
    try:
        text = (cpuinfo or CPUINFO).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    flags: set[str] = set()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("flags", "Features"):  # x86, ARM
            flags.update(value.split())
    return [label for flag, label in CPU_FLAGS.items() if flag in flags]


def chosen_precision(precision: str, cpuinfo: Path | None = None) -> tuple[str, str]:
    """``(float32 | mixed_bfloat16, why)`` for the ``precision`` setting; :class:`SettingError` for an unusable choice."""
    found = native_bfloat16(cpuinfo)
    has = f"this CPU has {' and '.join(found)}" if found else "this CPU has no bfloat16 instructions (AVX512-BF16, AMX-BF16, ARM BF16)"
    if precision == "auto":
        return ("mixed_bfloat16" if found else "float32"), f"chosen automatically: {has}"
    if precision == "mixed_bfloat16" and not found:
        raise SettingError("precision", "mixed_bfloat16 needs a CPU with bfloat16 instructions (AVX512-BF16, AMX-BF16 or ARM BF16) "
                                        "and this one has none: emulated bfloat16 is slower than float32 and torch's oneDNN LSTM "
                                        "cannot run it; use auto or float32")
    return precision, "as asked"
