"""The tagger's CRF against brute force over every tag path (float64), gradcheck, padding, and ``train tag --crf``."""

import itertools
from pathlib import Path

import pytest
import torch

from rnnkit.cli import main
from rnnkit.data.tagged_text import read_tagged
from rnnkit.tasks import tagging
from rnnkit.tasks.tagging.crf import CRF, CRFLoss

FIXTURES = Path(__file__).parents[2] / "fixtures" / "tasks"
EWT_TRAIN, EWT_DEV = str(FIXTURES / "ewt_train_80.conllu"), str(FIXTURES / "ewt_dev_20.conllu")

pytestmark = pytest.mark.usefixtures("one_thread")


def random_crf(tags: int, seed: int = 0) -> CRF:
    crf = CRF(tags)
    crf.ensure_built((None, None, tags))
    crf.double()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for weight in (crf.transitions, crf.start, crf.end):
            weight.copy_(torch.randn(weight.shape, generator=generator, dtype=torch.float64))
    return crf


def path_score(crf: CRF, emissions: torch.Tensor, path: tuple[int, ...]) -> torch.Tensor:
    """The score of one tag path of one sentence, written out term by term."""
    score = crf.start[path[0]] + crf.end[path[-1]]
    for t, tag in enumerate(path):
        score = score + emissions[t, tag]
        if t:
            score = score + crf.transitions[path[t - 1], tag]
    return score


LENGTHS = [4, 2, 1]


@pytest.fixture
def batch():
    generator = torch.Generator().manual_seed(1)
    tags, steps = 3, max(LENGTHS)
    emissions = torch.randn(len(LENGTHS), steps, tags, generator=generator, dtype=torch.float64)
    mask = torch.arange(steps)[None, :] < torch.tensor(LENGTHS)[:, None]  # (B, T), words first
    gold = torch.randint(0, tags, (len(LENGTHS), steps), generator=generator) * mask
    return random_crf(tags), emissions, gold, mask


def test_nll_and_decode_equal_brute_force_over_every_path(batch):
    crf, emissions, gold, mask = batch
    nll = crf.nll(emissions, gold, mask)
    decoded = crf.decode(emissions, mask)
    for row, length in enumerate(LENGTHS):
        paths = list(itertools.product(range(3), repeat=length))
        scores = torch.stack([path_score(crf, emissions[row], p) for p in paths])
        expected = torch.logsumexp(scores, 0) - path_score(crf, emissions[row], tuple(gold[row, :length].tolist()))
        torch.testing.assert_close(nll[row], expected, rtol=1e-12, atol=1e-12)
        assert tuple(decoded[row, :length].tolist()) == paths[int(scores.argmax())]


def test_padding_changes_nothing(batch):
    crf, emissions, gold, mask = batch
    padded = torch.cat([emissions, torch.randn(3, 5, 3, dtype=torch.float64)], dim=1)
    padded_mask = torch.cat([mask, torch.zeros(3, 5, dtype=torch.bool)], dim=1)
    padded_gold = torch.cat([gold, torch.zeros(3, 5, dtype=torch.long)], dim=1)
    torch.testing.assert_close(crf.nll(padded, padded_gold, padded_mask), crf.nll(emissions, gold, mask), rtol=1e-12, atol=1e-12)
    assert torch.equal(crf.decode(padded, padded_mask)[:, : mask.shape[1]] * mask, crf.decode(emissions, mask) * mask)


class NLL(torch.nn.Module):
    """``crf.nll`` as a module's forward, so ``functional_call`` can hand gradcheck the CRF's weights as inputs."""

    def __init__(self, crf: CRF):
        super().__init__()
        self.crf = crf

    def forward(self, emissions, gold, mask):
        return self.crf.nll(emissions, gold, mask)


def test_gradcheck_float64(batch):
    crf, emissions, gold, mask = batch
    weights = [w.detach().clone().requires_grad_(True) for w in (crf.transitions, crf.start, crf.end)]
    nll = lambda e, transitions, start, end: torch.func.functional_call(
        NLL(crf), {"crf.transitions": transitions, "crf.start": start, "crf.end": end}, (e, gold, mask))
    assert torch.autograd.gradcheck(nll, (emissions.requires_grad_(True), *weights))


def test_loss_is_the_nll_per_word(batch):
    crf, emissions, gold, mask = batch
    emissions._keras_mask = mask  # as the tagger's logits carry it
    value = CRFLoss(crf)(gold, emissions, mask.double())  # the tagger's batches weigh words 1, padding 0
    torch.testing.assert_close(value, crf.nll(emissions, gold, mask).sum() / sum(LENGTHS), rtol=1e-12, atol=1e-12)


def test_train_tag_crf_learns_transitions_and_decodes_with_them(tmp_path):
    said = []
    run = tagging.train(EWT_TRAIN, val=EWT_DEV, out=str(tmp_path / "pos"), epochs=6, learning_rate=0.01, units=16, embedding=16,
                        crf=True, say=said.append)
    assert "tagger with a CRF on" in said[0]
    model, features, record = tagging.load_tagger(run.out)
    assert model.config.crf and model.crf.transitions.abs().sum() > 0  # trained, and saved with the model
    sentences = read_tagged(EWT_DEV)
    words = [w for w, _ in sentences]
    guessed = tagging.tag_sentences(model, features, record["tags"], words)
    x = torch.tensor([features.encode(words[0])])
    with torch.inference_mode():
        logits = model(x)
        viterbi = model.crf.decode(logits, logits._keras_mask)[0].tolist()
    assert guessed[0] == [record["tags"][i] for i in viterbi]
    right = sum(t == g for (_, truth), guess in zip(sentences, guessed) for t, g in zip(truth, guess))
    accuracy = tagging.evaluate(run.out, EWT_DEV).accuracy
    assert accuracy == pytest.approx(right / sum(len(w) for w in words)) and accuracy > 0.3
    assert run.best == pytest.approx(accuracy)  # the epoch was chosen by the decoded paths' accuracy, word by word


def test_cli_flag(tmp_path, capsys):
    assert main(["train", "tag", "--data", EWT_TRAIN, "--out", str(tmp_path / "pos"), "--epochs", "1", "--units", "8",
                 "--embedding", "8", "--char-units", "0", "--crf"]) == 0
    assert "tagger with a CRF on" in capsys.readouterr().out
