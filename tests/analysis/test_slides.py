"""commsim-figures on hand-made run and sweep directories: the tables behind the figures (fates add up to
everyone who joined so far, pyramid shares add up to 1 and follow the posts), the files written, the
strategy ranking, and one-line errors that leave nothing behind. No simulation is run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import make_sweep

from analysis import slides

PNG = b"\x89PNG\r\n\x1a\n"
FAST = ["--style", "paper", "--dpi", "30"]
TIERS = ["high", "mid", "low"]
REASONS = ["low_value", "boredom", "noise", "silenced", "burnout", "evicted", "competitor"]
DAYS = 6  # days 0..5
#: name: (tier, joined_day, left_day (-1: still in), exit_reason, posts)
PEOPLE = {
    "A": ("high", 0, -1, None, 0),          # never posted
    "B": ("high", 1, 3, "boredom", 2),      # 2 days in, 2 posts / 7 counted days: occasional
    "C": ("mid", 0, 2, "low_value", 14),    # 14 / 7 = 2 a day: heavy (unhappy exit)
    "D": ("low", 2, -1, None, 1),           # 1 / 7: occasional
    "E": ("low", 4, 4, "evicted", 0),       # joined and evicted on day 4
    "F": ("mid", 0, 5, "burnout", 50),      # 50 / 7 = 7.1 a day: heavy
    "G": ("low", 0, -1, None, 0),           # never posted
}


def members_frame(people: dict = PEOPLE) -> pd.DataFrame:
    rows = list(people.values())
    return pd.DataFrame({
        "person": np.arange(len(rows), dtype=np.int64),
        "group": np.zeros(len(rows), dtype=np.int32),
        "tier": pd.Categorical([r[0] for r in rows], categories=TIERS),
        "joined_day": np.array([r[1] for r in rows], dtype=np.int32),
        "left_day": np.array([r[2] for r in rows], dtype=np.int32),
        "exit_reason": pd.Categorical([r[3] for r in rows], categories=REASONS),
        "posts": np.array([r[4] for r in rows], dtype=np.int32),
    })


def present(members: pd.DataFrame, day: int) -> int:
    j, lft = members["joined_day"], members["left_day"]
    return int(((j <= day) & ((lft < 0) | (lft > day))).sum())


def make_run(path: Path, members: pd.DataFrame | None = None, days: int = DAYS, events: bool = True) -> Path:
    """A run directory like commsim writes: summary.json, config.yaml and the three tables (one group)."""
    members = members_frame() if members is None else members
    path.mkdir(parents=True, exist_ok=True)
    phases = ["germination"] * 2 + ["fast_growth"] * 2 + ["active"] * (days - 4)
    ts = pd.DataFrame({"day": np.arange(days), "group": 0,
                       "members": [present(members, d) for d in range(days)],
                       "active_members": [min(2, present(members, d)) for d in range(days)],
                       "phase": pd.Categorical(phases[:days])})
    ts.to_parquet(path / "timeseries.parquet", index=False)
    members.to_parquet(path / "members.parquet", index=False)
    if events:
        ev = pd.DataFrame({"day": [0, 1, 3, 4], "slot": ["", "noon", "noon", ""], "group": 0,
                           "source": ["founding", "red_packet", "red_packet", "detect"],
                           "action": ["group_founded", "share", "share", "evaporation"],
                           "target_count": 0, "spend_yuan": 0.0, "organizer_minutes": 0.0, "detail": ""})
        ev.to_parquet(path / "events.parquet", index=False)
    (path / "config.yaml").write_text("seed: 3\nrules:\n  activity:\n    active_window_days: 7\n")
    (path / "summary.json").write_text(json.dumps({"scenario": {"name": "default"}, "seed": 3, "replicate": None,
                                                   "days": days}))
    return path


@pytest.fixture
def run_dir(tmp_path):
    return make_run(tmp_path / "run")


@pytest.fixture
def sweep_dir(tmp_path):
    """analysis_fixtures.make_sweep (4 strategies x 3 replicates, one failed job) with members and events."""
    path = make_sweep(tmp_path / "sweep", days=DAYS)
    for job in path.glob("job-*r*"):
        make_run(job, events=True)
        (job / "summary.json").write_text(json.dumps({"scenario": {"name": "default"}, "seed": 0,
                                                      "replicate": int(job.name[-1]), "days": DAYS}))
    return path


# ------------------------------------------------------------------------ fates
def test_fates_add_up_to_everyone_joined_so_far_each_day():
    m = members_frame()
    table = slides.fates_table(m, range(DAYS))
    for day in range(DAYS):
        for tier in TIERS:
            joined = int(((m["tier"] == tier) & (m["joined_day"] <= day)).sum())
            assert table.loc[day, tier].sum() == joined, (day, tier)
        assert table.loc[day].xs("in_group", level="fate").sum() == present(m, day)


def test_fates_by_hand():
    t = slides.fates_table(members_frame(), range(DAYS))
    assert t.loc[2, ("mid", "unhappy")] == 1 and t.loc[1, ("mid", "unhappy")] == 0  # C left on day 2, low value
    assert t.loc[2, ("high", "in_group")] == 2 and t.loc[3, ("high", "bored")] == 1  # B in until day 2
    assert t.loc[4, ("low", "evicted")] == 1 and t.loc[4, ("low", "in_group")] == 2  # E: in 0 days
    assert t.loc[5, ("mid", "burnout")] == 1 and t.loc[5, ("mid", "in_group")] == 0
    assert t.loc[5, ("low", "other")] == 0 and t[("high", "competitor")].sum() == 0


def test_fates_conserve_people_on_random_histories():
    rng = np.random.default_rng(7)
    n, days = 400, 60
    joined = rng.integers(0, days, n)
    stay = rng.integers(0, days, n)
    left = np.where(rng.random(n) < 0.6, np.minimum(joined + stay, days + 5), -1)
    left = np.where(left >= days, -1, left)
    reason = [REASONS[i] if lft >= 0 else None for i, lft in zip(rng.integers(0, len(REASONS), n), left)]
    people = {i: (TIERS[rng.integers(0, 3)], int(joined[i]), int(left[i]), reason[i], 0) for i in range(n)}
    m = members_frame(people)
    table = slides.fates_table(m, range(days))
    per_tier = table.T.groupby(level="tier").sum().T
    for tier in TIERS:
        expected = [int(((m["tier"] == tier) & (m["joined_day"] <= d)).sum()) for d in range(days)]
        assert per_tier[tier].tolist() == expected
    assert table.xs("in_group", axis=1, level="fate").sum(axis=1).tolist() == [present(m, d) for d in range(days)]
    assert (table.to_numpy() >= 0).all()


# ------------------------------------------------------------------------ pyramid
def test_pyramid_classes_follow_the_posts():
    t = slides.participation_classes(members_frame(), last_day=DAYS - 1)
    assert t["members"].to_dict() == {"heavy": 2, "occasional": 2, "never": 3}  # C, F / B, D / A, E, G
    assert t["member_share"].sum() == pytest.approx(1.0)
    assert t["post_share"].sum() == pytest.approx(1.0)
    assert t.loc["heavy", "post_share"] == pytest.approx(64 / 67)
    assert t.loc["occasional", "post_share"] == pytest.approx(3 / 67)
    assert t.loc["never", "posts"] == 0
    assert t.loc["heavy", "members_mid"] == 2 and t.loc["never", "members_low"] == 2
    assert t.loc["occasional", "posts_high"] == 2 and t.loc["occasional", "posts_low"] == 1


def test_pyramid_threshold_and_short_memberships():
    t = slides.participation_classes(members_frame(), last_day=DAYS - 1, heavy_posts_per_day=3)
    assert t.loc["heavy", "members"] == 1  # only F (7.1 a day); C's 2 a day is now occasional
    one_day = {"X": ("low", 5, -1, None, 1)}  # one post on the last day: 1 / 7 counted days, not heavy
    assert slides.participation_classes(members_frame(one_day), last_day=5).loc["heavy", "members"] == 0
    assert slides.top_share_of_posts(members_frame()) == pytest.approx(50 / 67)  # ceil(1 % of 7) = 1 member


def test_pyramid_without_posts_has_no_post_shares():
    t = slides.participation_classes(members_frame({"A": ("high", 0, -1, None, 0)}), last_day=3)
    assert t["member_share"].sum() == pytest.approx(1.0) and t["post_share"].isna().all()


# ------------------------------------------------------------------------ files
def test_run_dir_gives_png_and_svg_of_each_figure(run_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert slides.main([str(run_dir), "--out", str(out), *FAST]) == 0
    for name in slides.RUN_FIGURES:
        png, svg = out / f"{name}.png", out / f"{name}.svg"
        assert png.read_bytes()[:8] == PNG and png.stat().st_size > 1000
        assert b"<svg" in svg.read_bytes()[:2000]
    expected = sorted(f"{n}.{f}" for n in slides.RUN_FIGURES for f in ("png", "svg"))
    assert sorted(p.name for p in out.iterdir()) == expected
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary directory left
    assert "6 files" in capsys.readouterr().out


def test_default_out_format_and_subset(run_dir):
    assert slides.main([str(run_dir), "--format", "png", "--figures", "pyramid", *FAST]) == 0
    assert [p.name for p in (run_dir / "slides").iterdir()] == ["pyramid.png"]


def test_other_files_in_out_are_kept(run_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert slides.main([str(run_dir), "--out", str(out), "--format", "png", "--figures", "fates", *FAST]) == 0
    assert (out / "notes.txt").read_text() == "mine" and (out / "fates.png").is_file()


def test_a_failed_save_leaves_nothing(run_dir, tmp_path, monkeypatch):
    figs = slides.build(run_dir, style="paper")
    calls = []

    def broken(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    original = type(figs["lifecycle"]).savefig
    monkeypatch.setattr(type(figs["lifecycle"]), "savefig", broken)
    with pytest.raises(OSError):
        slides.write(figs, tmp_path / "out", dpi=30)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_run_figures_cope_with_an_empty_group(tmp_path):
    empty = members_frame({}).astype({"tier": pd.CategoricalDtype(TIERS), "exit_reason": pd.CategoricalDtype(REASONS)})
    run = make_run(tmp_path / "empty", members=empty)
    assert slides.main([str(run), "--format", "png", *FAST]) == 0


def test_lifecycle_of_many_groups_sums_them_and_shades_the_largest(run_dir):
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    big = ts.assign(group=1, members=ts["members"] * 3, phase=pd.Categorical(["dormant"] * len(ts)))
    pd.concat([ts, big], ignore_index=True).to_parquet(run_dir / "timeseries.parquet", index=False)
    run = slides.read_run(run_dir, ["lifecycle"])
    fig = slides.lifecycle_figure(run, slides.STYLES["paper"])
    ax = fig.axes[0]
    members = next(line for line in ax.get_lines() if line.get_label() == "members")
    assert list(members.get_ydata()) == (ts["members"] * 4).tolist()
    assert "phases of group 1, the largest" in ax.get_title(loc="left").replace("\n", " ")
    assert "phase: dormant" in ax.get_legend_handles_labels()[1]


# ------------------------------------------------------------------------ sweep
def test_sweep_comparison_ranks_and_values(sweep_dir):
    from analysis.sweep import load_sweep

    df = load_sweep(sweep_dir)
    fig = slides.comparison_figure(df, "active_members_final", slides.STYLES["paper"])
    ax = next(a for a in fig.axes if a.get_label() == "bars")
    bars = sorted(((p.get_y(), p.get_width()) for p in ax.patches), reverse=True)  # top (best) first
    assert [w for _, w in bars] == pytest.approx([23.0, 12.0, 12.0, 32 / 3])  # means of ACTIVE, best first
    ticks = sorted(zip(ax.get_yticks(), (t.get_text().replace("\n", " ") for t in ax.get_yticklabels())),
                   reverse=True)
    labels = [label for _, label in ticks]  # top first
    assert labels[0] == "slot=noon, amount_yuan=40" and labels[-1] == "slot=night, amount_yuan=10"
    text = " ".join(t.get_text() for a in fig.axes for t in a.texts).replace("\n", " ")
    assert "Best by active members at the end: slot=noon, amount_yuan=40, mean 23.0" in text
    assert "#2: 12.0" in text and "#4: 10.7" in text


def test_representative_run_is_the_median_of_its_strategy(sweep_dir):
    from analysis.sweep import load_sweep

    df = load_sweep(sweep_dir)
    reps = slides.representative_runs(df, "active_members_final", ["slot=noon, amount_yuan=40",
                                                                   "slot=night, amount_yuan=10"])
    assert reps["slot=noon, amount_yuan=40"]["job"] == "job-noon40r1"  # 20, 22, 27 -> 22
    assert reps["slot=night, amount_yuan=10"]["job"] == "job-night10r2"  # 9, 13, 10 -> 10


def test_sweep_dir_writes_comparison_and_one_run_per_strategy(sweep_dir, tmp_path):
    out = tmp_path / "slides"
    assert slides.main([str(sweep_dir), "--out", str(out), "--format", "png", "--figures", "comparison,pyramid",
                        *FAST]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["comparison.png"] + [f"pyramid__slot-{s}-amount_yuan-{a}.png"
                                          for s in ("night", "noon") for a in (10, 40)]


def test_slug_of_labels():
    assert slides.slug("policy=[red_packet]") == "policy-red_packet"
    assert slides.slug("policy=[]") == "policy-none"
    assert slides.slug("slot=noon, amount_yuan=40") == "slot-noon-amount_yuan-40"


# ------------------------------------------------------------------------ bad input
def one_line_error(capsys, argv, *needles) -> str:
    code = None
    try:
        code = slides.main(argv)
    except SystemExit as stop:  # argparse errors
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("commsim-figures: error: ") and "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


def test_bad_paths_give_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    one_line_error(capsys, [str(tmp_path / "nowhere"), "--out", str(out)], "no such directory")
    (tmp_path / "file.txt").write_text("x")
    one_line_error(capsys, [str(tmp_path / "file.txt"), "--out", str(out)], "not a directory")
    (tmp_path / "other").mkdir()
    one_line_error(capsys, [str(tmp_path / "other"), "--out", str(out)], "neither a run directory")
    assert not out.exists()


def test_broken_run_dirs_give_one_line(run_dir, tmp_path, capsys):
    out = tmp_path / "out"
    (run_dir / "members.parquet").unlink()
    one_line_error(capsys, [str(run_dir), "--out", str(out)], "members.parquet: missing")
    (run_dir / "members.parquet").write_bytes(b"not parquet")
    one_line_error(capsys, [str(run_dir), "--out", str(out)], "members.parquet: unreadable")
    members_frame().drop(columns="posts").to_parquet(run_dir / "members.parquet")
    one_line_error(capsys, [str(run_dir), "--out", str(out)], "missing column posts")
    (run_dir / "summary.json").unlink()
    one_line_error(capsys, [str(run_dir), "--out", str(out)], "interrupted run")
    assert not out.exists()


def test_bad_options_give_one_line(run_dir, sweep_dir, tmp_path, capsys):
    out = tmp_path / "out"
    one_line_error(capsys, [str(run_dir), "--out", str(out), "--figures", "comparison"], "sweep directory")
    one_line_error(capsys, [str(run_dir), "--out", str(out), "--format", "png,gif"], "gif")
    one_line_error(capsys, [str(run_dir), "--out", str(out), "--figures", "pie"], "pie")
    one_line_error(capsys, [str(run_dir), "--out", str(out), "--dpi", "0"], "--dpi")
    one_line_error(capsys, [str(sweep_dir), "--out", str(out), "--objective", "happiness"], "unknown objective")
    assert not out.exists()


def test_command_line_never_imports_the_model(run_dir, tmp_path):
    code = ("import sys; from analysis import slides; rc = slides.main(sys.argv[1:]); "
            "assert not [m for m in sys.modules if m == 'sim' or m.startswith('sim.')], 'sim imported'; "
            "sys.exit(rc)")
    root = Path(__file__).resolve().parents[2]
    argv = [str(run_dir), "--out", str(tmp_path / "out"), "--format", "png", *FAST]
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "lifecycle.png").is_file()
