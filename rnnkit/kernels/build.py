"""Build and load the fused C++ kernels (rnnkit/kernels/csrc) once per machine.

The extension is compiled on first use with ``torch.utils.cpp_extension.load`` into a cache
directory (``$RNNKIT_CACHE``, else ``~/.cache/rnnkit``), in a folder named after a hash of every
file under ``csrc/`` (names and contents), the generated activation-code header, the flags, the
torch version and the CPU, so a later import only loads the library, and any edited or added
source or header means a fresh build. Every ``*.cpp`` under ``csrc/`` is compiled.
Compiling prints one line. Nothing here falls back silently: if the build cannot run (no
compiler, no ninja, a compile error) the reason is kept, a warning says so once, and
:func:`require` raises it for callers that asked for the fused path explicitly.

``RNNKIT_FUSED=0`` turns the fused kernels off without trying to build them.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import sys
import threading
import time
import warnings
from pathlib import Path

import torch

from .activation_codes import cpp_header

SOURCE_DIR = Path(__file__).parent / "csrc"
GENERATED_HEADER = "activation_codes.h"

_lock = threading.Lock()
_state: dict[str, object] = {"loaded": False, "error": None, "build_seconds": None}


class FusedUnavailable(RuntimeError):
    """The fused kernels cannot run here; the message says why."""


def cache_root() -> Path:
    return Path(os.environ.get("RNNKIT_CACHE") or Path.home() / ".cache" / "rnnkit")


def _blas_symbols_exported() -> bool:
    """Whether libtorch_cpu exports the Fortran BLAS entry points (MKL builds of torch do)."""
    lib = Path(torch.__file__).parent / "lib" / "libtorch_cpu.so"
    if not lib.exists():
        return False
    try:
        handle = ctypes.CDLL(str(lib))
    except OSError:
        return False
    return hasattr(handle, "sgemm_") and hasattr(handle, "dgemm_")


def _cpu_signature() -> str:
    """Flags of this CPU: the build uses -march=native, so a cache must not cross machines."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return line
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _openmp_flag() -> str:
    """-fopenmp where torch itself runs on GNU OpenMP (Linux wheels): at::parallel_for is a header
    template that runs its body on one thread unless the extension is compiled with OpenMP, and
    the libgomp.so.1 it then needs is the copy libtorch_cpu has already loaded (one runtime).
    Elsewhere only the simd pragmas: the kernels stay correct, on one thread."""
    if sys.platform.startswith("linux") and torch.backends.openmp.is_available():
        return "-fopenmp"
    return "-fopenmp-simd"


def compile_flags() -> list[str]:
    """-fno-trapping-math: no kernel reads the floating-point exception flags, and without it gcc
    left the gate loops scalar on AVX2 (it threads the clamp of fast_exp into branches, and a
    float-to-int conversion that may trap cannot be made branch-free without AVX-512's masks):
    on a Zen 3, LSTM inference at batch 16 / 128 units took 10.2 ms scalar, 5.8 ms vectorised."""
    flags = ["-O3", "-march=native", "-fno-trapping-math", _openmp_flag()]
    if _blas_symbols_exported():
        flags.append("-DRNNKIT_FORTRAN_BLAS")
    return flags


def source_files() -> list[Path]:
    """Every file under csrc/, sorted: what the build hash covers."""
    return sorted(path for path in SOURCE_DIR.rglob("*") if path.is_file())


def compiled_sources() -> list[Path]:
    """The translation units: every ``*.cpp`` under csrc/."""
    return [path for path in source_files() if path.suffix == ".cpp"]


def build_directory() -> Path:
    digest = hashlib.sha256()
    for path in source_files():
        digest.update(path.relative_to(SOURCE_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(cpp_header().encode())
    digest.update(" ".join(compile_flags()).encode())
    digest.update(torch.__version__.encode())
    digest.update(sys.version.encode())
    digest.update(_cpu_signature().encode())
    return cache_root() / f"fused-{digest.hexdigest()[:16]}"


def _library_path(directory: Path) -> Path:
    return directory / "rnnkit_fused.so"


def is_built() -> bool:
    """True when the compiled library is already in the cache (loading it costs no compile)."""
    return _state["loaded"] is True or _library_path(build_directory()).exists()


def disabled_reason() -> str | None:
    if os.environ.get("RNNKIT_FUSED", "1").strip().lower() in ("0", "false", "off", "no"):
        return "fused kernels turned off by RNNKIT_FUSED=0"
    return None


def _missing_tool() -> str | None:
    """Name what the build needs and cannot find, before trying it."""
    from torch.utils import cpp_extension

    compiler = os.environ.get("CXX", "c++")
    if shutil.which(compiler) is None:
        return f"no C++ compiler: {compiler!r} was not found (install g++, or set CXX)"
    if not cpp_extension.is_ninja_available():
        return "ninja was not found (pip install ninja)"
    return None


def _short(error: Exception) -> str:
    """The compiler's own error lines, not the whole build log."""
    text = str(error)
    lines = [line for line in text.splitlines() if "error" in line.lower()]
    summary = " | ".join(lines[-3:]) if lines else text.splitlines()[0] if text else ""
    return f"{type(error).__name__}: {summary[:400]}"


def _build() -> None:
    directory = build_directory()
    library = _library_path(directory)
    started = time.perf_counter()
    if library.exists():  # built before: load it straight away, no ninja run
        torch.ops.load_library(str(library))
    else:
        from torch.utils import cpp_extension

        generated = directory / "generated"
        generated.mkdir(parents=True, exist_ok=True)
        (generated / GENERATED_HEADER).write_text(cpp_header())
        print("rnnkit: compiling fused kernels (one time, about a minute)", file=sys.stderr,
              flush=True)
        cpp_extension.load(
            name="rnnkit_fused",
            sources=[str(path) for path in compiled_sources()],
            extra_cflags=compile_flags(),
            extra_ldflags=["-fopenmp"] if _openmp_flag() == "-fopenmp" else [],
            extra_include_paths=[str(SOURCE_DIR), str(generated)],
            build_directory=str(directory),
            is_python_module=False,
            verbose=False,
        )
    _state["build_seconds"] = time.perf_counter() - started


@torch.compiler.assume_constant_result  # torch.compile runs it while tracing (it cannot trace the lock)
def load() -> bool:
    """Build (if needed) and load the kernels; True when they are ready. Warns once on failure."""
    with _lock:
        if _state["loaded"] or _state["error"] is not None:
            return _state["loaded"] is True
        # A cached build needs no compiler; checking for one imports cpp_extension (~0.14 s).
        reason = disabled_reason() or (None if is_built() else _missing_tool())
        if reason is None:
            try:
                _build()
                from . import fused_ops

                fused_ops.register()
                _state["loaded"] = True
                return True
            except Exception as error:  # reported below and kept for require(); never swallowed
                reason = f"building the fused kernels failed ({_short(error)})"
        _state["error"] = reason
        if disabled_reason() is None:  # an explicit RNNKIT_FUSED=0 needs no warning
            warnings.warn(
                f"rnnkit: {reason}; running without the fused kernels "
                "(torch-native and plain-torch reference paths only)",
                RuntimeWarning,
            )
        return False


def ready_without_compiling() -> bool:
    """True when the kernels are loaded or load from the cache: helpers that are not a recurrent
    path (the one-pass Adam, the training allocator) use them then, and never start a compile."""
    return _state["loaded"] is True or (_state["error"] is None and is_built() and load())


def unavailable_reason() -> str | None:
    """None when the kernels are loaded; otherwise why not (building them first if needed)."""
    return None if load() else str(_state["error"])


def require() -> None:
    """Raise :class:`FusedUnavailable` with the reason when the kernels cannot run."""
    reason = unavailable_reason()
    if reason is not None:
        raise FusedUnavailable(f"implementation='fused' cannot run: {reason}")


def build_seconds() -> float | None:
    """Seconds the last load() spent building or loading the library, for the benchmark report."""
    value = _state["build_seconds"]
    return float(value) if value is not None else None

