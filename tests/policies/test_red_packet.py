"""Red packets: the split, the timing pattern (P9), reciprocity, kinds, costs and validation."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from sim.api import run
from sim.config import ConfigError, OrganizerConfig
from sim.policies import spec
from sim.policies.red_packet import split_amounts

from conftest import small_config

SEEDS = range(6)


# ----------------------------------------------------------------------------- the split, in isolation
def test_split_sums_to_the_amount_in_fen_and_everyone_gets_at_least_one_fen():
    rng = np.random.default_rng(0)
    for total, n in [(20.0, 10), (0.05, 5), (200.0, 100), (1.0, 1)]:
        got = split_amounts(total, n, rng)
        assert len(got) == n
        assert round(got.sum(), 2) == total
        assert got.min() >= 0.01
        assert np.allclose(got * 100, np.round(got * 100))


def test_split_is_fair_on_average_by_position():
    """WeChat's double-mean split: the expected share does not depend on when one opens."""
    rng = np.random.default_rng(1)
    mean = np.mean([split_amounts(20.0, 5, rng) for _ in range(4000)], axis=0)
    assert np.allclose(mean, 4.0, atol=0.25)


# ----------------------------------------------------------------------------- P9: timing
@functools.lru_cache(maxsize=None)
def posts_by_offset(slot: str | None, seed: int, kind: str = "random_split") -> np.ndarray:
    """Mean member posts per day by days since the weekly packet (0..6), from day 28 on."""
    policies = {} if slot is None else {"red_packet": {"slot": slot, "on_holidays": False, "kind": kind}}
    ts = run(small_config(seed, days=112, size=1200, policies=policies)).timeseries
    day, posts = ts["day"].to_numpy(), ts["member_posts"].to_numpy()
    late = day >= 28
    return np.array([posts[late & (day % 7 == k)].mean() for k in range(7)])


def spike(slot: str, offset: int) -> np.ndarray:
    """Posts on ``offset`` days after a packet relative to the quiet days (3-5 after), per seed."""
    rows = np.array([posts_by_offset(slot, s) for s in SEEDS])
    return rows[:, offset] / rows[:, 3:6].mean(axis=1)


def test_noon_packets_spike_activity_more_than_night_ones():
    noon, night = spike("noon", 0), spike("night", 0)
    assert noon.mean() > 1.4  # a clear spike on the day
    assert noon.mean() - night.mean() > 0.3
    assert (noon > night).mean() >= 5 / 6


def test_noon_packets_raise_next_day_activity_more_than_night_ones():
    """Receivers send some back the next day (reciprocity) and happier members speak more."""
    noon, night = spike("noon", 1), spike("night", 1)
    assert noon.mean() > night.mean() + 0.03
    assert noon.mean() > 1.03


def test_the_spike_falls_back_within_days():
    """P9: without underlying value activity returns to its level: day 0 >> day 2 ~ quiet days."""
    day0, day2 = spike("noon", 0), spike("noon", 2)
    assert day0.mean() - 1 > 4 * abs(day2.mean() - 1)
    assert abs(day2.mean() - 1) < 0.1


# ----------------------------------------------------------------------------- money, time, kinds
def result(**params):
    params.setdefault("on_holidays", False)
    return run(small_config(3, days=70, size=1000, policies={"red_packet": params}))


def test_costs_add_up_and_money_is_conserved():
    r = result(amount_yuan=30.0, shares=8)
    ev = r.events[r.events["source"] == "red_packet"]
    totals = r.summary["policies"]["red_packet"]
    assert totals["spend_yuan"] == pytest.approx(ev["spend_yuan"].sum(), abs=0.01)
    assert totals["organizer_minutes"] == pytest.approx(ev["organizer_minutes"].sum())
    sends = ev[ev["action"] == "warm_up:random_split"]
    assert len(sends) == 10  # days 0, 7, ..., 63
    assert (sends["spend_yuan"] <= 30.0 + 1e-9).all() and (sends["target_count"] <= 8).all()
    assert sends["organizer_minutes"].sum() == pytest.approx(3.0 * len(sends))
    # what members received = what the operator spent + what members sent back
    received, paid = r.members["received_yuan"].sum(), r.members["paid_yuan"].sum()
    assert received == pytest.approx(totals["spend_yuan"] + paid, abs=0.01)
    back = ev[ev["action"] == "reciprocate"]
    assert len(back) > 0 and paid == pytest.approx(0.18 * received - 0.18 * paid, rel=0.1)  # ~18 % of packets
    assert r.timeseries["policy_spend_yuan"].sum() == pytest.approx(totals["spend_yuan"], abs=0.01)


def test_no_organizer_time_no_packet():
    base = small_config(3, days=30, size=1000, policies={"red_packet": {}})
    cfg = dataclasses.replace(base, organizers=OrganizerConfig(budget_minutes_per_day=1.0))
    r = run(cfg)
    totals = r.summary["policies"]["red_packet"]
    assert totals["actions"] == 0 and totals["spend_yuan"] == 0
    assert totals["skipped_no_time"] == 5  # days 0, 7, 14, 21, 28
    assert r.timeseries["policy_minutes_short"].sum() == pytest.approx(5 * 3.0)


def test_directed_packets_reach_the_chosen_and_strengthen_their_tie_to_the_owner():
    r = result(kind="directed", target="high_potential", shares=5, amount_yuan=50.0)
    sends = r.events[r.events["action"] == "warm_up:directed"]
    assert len(sends) == 10 and (sends["target_count"] <= 5).all() and sends["target_count"].iloc[-1] == 5
    assert np.allclose(sends["spend_yuan"], 10.0 * sends["target_count"])  # amount / shares each
    # the directed money (not the members' small echoes) went to high-potential members
    top = r.members.sort_values("received_yuan").tail(int(sends["target_count"].max()))
    assert (top["tier"] == "high").all()


def test_directed_packet_tie_gain_in_isolation():
    from sim import CommunityModel

    cfg = small_config(0, days=5, size=800, policies={"red_packet": {"kind": "directed", "target": "everyone",
                                                                    "shares": 3, "directed_tie_gain": 0.25}})
    model = CommunityModel(cfg)
    owner = model.groups.owner[0]
    before = model.graph.adjacency.copy()
    ties_before = model.people.ties_inside.copy()
    model.step()
    ev = [e for e in model.events if e[3] == "red_packet" and e[4] == "warm_up:directed"]
    assert ev and ev[0][5] == 3
    diff = (model.graph.adjacency - before).tocoo()
    gained = {(int(i), int(j)): float(w) for i, j, w in zip(diff.row, diff.col, diff.data) if w}
    receivers = {j for (i, j) in gained if i == owner}
    assert len(receivers) == 3
    for j in receivers:
        assert gained[(owner, j)] == pytest.approx(min(0.25, 1.0 - before[owner, j]), abs=1e-6)
        assert gained[(j, owner)] == gained[(owner, j)]
    # ties_inside follows the graph for both ends (other changes of the day are joins, which only add)
    for j in receivers:
        assert model.people.ties_inside[j] >= ties_before[j] + gained[(owner, j)] - 1e-5


def test_mute_penalty_costs_the_operator_nothing_and_mutes_the_spammer():
    from sim import CommunityModel

    cfg = small_config(1, days=150, size=1500, policies={"red_packet": {"kind": "mute_penalty", "every_days": 1,
                                                                       "on_holidays": False, "mute_days": 5}})
    model = CommunityModel(cfg)
    policy = model.policies["red_packet"]
    people = model.people
    muted_checked = 0
    for _ in range(cfg.days):
        muted = np.flatnonzero(policy.muted_until >= model.calendar.day + 1)
        before = people.posts_total[muted].copy()
        model.step()
        assert (people.posts_total[muted] == before).all()  # a muted spammer says nothing
        muted_checked += len(muted)
    assert muted_checked > 0
    ev = [e for e in model.events if e[4] == "warm_up:mute_penalty"]
    assert ev and sum(e[6] for e in ev) == 0 and sum(e[7] for e in ev) == 0  # no yuan, no minutes
    # the violators pay what was opened (unopened shares are refunded); everyone else's money balances
    penalties = sum(float(e[8].split(" of ")[0]) for e in ev)
    assert people.paid_yuan[people.spammer].sum() >= penalties - 1e-6
    assert people.received_yuan.sum() == pytest.approx(people.paid_yuan.sum(), abs=0.01 * (len(ev) + 1))


def test_low_activity_trigger_sends_only_when_the_group_is_quiet(monkeypatch):
    from sim import CommunityModel
    import sim.policies.red_packet as rp

    cfg = small_config(0, days=5, size=800, policies={"red_packet": {"trigger": "low_activity",
                                                                    "low_activity_share": 0.12}})
    model = CommunityModel(cfg)
    model.step()
    policy = model.policies["red_packet"]
    for share, due in [(0.05, True), (0.119, True), (0.12, False), (0.5, False)]:
        monkeypatch.setattr(rp, "active_share", lambda m, s=share: np.array([s]))
        assert policy._due(model)[0] == due
    r = result(trigger="low_activity", low_activity_share=0.0)
    assert r.summary["policies"]["red_packet"]["actions"] == 0


def test_welcome_packets_go_to_newcomers_only():
    r = result(purpose="welcome", target="newcomers", every_days=1, on_holidays=False, reciprocity_yuan_per_yuan=0.0)
    got = r.members[r.members["received_yuan"] > 0]
    sends = r.events[r.events["action"] == "welcome:random_split"]
    assert len(sends) > 0 and len(got) > 0
    # each receiver got money within its first 7 days: it joined at most 7 days before the last send
    first_send = sends["day"].min()
    assert (got["joined_day"] >= first_send - 7).all()


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("key,value,needle", [
    ("slot", "3am", "policy.red_packet.slot"),
    ("amount_yuan", 0.0, "policy.red_packet.amount_yuan"),
    ("amount_yuan", 500.0, "policy.red_packet.amount_yuan"),
    ("kind", "lucky", "policy.red_packet.kind"),
    ("reciprocity_yuan_per_yuan", 1.5, "policy.red_packet.reciprocity_yuan_per_yuan"),
    ("shares", 0, "policy.red_packet.shares"),
    ("colour", "red", "policy.red_packet.colour"),
])
def test_bad_parameters_name_their_key(key, value, needle):
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        spec("red_packet", **{key: value})
