"""Failure detectors and lifecycle phases on series built by hand: each fires when it should, and only then."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.config import DetectConfig, LifecycleConfig
from sim.detect import FAILURES, PHASES, analyse, detect_group, episodes, phases

DAYS = 200
CFG = DetectConfig()


def calm(days: int = DAYS, members: int = 400) -> pd.DataFrame:
    """A healthy group: steady members and activity, a team, novelty, relevance, no exits."""
    z = np.zeros(days)
    return pd.DataFrame({
        "day": np.arange(days), "group": 0, "members": members, "active_members": members // 4,
        "members_high": members // 10, "members_mid": 3 * members // 10, "members_low": 6 * members // 10,
        "unhappy_exits_high": z, "unhappy_exits_mid": z, "unhappy_exits_low": z, "exits_burnout": z,
        "exits_competitor": z,
        "perceived_quality": 0.6, "loudest_share": 0.1, "silence": 0.0, "member_posts": 40.0,
        "organizers": 2, "kols": 1, "novelty": 0.8, "joins": 2.0, "relevance": 0.7, "noise_share": 0.05,
        "organizer_overload": z,
    })


def fired(series: pd.DataFrame, activities=None) -> dict[str, list[dict]]:
    acts = pd.Series(np.zeros(len(series))) if activities is None else activities
    out: dict[str, list[dict]] = {f: [] for f in FAILURES}
    for e in detect_group(series, acts, CFG):
        out[e["failure"]].append(e)
    return out


def test_a_calm_group_shows_no_failure():
    assert all(not v for v in fired(calm()).values())


def test_episodes_need_min_days_and_report_the_confirmation_day():
    on = np.array([0, 1, 1, 0, 1, 1, 1, 1, 0, 1], dtype=bool)
    assert episodes(on, 3) == [(4, 6, 7)]
    assert episodes(on, 1) == [(1, 1, 2), (4, 4, 7), (9, 9, 9)]


# ----------------------------------------------------------------------------- evaporation
def evaporating(quality_falls: bool = True, high_leave: bool = True) -> pd.DataFrame:
    s = calm()
    late = s["day"] >= 100
    if high_leave:
        s.loc[late & (s["day"] % 5 == 0), "unhappy_exits_high"] = 1.0  # 1 of 40 high-potential every 5 days
        s.loc[late & (s["day"] % 20 == 0), "unhappy_exits_low"] = 1.0
    if quality_falls:
        s.loc[late, "perceived_quality"] = 0.6 - 0.002 * (s.loc[late, "day"] - 100)
    return s


def test_evaporation_fires_when_the_best_leave_while_quality_falls():
    found = fired(evaporating())["evaporation"]
    assert found and 100 <= found[0]["start_day"] <= 150
    ev = found[0]["evidence"]
    assert ev["high_exit_rate"] > 1.5 * ev["other_exit_rate"] and ev["quality_drop"] >= 0.02


@pytest.mark.parametrize("quality_falls,high_leave", [(False, True), (True, False)])
def test_evaporation_needs_both_the_exits_and_the_falling_quality(quality_falls, high_leave):
    assert not fired(evaporating(quality_falls, high_leave))["evaporation"]


def test_ordinary_churn_is_not_evaporation():
    s = evaporating()
    s.loc[s["day"] >= 100, "unhappy_exits_low"] = 1.0  # everyone leaves at a high rate: churn, not the best first
    s.loc[s["day"] >= 100, "unhappy_exits_mid"] = 1.0
    assert not fired(s)["evaporation"]


# ----------------------------------------------------------------------------- tyranny
def test_tyranny_fires_when_one_voice_dominates_and_the_others_go_quiet():
    s = calm()
    late = s["day"] >= 80
    s.loc[late, "loudest_share"] = 0.5
    s.loc[late, "silence"] = 0.3
    s.loc[late, "member_posts"] = 40.0 - 0.2 * (s.loc[late, "day"] - 80)
    found = fired(s)["tyranny"]
    assert found and found[0]["evidence"]["loudest_share"] >= 0.3


def test_a_loud_voice_without_silenced_members_is_not_tyranny():
    s = calm()
    s.loc[s["day"] >= 80, "loudest_share"] = 0.5  # a lively KOL; others keep talking
    assert not fired(s)["tyranny"]


# ----------------------------------------------------------------------------- leaderless
def test_leaderless_fires_after_the_team_is_gone_for_long_enough():
    s = calm()
    s.loc[s["day"] >= 150, ["organizers", "kols"]] = 0
    found = fired(s)["leaderless"]
    assert [e["day"] for e in found] == [150 + CFG.leaderless_days - 1]
    s = calm()
    s.loc[(s["day"] >= 150) & (s["day"] < 150 + CFG.leaderless_days - 1), ["organizers", "kols"]] = 0
    assert not fired(s)["leaderless"]  # a short gap (a new owner takes over) is not leaderless


# ----------------------------------------------------------------------------- boredom
def bored() -> pd.DataFrame:
    s = calm()
    late = s["day"] >= 100
    s.loc[late, "novelty"] = 0.2
    s.loc[late, "member_posts"] = 40.0 * 0.99 ** (s.loc[late, "day"] - 100)
    s.loc[late, "joins"] = 0.0
    return s


def test_boredom_fires_when_novelty_and_activity_fall_with_nothing_new():
    found = fired(bored())["boredom"]
    assert found and found[0]["evidence"]["novelty"] < 0.35 and found[0]["evidence"]["activities"] == 0


def test_regular_activities_or_newcomers_prevent_a_boredom_verdict():
    weekly = pd.Series((np.arange(DAYS) % 7 == 0).astype(float))
    assert not fired(bored(), weekly)["boredom"]
    s = bored()
    s["joins"] = 5.0
    assert not fired(s)["boredom"]


# ----------------------------------------------------------------------------- loss of focus
@pytest.mark.parametrize("column,value", [("relevance", 0.3), ("noise_share", 0.4)])
def test_loss_of_focus_fires_on_drift_or_noise(column, value):
    s = calm()
    s.loc[s["day"] >= 120, column] = value
    found = fired(s)["loss_of_focus"]
    assert [e["start_day"] for e in found] == [120]


# ----------------------------------------------------------------------------- burnout, crisis
def test_burnout_needs_overload_and_a_quit():
    s = calm()
    s.loc[s["day"].between(100, 130), "organizer_overload"] = 0.5
    assert not fired(s)["burnout"]  # overloaded but still there
    s.loc[s["day"] == 125, "exits_burnout"] = 1
    assert [e["day"] for e in fired(s)["burnout"]] == [125]
    s = calm()
    s.loc[s["day"] == 125, "exits_burnout"] = 1  # a quit without overload is ordinary churn
    assert not fired(s)["burnout"]


def test_crisis_exit_is_a_mass_exit_for_a_competitor_in_one_day():
    s = calm()
    s.loc[s["day"] == 90, "exits_competitor"] = 40  # 10 % of 400
    s.loc[s["day"] == 140, "exits_competitor"] = 5  # 1.25 %: a few, not a crisis
    found = fired(s)["crisis_exit"]
    assert [e["day"] for e in found] == [90] and found[0]["evidence"]["share_of_members"] == pytest.approx(0.1)


# ----------------------------------------------------------------------------- phases
def lifecycle_series() -> pd.DataFrame:
    """Slow start, fast growth to 500, a plateau, decline and dormancy."""
    day = np.arange(600)
    members = np.interp(day, [0, 30, 90, 600], [16, 40, 500, 480]).round()
    active = np.interp(day, [0, 30, 90, 250, 400, 450, 600], [8, 15, 130, 120, 50, 15, 5]).round()
    return pd.DataFrame({"day": day, "members": members, "active_members": active})


def test_phases_follow_the_lifecycle_in_order():
    ph = phases(lifecycle_series(), 500, LifecycleConfig())
    names = [PHASES[p] for p in ph]
    order = [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]
    assert order == list(PHASES)
    first = {n: names.index(n) for n in PHASES}
    assert 30 <= first["fast_growth"] <= 50 and 90 <= first["active"] <= 120
    assert 340 <= first["decline"] <= 370 and 440 <= first["dormant"] <= 470


def test_a_phase_must_hold_before_it_is_named():
    s = lifecycle_series()
    s.loc[200:205, "active_members"] = 40  # a bad week on the plateau is not a decline
    names = {PHASES[p] for p in phases(s, 500, LifecycleConfig())[:280]}
    assert "decline" not in names


def test_analyse_adds_phases_events_and_verdicts():
    from sim.config import Config
    from sim.outputs import events_frame

    s = bored()
    s["exits_burnout"] = 0.0
    ts, rows, verdicts = analyse(s, events_frame([]), Config())
    assert list(ts["phase"].cat.categories) == list(PHASES)
    assert verdicts["0"]["failures"]["boredom"]["detected"]
    assert not verdicts["0"]["failures"]["tyranny"]["detected"]
    boredom = [r for r in rows if r[4] == "boredom"]
    assert boredom and boredom[0][3] == "detect" and "novelty" in json.loads(boredom[0][8])
