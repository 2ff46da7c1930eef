import pytest
import torch

import rnnkit


@pytest.fixture(autouse=True)
def fresh_layer_names():
    """Each test starts naming layers from scratch (lstm, lstm_1, ...), as a new Keras session does."""
    rnnkit.clear_session()
    yield


@pytest.fixture
def one_thread():
    """Runs a test on one torch thread (the task tests train tiny networks, which two threads only slow down)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
