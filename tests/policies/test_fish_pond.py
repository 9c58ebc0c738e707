"""Fish pond: probe, bite and move by hand; segmentation against no policy; flows and costs; validation."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import ConfigError, OrganizerConfig
from sim.policies import spec
from sim.population import MEMBER, VIA_MOVED

from conftest import small_config

SEEDS = range(4)
FOCUSED = [1, 2]


# ----------------------------------------------------------------------------- the rule, by hand
def probe_day(**params):
    """Three founded groups of 16 on day 7 (a probe day), the pond's plan made, nobody has posted yet."""
    model = CommunityModel(small_config(size=500, policies={"fish_pond": params}, count=3))
    model.calendar.day = 7
    model._start_day()
    policy = model.policies["fish_pond"]
    policy.plan_day(model)
    model.day_state.posts = np.zeros(len(model.day_state.crowd), dtype=np.int32)
    return model, policy


def test_a_probe_costs_time_adds_a_post_and_stirs_the_matched():
    model, policy = probe_day()
    day, people = model.day_state, model.people
    assert policy.target == 1  # the focused groups take turns, the first one first
    assert day.policy_posts.tolist() == [1.0, 0.0, 0.0]
    minutes = 10 * OrganizerConfig().minutes_per_lead + 10.0  # ten leads, one probe
    assert day.policy_minutes[0] == pytest.approx(minutes)
    assert day.leads[0] == pytest.approx(10.0)
    rows = np.flatnonzero(day.group == 0)
    match = people.match[day.crowd[rows], model.groups.topic[1]]
    assert day.post_factor[rows] == pytest.approx(1.0 + match)
    assert day.post_factor[day.group != 0] == pytest.approx(1.0)


def test_posters_who_match_the_probed_topic_move_with_their_tenure():
    model, policy = probe_day()
    day, people = model.day_state, model.people
    topic = model.groups.topic[1]
    rows = np.flatnonzero(day.group == 0)[:3]
    a, b, c = day.crowd[rows]
    people.match[[a, b, c], topic] = [0.9, 0.5, 0.95]
    day.posts[rows[:2]] = 1  # a and b posted; c, well matched, stayed silent
    sat, joined = people.satisfaction[a], people.joined_day[a]
    policy.react(model)
    assert policy.responders.tolist() == [a]
    policy.after_day(model)
    assert people.group[a] == 1 and people.status[a] == MEMBER and people.via[a] == VIA_MOVED
    assert people.joined_day[a] == joined and people.satisfaction[a] == sat  # not an exit and a join
    assert people.relevance[a] == pytest.approx(0.9)
    assert people.group[b] == 0 and people.group[c] == 0
    assert day.joins[VIA_MOVED].tolist() == [0, 1, 0] and day.moved_out.tolist() == [1, 0, 0]
    assert day.exits_by_reason.sum() == 0
    moves = [e for e in model.events if e[4] == "move"]
    assert moves[-1][5] == 1 and moves[-1][7] == pytest.approx(1.0)


def test_moves_stop_at_the_focused_groups_room_best_matched_first():
    model, policy = probe_day()
    day, people = model.day_state, model.people
    model.groups.capacity[1] = int(np.count_nonzero(people.group[people.members] == 1)) + 2
    topic = model.groups.topic[1]
    rows = np.flatnonzero(day.group == 0)[:4]
    who = day.crowd[rows]
    people.match[who, topic] = [0.75, 0.99, 0.8, 0.9]
    day.posts[rows] = 1
    policy.react(model)
    policy.after_day(model)
    assert sorted(who[people.group[who] == 1].tolist()) == sorted([who[1], who[3]])


def test_the_next_probe_goes_to_the_next_focused_group():
    model, policy = probe_day()
    policy.react(model)
    policy.after_day(model)
    model.calendar.day = 14
    model._start_day()
    policy.plan_day(model)
    assert policy.target == 2


# ----------------------------------------------------------------------------- segmentation against no policy
@functools.lru_cache(maxsize=None)
def outcome(seed: int, pond: bool):
    return run(small_config(seed, days=240, size=1500, count=3, policies={"fish_pond": {}} if pond else None))


def focused_stats(result) -> tuple[float, float]:
    """Focused groups: mean interest match of current members, mean weekly active share from day 60."""
    ts, mem = result.timeseries, result.members
    now = mem[mem["group"].isin(FOCUSED) & (mem["status"] == "member")]
    late = ts[ts["group"].isin(FOCUSED) & (ts["day"] >= 60)]
    return now["interest_match"].mean(), late["active_share"].mean()


def test_focused_groups_get_members_who_match_their_topic():
    for s in SEEDS:
        mem = outcome(s, True).members
        moved = mem[mem["via"] == "moved"]
        assert len(moved) > 20
        assert (moved["interest_match"] >= 0.7).all()
        assert moved["group"].isin(FOCUSED).all()
    base = np.array([focused_stats(outcome(s, False)) for s in SEEDS])
    pond = np.array([focused_stats(outcome(s, True)) for s in SEEDS])
    assert (pond[:, 0] > base[:, 0]).all() and pond[:, 0].mean() > base[:, 0].mean() + 0.02  # 0.55 -> 0.58
    assert pond[:, 1].mean() > base[:, 1].mean() + 0.02  # measured: 0.13 -> 0.18
    assert (pond[:, 1] > base[:, 1]).all()


def test_the_pond_fills_with_unscreened_leads():
    for s in SEEDS:
        ts = outcome(s, True).timeseries
        pond = ts[ts["group"] == 0]
        assert pond["joins_recruited"].sum() > 400  # ten leads a day, half accept
        assert pond["members"].iloc[-1] >= 450


# ----------------------------------------------------------------------------- flows, costs, determinism
def test_moves_and_minutes_add_up():
    result = outcome(1, True)
    ts, ev, totals = result.timeseries, result.events, result.summary["policies"]["fish_pond"]
    rows = ev[ev["source"] == "fish_pond"]
    moved = rows[rows["action"] == "move"]["target_count"].sum()
    assert moved == ts["joins_moved"].sum() == ts.loc[ts["group"] == 0, "moved_out"].sum()
    assert moved == (result.members["via"] == "moved").sum()
    assert rows["organizer_minutes"].sum() == pytest.approx(ts["policy_minutes"].sum())
    assert rows["organizer_minutes"].sum() == pytest.approx(totals["organizer_minutes"], abs=0.1)
    assert totals["spend_yuan"] == 0
    for g, series in ts.groupby("group"):  # joins = members + exits + moved out
        assert series["joins"].sum() == series["members"].iloc[-1] + series["exits"].sum() + series["moved_out"].sum()


def test_same_seed_same_run():
    config = small_config(5, days=80, size=900, count=2, policies={"fish_pond": {}})
    a, b = run(config), run(config)
    assert a.timeseries.equals(b.timeseries)
    assert a.events.equals(b.events)


# ----------------------------------------------------------------------------- validation and CLI
def test_one_group_is_not_enough():
    with pytest.raises(ConfigError, match=r"^policy\.fish_pond: needs at least 2 groups"):
        CommunityModel(small_config(size=300, policies={"fish_pond": {}}))


def test_the_pond_must_be_a_group():
    with pytest.raises(ConfigError, match=r"policy\.fish_pond\.pond_group"):
        CommunityModel(small_config(size=300, count=2, policies={"fish_pond": {"pond_group": 2}}))


@pytest.mark.parametrize("key, value", [("pond_group", -1), ("every_days", 0), ("respond_match", 1.5),
                                        ("pond_leads_per_day", -1.0), ("max_moves_per_probe", -1),
                                        ("minutes_per_move", -1.0), ("probe_boost", -0.5)])
def test_bad_values_name_the_key(key, value):
    with pytest.raises(ConfigError, match=f"policy.fish_pond.{key}"):
        spec("fish_pond", **{key: value})
