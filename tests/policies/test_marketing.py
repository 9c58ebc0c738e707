"""Marketing conversion: the buying rule and the herd effect (P10), annoyance, the peak, money and validation."""

from __future__ import annotations

import dataclasses
import functools
import re

import numpy as np
import pandas as pd
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import SLOTS, ConfigError, OrganizerConfig
from sim.policies import spec
from sim.policies.marketing import buy_probability, herd_factor, trust
from sim.rules import activity

from conftest import small_config

SEEDS = range(5)


# ----------------------------------------------------------------------------- the rule, in isolation
def test_herd_factor_rises_with_visible_purchases_with_diminishing_returns():
    visible = np.array([0.0, 5.0, 15.0, 1e9])
    h = herd_factor(visible, strength=2.0, half=5.0)
    assert h == pytest.approx([1.0, 2.0, 2.5, 3.0])  # 1 + 2 x v / (v + 5)
    assert herd_factor(visible, strength=0.0, half=5.0) == pytest.approx(np.ones(4))  # no herd: no effect


def test_trust_grows_with_tenure_and_ties_inside():
    t = trust(np.array([0.0, 60.0, 0.0, 60.0]), np.array([0.0, 0.0, 2.0, 2.0]), trust_tenure_days=60.0, ties_half=2.0)
    assert t == pytest.approx([0.0, 0.5 * (1 - np.exp(-1)), 0.25, 0.5 * (1 - np.exp(-1)) + 0.25])


def test_buy_probability_is_the_product_and_visible_purchases_raise_it():
    sat, rel, tr = np.array([0.8]), np.array([0.5]), np.array([0.5])
    alone = buy_probability(0.05, sat, rel, tr, herd_factor(np.zeros(1), 1.0, 5.0))
    herd = buy_probability(0.05, sat, rel, tr, herd_factor(np.full(1, 5.0), 1.0, 5.0))
    assert alone[0] == pytest.approx(0.05 * 0.8 * 0.5 * 0.5)  # 0.01
    assert herd[0] == pytest.approx(1.5 * alone[0])  # P10: five visible purchases, half the maximum herd
    assert buy_probability(1.0, np.ones(1), np.ones(1), np.ones(1), np.full(1, 3.0))[0] == 1.0  # capped


def test_an_offer_day_in_a_tiny_model_books_repurchases_revenue_and_announcements():
    """Every member online in the slot who bought before, at full satisfaction, buys again (repurchase_prob=1)."""
    params = {"start_day": 0, "times_per_week": 7.0, "repurchase_prob": 1.0, "announce_prob": 1.0, "price_yuan": 50.0}
    m = CommunityModel(small_config(size=300, policies={"marketing": params}))
    m.calendar.day = 10
    m._start_day()
    policy, day, people = m.policies["marketing"], m.day_state, m.people
    policy.plan_day(m)
    assert policy.offering[0]
    activity.post(m)
    day.online[:, SLOTS.index("evening")] = True
    crowd = day.crowd
    people.purchases[crowd] = 1
    people.satisfaction[crowd] = 1.0
    paid_before, posts_before = people.paid_yuan[crowd].copy(), day.posts.copy()
    policy.react(m)
    n = len(crowd)
    assert n > 5
    assert (people.purchases[crowd] == 2).all()
    assert people.paid_yuan[crowd] - paid_before == pytest.approx(np.full(n, 50.0))
    assert (day.posts - posts_before == 1).all()  # each buyer announced it
    assert policy.visible[0] == n  # ... and the herd sees every announcement
    rows = [e for e in m.events if e[3] == "marketing" and e[4] == "repurchase"]
    assert len(rows) == 1 and rows[0][5] == n
    assert f"income_yuan={50.0 * n:.2f}" in rows[0][8]
    assert policy.revenue_yuan == pytest.approx(50.0 * n) and policy.repurchases == n and policy.conversions == 0


# ----------------------------------------------------------------------------- runs
@functools.cache
def outcome(seed: int, **params) -> dict:
    r = run(small_config(seed, days=240, size=1200, policies={"marketing": dict(params)}))
    g = r.summary["groups"]["0"]
    return {"exits": g["left"], "noise_exits": g["exits_by_reason"]["noise"],
            "purchases": int(r.members["purchases"].sum()), "offers": int((r.events["action"] == "offer").sum())}


def mean(key: str, **params) -> np.ndarray:
    return np.array([outcome(s, **params)[key] for s in SEEDS], dtype=float)


def test_p10_herd_effect_raises_purchases_in_a_run():
    """Same seeds, same offers: visible purchases moving others (herd_strength 2) vs none (0)."""
    herd = mean("purchases", herd_strength=2.0, raise_at_peak=False)
    alone = mean("purchases", herd_strength=0.0, raise_at_peak=False)
    assert (herd > alone).all()
    assert herd.mean() >= 1.35 * alone.mean()  # measured about 1.56x


def test_daily_offers_annoy_members_into_leaving_with_reason_noise():
    daily = {"times_per_week": 7.0, "raise_at_peak": False}
    moderate = {"raise_at_peak": False}
    exits_daily, exits_moderate = mean("exits", **daily), mean("exits", **moderate)
    assert (exits_daily > exits_moderate).all()
    assert exits_daily.mean() >= 2.5 * exits_moderate.mean()  # measured about 240 vs 56
    noise_daily, noise_moderate = mean("noise_exits", **daily), mean("noise_exits", **moderate)
    assert noise_daily.mean() - noise_moderate.mean() >= 100  # through the noise channel
    assert noise_daily.mean() >= 0.7 * (exits_daily.mean() - exits_moderate.mean())


def test_raising_the_frequency_at_the_peak_posts_more_offers_and_sells_more():
    peak, flat = mean("offers", raise_at_peak=True), mean("offers", raise_at_peak=False)
    assert (flat == 30).all()  # one a week from day 30 to day 239
    assert peak.mean() >= flat.mean() + 5
    assert mean("purchases", raise_at_peak=True).mean() >= 1.1 * mean("purchases", raise_at_peak=False).mean()


# ----------------------------------------------------------------------------- money and time add up
def test_revenue_purchases_and_minutes_add_up():
    params = {"times_per_week": 3.0, "price_yuan": 39.9, "minutes_per_offer": 12.0}
    r = run(small_config(2, days=200, size=1200, policies={"marketing": params}))
    ev, members = r.events[r.events["source"] == "marketing"], r.members
    bought = ev[ev["action"].isin(["purchase", "repurchase"])]
    assert len(bought) > 0 and (ev["action"] == "repurchase").any()
    assert bought["target_count"].sum() == members["purchases"].sum()  # conversions = sum of purchases
    assert members["paid_yuan"].to_numpy() == pytest.approx(39.9 * members["purchases"].to_numpy())
    revenue = bought["detail"].map(lambda d: float(re.search(r"income_yuan=([0-9.]+)", d)[1])).sum()
    assert revenue == pytest.approx(members["paid_yuan"].sum())
    assert ev[ev["action"] == "purchase"]["target_count"].sum() == (members["purchases"] > 0).sum()  # first buys
    offers = (ev["action"] == "offer").sum()
    totals = r.summary["policies"]["marketing"]
    assert totals["organizer_minutes"] == pytest.approx(12.0 * offers)
    assert r.timeseries["policy_minutes"].sum() == pytest.approx(12.0 * offers)
    assert totals["spend_yuan"] == 0.0  # members pay; the operator spends time, not money
    assert totals["targets"] == members["purchases"].sum() + ev.loc[ev["action"] == "offer", "target_count"].sum()
    assert ev.loc[ev["action"] == "offer", "target_count"].min() > 0  # the reach: members online in the slot


def test_no_organizer_time_no_offer_and_no_sale():
    cfg = small_config(1, days=80, size=800, policies={"marketing": {}})
    cfg = dataclasses.replace(cfg, organizers=OrganizerConfig(budget_minutes_per_day=5.0))  # 2 x 5 < 15 per offer
    r = run(cfg)
    assert r.summary["policies"]["marketing"]["actions"] == 0
    assert r.summary["policies"]["marketing"]["skipped_no_time"] > 0
    assert r.members["purchases"].sum() == 0


# ----------------------------------------------------------------------------- validation and determinism
@pytest.mark.parametrize("key, value", [("times_per_week", 8.0), ("times_per_week", 0.0), ("slot", "midnight"),
                                        ("base_buy_prob", 1.5), ("peak_factor", 0.5), ("price_yuan", -1.0),
                                        ("herd_half_purchases", 0.0)])
def test_bad_parameters_name_their_key(key, value):
    with pytest.raises(ConfigError) as err:
        spec("marketing", **{key: value})
    assert err.value.key == f"policy.marketing.{key}"


def test_same_seed_same_run():
    cfg = small_config(4, days=120, size=800, policies={"marketing": {"times_per_week": 3.0}})
    a, b = run(cfg), run(cfg)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert a.members["purchases"].sum() > 0


def test_summary_totals_revenue_conversions_and_repurchases():
    r = run(small_config(2, days=150, size=1200, policies={"marketing": {}}))
    totals = r.summary["policies"]["marketing"]
    assert totals["revenue_yuan"] == pytest.approx(r.members["paid_yuan"].sum()) == totals["income_yuan"]
    assert totals["conversions"] + totals["repurchases"] == r.members["purchases"].sum()
    assert totals["conversions"] == (r.members["purchases"] > 0).sum()
