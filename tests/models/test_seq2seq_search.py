"""Greedy and beam search: width 1 is greedy, scores are the model's own log-probabilities, order."""

import math

import pytest
import torch

from rnnkit.models.seq2seq import END, PAD, START, Seq2Seq, Seq2SeqConfig, beam_search, greedy_search, length_penalty


def teacher_forced_log_prob(model, source_row, tokens, finished):
    """log p(tokens [+ END] | source) by one teacher-forced pass: an independent scorer."""
    target = tokens + ([END] if finished else [])
    decoder_input = torch.tensor([[START] + target[:-1]])
    with torch.no_grad():
        logits = model([source_row[None], decoder_input])[0].double()
    return float(torch.log_softmax(logits, -1)[torch.arange(len(target)), torch.tensor(target)].sum())


def random_model(seed, attention="general", target_vocab=7):
    torch.manual_seed(seed)
    model = Seq2Seq(Seq2SeqConfig(13, target_vocab, units=8, embedding=4, attention=attention)).eval()
    with torch.no_grad():  # sharper distributions than the initial weights give, so searches differ
        model.head.kernel.mul_(6.0)
        model.head.bias[END] = 1.0
    source = torch.randint(3, 13, (6, 5), generator=torch.Generator().manual_seed(seed))
    source[1, 3:] = PAD
    return model, source


@pytest.mark.parametrize("attention", [None, "general", "additive"])
def test_beam_width_one_is_greedy(attention):
    model, source = random_model(0, attention)
    greedy = greedy_search(model, source, max_length=8)
    beams = beam_search(model, source, beam_width=1, max_length=8, include_greedy=False)
    for g, (b,) in zip(greedy, beams):
        assert b.tokens == g.tokens and b.finished == g.finished
        assert b.log_prob == pytest.approx(g.log_prob, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_scores_are_model_log_probabilities_sorted_and_never_below_greedy(seed):
    model, source = random_model(seed, "dot" if seed % 2 else "additive")
    greedy = greedy_search(model, source, max_length=6)
    for row, (g, hypotheses) in enumerate(zip(greedy, beam_search(model, source, beam_width=3, max_length=6))):
        assert 1 <= len(hypotheses) <= 3
        scores = [h.score for h in hypotheses]
        assert scores == sorted(scores, reverse=True)
        # alpha = 0: the score is the log-probability. 1e-6: beams run at another batch size than
        # greedy, so `auto` may take another kernel path (float32 rounding, ~1e-8 apart).
        assert hypotheses[0].log_prob >= g.log_prob - 1e-6
        for h in hypotheses + [g]:
            assert PAD not in h.tokens and START not in h.tokens and END not in h.tokens
            assert h.log_prob == pytest.approx(teacher_forced_log_prob(model, source[row], h.tokens, h.finished), abs=1e-4)


def test_wider_beams_find_more_probable_outputs_on_average():
    model, source = random_model(7, "general")
    greedy = sum(h.log_prob for h in greedy_search(model, source, max_length=6))
    beam = sum(hs[0].log_prob for hs in beam_search(model, source, beam_width=5, max_length=6, include_greedy=False))
    assert beam >= greedy - 1e-9


def test_length_penalty_ranks_by_normalised_score():
    assert length_penalty(7, 0.0) == 1.0
    assert length_penalty(7, 1.0) == pytest.approx(2.0)
    model, source = random_model(3, "general")
    for hypotheses in beam_search(model, source, beam_width=3, max_length=6, alpha=0.8):
        for h in hypotheses:
            assert h.score == pytest.approx(h.log_prob / length_penalty(len(h.tokens) + h.finished, 0.8))
        assert [h.score for h in hypotheses] == sorted((h.score for h in hypotheses), reverse=True)


def test_bad_search_arguments_give_clear_errors():
    model, source = random_model(0)
    with pytest.raises(ValueError, match="beam width"):
        beam_search(model, source, beam_width=0)
    with pytest.raises(ValueError, match="at least one token"):
        greedy_search(model, torch.zeros(1, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="max_length"):
        greedy_search(model, source, max_length=0)
    assert math.isfinite(greedy_search(model, source[:1], max_length=1)[0].log_prob)
