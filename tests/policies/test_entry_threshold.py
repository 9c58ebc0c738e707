"""Entry threshold: acceptance curves, who passes which kind, screening against no policy, money, validation."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import ConfigError
from sim.policies import spec
from sim.policies.entry_threshold import fee_accept_probability, task_pass_probability
from sim.population import POOL, VIA_SEED

from conftest import small_config

SEEDS = range(6)


# ----------------------------------------------------------------------------- the curves, by hand
def test_fee_acceptance_falls_with_the_fee_and_rises_with_interest():
    p = fee_accept_probability(18.8, np.array([1.0, 0.5, 0.1]), 50.0)
    assert p == pytest.approx(np.exp([-0.376, -0.752, -3.76]))
    assert fee_accept_probability(0.0, np.array([0.1]), 50.0)[0] == 1.0  # no fee, no filter
    fees = np.array([1.0, 10.0, 50.0, 200.0])
    assert (np.diff(fee_accept_probability(fees, np.full(4, 0.5), 50.0)) < 0).all()
    assert fee_accept_probability(18.8, np.array([0.0]), 50.0)[0] == 0.0  # no interest, no payment


def test_task_pass_rises_with_interest_and_propensity():
    p = task_pass_probability(np.array([0.8, 0.8, 0.4]), np.array([0.015, 0.045, 0.015]), 0.015)
    assert p == pytest.approx([0.4, 0.6, 0.2])


# ----------------------------------------------------------------------------- the screen on a tiny model
def tiny(**params):
    model = CommunityModel(small_config(size=400, policies={"entry_threshold": params}, count=2))
    model.calendar.day = 5
    model._start_day()
    return model, model.policies["entry_threshold"]


def test_fee_screen_passes_at_the_curve_rate():
    model, policy = tiny(kind="fee", fee_yuan=18.8)
    pool = np.flatnonzero(model.people.status == POOL)
    people = np.tile(pool, 40)
    groups = np.zeros(len(people), dtype=np.int64)
    expected = fee_accept_probability(18.8, model.people.match[people, model.groups.topic[0]], 50.0).mean()
    passed = policy.screen(model, people, groups)
    assert passed.mean() == pytest.approx(expected, abs=0.01)
    match = model.people.match[people, model.groups.topic[0]]
    assert match[passed].mean() > match.mean() + 0.1  # screening selects the interested


def test_invitation_only_passes_friends_of_the_team_of_that_group_only():
    model, policy = tiny(kind="invitation_only")
    graph, people, team = model.graph, model.people, model.team
    owner0, owner1 = model.groups.owner
    admin0 = next(int(team.person[s]) for s in team.active_slots(organizer=True)
                  if team.group[s] == 0 and team.person[s] != owner0)
    friends = lambda p: set(graph.neighbors(np.array([p]))[1].tolist())  # noqa: E731
    slots = team.active_slots(organizer=True)
    team_friends = [set().union(*(friends(p) for p in team.person[slots][team.group[slots] == g])) for g in (0, 1)]
    pool = set(np.flatnonzero(people.status == POOL).tolist())
    of_owner = min(friends(owner0) & pool)
    of_admin = min((friends(admin0) & pool) - friends(owner0))
    stranger = min(pool - team_friends[0])
    cand = np.array([of_owner, of_admin, stranger, of_owner])
    passed = policy.screen(model, cand, np.array([0, 0, 0, 1]))
    assert passed[:3].tolist() == [True, True, False]
    assert passed[3] == (of_owner in team_friends[1])  # the same person, trying the other group
    assert owner1 >= 0


def test_task_reviews_only_what_the_time_set_aside_allows():
    model, policy = tiny(kind="task", minutes_per_review=2.0)
    policy.submissions[:] = [100, 0]  # yesterday's submissions; two organizers: 120 minutes
    policy.plan_day(model)
    day = model.day_state
    assert policy.review_capacity.tolist() == [60, 0]
    assert day.policy_minutes[0] == pytest.approx(120.0)
    assert day.policy_minutes_short[0] == pytest.approx(80.0)  # the rest is overload
    pool = np.flatnonzero(model.people.status == POOL)[:100]
    model.people.match[pool, model.groups.topic[0]] = 1.0
    model.people.propensity[pool] = 1e6  # everyone reviewed would pass
    passed = policy.screen(model, pool, np.zeros(100, dtype=np.int64))
    assert passed.sum() == 60
    review = [e for e in model.events if e[4] == "task_review" and e[7] > 0]
    assert review[-1][5] == 60 and review[-1][7] == pytest.approx(120.0)
    assert policy.submissions.tolist() == [100, 0]  # tomorrow's time set aside


def test_those_who_passed_get_the_committed_exit_factor():
    model, policy = tiny(kind="fee", committed_exit_factor=0.3)
    crowd = model.day_state.crowd
    policy.passed[crowd[:5]] = True
    policy.plan_day(model)
    factor = model.day_state.exit_factor
    assert factor[:5] == pytest.approx(0.3) and factor[5:] == pytest.approx(1.0)


# ----------------------------------------------------------------------------- against no policy
@functools.lru_cache(maxsize=None)
def outcome(seed: int, kind: str | None, days: int = 365) -> dict:
    policies = None if kind is None else {"entry_threshold": {"kind": kind}}
    result = run(small_config(seed, days=days, size=1200, policies=policies))
    ts, mem = result.timeseries, result.members
    joiners = mem[mem["via"] != "seed"]
    voluntary = ts["exits"].sum() - ts["exits_burnout"].sum()
    return {"joins": int(len(joiners)), "relevance": float(joiners["interest_match"].mean()),
            "exits_per_member_day": voluntary / ts["members"].sum(), "recruited": int(ts["joins_recruited"].sum()),
            "result": result}


def paired(kind: str, key: str) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([outcome(s, None)[key] for s in SEEDS]), np.array([outcome(s, kind)[key] for s in SEEDS]))


def test_a_fee_lowers_inflow():
    base, fee = paired("fee", "joins")
    assert fee.mean() < 0.7 * base.mean()  # measured: about 0.4 x
    assert (fee < base).all()


def test_a_fee_raises_the_interest_match_of_joiners():
    base, fee = paired("fee", "relevance")
    assert fee.mean() > base.mean() + 0.07  # measured: 0.53 -> 0.65
    assert (fee > base).all()


def test_a_fee_lowers_exits_per_member():
    base, fee = paired("fee", "exits_per_member_day")
    assert fee.mean() < 0.85 * base.mean()  # measured: 1.04 -> 0.63 per 1000 member-days
    assert (fee < base).sum() >= 5


def test_a_task_screens_harder_and_costs_review_time():
    base_joins, task_joins = paired("task", "joins")
    base_rel, task_rel = paired("task", "relevance")
    assert task_joins.mean() < 0.4 * base_joins.mean()
    assert task_rel.mean() > base_rel.mean() + 0.07
    result = outcome(0, "task")["result"]
    rows = result.events[result.events["source"] == "entry_threshold"]
    minutes = rows["organizer_minutes"].sum()
    assert minutes > 100
    assert minutes == pytest.approx(result.timeseries["policy_minutes"].sum())
    assert minutes == pytest.approx(result.summary["policies"]["entry_threshold"]["organizer_minutes"], abs=0.1)
    reviewed = rows[rows["action"] == "task_review"]["target_count"].sum()
    assert reviewed >= outcome(0, "task")["joins"]


def test_invitation_only_admits_only_friends_of_the_team():
    config = small_config(1, days=200, size=1200, policies={"entry_threshold": {"kind": "invitation_only"}})
    model = CommunityModel(config)
    model.run()
    people = model.people
    joiners = np.flatnonzero((people.via != VIA_SEED) & (people.joined_day >= 0))
    organizers = model.team.person[model.team.organizer]
    _, friends, _ = model.graph.neighbors(organizers)
    assert len(joiners) > 10
    assert np.isin(joiners, friends).all()
    base = run(small_config(1, days=200, size=1200))
    assert len(joiners) < 0.5 * int(base.timeseries["joins"].iloc[1:].sum())


# ----------------------------------------------------------------------------- money, determinism
def test_fees_add_up():
    result = outcome(2, "fee")["result"]
    mem, ev = result.members, result.events
    admitted = int((mem["via"] != "seed").sum())
    assert admitted > 50
    assert mem["paid_yuan"].sum() == pytest.approx(18.8 * admitted)
    assert (mem.loc[mem["via"] == "seed", "paid_yuan"] == 0).all()
    rows = ev[(ev["source"] == "entry_threshold") & (ev["action"] == "fee_collected")]
    assert rows["target_count"].sum() == admitted
    income = sum(float(re.match(r"income_yuan=([\d.]+)", d).group(1)) for d in rows["detail"])
    assert income == pytest.approx(mem["paid_yuan"].sum(), abs=0.01 * len(rows))
    totals = result.summary["policies"]["entry_threshold"]
    assert totals["spend_yuan"] == 0 and totals["organizer_minutes"] == 0  # the operator spends nothing
    assert totals["income_yuan"] == pytest.approx(mem["paid_yuan"].sum())


@pytest.mark.parametrize("kind", ["fee", "task", "invitation_only"])
def test_same_seed_same_run(kind):
    config = small_config(3, days=80, size=800, policies={"entry_threshold": {"kind": kind}})
    a, b = run(config), run(config)
    assert a.timeseries.equals(b.timeseries)
    assert a.events.equals(b.events)


# ----------------------------------------------------------------------------- validation and CLI
@pytest.mark.parametrize("key, value", [("kind", "bribe"), ("fee_yuan", -1.0), ("fee_tolerance_yuan", 0.0),
                                        ("task_half_propensity_posts_per_day", 0.0), ("minutes_per_review", -2.0),
                                        ("committed_exit_factor", 1.5)])
def test_bad_values_name_the_key(key, value):
    with pytest.raises(ConfigError, match=f"policy.entry_threshold.{key}"):
        spec("entry_threshold", **{key: value})
