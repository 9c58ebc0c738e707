"""Every policy at once: the engine's invariants hold, money and minutes add up, the run is reproducible."""

from __future__ import annotations

import dataclasses

import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import GroupsConfig
from sim.policies import available, spec

from conftest import small_config
from invariants.test_invariants import check_state

EVERY_DAYS = {  # frequent enough that every policy acts within a short run
    "replication": {"when": "size", "min_members": 120, "max_groups": 1},
    "offline_event": {"every_days": 30},
    "crisis": {"schedule_days": [80], "response": "rebut"},
    "admin_rotation": {"every_days": 30},
}


def everything(seed: int, days: int = 110, reverse: bool = False):
    names = available()
    specs = tuple(spec(n, **EVERY_DAYS.get(n, {})) for n in (reversed(names) if reverse else names))
    base = small_config(seed, days=days, size=2500)
    return dataclasses.replace(base, groups=GroupsConfig(count=2, seed_users=15), policy=specs)


@pytest.fixture(scope="module")
def combined():
    return run(everything(0))


def test_all_policies_can_be_selected_together():
    cfg = everything(0)
    assert [s.name for s in cfg.policy] == sorted(available())
    assert len(cfg.policy) >= 12  # the eleven levers of DOMAIN.md (thresholds and fish pond apart)


def test_invariants_hold_every_day_with_all_policies():
    model = CommunityModel(everything(1, days=90))
    for _ in range(90):
        model.step()
        check_state(model)


def test_money_and_minutes_add_up_over_all_policies(combined):
    r = combined
    ev = r.events[r.events["source"].isin(available())]
    totals = r.summary["policies"]
    assert set(totals) == set(available())
    assert sum(t["spend_yuan"] for t in totals.values()) == pytest.approx(ev["spend_yuan"].sum(), abs=0.05)
    assert r.timeseries["policy_spend_yuan"].sum() == pytest.approx(ev["spend_yuan"].sum(), abs=0.05)
    assert sum(t["organizer_minutes"] for t in totals.values()) == pytest.approx(ev["organizer_minutes"].sum(),
                                                                                abs=0.5)
    assert (ev["spend_yuan"] >= 0).all()
    acted = {name for name, t in totals.items() if t["actions"] > 0}
    assert len(acted) >= 10, f"only {sorted(acted)} acted"


def test_conservation_per_group_with_all_policies(combined):
    ts = combined.timeseries
    for g, series in ts.groupby("group"):
        joins = series["joins"].cumsum()
        assert (joins == series["members"] + series["exits"].cumsum() + series["moved_out"].cumsum()).all(), g
    members = combined.members
    assert int(ts.groupby("group")["members"].last().sum()) == int((members["status"] == "member").sum())


def test_listing_order_does_not_matter_and_runs_repeat():
    a, b = run(everything(2, days=60)), run(everything(2, days=60, reverse=True))
    assert a.timeseries.equals(b.timeseries)
    assert a.events.equals(b.events)
    assert a.members.equals(b.members)
