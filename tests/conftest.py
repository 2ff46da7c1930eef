import pytest

import rnnkit


@pytest.fixture(autouse=True)
def fresh_layer_names():
    """Each test starts naming layers from scratch (lstm, lstm_1, ...), as a new Keras session does."""
    rnnkit.clear_session()
    yield
