"""Check-ins (打卡): the habit rule, the five rule sets' differences, effects vs no policy, costs, time, validation."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import ConfigError, OrganizerConfig
from sim.outputs import events_frame
from sim.policies import spec
from sim.policies.check_in import CheckInParams, checkin_probability

from conftest import small_config

SEEDS = range(6)
DAYS, SIZE = 240, 1200
LATE_DAY = 120  # from the fifth cycle on, when a repeated task has gone stale


@dataclasses.dataclass
class Outcome:
    series: pd.DataFrame
    events: pd.DataFrame
    policy: object  # the CheckIn instance after the run (history, exposure), or None
    enrolled_novelty: float  # mean novelty of the enrolled, days LATE_DAY..DAYS


@functools.lru_cache(maxsize=None)
def outcome(rule_set: str | None, seed: int, **params) -> Outcome:
    policies = {} if rule_set is None else {"check_in": {"rule_set": rule_set, **params}}
    model = CommunityModel(small_config(seed, days=DAYS, size=SIZE, policies=policies))
    policy = model.policies["check_in"] if rule_set else None
    novelty = []
    for day in range(DAYS):
        model.step()
        if policy is not None and day >= LATE_DAY and policy.enrolled.any():
            novelty.append(float(model.people.novelty[policy.enrolled].mean()))
    return Outcome(model.recorder.frame(), events_frame(model.events), policy,
                   float(np.mean(novelty)) if novelty else float("nan"))


def active_share(o: Outcome) -> float:
    ts = o.series
    return float(ts.loc[ts["day"] >= 14, "active_share"].mean())  # the programme runs from day 14


def exits_per_1000_enrolled_days(o: Outcome) -> float:
    return 1000.0 * o.policy.left_enrolled.sum() / o.policy.enrolled_days.sum()


def completion(o: Outcome) -> float:
    return float(np.mean([h["completion"] for h in o.policy.history]))


# ----------------------------------------------------------------------------- the rule in isolation
def test_checkin_probability_by_hand():
    p = CheckInParams()  # start 0.4, +0.02 per streak day, cap 0.95
    streak = np.array([0, 10, 10, 10, 100])
    difficulty = np.array([0.5, 0.5, 0.9, 0.5, 0.5])
    boost = np.array([0.0, 0.0, 0.0, 0.2, 0.0])
    got = checkin_probability(p, streak, difficulty, boost)
    assert got == pytest.approx([0.4, 0.6, 0.6 * 0.6, 0.6 + 0.2 * 0.4, 0.95])


def test_deposit_scales_exit_hazard_of_those_with_money_at_stake():
    cfg = small_config(0, days=40, size=800, policies={"check_in": {"rule_set": "deposit", "start_day": 5,
                                                                   "deposit_yuan": 30.0, "sunk_cost_scale_yuan": 30.0,
                                                                   "forfeit_per_miss_yuan": 2.0}})
    model = CommunityModel(cfg)
    policy = model.policies["check_in"]
    checked = 0
    for _ in range(30):
        model.step()
        day = model.day_state
        stake = policy.enrolled[day.crowd] & (policy.deposit_left[day.crowd] > 0)
        if not stake.any():
            continue
        checked += 1
        expected = np.exp(-policy.deposit_left[day.crowd[stake]] / 30.0)
        assert day.exit_factor[stake] == pytest.approx(expected, rel=1e-5)
        assert (day.exit_factor[~stake] == 1.0).all()
        # what each one has left = 30 - 2 per miss (never below 0)
        left = policy.deposit_left[day.crowd[stake]]
        assert left == pytest.approx(np.maximum(30.0 - 2.0 * policy.misses[day.crowd[stake]], 0.0))
    assert checked >= 20


def test_a_checkin_is_a_post_that_marks_the_member_active_and_a_miss_breaks_the_streak():
    cfg = small_config(2, days=40, size=800, policies={"check_in": {"start_day": 3}})
    model = CommunityModel(cfg)
    policy = model.policies["check_in"]
    seen_checkins = 0
    for _ in range(30):
        streak_before = policy.streak.copy()
        posts_before = model.people.posts_total.copy()
        model.step()
        day = model.day_state
        if not policy.open[0]:
            continue
        enrolled = np.flatnonzero(policy.enrolled)
        did = enrolled[policy.streak[enrolled] == streak_before[enrolled] + 1]
        missed = enrolled[policy.streak[enrolled] == 0]
        assert len(did) + len(missed) == len(enrolled)
        assert (model.people.last_active_day[did] == day.index).all()
        assert (model.people.posts_total[did] >= posts_before[did] + 1).all()
        assert len(did) == policy.checkins_today[0]
        seen_checkins += len(did)
    assert seen_checkins > 30


def test_incentive_pays_a_reward_for_each_full_streak():
    o = outcome("incentive", 0)
    ev = o.events[o.events["action"] == "streak_reward"]
    assert len(ev) > 0
    rewards = ev["detail"].str.extract(r"^(\d+) rewards")[0].astype(int)
    assert ev["spend_yuan"].to_numpy() == pytest.approx(2.0 * rewards.to_numpy())
    assert ev["organizer_minutes"].to_numpy() == pytest.approx(0.5 * rewards.to_numpy())
    # streaks of 7 in a cycle of 21 days: at most 3 rewards per enrolee and cycle
    assert rewards.sum() <= 3 * sum(h["enrolled"] for h in o.policy.history)


# ----------------------------------------------------------------------------- effects vs no policy
def test_checkins_raise_the_active_share_during_the_programme():
    base = np.array([active_share(outcome(None, s)) for s in SEEDS])
    with_ = np.array([active_share(outcome("incentive", s)) for s in SEEDS])
    assert (with_ - base).mean() > 0.08  # measured: 0.152 -> 0.285
    assert (with_ > base + 0.04).all()


def test_deposit_keeps_the_enrolled_in_better_than_incentive():
    deposit = np.array([exits_per_1000_enrolled_days(outcome("deposit", s)) for s in SEEDS])
    incentive = np.array([exits_per_1000_enrolled_days(outcome("incentive", s)) for s in SEEDS])
    assert deposit.mean() < 0.75 * incentive.mean()  # measured: 0.43 vs 0.75 per 1000 enrolled days
    assert (deposit < incentive).mean() >= 5 / 6


def test_rule_sets_differ_in_habit():
    """Completion (check-ins per enrolee and open day): loss aversion and reminders beat streak rewards;
    elimination drops members from the programme, so few of those enrolled reach the end."""
    inc = np.array([completion(outcome("incentive", s)) for s in SEEDS[:4]])
    dep = np.array([completion(outcome("deposit", s)) for s in SEEDS[:4]])
    sup = np.array([completion(outcome("supervision", s)) for s in SEEDS[:4]])
    eli = np.array([completion(outcome("elimination", s)) for s in SEEDS[:2]])
    assert (dep - inc).min() > 0.05 and (sup - inc).min() > 0.05  # measured: 0.48, 0.48 vs 0.37
    assert eli.max() < 0.5 * inc.min()  # measured: 0.11
    o = outcome("supervision", 0)
    assert (o.events["action"] == "remind").sum() > 0 and (o.events["action"] == "peer_remind").sum() > 0


def test_iteration_changes_the_task_by_completion_and_keeps_it_fresh():
    o = outcome("iteration", 0)
    p = CheckInParams()
    history = o.policy.history
    assert len(history) >= 7
    difficulty = p.difficulty_start
    changes = 0
    for h in history:  # each cycle's revision follows the completion rule
        if h["completion"] < p.low_completion:
            expected = max(0.0, difficulty - p.difficulty_step)
        elif h["completion"] > p.high_completion:
            expected = min(1.0, difficulty + p.difficulty_step)
        else:
            expected = difficulty
        assert h["difficulty"] == pytest.approx(expected)
        changes += expected != difficulty
        difficulty = expected
    assert changes >= 1
    assert (o.events["action"] == "revise_task").sum() == len(history)
    # a new task every cycle: the enrolled stay fresher than under a repeated task (incentive)
    it = np.array([outcome("iteration", s).enrolled_novelty for s in SEEDS[:4]])
    inc = np.array([outcome("incentive", s).enrolled_novelty for s in SEEDS[:4]])
    assert (it - inc).mean() > 0.02 and (it > inc).all()  # measured: +0.04


def test_elimination_removes_members_from_the_programme_and_optionally_the_group():
    kept = outcome("elimination", 0)
    ev = kept.events
    assert ev.loc[ev["action"] == "eliminate", "target_count"].sum() > 50
    assert kept.series["exits_evicted"].sum() == 0
    expel = outcome("elimination", 0, expel_from_group=True)
    ev = expel.events
    expelled = ev.loc[ev["action"] == "expel", "target_count"].sum()
    assert expelled > 50
    assert expel.series["exits_evicted"].sum() == expelled
    assert len(expel.series) == DAYS


# ----------------------------------------------------------------------------- money and time
@pytest.mark.parametrize("rule_set", ["deposit", "incentive"])
def test_costs_add_up_and_money_is_conserved(rule_set):
    r = run(small_config(1, days=120, size=1000, policies={"check_in": {"rule_set": rule_set}}))
    ev = r.events[r.events["source"] == "check_in"]
    totals = r.summary["policies"]["check_in"]
    assert totals["spend_yuan"] == pytest.approx(ev["spend_yuan"].sum(), abs=0.01)
    assert totals["organizer_minutes"] == pytest.approx(ev["organizer_minutes"].sum(), abs=0.05)
    received, paid = r.members["received_yuan"].sum(), r.members["paid_yuan"].sum()
    assert ev["spend_yuan"].sum() - totals["income_yuan"] == pytest.approx(received - paid, abs=0.01)
    assert totals["net_spend_yuan"] == pytest.approx(received - paid, abs=0.01)
    assert (ev["spend_yuan"] >= 0).all()
    assert r.timeseries["policy_spend_yuan"].sum() == pytest.approx(ev["spend_yuan"].sum(), abs=0.01)
    assert r.timeseries["policy_minutes"].sum() == pytest.approx(ev["organizer_minutes"].sum())  # all claimed
    if rule_set == "deposit":
        enrolled = ev.loc[ev["action"] == "enrol", "target_count"].sum()
        assert paid == pytest.approx(30.0 * enrolled)
        assert 0 < received <= paid
        assert np.allclose(r.members["paid_yuan"] % 30.0, 0.0)  # one deposit per cycle enrolled
    else:
        assert paid == 0 and received == pytest.approx(ev.loc[ev["action"] == "streak_reward", "spend_yuan"].sum())
    # organizer work by kind: 30 min per cycle announced, 5 min per task plus 20 per 100 check-ins reviewed
    announced = ev[ev["action"] == "announce_cycle"]
    assert len(announced) == 4 and (announced["organizer_minutes"] == 30.0).all()  # days 14, 43, 72, 101
    tasks = ev[ev["action"] == "daily_task"]
    assert tasks["organizer_minutes"].to_numpy() == pytest.approx(5.0 + 0.2 * tasks["target_count"].to_numpy())


def test_no_organizer_time_no_programme():
    base = small_config(3, days=60, size=1000, policies={"check_in": {}})
    r = run(dataclasses.replace(base, organizers=OrganizerConfig(budget_minutes_per_day=1.0)))
    totals = r.summary["policies"]["check_in"]
    ev = r.events[r.events["source"] == "check_in"]
    assert totals["actions"] == 0 and totals["spend_yuan"] == 0 and totals["organizer_minutes"] == 0
    assert totals["skipped_no_time"] == len(ev) >= 1
    assert set(ev["action"]) == {"skipped_announce_cycle"}
    assert r.timeseries["policy_minutes_short"].sum() == pytest.approx(30.0 * len(ev))


def test_same_seed_same_run():
    cfg = small_config(5, days=60, size=800, policies={"check_in": {"rule_set": "supervision", "start_day": 2}})
    a, b = run(cfg), run(cfg)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events, b.events)


# ----------------------------------------------------------------------------- validation and the CLI
@pytest.mark.parametrize("key,value", [
    ("rule_set", "lottery"),
    ("enrol_share", 1.5),
    ("cycle_days", 0),
    ("deposit_yuan", -1.0),
    ("sunk_cost_scale_yuan", 0.0),
    ("max_misses", 0),
    ("low_completion", 0.9),
    ("colour", "red"),
])
def test_bad_parameters_name_their_key(key, value):
    with pytest.raises(ConfigError, match=rf"policy\.check_in\.{key}"):
        spec("check_in", **{key: value})
