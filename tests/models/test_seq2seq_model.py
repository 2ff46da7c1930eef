"""Seq2Seq against a hand-written encoder-decoder loop, step-by-step decoding, attention masks."""

import math

import numpy as np
import pytest
import torch

from rnnkit import optimizers
from rnnkit.models.seq2seq import END, PAD, Seq2Seq, Seq2SeqConfig, shift_right
from rnnkit.training import losses


def lstm_step(x, h, c, kernel, recurrent_kernel, bias):
    """Keras's LSTM step written out: gates i, f, c~, o."""
    i, f, g, o = (x @ kernel + h @ recurrent_kernel + bias).chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def run_lstm(layer, xs, h, c):
    """``xs``: a list of (units,) inputs for one sample; returns per-step outputs and the final state."""
    cell = layer.cell
    outputs = []
    for x in xs:
        h, c = lstm_step(x, h, c, cell.kernel, cell.recurrent_kernel, cell.bias)
        outputs.append(h)
    return outputs, h, c


def reference_logits(model, source_row, decoder_row):
    """One sample, no padding anywhere: the network written as a plain loop over its weights."""
    config = model.config
    units = config.units
    tokens = [t for t in source_row if t != PAD]
    xs = [model.source_embedding.embeddings[t] for t in tokens]
    zero = torch.zeros(units)
    states = []
    for layer in model.encoder:
        if config.bidirectional:
            forward, hf, cf = run_lstm(layer.forward_layer, xs, zero, zero)
            backward, hb, cb = run_lstm(layer.backward_layer, xs[::-1], zero, zero)
            xs = [f + b for f, b in zip(forward, backward[::-1])]
            states.append([hf + hb, cf + cb])
        else:
            xs, h, c = run_lstm(layer, xs, zero, zero)
            states.append([h, c])
    memory = torch.stack(xs)  # (S, U): the real steps only, so no mask is needed
    attention = model.attention
    logits = []
    for token in decoder_row:
        if token == PAD:
            break
        x = model.target_embedding.embeddings[token]
        if config.attention == "additive":
            query = states[-1][0]
            scores = torch.tanh(query @ attention.query_kernel + memory @ attention.memory_kernel) @ attention.score_vector
            context = torch.softmax(scores, 0) @ memory
            x = torch.cat([x, context])
        for index, layer in enumerate(model.decoder):
            (x,), h, c = run_lstm(layer, [x], *states[index])
            states[index] = [h, c]
        if config.attention in ("dot", "general"):
            keys = memory if config.attention == "dot" else memory @ attention.memory_kernel
            context = torch.softmax(keys @ x, 0) @ memory
        if config.attention:
            x = torch.tanh(torch.cat([context, x]) @ model.attentional.kernel + model.attentional.bias)
        logits.append(x @ model.head.kernel + model.head.bias)
    return torch.stack(logits)


def make_batch(seed=0, batch=4, vocab=(17, 11)):
    generator = torch.Generator().manual_seed(seed)
    source = torch.randint(3, vocab[0], (batch, 7), generator=generator)
    target = torch.randint(3, vocab[1], (batch, 6), generator=generator)
    for row, (s, t) in enumerate([(7, 5), (3, 2), (5, 4), (1, 1)][:batch]):
        source[row, s:] = PAD
        target[row, t - 1] = END
        target[row, t:] = PAD
    return source, target


CONFIGS = [
    dict(attention=None, bidirectional=False, layers=1),
    dict(attention="dot", bidirectional=True, layers=2),
    dict(attention="general", bidirectional=True, layers=1),
    dict(attention="additive", bidirectional=False, layers=2),
]


@pytest.mark.parametrize("options", CONFIGS, ids=lambda o: f"{o['attention']}-bi{int(o['bidirectional'])}-l{o['layers']}")
def test_teacher_forced_training_step_equals_hand_written_loop(options):
    torch.manual_seed(1)
    model = Seq2Seq(Seq2SeqConfig(17, 11, units=6, embedding=5, **options))
    source, target = make_batch()
    decoder_input = shift_right(target)
    loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)

    logits = model([source, decoder_input])
    for row in range(len(source)):
        expected = reference_logits(model, source[row].tolist(), decoder_input[row].tolist())
        torch.testing.assert_close(logits[row, : len(expected)], expected, atol=1e-5, rtol=1e-5)

    # The loss skips padding, and one SGD step moves every weight by -lr * the reference's gradient.
    rows = [reference_logits(model, s.tolist(), d.tolist()) for s, d in zip(source, decoder_input)]
    labels = torch.cat([t[t != PAD] for t in target])
    reference_loss = torch.nn.functional.cross_entropy(torch.cat(rows), labels)
    model_loss = loss_fn(target, model([source, decoder_input]))
    torch.testing.assert_close(model_loss, reference_loss, atol=1e-6, rtol=1e-6)
    parameters = list(model.parameters())
    gradients = torch.autograd.grad(reference_loss, parameters)
    before = [p.detach().clone() for p in parameters]
    model.compile(optimizer=optimizers.SGD(learning_rate=0.5), loss=loss_fn)
    reported = model.train_on_batch([source, decoder_input], target)
    assert reported == pytest.approx(float(reference_loss.detach()), rel=1e-5)
    for p, b, g in zip(parameters, before, gradients):
        torch.testing.assert_close(p.detach(), b - 0.5 * g, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("attention", [None, "dot", "general", "additive"])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_step_by_step_decoding_equals_the_whole_prefix(attention, cell):
    torch.manual_seed(2)
    model = Seq2Seq(Seq2SeqConfig(17, 11, cell=cell, units=8, embedding=4, layers=2, attention=attention)).eval()
    source, target = make_batch(seed=3)
    prefix = shift_right(target)[:, :5].masked_fill(shift_right(target)[:, :5] == PAD, 5)  # (B, 5), no padding
    with torch.no_grad():
        memory, start = model.encode(source)
        whole, whole_states, whole_weights = model.decode(prefix, start, memory)
        states, pieces, weights = start, [], []
        for t in range(prefix.shape[1]):
            logits, states, w = model.decode(prefix[:, t : t + 1], states, memory)
            pieces.append(logits)
            weights.append(w)
    torch.testing.assert_close(torch.cat(pieces, 1), whole, atol=1e-5, rtol=1e-5)
    for layer_whole, layer_steps in zip(whole_states, states):
        for a, b in zip(layer_whole, layer_steps):
            torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    if attention:
        torch.testing.assert_close(torch.cat(weights, 1), whole_weights, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("attention", ["dot", "general", "additive"])
def test_attention_weights_sum_to_one_and_skip_padding(attention):
    torch.manual_seed(3)
    model = Seq2Seq(Seq2SeqConfig(17, 11, units=8, embedding=4, attention=attention)).eval()
    source, target = make_batch(seed=4)
    with torch.no_grad():
        memory, states = model.encode(source)
        _, _, weights = model.decode(shift_right(target), states, memory)  # (B, T, S)
        torch.testing.assert_close(weights.sum(-1), torch.ones(weights.shape[:2]), atol=1e-6, rtol=0)
        assert torch.all(weights.masked_select((source == PAD)[:, None, :].expand_as(weights)) == 0)
        # More padding after a source changes nothing: the mask hides it from encoder and attention.
        padded = torch.cat([source, torch.zeros(len(source), 3, dtype=torch.long)], dim=1)
        wide = model([padded, shift_right(target)])
        narrow = model([source, shift_right(target)])
    torch.testing.assert_close(wide, narrow, atol=1e-6, rtol=1e-5)


def test_smoke_shared_embedding_and_config_errors():
    model = Seq2Seq(Seq2SeqConfig(12, 12, units=4, embedding=3, shared_embedding=True))
    assert model.source_embedding is model.target_embedding
    assert model.count_params() == sum(p.numel() for p in model.parameters())
    with pytest.raises(ValueError, match="shared_embedding"):
        Seq2SeqConfig(12, 13, shared_embedding=True)
    with pytest.raises(ValueError, match="attention must be one of"):
        Seq2SeqConfig(12, 13, attention="luong")
    with pytest.raises(ValueError, match="cell must be one of"):
        Seq2SeqConfig(12, 13, cell="simple")
    assert math.isfinite(float(model([np.array([[3, 4]]), np.array([[1, 5]])]).detach().sum()))


def test_summary_lists_every_layer_of_the_subclassed_model():
    model = Seq2Seq(Seq2SeqConfig(12, 9, units=4, embedding=3, attention="general"))
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    for name in ("source_embedding", "target_embedding", "bidirectional_encoder_0", "decoder_0", "attention", "logits"):
        assert name in text
    assert f"Total params: {sum(p.numel() for p in model.parameters()):,}" in text
