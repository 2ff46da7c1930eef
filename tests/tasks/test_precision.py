"""rnnkit.tasks.precision: the CPU's bfloat16 instructions decide ``auto``; an unusable mixed_bfloat16 is refused."""

import pytest

from rnnkit.tasks import language_model as lm
from rnnkit.tasks.precision import chosen_precision, native_bfloat16
from rnnkit.tasks.settings import SettingError

ZEN3 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse sse2 avx avx2 fma\n"  # AVX2 only
SAPPHIRE_RAPIDS = "processor\t: 0\nflags\t\t: avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n"
NEOVERSE_V2 = "processor\t: 0\nFeatures\t: fp asimd sve2 bf16 i8mm\n"


@pytest.fixture
def cpuinfo(tmp_path):
    def write(text):
        path = tmp_path / "cpuinfo"
        path.write_text(text)
        return path
    return write


def test_the_flags_name_the_bfloat16_instructions(cpuinfo, tmp_path):
    assert native_bfloat16(cpuinfo(ZEN3)) == []
    assert native_bfloat16(cpuinfo(SAPPHIRE_RAPIDS)) == ["AVX512-BF16", "AMX-BF16"]
    assert native_bfloat16(cpuinfo(NEOVERSE_V2)) == ["ARM BF16"]
    assert native_bfloat16(tmp_path / "missing") == []


def test_auto_picks_bfloat16_only_where_the_cpu_has_it(cpuinfo):
    assert chosen_precision("auto", cpuinfo(SAPPHIRE_RAPIDS)) == ("mixed_bfloat16", "chosen automatically: this CPU has AVX512-BF16 and AMX-BF16")
    precision, why = chosen_precision("auto", cpuinfo(ZEN3))
    assert precision == "float32" and "no bfloat16 instructions" in why
    assert chosen_precision("float32", cpuinfo(SAPPHIRE_RAPIDS)) == ("float32", "as asked")
    assert chosen_precision("mixed_bfloat16", cpuinfo(NEOVERSE_V2)) == ("mixed_bfloat16", "as asked")


def test_mixed_bfloat16_without_the_instructions_is_refused_before_any_file(cpuinfo, monkeypatch, tmp_path):
    with pytest.raises(SettingError, match="precision mixed_bfloat16 needs a CPU with bfloat16 instructions") as error:
        chosen_precision("mixed_bfloat16", cpuinfo(ZEN3))
    assert error.value.field == "precision"
    monkeypatch.setattr("rnnkit.tasks.precision.CPUINFO", cpuinfo(ZEN3))
    with pytest.raises(SettingError, match="precision mixed_bfloat16 needs"):
        lm.train("tests/fixtures/lm/tiny.txt", out=str(tmp_path / "run"), precision="mixed_bfloat16", epochs=1)
    assert not (tmp_path / "run").exists()
