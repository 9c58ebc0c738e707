"""Admin rotation: one rotation in isolation, less core-team churn than without it over seeds, costs,
validation and determinism."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from sim import CommunityModel
from sim.agents import Organizer
from sim.api import run
from sim.config import ConfigError, OrganizerConfig
from sim.policies import spec
from sim.population import MEMBER, ROLE_ADMIN, ROLE_MEMBER, ROLE_OWNER

from conftest import small_config

SEEDS = range(6)
FAST_WEAR = OrganizerConfig(motivation_decay_per_day=0.005)  # organizers burn out within the horizon


def config(seed: int, rotation: dict | None, days: int = 240, organizers: OrganizerConfig = FAST_WEAR):
    policies = None if rotation is None else {"admin_rotation": rotation}
    return dataclasses.replace(small_config(seed, days=days, size=1200, policies=policies), organizers=organizers)


def check_roles(model) -> None:
    """People's roles and the core team's agents agree."""
    team, people = model.team, model.people
    slots = team.active_slots(organizer=True)
    assert (people.role[team.person[slots]] == team.role[slots]).all()
    admins = np.flatnonzero((people.role == ROLE_ADMIN) & (people.status == MEMBER))
    assert set(admins) == set(team.person[slots][team.role[slots] == ROLE_ADMIN])
    assert all(a in model.agents for a in model.organizers)


# ----------------------------------------------------------------------------- one rotation
def test_a_rotation_swaps_the_admin_for_the_most_prolific_eligible_member():
    m = CommunityModel(config(2, {"every_days": 30}, days=61, organizers=OrganizerConfig()))
    pol = m.policies["admin_rotation"]
    seen = []
    rotate = pol._rotate

    def spy(model, g, old_admins):
        people, team, day = model.people, model.team, model.day_state
        (new,) = pol._candidates(model, g)[:1]
        crowd = day.crowd[(day.group == g) & (people.status[day.crowd] == MEMBER)]
        recent = people.posts_total[crowd] - pol.posts_mark[crowd]
        eligible = ((day.index - people.joined_day[crowd] + 1 >= 30) & ~people.spammer[crowd] & ~pol.served[crowd]
                    & (people.last_active_day[crowd] > day.index - 14))
        assert recent[crowd == new][0] == recent[eligible].max()  # the most prolific eligible member
        (old,) = [team.agents[s] for s in old_admins]
        rotate(model, g, old_admins)
        assert people.role[old.person] == ROLE_MEMBER and people.status[old.person] == MEMBER  # stays a member
        assert not old.active and old not in model.agents
        (agent,) = [a for a in model.organizers if a.person == new]
        assert isinstance(agent, Organizer) and agent.role == ROLE_ADMIN and people.role[new] == ROLE_ADMIN
        assert agent.motivation == model.config.organizers.motivation_start
        seen.append((day.index, new, old.person))

    pol._rotate = spy
    for _ in range(61):
        m.step()
        check_roles(m)
    assert [d for d, *_ in seen] == [29, 59]
    assert seen[1][2] == seen[0][1]  # the first rotation's new admin steps down at the second
    assert m.people.role[seen[0][1]] == ROLE_MEMBER and pol.served[seen[0][1]]
    ev = [e for e in m.events if e[3] == "admin_rotation"]
    assert [(e[0], e[4], e[5], e[7]) for e in ev] == [(29, "rotate_admins", 1, 20.0), (59, "rotate_admins", 1, 20.0)]


def test_the_owner_gets_relief_and_the_new_admin_status_exactly():
    m = CommunityModel(config(1, {"every_days": 20, "owner_relief": 0.1, "new_admin_satisfaction_bump": 0.15,
                                 "min_tenure_days": 0},
                              days=20, organizers=OrganizerConfig()))
    pol = m.policies["admin_rotation"]
    got = {}
    rotate = pol._rotate

    def spy(model, g, old_admins):
        owner = next(a for a in model.organizers if a.role == ROLE_OWNER)
        (new,) = pol._candidates(model, g)[:1]
        got["before"] = (owner.motivation, float(model.people.satisfaction[new]), new)
        rotate(model, g, old_admins)
        got["after"] = (owner.motivation, float(model.people.satisfaction[new]))

    pol._rotate = spy
    m.run(20)
    (m0, s0, new), (m1, s1) = got["before"], got["after"]
    assert m1 == pytest.approx(min(1.0, m0 + 0.1))
    assert s1 == pytest.approx(min(1.0, s0 + 0.15), abs=1e-6)
    assert m.people.role[new] == ROLE_ADMIN


def test_no_rotation_without_eligible_members():
    """Nobody has been in the group 500 days: the admin keeps the seat and it is logged."""
    r = run(config(0, {"every_days": 30, "min_tenure_days": 500}, days=60, organizers=OrganizerConfig()))
    ev = r.events[r.events["source"] == "admin_rotation"]
    assert list(ev["action"]) == ["no_rotation", "no_rotation"]
    assert r.summary["policies"]["admin_rotation"]["organizer_minutes"] == 0


# ----------------------------------------------------------------------------- churn over seeds
@functools.cache
def churn(seed: int, rotate: bool) -> tuple[int, int, int]:
    """(burnout exits, first day the owner quits or the horizon, days without any organizer)."""
    r = run(config(seed, {"every_days": 30} if rotate else None))
    ev, ts = r.events, r.timeseries
    owner_quits = ev[(ev["source"] == "core_team") & (ev["action"] == "owner_quit")]["day"]
    first = int(owner_quits.min()) if len(owner_quits) else r.config.days
    return int(ts["exits_burnout"].sum()), first, int((ts["organizers"] == 0).sum())


def test_rotation_lowers_core_team_churn_against_no_rotation():
    base = np.array([churn(s, False) for s in SEEDS], dtype=float)
    rot = np.array([churn(s, True) for s in SEEDS], dtype=float)
    assert base[:, 0].mean() - rot[:, 0].mean() >= 0.5  # fewer burnout exits per run (about 1.8 -> 0.8)
    assert rot[:, 1].mean() - base[:, 1].mean() >= 10  # the owner quits later (relief), in days
    assert (rot[:, 1] >= base[:, 1]).all()
    assert rot[:, 2].sum() < 0.5 * base[:, 2].sum()  # fewer leaderless days: a fresh admin is always there


# ----------------------------------------------------------------------------- costs, validation, determinism
def test_minutes_add_up():
    r = run(config(3, {"every_days": 30, "admin_seats": 2}, days=120))
    ev = r.events[r.events["source"] == "admin_rotation"]
    totals = r.summary["policies"]["admin_rotation"]
    assert (ev["organizer_minutes"] == 20.0 * ev["target_count"]).all()
    assert ev["organizer_minutes"].sum() == pytest.approx(totals["organizer_minutes"])
    assert ev["organizer_minutes"].sum() == pytest.approx(r.timeseries["policy_minutes"].sum())
    assert totals["spend_yuan"] == 0 and totals["targets"] == ev["target_count"].sum() > 0


@pytest.mark.parametrize("key, value", [("every_days", 0), ("admin_seats", 0), ("owner_relief", 1.5),
                                        ("new_admin_satisfaction_bump", -0.1), ("handover_minutes", "long")])
def test_bad_parameters_name_their_key(key, value):
    with pytest.raises(ConfigError) as err:
        spec("admin_rotation", **{key: value})
    assert err.value.key == f"policy.admin_rotation.{key}"


def test_same_seed_same_run():
    cfg = config(4, {"every_days": 30}, days=120)
    a, b = run(cfg), run(cfg)
    assert a.timeseries.equals(b.timeseries)
    assert a.events.equals(b.events)
