"""A CI-sized fuzz run: a few cases of every kind through the isolating runner, a fixed seed, no crash allowed."""

import pytest

from fuzz import runner, seeds
from fuzz.kinds import KINDS

CASES_PER_KIND = 8
FIRST_SEED = 0
SMOKE_KINDS = [kind for kind in KINDS if kind != "keras-bomb"]  # the bomb's seed takes ~20 s to deflate: the full runner has it


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, list[runner.Result]]:
    folder = seeds.build(tmp_path_factory.mktemp("fuzz-seeds"), bomb=False)
    cases = [(kind, seed) for seed in range(FIRST_SEED, FIRST_SEED + CASES_PER_KIND) for kind in SMOKE_KINDS]
    by_kind: dict[str, list[runner.Result]] = {kind: [] for kind in SMOKE_KINDS}
    for result in runner.run_cases(cases, folder, workers=2):
        by_kind[result.kind].append(result)
    return by_kind


@pytest.mark.parametrize("kind", SMOKE_KINDS)
def test_no_crash_signal_timeout_or_memory_blowup(kind, results):
    assert len(results[kind]) == CASES_PER_KIND
    failed = [f"{r.outcome} {r.kind} {r.seed}: {r.detail}" for r in results[kind] if r.outcome in runner.FAILURES]
    assert not failed, "\n".join(failed)
