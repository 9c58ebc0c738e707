"""Replication (复制): triggers, the move (交叉引入), timing early / at the peak / late, costs, validation."""

from __future__ import annotations

import dataclasses
import functools
from collections import deque

import numpy as np
import pytest

from sim.policies import replication
from sim import CommunityModel
from sim.api import run
from sim.config import ConfigError, GroupsConfig
from sim.population import ROLE_MEMBER, ROLE_OWNER

from conftest import small_config

SEEDS = range(4)
ARMS = {"none": None, "early": {"when": "size", "min_members": 150}, "peak": {"when": "phase"},
        "late": {"when": "day", "on_day": 200}}


@functools.cache
def outcome(arm: str, seed: int) -> dict:
    """One 300-day run of 4000 people (room for two groups of 500) with at most one clone."""
    params = ARMS[arm]
    policies = {} if params is None else {"replication": {**params, "max_groups": 1}}
    result = run(small_config(seed, days=300, size=4000, policies=policies))
    ts = result.timeseries
    total = ts.groupby("day")[["members", "active_members"]].sum()
    child = ts[ts["group"] == 1]
    return {"final_members": int(total["members"].iloc[-1]), "active_member_days": int(total["active_members"].sum()),
            "child_founded": int(child["day"].iloc[0]) if len(child) else -1,
            "child_first": int(child["members"].iloc[0]) if len(child) else 0,
            "child_final": int(child["members"].iloc[-1]) if len(child) else 0,
            "child_grown_from_pool": int(child[["joins_invited", "joins_recruited"]].sum().sum()),
            "result": result}


def mean(arm: str, key: str) -> float:
    return float(np.mean([outcome(arm, s)[key] for s in SEEDS]))


# ----------------------------------------------------------------------------- the triggers, in isolation
def phase_model(monkeypatch, sizes_then, sizes_now, active, peak, day=40, founded_day=0):
    """A one-group model whose phase trigger reads the given numbers."""
    model = CommunityModel(small_config(0, days=5, policies={"replication": {"when": "phase"}}))
    policy = model.policies["replication"]
    model.calendar.day, model.groups.founded_day[0] = day, founded_day
    model.group_sizes = np.array([sizes_now, 0, 0])
    policy.sizes = deque([np.array([sizes_then, 0, 0])] + [np.array([sizes_now, 0, 0])] * 14, maxlen=15)
    policy.peak_active = np.array([peak, 0, 0])
    monkeypatch.setattr(replication, "active_members", lambda m: np.array([active, 0, 0]))
    return bool(policy.ready(model)[0])


def test_phase_trigger_rule(monkeypatch):
    # defaults: growth < 5 % over 14 days, weekly active share >= 15 %, active >= 80 % of the running peak
    assert phase_model(monkeypatch, 480, 500, active=80, peak=90)  # +4.2 %, 16 %, 89 % of peak
    assert not phase_model(monkeypatch, 470, 500, active=80, peak=90)  # +6.4 %: still growing fast
    assert not phase_model(monkeypatch, 480, 500, active=70, peak=80)  # 14 % active: past its prime
    assert not phase_model(monkeypatch, 480, 500, active=80, peak=101)  # 79 % of the peak: declining
    assert not phase_model(monkeypatch, 480, 500, active=80, peak=90, day=25)  # younger than min_age_days


def test_size_tie_density_and_team_capacity_triggers():
    model = CommunityModel(small_config(0, days=40, size=1500, policies={"replication": {"max_groups": 1}}))
    model.run(40)
    policy, people = model.policies["replication"], model.people
    size = int(model.group_sizes[0])
    ties = float(people.ties_inside[model.members_of(0)].mean())
    motivation = sorted(o.motivation for o in model.organizers)
    cases = {("size", "min_members", size): True, ("size", "min_members", size + 1): False,
             ("tie_density", "min_ties_per_member", ties - 0.01): True,
             ("tie_density", "min_ties_per_member", ties + 0.01): False,
             ("team_capacity", "min_motivation", motivation[0] - 0.01): True,  # both organizers motivated
             ("team_capacity", "min_motivation", motivation[0] + 0.001): False}  # only one
    for (when, key, value), expected in cases.items():
        policy.params = dataclasses.replace(policy.params, when=when, **{key: value})
        assert bool(policy.ready(model)[0]) == expected, (when, key, value)
    assert not policy.ready(model)[1:].any()  # reserved slots are never ready


# ----------------------------------------------------------------------------- the move
def test_replication_moves_an_admin_a_kol_and_a_share_of_active_members():
    result = outcome("peak", 0)["result"]
    ev = result.events
    rep = ev[(ev["source"] == "replication") & (ev["action"] == "replicate")].iloc[0]
    day, ts, members = int(rep["day"]), result.timeseries, result.members
    row = ts[(ts["day"] == day)].set_index("group")
    assert row.loc[0, "moved_out"] == row.loc[1, "joins_moved"] == rep["target_count"]
    assert "(admin)" in rep["detail"] and "1 KOL" in rep["detail"]
    moved = members[members["via"] == "moved"]
    assert len(moved) == rep["target_count"]
    assert set(moved["role"]) >= {"owner", "kol"}  # the admin now owns the clone; the KOL came along
    # a share (30 %) of the parent's active members the evening before, plus the admin and the KOL
    active_before = int(ts[(ts["day"] == day - 1) & (ts["group"] == 0)]["active_members"].iloc[0])
    assert 0.15 * active_before <= rep["target_count"] - 2 <= 0.35 * active_before


def test_without_an_admin_the_most_vocal_mover_is_promoted():
    cfg = small_config(2, days=90, size=2000, policies={"replication": {"when": "size", "min_members": 120,
                                                                        "max_groups": 1}})
    cfg = dataclasses.replace(cfg, groups=GroupsConfig(admins=0))
    model = CommunityModel(cfg)
    model.run()
    ev = [e for e in model.events if e[3] == "replication"]
    assert len(ev) == 1 and "promoted member" in ev[0][8]
    owner = [o for o in model.organizers if o.group == 1]
    assert len(owner) == 1 and owner[0].role == ROLE_OWNER
    assert model.people.role[[o.person for o in model.organizers if o.group == 0]].tolist() == [ROLE_OWNER]
    assert (model.people.role[model.members_of(1)] != ROLE_MEMBER).sum() == 2  # the new owner and the KOL


def test_min_days_between_and_max_groups_bound_the_clones():
    policies = {"replication": {"when": "size", "min_members": 60, "max_groups": 3, "min_days_between": 40,
                                "min_age_days": 0}}
    result = run(small_config(1, days=150, size=3000, policies=policies))
    days = result.events.query("source == 'replication' and action == 'replicate'")["day"].to_numpy()
    assert len(days) == 3 and (np.diff(days) >= 40).all()
    assert result.summary["headline"]["groups"] == 4


# ----------------------------------------------------------------------------- timing: early, at the peak, late
def test_replication_adds_members_and_the_clone_lives_its_own_life():
    """Over 4 seeds: 4000 people, 300 days; one clone at 150 members (early), at the peak (phase), or on day 200.

    Measured (means over seeds 0-3): final members across groups: none 500, early 920, peak 999, late 764;
    the clone grows by 474 (early, founded day 40-56), 473 (peak, day 89-122), 248 (late, day 200) members.
    """
    base = mean("none", "final_members")
    for arm in ("early", "peak", "late"):
        for s in SEEDS:
            o = outcome(arm, s)
            assert o["final_members"] >= outcome("none", s)["final_members"] + 100, (arm, s)
            assert o["child_founded"] > 0
            # its own lifecycle: it grows from the pool after founding (invited and recruited, not moved)
            assert o["child_final"] >= 3 * o["child_first"] and o["child_grown_from_pool"] >= 100, (arm, s)
        assert mean(arm, "final_members") >= 1.4 * base, arm
    assert mean("peak", "final_members") >= 1.8 * base


def test_timing_changes_the_outcome():
    for s in SEEDS:  # early fires before the peak, which fires before day 200
        assert 0 < outcome("early", s)["child_founded"] < outcome("peak", s)["child_founded"] < 200
        assert outcome("late", s)["child_founded"] == 200
    # cloning late leaves the clone less time to grow: fewer members at the horizon and fewer active member-days
    assert mean("peak", "final_members") - mean("late", "final_members") >= 100
    assert mean("peak", "active_member_days") >= 1.1 * mean("late", "active_member_days")
    assert mean("late", "child_final") <= mean("peak", "child_final") - 100


# ----------------------------------------------------------------------------- costs, conservation, validation
def test_costs_add_up_and_moves_conserve_members():
    result = outcome("early", 1)["result"]
    ev, ts, totals = result.events, result.timeseries, result.summary["policies"]["replication"]
    mine = ev[ev["source"] == "replication"]
    assert totals["organizer_minutes"] == pytest.approx(mine["organizer_minutes"].sum()) == 60.0
    assert ts["policy_minutes"].sum() == pytest.approx(60.0)  # claimed from the parent's budget that morning
    assert totals["spend_yuan"] == 0 and totals["actions"] == 1
    for g, series in ts.groupby("group"):
        assert (series["joins"].cumsum() == series["members"] + series["exits"].cumsum()
                + series["moved_out"].cumsum()).all(), g


def test_no_time_no_clone():
    # the set-up takes more than the two organizers' day (2 x 60 minutes): it never happens, and says so
    policies = {"replication": {"when": "size", "min_members": 100, "setup_minutes": 150.0}}
    result = run(small_config(0, days=80, size=2000, policies=policies))
    totals = result.summary["policies"]["replication"]
    assert totals["actions"] == 0 and totals["skipped_no_time"] > 0
    assert result.summary["headline"]["groups"] == 1 and result.timeseries["moved_out"].sum() == 0


@pytest.mark.parametrize("key, value", [("when", "sometimes"), ("move_share", 0.0), ("move_share", 1.5),
                                        ("min_members", 1), ("max_growth_share", 2.0), ("max_groups", -1),
                                        ("setup_minutes", -5.0)])
def test_bad_parameters_name_the_key(key, value):
    with pytest.raises(ConfigError) as err:
        small_config(policies={"replication": {key: value}})
    assert err.value.key == f"policy.replication.{key}"


def test_same_seed_same_run_with_replication():
    policies = {"replication": {"when": "size", "min_members": 100, "min_days_between": 30, "min_age_days": 0}}
    a = run(small_config(4, days=120, size=2000, policies=policies))
    b = run(small_config(4, days=120, size=2000, policies=policies))
    assert a.summary["headline"]["groups"] >= 2
    assert a.timeseries.equals(b.timeseries) and a.events.equals(b.events) and a.members.equals(b.members)
