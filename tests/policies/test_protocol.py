"""The policy protocol: validation, fixed order, organizer time ledger, overload and burnout, totals."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import Config, ConfigError, _check
from sim.policies import Policy, PolicySpec, available, build_specs, spec

from conftest import small_config

HERE = __name__  # the module path Hydra imports the test policies from


@dataclass(frozen=True)
class HogParams:
    minutes_per_day: float = 50.0

    def __post_init__(self):
        _check(self, "minutes_per_day", 0.0)


class Hog(Policy):
    """A test policy that asks for organizer time every morning and logs what it got."""

    name = "hog"
    order = 10
    Params = HogParams

    def plan_day(self, model):
        for g in range(model.groups.count):
            if self.claim_minutes(g, self.params.minutes_per_day, "work"):
                self.log(g, "work", organizer_minutes=self.params.minutes_per_day, spend_yuan=1.5)


class LateHog(Hog):
    name = "late_hog"
    order = 90


class Recorder(Policy):
    """Records the order in which hooks of all policies run."""

    name = "recorder"
    order = 50
    calls: list = []

    def plan_day(self, model):
        Recorder.calls.append(("plan_day", model.calendar.day, [p.name for p in model.policies]))


def hog(name="hog", **params) -> PolicySpec:
    cls = {"hog": Hog, "late_hog": LateHog}[name]
    return build_specs({name: {"_target_": f"{HERE}.{cls.__name__}", **params}})[0]


def test_every_yaml_in_conf_policy_builds_with_its_defaults():
    names = available()
    assert "red_packet" in names
    for name in names:
        s = spec(name)
        assert s.name == name and s.instantiate().name == name


def test_unknown_or_misnamed_targets_are_config_errors():
    with pytest.raises(ConfigError, match=r"policy\.x\._target_: cannot import"):
        build_specs({"x": {"_target_": "sim.policies.nope.Nope"}})
    with pytest.raises(ConfigError, match=r"policy\.x\._target_: .* is not a sim.policies.Policy"):
        build_specs({"x": {"_target_": "sim.config.Config"}})
    with pytest.raises(ConfigError, match=r"policy\.x: .* is the 'red_packet' policy"):
        build_specs({"x": {"_target_": "sim.policies.red_packet.RedPacket"}})
    with pytest.raises(ConfigError, match=r"policy\.hog\.minutes_per_day: must be >= 0"):
        hog(minutes_per_day=-1)
    with pytest.raises(ConfigError, match=r"policy\.hog: no _target_"):
        build_specs({"hog": {"minutes_per_day": 3}})


def test_order_of_listing_does_not_change_the_run():
    a = small_config(2, days=40, size=800)
    one = dataclasses.replace(a, policy=(spec("red_packet"), hog(minutes_per_day=5)))
    two = dataclasses.replace(a, policy=(hog(minutes_per_day=5), spec("red_packet")))
    assert one.policy == two.policy  # stored sorted by name
    r1, r2 = run(one), run(two)
    assert r1.timeseries.equals(r2.timeseries) and r1.events.equals(r2.events)


def test_hooks_run_in_policy_order_then_name():
    model = CommunityModel(dataclasses.replace(small_config(0, days=2, size=600),
                                               policy=(hog("late_hog", minutes_per_day=1), hog(minutes_per_day=1),
                                                       spec("red_packet"))))
    assert [p.name for p in model.policies] == ["hog", "red_packet", "late_hog"]  # orders 10, 40, 90


def test_policies_compete_for_the_budget_first_come_by_order():
    """Two organizers x 60 minutes = 120: the early policy gets its 100, the late one is skipped."""
    cfg = dataclasses.replace(small_config(0, days=10, size=800),
                              policy=(hog(minutes_per_day=100), hog("late_hog", minutes_per_day=100)))
    r = run(cfg)
    totals = r.summary["policies"]
    assert totals["hog"]["actions"] == 10 and totals["hog"]["organizer_minutes"] == pytest.approx(1000)
    assert totals["late_hog"]["actions"] == 0 and totals["late_hog"]["skipped_no_time"] == 10
    assert totals["hog"]["spend_yuan"] == pytest.approx(15.0)
    ts = r.timeseries
    assert np.allclose(ts["policy_minutes"], 100) and np.allclose(ts["policy_minutes_short"], 100)
    assert ts["policy_spend_yuan"].sum() == pytest.approx(15.0)


def test_policy_work_leaves_less_time_for_routine_work():
    """Minutes policies take are not available for welcoming and answering newcomers."""
    base = small_config(0, days=30, size=1200)
    busy = dataclasses.replace(base, policy=(hog(minutes_per_day=120),))  # all of two organizers' hour
    r0, r1 = run(base), run(busy)
    answered = lambda r: r.timeseries["answered_questions"].sum() / max(r.timeseries["questions"].sum(), 1)  # noqa
    assert answered(r0) > 0.9
    assert answered(r1) == pytest.approx(0.5)  # only peers answer (rules.content.peer_answer_share)


def test_overload_burns_organizers_out():
    """Asking for more than the budget every day wears organizers out: they quit sooner (core-team churn)."""
    quits = {}
    for label, minutes in (("none", 0.0), ("overload", 240.0)):
        days = []
        for seed in range(3):
            cfg = dataclasses.replace(small_config(seed, days=300, size=1000), policy=(hog(minutes_per_day=minutes),))
            model = CommunityModel(cfg)
            model.run()
            first = [e[0] for e in model.events if e[3] == "core_team" and e[4].endswith("_quit")
                     and ("owner" in e[4] or "admin" in e[4])]
            days.append(min(first) if first else cfg.days)
        quits[label] = np.mean(days)
    assert quits["overload"] < 0.6 * quits["none"]


def test_a_leaderless_group_runs_no_policy():
    cfg = dataclasses.replace(small_config(0, days=5, size=800), policy=(hog(minutes_per_day=1),))
    model = CommunityModel(cfg)
    for agent in list(model.organizers):
        agent.quit()
    model.run(3)
    assert not [e for e in model.events if e[3] == "hog" and e[4] == "work"]
    assert len([e for e in model.events if e[3] == "hog" and e[4] == "skipped_work"]) == 3


def test_config_round_trip_keeps_policies():
    from sim.config import build, to_dict

    cfg = dataclasses.replace(Config(), policy=(spec("red_packet", slot="after_21", amount_yuan=8.8),))
    tree = to_dict(cfg)
    assert tree["policy"]["red_packet"]["_target_"] == "sim.policies.red_packet.RedPacket"
    assert tree["policy"]["red_packet"]["slot"] == "after_21"
    assert build(Config, tree) == cfg
