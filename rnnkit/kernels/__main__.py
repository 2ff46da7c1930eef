"""``python -m rnnkit.kernels``: build the fused kernels ahead of time (CI runs it before tests)."""

import sys
import time

from . import build

started = time.perf_counter()
ready = build.load()
print(f"rnnkit fused kernels: {'ready' if ready else 'UNAVAILABLE'} in "
      f"{time.perf_counter() - started:.1f} s ({build.build_directory()})")
if not ready:
    print(f"reason: {build.unavailable_reason()}")
sys.exit(0 if ready else 1)
