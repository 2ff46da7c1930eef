import os

import pytest
import torch

import rnnkit

# auto's measured choices (rnnkit.kernels.autotune) would make the paths tests take depend on the
# machine's timing; tests/kernels/test_autotune.py turns it on with an injected timer.
os.environ["RNNKIT_AUTOTUNE"] = "0"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "fused: needs the fused C++ kernels; skipped (with the build error) where they cannot be "
        "built, a failure instead with RNNKIT_REQUIRE_FUSED=1",
    )


def pytest_runtest_setup(item):
    """The one home of the fused skip: build (or load) the kernels once, skip or fail by the reason."""
    if item.get_closest_marker("fused") is None:
        return
    from rnnkit.kernels import build

    reason = build.unavailable_reason()  # builds on first use (one line printed), then cached
    if reason is None:
        return
    if os.environ.get("RNNKIT_REQUIRE_FUSED") == "1":
        pytest.fail(f"fused kernels required but unavailable: {reason}")
    pytest.skip(f"fused kernels unavailable: {reason}")


@pytest.fixture(autouse=True)
def fresh_layer_names():
    """Each test starts naming layers from scratch (lstm, lstm_1, ...), as a new Keras session does,
    and may not leave the process under CPU autocast (once, every later test ran in bfloat16)."""
    rnnkit.clear_session()
    yield
    if torch.is_autocast_enabled("cpu"):
        torch.set_autocast_enabled("cpu", False)
        pytest.fail("the test left CPU autocast on")


@pytest.fixture
def one_thread():
    """Runs a test on one torch thread (the task tests train tiny networks, which two threads only slow down)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
