"""A CI-sized fuzz run: a few cases of every kind through the isolating runner, a fixed seed, no crash allowed.

The kinds whose loaders are being hardened on other branches are expected to fail until those are
merged (``xfail``, not strict): HDF5 and ``.keras`` files (branch ``h5safe``), rnnkit's own files,
NPZ caches and word vectors (branch ``loaders``). The user-data readers are this harness's own.
"""

import pytest

from fuzz import runner, seeds
from fuzz.kinds import KINDS

CASES_PER_KIND = 8
FIRST_SEED = 0
PENDING = {  # kind -> the branch whose hardening it waits for
    **{kind: "h5safe" for kind in ("keras", "keras-bomb", "h5", "weights-h5", "cli-model-keras", "cli-model-h5")},
    **{kind: "loaders" for kind in KINDS if kind.startswith(("rnnkit-", "task-", "training-", "cli-")) and kind not in
       ("cli-model-keras", "cli-model-h5")},
    "npz": "loaders", "word-vectors": "loaders",
}
SMOKE_KINDS = [kind for kind in KINDS if kind != "keras-bomb"]  # the bomb's seed takes ~20 s to deflate: the full runner has it


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, list[runner.Result]]:
    folder = seeds.build(tmp_path_factory.mktemp("fuzz-seeds"), bomb=False)
    cases = [(kind, seed) for seed in range(FIRST_SEED, FIRST_SEED + CASES_PER_KIND) for kind in SMOKE_KINDS]
    by_kind: dict[str, list[runner.Result]] = {kind: [] for kind in SMOKE_KINDS}
    for result in runner.run_cases(cases, folder, workers=2):
        by_kind[result.kind].append(result)
    return by_kind


def marks(kind: str) -> list:
    return [pytest.mark.xfail(reason=f"waits for branch {PENDING[kind]}", strict=False)] if kind in PENDING else []


@pytest.mark.parametrize("kind", [pytest.param(kind, marks=marks(kind)) for kind in SMOKE_KINDS])
def test_no_crash_signal_timeout_or_memory_blowup(kind, results):
    assert len(results[kind]) == CASES_PER_KIND
    failed = [f"{r.outcome} {r.kind} {r.seed}: {r.detail}" for r in results[kind] if r.outcome in runner.FAILURES]
    assert not failed, "\n".join(failed)
