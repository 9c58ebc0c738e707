"""commsim-report on a tiny hand-made sweep: self-contained HTML, markdown, figures, one-line CLI errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from analysis_fixtures import frame, make_sweep

from analysis.report import build_report, main, resolve_baseline
from analysis.sweep import SweepError, load_sweep

STRATEGIES = ["slot=night, amount_yuan=10", "slot=night, amount_yuan=40", "slot=noon, amount_yuan=10",
              "slot=noon, amount_yuan=40"]


@pytest.fixture
def tiny_sweep(tmp_path):
    """A hand-made sweep directory (analysis_fixtures.make_sweep): 4 strategies x 3 replicates, 1 failed job."""
    return make_sweep(tmp_path / "sweep")


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    """The default report of a tiny sweep, built once for the module: (sweep dir, Report)."""
    sweep = make_sweep(tmp_path_factory.mktemp("report") / "sweep")
    return sweep, build_report(sweep)


@pytest.fixture
def frame_of():
    """The hand-made frame builder of analysis_fixtures.frame."""
    return frame


def test_report_html_is_self_contained_with_verdict_table(tiny_report):
    sweep, rep = tiny_report
    assert rep.html == sweep / "report.html" and rep.markdown == sweep / "report.md"
    text = rep.html.read_text()
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', text)) == len(rep.figures)
    assert set(rep.figures) == {"lifecycle", "cost", "heatmap", "failures"}
    assert not re.search(r'(src|href)="(https?:|//|figures/)', text)  # no external assets
    for header in ("Rank", "Mean (95 % interval)", "Difference vs baseline (95 % interval)", "Seeds won vs baseline",
                   "Within noise of baseline"):
        assert f"<th>{header}</th>" in text
    assert "Which red packet slot keeps the group talking?" in text
    assert all(s in text for s in STRATEGIES)
    assert all((sweep / "figures" / p.name).is_file() for p in rep.figures.values())


def test_verdict_by_hand(tiny_report):
    # active_members_final: noon/40 = 20, 22, 27 (mean 23), far above all others (means 12, 10.67, 12)
    _, rep = tiny_report
    t = rep.table
    assert t.index[0] == "slot=noon, amount_yuan=40" and t.iloc[0]["mean"] == 23
    assert rep.baseline == "slot=noon, amount_yuan=40"  # default: the top-ranked
    assert not t.loc["slot=noon, amount_yuan=10", "within_noise"]  # 10-20, 12-22, 14-27: lost 3/3
    assert t.loc["slot=noon, amount_yuan=10", "share_won"] == 0
    assert rep.verdict.startswith("Best by active members at the end: slot=noon, amount_yuan=40, mean 23")
    assert "Every other strategy is worse beyond noise." in rep.verdict


def test_markdown_lists_the_strategies_and_failure_risks(tiny_report):
    _, rep = tiny_report
    md = rep.markdown.read_text()
    for s in STRATEGIES:
        assert f"| {s} |" in md  # in the verdict and the strategies tables
    assert "## Failure risks per strategy" in md
    assert "- **slot=noon, amount_yuan=10**: evaporation in 1/3 runs (33 %)" in md
    assert "1 job(s) did not complete (e.g. RuntimeError: boom)" in md
    assert "(figures/lifecycle.png)" in md
    assert "Which red packet slot keeps the group talking?" in md


def test_baseline_by_parts_and_errors(tiny_sweep):
    df = load_sweep(tiny_sweep)
    assert resolve_baseline(df, "amount_yuan=40, slot=noon") == "slot=noon, amount_yuan=40"
    assert resolve_baseline(df, "policy.red_packet.slot=night,amount_yuan=10") == "slot=night, amount_yuan=10"
    with pytest.raises(SweepError, match="matches several strategies"):
        resolve_baseline(df, "slot=noon")
    with pytest.raises(SweepError, match="is not a strategy"):
        resolve_baseline(df, "slot=dawn")


def test_baseline_with_a_list_value(frame_of):
    df = frame_of([{"p.policy": v, "p.n": n, "replicate": 0, "y": 1.0}
                   for v in ('[]', '["red_packet", "check_in"]') for n in (1, 2)])
    assert resolve_baseline(df, "policy=[red_packet, check_in], n=2") == "policy=[red_packet,check_in], n=2"
    assert resolve_baseline(df, "n=1,policy=[]") == "policy=[], n=1"


def test_cli_writes_the_report(tiny_sweep, tmp_path, capsys):
    args = [str(tiny_sweep), "--out", str(tmp_path / "o"), "--objective", "active_members_final per 1000 yuan",
            "--baseline", "slot=night,amount_yuan=10"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("Best by active members at the end per 1,000 yuan: slot=") and "report.html" in out
    md = (tmp_path / "o" / "report.md").read_text()
    assert "Baseline: **slot=night, amount_yuan=10**" in md and "| baseline | baseline |" in md
    assert (tmp_path / "o" / "report.html").is_file() and (tmp_path / "o" / "figures" / "lifecycle.png").is_file()
    assert not (tiny_sweep / "report.html").exists()  # --out, not the sweep directory


@pytest.mark.parametrize("args, message", [
    (["{missing}"], "no such directory"),
    (["{empty}"], "no sweep.parquet"),
    (["{sweep}", "--objective", "happiness"], "unknown objective 'happiness'; valid: peak_members"),
    (["{sweep}", "--baseline", "slot=dawn"], "baseline 'slot=dawn' is not a strategy; strategies: slot=night"),
])
def test_cli_errors_are_one_line_exit_2(tiny_sweep, tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    paths = {"missing": tmp_path / "nope", "empty": tmp_path / "empty", "sweep": tiny_sweep}
    assert main([a.format(**paths) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("commsim-report: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "empty" / "report.html").exists()


def test_console_script(tmp_path):
    script = Path(sys.executable).with_name("commsim-report")
    if not script.is_file():
        pytest.skip("commsim-report not installed (pip install -e .)")
    proc = subprocess.run([str(script), str(tmp_path / "nope")], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"commsim-report: error: {tmp_path / 'nope'}: no such directory"
