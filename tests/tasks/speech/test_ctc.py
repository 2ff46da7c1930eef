"""CTC decoding and loss against hand-worked examples and brute-force sums over every frame path."""

import itertools
import math

import numpy as np
import pytest
import torch

from rnnkit.tasks.speech.ctc import Alphabet, collapse, ctc_loss, decode_batch, greedy_decode, prefix_beam_search


def path_probabilities(probs):
    """Every transcript's probability: the sum over all frame paths (C^T of them) that read it."""
    totals = {}
    for path in itertools.product(range(probs.shape[1]), repeat=probs.shape[0]):
        key = tuple(collapse(list(path)))
        totals[key] = totals.get(key, 0.0) + math.prod(probs[t, c] for t, c in enumerate(path))
    return totals


def test_collapse_merges_runs_then_drops_blanks():
    assert collapse([1, 1, 0, 1, 2, 2]) == [1, 1, 2]  # a blank separates the two a's
    assert collapse([1, 1, 1]) == [1]  # one run: one a
    assert collapse([0, 1, 0, 0, 1, 0]) == [1, 1]
    assert collapse([0, 0, 0]) == []
    assert collapse([2, 1, 2]) == [2, 1, 2]


def test_greedy_decoding_reads_the_best_path():
    alphabet = Alphabet(["a", "b"])
    best = [1, 1, 0, 1, 2, 0, 2, 2]  # a a _ a b _ b b  ->  "aabb"
    scores = np.full((len(best), 3), 0.1)
    scores[np.arange(len(best)), best] = 0.8
    assert alphabet.decode(greedy_decode(scores)) == "aabb"


def test_beam_search_beats_greedy_on_a_hand_worked_distribution():
    # Two frames, each blank 0.6 and 'a' 0.4. The best path is blank blank: greedy reads "".
    # But P("") = 0.6 * 0.6 = 0.36 while P("a") = 0.4*0.4 + 0.4*0.6 + 0.6*0.4 = 0.64.
    probs = np.array([[0.6, 0.4], [0.6, 0.4]])
    assert greedy_decode(probs) == []
    assert prefix_beam_search(np.log(probs), beam=2) == [1]
    assert path_probabilities(probs)[(1,)] == pytest.approx(0.64)
    assert prefix_beam_search(np.log(probs), beam=1) == []  # one prefix kept: "" wins after the first frame


@pytest.mark.parametrize("seed", range(6))
def test_wide_beam_finds_the_likeliest_transcript_of_every_path_sum(seed):
    probs = torch.softmax(torch.randn(5, 3, generator=torch.Generator().manual_seed(seed)) * 1.5, dim=-1).double().numpy()
    totals = path_probabilities(probs)
    best = max(totals, key=totals.get)
    assert tuple(prefix_beam_search(np.log(probs), beam=64)) == best


def test_ctc_loss_is_minus_log_of_the_paths_reading_the_target_per_character():
    logits = torch.randn(2, 4, 3, generator=torch.Generator().manual_seed(3))
    logits._keras_mask = torch.tensor([[True, True, True, True], [True, True, False, False]])
    targets = torch.tensor([[1, 2], [1, 0]])  # "ab" over 4 frames; "a" over the first 2 frames
    loss = ctc_loss(targets, logits)
    p0 = torch.softmax(logits[0], -1).double().numpy()
    p1 = torch.softmax(logits[1, :2], -1).double().numpy()
    assert loss[0].item() == pytest.approx(-math.log(path_probabilities(p0)[(1, 2)]) / 2, rel=1e-5)
    hand = p1[0, 1] * p1[1, 1] + p1[0, 1] * p1[1, 0] + p1[0, 0] * p1[1, 1]  # a a, a _, _ a
    assert loss[1].item() == pytest.approx(-math.log(hand), rel=1e-5)


def test_decode_batch_stops_each_utterance_at_its_mask():
    alphabet = Alphabet(["x", "y"])
    logits = torch.full((2, 3, 3), -5.0)
    logits[0, [0, 1, 2], [1, 0, 2]] = 5.0  # x _ y
    logits[1, [0, 1, 2], [2, 2, 1]] = 5.0  # y y | x (the last frame is padding)
    logits._keras_mask = torch.tensor([[True, True, True], [True, True, False]])
    assert decode_batch(logits, alphabet) == ["xy", "y"]
    assert decode_batch(logits, alphabet, beam=4) == ["xy", "y"]


def test_alphabet_ids_start_after_the_blank_and_unknown_characters_are_named():
    alphabet = Alphabet.of(["ba", "ab c"])
    assert alphabet.chars == [" ", "a", "b", "c"] and len(alphabet) == 5
    assert alphabet.encode("cab") == [4, 2, 3] and alphabet.decode([4, 2, 3]) == "cab"
    with pytest.raises(ValueError, match=r"clip.wav: characters \['z'\] are not in the alphabet"):
        alphabet.encode("caz", "clip.wav")
    with pytest.raises(ValueError, match="beam must be at least 1"):
        prefix_beam_search(np.zeros((2, 3)), beam=0)
