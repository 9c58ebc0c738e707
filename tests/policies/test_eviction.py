"""Eviction: who is removed and in what order, P7 (elimination with and without fresh inflow), costs, validation."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import EXIT_REASONS, ConfigError, JoinRule, OrganizerConfig
from sim.policies import spec

from conftest import small_config

SEEDS = range(5)
EVICTED = EXIT_REASONS.index("evicted")
LEFT = 2


# ----------------------------------------------------------------------------- the rule, by hand
@pytest.fixture
def staged():
    """A founded group of 41 on day 70 (an eviction day), everyone active and on topic but seven people."""
    def make(**params):
        model = CommunityModel(small_config(size=400, seed_users=40, policies={"eviction": params}))
        model.calendar.day = 70
        model._start_day()
        people, crowd = model.people, model.day_state.crowd
        people.last_active_day[crowd] = 69
        people.joined_day[crowd] = 0
        people.relevance[crowd] = 0.9
        people.spammer[crowd] = False
        a, b, c, d, e, f, g = crowd[:7]
        people.spammer[a], people.last_active_day[a] = True, 68  # a spammer who posted this week
        people.relevance[b], people.last_active_day[b] = 0.1, 66  # off topic, posted this week
        people.relevance[c], people.last_active_day[c] = 0.1, 60  # off topic, silent 10 days: stays
        people.last_active_day[d] = 9  # silent 61 days
        people.last_active_day[e], people.joined_day[e] = -(10**6), 5  # never posted, in for 65 days
        people.last_active_day[f], people.joined_day[f] = -(10**6), 20  # never posted, in for 50 days: stays
        people.last_active_day[g] = 0  # silent 70 days: the longest
        return model, dict(a=a, b=b, c=c, d=d, e=e, f=f, g=g)
    return make


def evening(model):
    policy = model.policies["eviction"]
    policy.plan_day(model)
    policy.after_day(model)
    return policy


def gone(model, who):
    return {k for k, p in who.items() if model.people.status[p] == LEFT}


def test_priority_spammers_then_off_topic_then_longest_silent_within_the_cap(staged):
    model, who = staged(max_per_round=4, minutes_per_removal=1.0)
    evening(model)
    assert gone(model, who) == {"a", "b", "g", "e"}  # d (silent 61 days) is fifth; c and f are spared
    assert (model.people.exit_reason[[who[k] for k in "abge"]] == EVICTED).all()
    assert model.day_state.policy_minutes[0] == pytest.approx(4.0)
    assert model.day_state.exits_by_reason[EVICTED, 0] == 4
    rows = {e[4]: e[5] for e in model.events if e[3] == "eviction"}
    assert rows == {"evict_spammer": 1, "evict_off_topic": 1, "evict_inactive": 2}


def test_everyone_due_goes_without_a_cap_and_newcomers_are_spared(staged):
    model, who = staged(max_per_round=100)
    evening(model)
    assert gone(model, who) == {"a", "b", "d", "e", "g"}
    assert model.people.status[model.day_state.crowd].tolist().count(LEFT) == 5


def test_each_kind_can_be_switched_off(staged):
    model, who = staged(evict_spammers=False, evict_inactive=False)
    evening(model)
    assert gone(model, who) == {"b"}
    model, who = staged(evict_off_topic=False, off_topic_below_match=0.5)
    evening(model)
    assert gone(model, who) == {"a", "d", "e", "g"}


def test_no_round_off_schedule(staged):
    model, who = staged(every_days=30)  # day 70 is not a multiple of 30
    evening(model)
    assert gone(model, who) == set()


def test_organizer_time_limits_removals_and_the_rest_is_overload(staged):
    model, who = staged(max_per_round=4, minutes_per_removal=50.0)  # two organizers: 120 minutes
    evening(model)
    assert gone(model, who) == {"a", "b"}
    day = model.day_state
    assert day.policy_minutes[0] == pytest.approx(100.0)
    assert day.policy_minutes_short[0] == pytest.approx(100.0)
    assert any(e[4] == "skipped_evict" for e in model.events)


def test_refill_recruits_as_many_leads_the_next_morning(staged):
    model, who = staged(max_per_round=4)
    policy = evening(model)
    assert policy.pending_leads[0] == 4
    model.calendar.day = 71
    model._start_day()
    policy.plan_day(model)
    assert model.day_state.leads[0] == pytest.approx(4.0)
    assert model.day_state.policy_minutes[0] == pytest.approx(4 * OrganizerConfig().minutes_per_lead)
    assert policy.pending_leads[0] == 0
    model, _ = staged(max_per_round=4, refill=False)
    assert evening(model).pending_leads[0] == 0


# ----------------------------------------------------------------------------- P7, against no policy
@functools.lru_cache(maxsize=None)
def lively(seed: int, params: tuple | None) -> tuple[float, float, int]:
    """Mean weekly active share and active members from day 60, and final members."""
    policies = None if params is None else {"eviction": dict(params)}
    ts = run(small_config(seed, days=240, size=1200, policies=policies)).timeseries
    late = ts["day"] >= 60
    return ts["active_share"][late].mean(), ts["active_members"][late].mean(), int(ts["members"].iloc[-1])


def test_p7_elimination_with_inflow_keeps_the_group_more_active_than_no_elimination():
    base = np.array([lively(s, None) for s in SEEDS])
    evict = np.array([lively(s, ()) for s in SEEDS])  # defaults: refill on, invitations fill vacancies
    gain = evict[:, 0] - base[:, 0]
    assert gain.mean() > 0.025  # measured: 0.150 -> 0.191
    assert (gain > 0).all()
    assert evict[:, 1].mean() > base[:, 1].mean()  # more active members, not only a smaller group


def test_refill_keeps_more_members_and_more_of_them_active():
    refill = np.array([lively(s, ()) for s in SEEDS])
    none = np.array([lively(s, (("refill", False),)) for s in SEEDS])
    assert refill[:, 2].mean() > none[:, 2].mean() + 50  # measured: 367 vs 276 members at the end
    assert refill[:, 1].mean() > none[:, 1].mean() + 3


def closed(seed: int, policies) -> CommunityModel:
    """A group of 301 founders that nobody else ever joins (no invitations, no recruiting)."""
    c = small_config(seed, days=150, size=1200, policies=policies, seed_users=300)
    c = dataclasses.replace(c, rules=dataclasses.replace(c.rules, join=JoinRule(p_one_active_friend_per_day=0.0)),
                            organizers=OrganizerConfig(leads_per_day=0.0))
    return run(c).timeseries


def test_p7_elimination_without_inflow_shrinks_the_group():
    for seed in range(3):
        base = closed(seed, None)
        bare = closed(seed, {"eviction": {"refill": False}})
        refill = closed(seed, {"eviction": {"refill": True}})
        assert base["joins"].iloc[1:].sum() == 0 and bare["joins"].iloc[1:].sum() == 0
        assert base["members"].iloc[-1] > 250  # measured: about 280
        assert bare["members"].iloc[-1] < 0.3 * base["members"].iloc[-1]  # measured: about 50
        assert bare["exits_evicted"].sum() > 150
        assert refill["members"].iloc[-1] > bare["members"].iloc[-1] + 30  # replacements come in


# ----------------------------------------------------------------------------- costs, determinism
def test_costs_add_up_and_exits_are_counted():
    result = run(small_config(2, days=150, size=1000, policies={"eviction": {"max_per_round": 20}}))
    ev, ts, totals = result.events, result.timeseries, result.summary["policies"]["eviction"]
    rows = ev[ev["source"] == "eviction"]
    assert rows["organizer_minutes"].sum() == pytest.approx(totals["organizer_minutes"], abs=0.1)
    assert rows["organizer_minutes"].sum() == pytest.approx(ts["policy_minutes"].sum())
    removed = rows[rows["action"].str.startswith("evict_")]["target_count"].sum()
    assert removed > 50
    assert removed == ts["exits_evicted"].sum() == (result.members["exit_reason"] == "evicted").sum()
    removals = rows[rows["action"].str.startswith("evict_")]
    assert removals["organizer_minutes"].sum() >= removed * 1.0  # one minute each, the few who left first too
    leads = rows[rows["action"] == "recruit_replacements"]["target_count"].sum()
    assert removed - 20 <= leads <= removed  # the last round's replacements may still be pending
    assert totals["spend_yuan"] == 0


def test_same_seed_same_run():
    config = small_config(4, days=100, size=800, policies={"eviction": {}})
    a, b = run(config), run(config)
    assert a.timeseries.equals(b.timeseries)
    assert a.events.equals(b.events)


# ----------------------------------------------------------------------------- validation and CLI
@pytest.mark.parametrize("key, value", [("every_days", 0), ("inactive_days", 0), ("off_topic_below_match", 1.5),
                                        ("max_per_round", -1), ("minutes_per_removal", -1.0),
                                        ("refill", "yes")])
def test_bad_values_name_the_key(key, value):
    with pytest.raises(ConfigError, match=f"policy.eviction.{key}"):
        spec("eviction", **{key: value})
