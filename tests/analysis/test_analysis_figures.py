"""The figures write PNG files; the lifecycle table sums groups per day."""

from __future__ import annotations

import pytest
from analysis_fixtures import make_sweep

from analysis import figures
from analysis.sweep import load_sweep

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def tiny_sweep(tmp_path):
    """A hand-made sweep directory (analysis_fixtures.make_sweep): 4 strategies x 3 replicates, 1 failed job."""
    return make_sweep(tmp_path / "sweep")


def is_png(path) -> bool:
    return path.is_file() and path.stat().st_size > 2000 and path.read_bytes()[:8] == PNG


def test_lifecycle_table_sums_groups(tiny_sweep):
    df = load_sweep(tiny_sweep)
    t = figures.lifecycle_table(df)
    assert len(t) == 12 * 10  # 12 complete runs x 10 days; the failed job has no curve
    row = t[(t["job"] == "job-noon10r0") & (t["day"] == 0)].iloc[0]
    assert row["members"] == (10 + 0 + 10) + (10 + 1 + 10)  # groups 0 and 1: 10*(day+1) + group + value
    assert row["active_members"] == 10 + 11


def test_every_figure_writes_a_png(tiny_sweep, tmp_path):
    df = load_sweep(tiny_sweep)
    paths = [figures.lifecycle(df, tmp_path / "f" / "life.png"),
             figures.heatmap(df, "active_members_final", "policy.red_packet.slot", "policy.red_packet.amount_yuan",
                             tmp_path / "f" / "heat.png"),
             figures.failure_modes(df, tmp_path / "f" / "fail.png"),
             figures.cost_vs_outcome(df, "active_members_final per 1000 yuan", tmp_path / "f" / "cost.png")]
    assert all(is_png(p) for p in paths)


def test_failure_table_shares(tiny_sweep):
    df = load_sweep(tiny_sweep)
    t = figures.failure_table(df)
    assert t.loc["slot=noon, amount_yuan=10", "evaporation"] == pytest.approx(1 / 3)
    assert t.loc["slot=night, amount_yuan=10", "evaporation"] == 0
    assert t.loc["slot=night, amount_yuan=40", "crashed"] == pytest.approx(1 / 4)  # 1 of its 4 jobs failed
    assert t.loc["slot=night, amount_yuan=40", "runs"] == 3


def test_palette_is_okabe_ito_and_cycles_line_styles():
    st = figures.style([f"s{i}" for i in range(10)])
    assert st["s0"] == ("#E69F00", "-") and st["s8"] == ("#E69F00", "--")
    assert len({c for c, _ in st.values()}) == 8


def test_figures_cope_with_no_timeseries(tiny_sweep, tmp_path):
    for p in tiny_sweep.glob("job-*/timeseries.parquet"):
        p.unlink()
    assert is_png(figures.lifecycle(load_sweep(tiny_sweep), tmp_path / "life.png"))
