"""Offline events: ties among attendees in isolation (graph and ties_inside together), retention of
attendees against a placebo meet-up over seeds, who comes, costs, validation and determinism."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import ConfigError
from sim.policies import spec
from sim.population import MEMBER

from conftest import small_config

SEEDS = range(6)


def model(seed: int, params: dict, days: int = 120, size: int = 1200) -> CommunityModel:
    return CommunityModel(small_config(seed, days=days, size=size, policies={"offline_event": params}))


def brute_ties_inside(m) -> np.ndarray:
    """Summed tie strength from each member to fellow members of its group, from the adjacency (members
    only: a leaver keeps its last value for the record)."""
    p, adj = m.people, m.graph.adjacency.tocoo()
    member = p.status == MEMBER
    same = member[adj.row] & member[adj.col] & (p.group[adj.row] == p.group[adj.col])
    out = np.zeros(p.n)
    np.add.at(out, adj.row[same], adj.data[same].astype(np.float64))
    return out


# ----------------------------------------------------------------------------- the ties, in isolation
def test_a_meetup_strengthens_ties_among_attendees_and_nowhere_else():
    m = model(1, {"on_days": [50], "attend_share": 0.2, "max_attendees": 40, "tie_gain": 0.3,
                  "new_ties_per_person": 2, "new_tie_strength": 0.3})
    pol = m.policies["offline_event"]
    seen = {}
    event = pol._event

    def spy(model, g):
        seen["adj"], seen["ties"] = model.graph.adjacency.copy(), model.people.ties_inside.copy()
        event(model, g)
        seen["adj_after"], seen["ties_after"] = model.graph.adjacency.copy(), model.people.ties_inside.copy()

    pol._event = spy
    m.run(51)
    (h,) = pol.history
    att = h["attendees"]
    assert h["day"] == 50 and len(att) == 40
    before, after = seen["adj"], seen["adj_after"]
    diff = (after - before).tocoo()
    assert (diff.data > 0).all()
    here = np.isin(np.arange(m.people.n), att)
    assert here[diff.row].all() and here[diff.col].all()  # only ties between attendees change
    assert abs(after - after.T).max() == 0  # still symmetric
    old = np.asarray(before[diff.row, diff.col]).ravel()
    new = np.asarray(after[diff.row, diff.col]).ravel()
    friends = old > 0
    assert np.allclose(new[friends], np.minimum(old[friends] + 0.3, 1.0))  # weak to strong, capped
    assert np.allclose(new[~friends], 0.3)  # strangers meet: a weak tie
    assert friends.sum() > 0 and (~friends).sum() > 0
    new_ties = np.bincount(diff.row[~friends], minlength=m.people.n)
    assert new_ties.max() <= 2  # at most new_ties_per_person each
    # ties_inside of each attendee rose by exactly the weight added to its ties; nobody else's changed
    added = np.bincount(diff.row, weights=diff.data.astype(np.float64), minlength=m.people.n)
    change = seen["ties_after"].astype(np.float64) - seen["ties"]
    assert np.allclose(change, added, atol=1e-5)
    assert np.allclose(h["added"], added[att], atol=1e-5)
    assert h["added"].mean() > 0.3
    member = m.people.status == MEMBER  # and the incremental sums still match the graph
    assert np.allclose(m.people.ties_inside[member], brute_ties_inside(m)[member], atol=1e-3)


def test_ties_inside_match_the_graph_after_events_joins_and_exits():
    m = model(2, {"every_days": 20, "attend_share": 0.3, "max_attendees": 60}, days=150)
    m.run()
    assert len(m.policies["offline_event"].history) == 7
    member = m.people.status == MEMBER
    assert np.allclose(m.people.ties_inside[member], brute_ties_inside(m)[member], atol=1e-3)


# ----------------------------------------------------------------------------- retention over seeds
@functools.cache
def attendee_outcome(seed: int, placebo: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Attendees of one meet-up on day 60; at day 240: still members?, satisfaction; and who they were.

    The placebo meet-up happens (same attendees, same time and money) but changes no tie."""
    params = {"on_days": [60], "attend_share": 0.3, "max_attendees": 60}
    if placebo:
        params |= {"tie_gain": 0.0, "new_ties_per_person": 0}
    m = model(seed, params, days=240)
    m.run()
    (h,) = m.policies["offline_event"].history
    att = h["attendees"]
    return m.people.status[att] == MEMBER, m.people.satisfaction[att].astype(float), att


def test_attendees_stay_longer_than_after_a_placebo_meetup():
    """Same people, same day: stronger ties inside keep more of them and keep them happier."""
    kept, kept_placebo, sat_gain = [], [], []
    for s in SEEDS:
        stay, sat, att = attendee_outcome(s, False)
        stay0, sat0, att0 = attendee_outcome(s, True)
        assert (att == att0).all()  # the runs are identical until the meet-up
        kept.append(stay.mean())
        kept_placebo.append(stay0.mean())
        both = stay & stay0
        sat_gain.append(sat[both].mean() - sat0[both].mean())
    kept, kept_placebo, sat_gain = map(np.array, (kept, kept_placebo, sat_gain))
    assert kept.mean() - kept_placebo.mean() >= 0.01  # retention after 180 days (about 0.86 -> 0.89)
    assert (kept >= kept_placebo).mean() >= 5 / 6
    assert sat_gain.mean() >= 0.015  # satisfaction of those still there (about +0.04)
    assert (sat_gain > 0).all()


def test_active_members_and_members_with_friends_inside_come_more():
    m = model(3, {"on_days": [80], "attend_share": 0.2, "max_attendees": 60})
    crowd = {}
    event = m.policies["offline_event"]._event

    def spy(model, g):
        day = model.day_state
        crowd["who"] = day.crowd[day.group == g]
        crowd["active"] = model.people.last_active_day[crowd["who"]] > day.index - 7
        crowd["ties"] = model.people.ties_inside[crowd["who"]].copy()
        event(model, g)

    m.policies["offline_event"]._event = spy
    m.run(81)
    came = np.isin(crowd["who"], m.policies["offline_event"].history[0]["attendees"])
    assert crowd["active"][came].mean() > 1.5 * crowd["active"].mean()
    assert crowd["ties"][came].mean() > crowd["ties"].mean()


# ----------------------------------------------------------------------------- costs, validation, determinism
def test_costs_add_up():
    r = run(small_config(4, days=180, size=1000, policies={"offline_event": {"fee_yuan_per_attendee": 10.0}}))
    ev = r.events[r.events["source"] == "offline_event"]
    totals = r.summary["policies"]["offline_event"]
    assert list(ev["day"]) == [59, 119, 179]
    assert (ev["spend_yuan"] == 30.0 * ev["target_count"]).all()
    assert ev["spend_yuan"].sum() == pytest.approx(totals["spend_yuan"])
    assert ev["spend_yuan"].sum() == pytest.approx(r.timeseries["policy_spend_yuan"].sum())
    assert r.members["paid_yuan"].sum() == pytest.approx(10.0 * ev["target_count"].sum())
    assert totals["income_yuan"] == pytest.approx(r.members["paid_yuan"].sum())
    assert ev["organizer_minutes"].sum() == pytest.approx(totals["organizer_minutes"]) == 180.0
    assert ev["organizer_minutes"].sum() == pytest.approx(r.timeseries["policy_minutes"].sum())


def test_no_meetup_without_organizer_time():
    r = run(small_config(0, days=60, size=800, policies={"offline_event": {"minutes_per_event": 500.0}}))
    ev = r.events[r.events["source"] == "offline_event"]
    assert list(ev["action"]) == ["skipped_meetup"]
    assert r.summary["policies"]["offline_event"]["spend_yuan"] == 0


@pytest.mark.parametrize("key, value", [("attend_share", 1.5), ("max_attendees", 1), ("tie_gain", -0.1),
                                        ("max_tie_strength", 0.0), ("every_days", 0), ("on_days", [10, -1])])
def test_bad_parameters_name_their_key(key, value):
    with pytest.raises(ConfigError) as err:
        spec("offline_event", **{key: value})
    assert err.value.key == f"policy.offline_event.{key}"


def test_same_seed_same_run():
    cfg = small_config(5, days=130, size=800, policies={"offline_event": {"every_days": 30}})
    a, b = run(cfg), run(cfg)
    assert a.timeseries.equals(b.timeseries)
    assert a.events.equals(b.events)
