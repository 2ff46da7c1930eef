"""gradient_times_input() against a hand-worked linear model and a float64 autograd reference."""

import numpy as np
import torch

from rnnkit import Input, layers
from rnnkit.inspect import gradient_times_input
from rnnkit.models import Sequential


def test_mean_pooled_linear_model_attributes_w_dot_e_over_t():
    """logit_c = W_c . mean_t(e_t) + b_c, so token t's share is exactly W_c . e_t / T."""
    torch.manual_seed(0)
    model = Sequential([Input(shape=(None,), dtype="int64"), layers.Embedding(7, 3), layers.GlobalAveragePooling1D(), layers.Dense(2)])
    x = np.array([[1, 4, 6, 2], [3, 3, 5, 0]])
    found = gradient_times_input(model, x, lambda logits: logits[:, 1].sum(), model.layers[0])
    table = model.layers[0].get_weights()[0].astype(np.float64)  # (vocab, 3)
    kernel = model.layers[2].get_weights()[0].astype(np.float64)  # (3, 2)
    want = table[x] @ kernel[:, 1] / x.shape[1]  # (B, T)
    np.testing.assert_allclose(found, want, rtol=1e-5, atol=1e-7)
    assert found.shape == (2, 4)


def test_lstm_classifier_equals_autograd_from_the_embedded_tokens():
    torch.manual_seed(1)
    model = Sequential([Input(shape=(None,), dtype="int64"), layers.Embedding(6, 4), layers.LSTM(5), layers.Dense(3)])
    x = np.array([[1, 2, 3, 4, 5]])
    score = lambda logits: torch.log_softmax(logits, -1)[:, 2].sum()  # noqa: E731
    found = gradient_times_input(model, x, score, model.layers[0])

    table = torch.tensor(model.layers[0].get_weights()[0], dtype=torch.float64)
    e = table[torch.tensor(x)].requires_grad_()  # (1, T, 4): what the embedding hands on
    kernel, recurrent, bias = (torch.tensor(w, dtype=torch.float64) for w in model.layers[1].get_weights())
    dense_w, dense_b = (torch.tensor(w, dtype=torch.float64) for w in model.layers[2].get_weights())
    h = c = torch.zeros(1, 5, dtype=torch.float64)
    for t in range(x.shape[1]):
        z = e[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = torch.sigmoid(z[:, :5]), torch.sigmoid(z[:, 5:10]), torch.tanh(z[:, 10:15]), torch.sigmoid(z[:, 15:])
        c = f * c + i * g
        h = o * torch.tanh(c)
    score(h @ dense_w + dense_b).backward()
    want = (e.grad * e).sum(-1).detach().numpy()
    np.testing.assert_allclose(found, want, rtol=1e-4, atol=1e-6)
