"""Sharing sessions (社群分享): steps and effects, wear-out by repetition, flooding, costs, time, validation."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import SLOTS, ConfigError, OrganizerConfig
from sim.policies import spec

from conftest import small_config

SEEDS = range(4)
SPIKE_SEEDS = range(6)
STEPS = ("warm_up", "introduce_guest", "guide_interaction", "flood_control", "summary", "perks")


@functools.lru_cache(maxsize=None)
def long_run(seed: int, policy: bool):
    """Two years (P3) of a 1200-person world, with varied talks every two weeks or without talks."""
    policies = {"sharing_session": {"vary_topics": True}} if policy else {}
    return run(small_config(seed, days=730, size=1200, policies=policies))


@functools.lru_cache(maxsize=None)
def spike_run(seed: int, vary: bool):
    return run(small_config(seed, days=130, size=1200,
                            policies={"sharing_session": {"first_day": 56, "vary_topics": vary}}))


def excess_posts(result, session: int) -> float:
    """Member posts per 100 members on the day of talk ``session`` (1-based) above the 3 days before."""
    ts = result.timeseries.set_index("day")
    day = result.events.loc[result.events["action"] == "introduce_guest", "day"].to_numpy()[session - 1]
    return float((ts.loc[day, "member_posts"] - ts.loc[day - 3:day - 1, "member_posts"].mean())
                 / ts.loc[day, "members"] * 100)


def applied_effects(vary: bool, sessions: int = 7) -> list[tuple[float, float, float]]:
    """(policy posts, novelty refresh, slot boost) set on each talk day, read off the day's fields."""
    cfg = small_config(0, days=60, size=800, policies={"sharing_session": {"first_day": 4, "every_days": 5,
                                                                          "vary_topics": vary}})
    model = CommunityModel(cfg)
    policy = model.policies["sharing_session"]
    slot = SLOTS.index("evening")
    out = []
    while len(out) < sessions:
        held = int(policy.held[0])
        model.step()
        if policy.held[0] > held:
            day = model.day_state
            out.append((day.policy_posts[0], day.novelty_refresh[0], float(day.slot_boost[0, slot])))
    return out


# ----------------------------------------------------------------------------- the rule in isolation
def test_each_talk_sets_its_effects_and_repetition_wears_them_out():
    same = applied_effects(vary=False)
    # first talk at full strength: 12 guest posts + 1 summary, 0.15 of the novelty gap, boost 2 (all announced)
    assert same[0] == pytest.approx((13.0, 0.15, 2.0))
    for k, (posts, refresh, boost) in enumerate(same):
        s = 0.8 ** k  # repeat_decay per session of the same format
        assert (posts, refresh, boost) == pytest.approx((12.0 * s + 1.0, 0.15 * s, 2.0 * s), rel=1e-6)
    assert same[5][1] < 0.35 * same[0][1]  # the 6th talk refreshes a third of what the 1st did
    varied = applied_effects(vary=True)
    assert varied[0] == pytest.approx(same[0])
    assert all(v[1] > 0.9 * varied[0][1] for v in varied)  # a new topic each time: the effect recovers


def test_steps_run_in_order_and_announcements_come_the_days_before():
    r = run(small_config(1, days=45, size=800, policies={"sharing_session": {}}))
    ev = r.events[r.events["source"] == "sharing_session"]
    talks = ev.loc[ev["action"] == "introduce_guest", "day"].tolist()
    assert talks == [14, 28, 42]
    for day in talks:
        assert ev.loc[ev["day"] == day, "action"].tolist() == [*STEPS, "perks_given"]
        announced = ev.loc[ev["action"] == "announce", "day"]
        assert set(announced[(announced < day) & (announced >= day - 3)]) == {day - 3, day - 2, day - 1}
    assert (ev["slot"] == "evening").all()


def test_flooding_without_control_adds_noise_on_the_talk_day():
    """Same seed, same day: the only difference is flood control (its minutes set to 0 for both)."""
    def first_talk(control: bool):
        r = run(small_config(2, days=15, size=1000, policies={"sharing_session": {
            "flood_control": control, "minutes_flood_control": 0.0}}))
        return r.timeseries.set_index("day").loc[14], r.events
    calm, calm_events = first_talk(True)
    flood, flood_events = first_talk(False)
    noise = flood_events.loc[flood_events["action"] == "flooding", "target_count"]
    assert len(noise) == 1 and noise.iloc[0] > 0
    assert (calm_events["action"] == "flooding").sum() == 0
    assert flood["member_posts"] == calm["member_posts"]
    assert flood["posts"] == pytest.approx(calm["posts"] + noise.iloc[0], abs=0.5)
    assert flood["quality"] < calm["quality"] and flood["noise_share"] > calm["noise_share"]


# ----------------------------------------------------------------------------- effects vs no policy
def test_varied_talks_raise_novelty_and_activity_and_lengthen_the_groups_life():
    def mean(policy, column):
        return np.array([long_run(s, policy).timeseries.loc[lambda t: t["day"] >= 14, column].mean() for s in SEEDS])

    nov, nov0 = mean(True, "novelty"), mean(False, "novelty")
    assert (nov - nov0).mean() > 0.1 and (nov > nov0).all()  # measured: 0.48 -> 0.66
    act, act0 = mean(True, "active_share"), mean(False, "active_share")
    assert (act - act0).mean() > 0.025 and (act > act0).all()  # measured: 0.078 -> 0.129
    life = np.array([long_run(s, True).headline["lifetime_days"] for s in SEEDS])
    life0 = np.array([long_run(s, False).headline["lifetime_days"] for s in SEEDS])
    assert (life - life0).mean() > 90 and (life > life0).all()  # measured: 461 -> 622 days


def test_repetition_without_variety_weakens_the_spike():
    """Extra member posts on the talk day: the 6th of the same format draws far fewer than the 1st,
    and fewer than a 6th talk on a new topic."""
    first = np.array([excess_posts(spike_run(s, False), 1) for s in SPIKE_SEEDS])
    sixth = np.array([excess_posts(spike_run(s, False), 6) for s in SPIKE_SEEDS])
    sixth_varied = np.array([excess_posts(spike_run(s, True), 6) for s in SPIKE_SEEDS])
    assert first.mean() > 0 and sixth.mean() < 0.5 * first.mean()  # measured: 14.0 -> 3.7 per 100 members
    assert (sixth < first).mean() >= 5 / 6
    assert sixth_varied.mean() > sixth.mean() + 1.0  # measured: 6.8 vs 3.7


# ----------------------------------------------------------------------------- money and time
def test_costs_add_up():
    r = run(small_config(3, days=100, size=1000, policies={"sharing_session": {
        "guest_fee_yuan": 200.0, "perks_yuan_per_participant": 1.0, "vary_topics": True}}))
    ev = r.events[r.events["source"] == "sharing_session"]
    totals = r.summary["policies"]["sharing_session"]
    talks = (ev["action"] == "introduce_guest").sum()
    assert talks == 7  # days 14, 28, ..., 98
    assert totals["spend_yuan"] == pytest.approx(ev["spend_yuan"].sum(), abs=0.01)
    assert totals["organizer_minutes"] == pytest.approx(ev["organizer_minutes"].sum())
    perks = ev.loc[ev["action"] == "perks_given"]
    assert perks["spend_yuan"].to_numpy() == pytest.approx(perks["target_count"].to_numpy() * 1.0)
    received = r.members["received_yuan"].sum()
    assert received == pytest.approx(perks["spend_yuan"].sum())
    assert ev["spend_yuan"].sum() == pytest.approx(200.0 * talks + received)
    minutes = {"announce": 5, "prepare_topic": 30, "warm_up": 10, "introduce_guest": 10, "guide_interaction": 20,
               "flood_control": 15, "summary": 20, "perks": 10}
    for action, each in minutes.items():
        rows = ev[ev["action"] == action]
        assert len(rows) == (3 * talks if action == "announce" else talks), action
        assert (rows["organizer_minutes"] == each).all(), action
    assert ev["organizer_minutes"].sum() == pytest.approx(talks * (sum(minutes.values()) + 2 * 5))
    assert r.timeseries["policy_minutes"].sum() == pytest.approx(ev["organizer_minutes"].sum())  # all claimed


def test_no_organizer_time_no_talk():
    base = small_config(3, days=30, size=1000, policies={"sharing_session": {"guest_fee_yuan": 100.0}})
    r = run(dataclasses.replace(base, organizers=OrganizerConfig(budget_minutes_per_day=1.0)))
    totals = r.summary["policies"]["sharing_session"]
    ev = r.events[r.events["source"] == "sharing_session"]
    assert totals["actions"] == 0 and totals["spend_yuan"] == 0 and totals["organizer_minutes"] == 0
    assert set(ev["action"]) == {"skipped_announce", "skipped_warm_up", "skipped_introduce_guest"}
    assert totals["skipped_no_time"] == len(ev) == 2 * 3 + 2 * 2  # talks on days 14 and 28
    assert r.timeseries["policy_minutes_short"].sum() == pytest.approx(2 * 3 * 5.0 + 2 * (10.0 + 10.0))


def test_same_seed_same_run():
    cfg = small_config(4, days=50, size=800, policies={"sharing_session": {"vary_topics": True, "first_day": 3,
                                                                          "flood_control": False}})
    a, b = run(cfg), run(cfg)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events, b.events)


# ----------------------------------------------------------------------------- validation and the CLI
@pytest.mark.parametrize("key,value", [
    ("slot", "3am"),
    ("every_days", 0),
    ("announce_days_before", 14),
    ("repeat_decay", 1.5),
    ("guest_fee_yuan", -5.0),
    ("vary_topics", "yes"),
    ("colour", "red"),
])
def test_bad_parameters_name_their_key(key, value):
    with pytest.raises(ConfigError, match=rf"policy\.sharing_session\.{key}"):
        spec("sharing_session", **{key: value})
