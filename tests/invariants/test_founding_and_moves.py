"""Invariants with groups founded mid-run and members moving between groups (replication, 复制).

Reserved group slots stay empty until founded; a move (cross-introduction) keeps one state per person,
keeps ties and the join frontier exact, and per group: joins (incl. moved in) = members + exits + moved out.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import GroupsConfig
from sim.population import MEMBER, ROLE_KOL, ROLE_MEMBER, VIA_NAMES

from conftest import small_config
from test_invariants import brute_frontier, brute_ties_inside, check_state

REPLICATE = {"when": "size", "min_members": 100, "max_groups": 2, "min_days_between": 25, "min_age_days": 10,
             "move_share": 0.4}


def replicating_config(seed: int, days: int = 130):
    cfg = small_config(seed=seed, days=days, size=2000, policies={"replication": REPLICATE})
    return dataclasses.replace(cfg, groups=GroupsConfig(count=1, capacity=150, seed_users=10))


def check_founded_only(model) -> None:
    groups, people = model.groups, model.people
    idle = ~groups.founded
    assert (people.group_sizes()[idle] == 0).all()
    assert (groups.capacity[idle] == 0).all() and (groups.owner[idle] == -1).all()
    assert (groups.founded_day[idle] == -1).all() and (groups.founded_day[~idle] <= max(model.calendar.day, 0)).all()
    team = model.team
    assert groups.founded[team.group[team.active_slots()]].all(), "an organizer or KOL in an unfounded group"


def check_ties_and_frontier(model) -> None:
    m = model.people.members
    np.testing.assert_allclose(model.people.ties_inside[m], brute_ties_inside(model)[m], atol=1e-4)
    f = model.people.frontier
    brute = brute_frontier(model)
    for (q, g), k in brute.items():
        assert f.count(q, g) == k


def test_reserved_slots_are_allocated_everywhere_and_empty():
    model = CommunityModel(replicating_config(0))
    G = 1 + REPLICATE["max_groups"]
    assert model.groups.count == model.people.n_groups == model.people.frontier.n_groups == G
    assert model.day_state.n_groups == model.recorder.n_groups == G
    assert model.groups.founded.tolist() == [True, False, False]
    check_founded_only(model)
    model.step()
    assert set(model.recorder.frame()["group"]) == {0}  # only founded groups are reported


@pytest.mark.parametrize("seed", [0, 1])
def test_daily_invariants_with_founding_and_moves(seed):
    model = CommunityModel(replicating_config(seed))
    moved_days = 0
    for day in range(130):
        model.step()
        check_state(model)  # one state per person, capacity, core team inside its group
        check_founded_only(model)
        if model.day_state.moved_out.any():
            moved_days += 1
            check_ties_and_frontier(model)  # right after a move
        elif day % 40 == 39:
            check_ties_and_frontier(model)
    assert moved_days == 2 and model.groups.founded.all(), "both reserved groups should have been founded"
    ts = model.recorder.frame()
    for g, series in ts.groupby("group"):
        assert series["day"].iloc[0] == model.groups.founded_day[g]  # reported from its founding day on
        assert (np.diff(series["day"]) == 1).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_conservation_per_group_with_moves(seed):
    result = run(replicating_config(seed))
    ts, members, events = result.timeseries, result.members, result.events
    assert ts["moved_out"].sum() > 0 and ts["joins_moved"].sum() == ts["moved_out"].sum()
    for g, series in ts.groupby("group"):
        # every day: joins so far (incl. moved in) = members + exits so far + moved out so far
        joins = series["joins"].cumsum()
        assert (joins == series["members"] + series["exits"].cumsum() + series["moved_out"].cumsum()).all(), g
        assert (series["joins"] == sum(series[f"joins_{v}"] for v in VIA_NAMES)).all()
        rows = members[members["group"] == g]  # people by their last group
        present, left = int((rows["status"] == "member").sum()), int((rows["status"] == "left").sum())
        assert int(joins.iloc[-1]) == present + left + int(series["moved_out"].sum())
        assert int(series["exits"].sum()) == left
        assert int(series["members"].iloc[-1]) == present
    assert members["person"].is_unique
    moved = members[members["via"] == "moved"]
    assert len(moved) == ts["joins_moved"].sum()
    assert ((moved["status"] == "left") == (moved["left_day"] >= 0)).all()  # a move is not an exit
    # founded groups only, each with a founding event naming its parent
    founded = events[events["action"] == "group_founded"]
    assert sorted(founded["group"]) == sorted(ts["group"].unique())
    assert founded.loc[founded["group"] > 0, "detail"].str.contains("parent").all()
    for g, info in result.summary["groups"].items():
        assert info["founded_day"] == int(ts.loc[ts["group"] == int(g), "day"].min())
        assert (info["parent"] == -1) == (int(g) == 0)


def test_move_keeps_satisfaction_and_tenure_and_carries_core_team_agents():
    cfg = dataclasses.replace(small_config(seed=3, days=40, size=2000, policies={"replication": {"max_groups": 1}}),
                              groups=GroupsConfig(count=1, capacity=300, seed_users=12))
    model = CommunityModel(cfg)
    for _ in range(40):
        model.step()
    people = model.people
    members = model.members_of(0)
    ordinary = members[people.role[members] == ROLE_MEMBER][:20]
    kol = next(k for k in model.kols if k.group == 0)
    before = {name: getattr(people, name)[ordinary].copy() for name in ("satisfaction", "joined_day", "posts_total")}
    size0 = len(members)
    model.day_state.moved_out[:] = 0
    new = model.found_group(int(ordinary[0]), np.r_[ordinary[1:], kol.person], kols=[kol.person], parent=0)
    assert new == 1 and model.groups.founded[1] and model.groups.parent[1] == 0
    assert (people.status[ordinary] == MEMBER).all() and (people.group[ordinary] == 1).all()
    for name, values in before.items():
        np.testing.assert_array_equal(getattr(people, name)[ordinary], values, err_msg=name)
    assert (people.left_day[ordinary] == -1).all() and (people.exit_reason[ordinary] == -1).all()
    assert VIA_NAMES[people.via[ordinary[1]]] == "moved"
    assert kol.group == 1 and people.role[kol.person] == ROLE_KOL and kol.active
    owner = [o for o in model.organizers if o.group == 1]
    assert len(owner) == 1 and owner[0].person == ordinary[0] and model.groups.owner[1] == ordinary[0]
    assert model.day_state.moved_out[0] == 21 and model.day_state.joins[VIA_NAMES.index("moved"), 1] == 21
    assert len(model.members_of(0)) == size0 - 21
    check_state(model)
    check_ties_and_frontier(model)
    with pytest.raises(RuntimeError, match="reserved"):
        model.found_group(int(model.members_of(0)[-1]))
