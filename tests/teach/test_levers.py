"""Levers, uncertainties and strategy B: what each adds to the scenario, and what it leaves alone."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import ConfigError
from sim.teach.levers import Levers, World, build_config, overrides, scenario_names, strategy_b
from sim.teach.live import TeachModel


def names(config) -> list[str]:
    return [spec.name for spec in config.policy]


def params(config, name: str):
    return next(spec.params for spec in config.policy if spec.name == name)


def test_levers_at_none_leave_the_scenario_as_it_is():
    world = World("p2_learning_group")
    assert overrides(world, Levers()) == ["seed=0"]
    assert names(build_config(world, Levers())) == names(build_config(world, None))


def test_a_lever_adds_its_policy_beside_the_scenarios_own_and_keeps_their_settings():
    config = build_config(World("p2_learning_group"), Levers(red_packet_yuan=30, red_packet_slot="after_21",
                                                             check_in_rule="deposit"))
    assert set(names(config)) == {"check_in", "entry_threshold", "sharing_session", "red_packet"}
    assert params(config, "red_packet").amount_yuan == 30 and params(config, "red_packet").slot == "after_21"
    assert params(config, "check_in").rule_set == "deposit"
    assert params(config, "check_in").cycle_days == 20  # the scenario's own setting survives the lever
    assert params(config, "entry_threshold").fee_yuan == 49.0


def test_uncertainties_replace_the_scenarios_values():
    config = build_config(World("default", seed=4, high_share=0.3, mid_share=0.9, expectation_factor=2.0,
                                people=250), None)
    assert config.seed == 4 and config.population.size == 250
    assert config.population.tier_shares == pytest.approx((0.3, 0.7, 0.0))  # mid cut so the shares sum to 1
    assert config.population.expectation_by_tier == pytest.approx((0.6, 0.4, 0.2))


def test_too_few_people_for_the_scenarios_founders_are_raised_to_enough():
    config = build_config(World("f_boredom", people=50), None)  # 300 seed users
    assert config.population.size > config.groups.seed_users


def test_strategy_b_without_any_policy_drops_the_scenarios_policies_and_their_settings():
    assert strategy_b(World("p2_learning_group"), "off") is None
    assert names(strategy_b(World("p2_learning_group"), "no policy")) == []
    assert names(strategy_b(World("p2_learning_group"), "scenario alone")) == \
        ["check_in", "entry_threshold", "sharing_session"]


def test_bad_choices_are_named():
    with pytest.raises(ConfigError, match="check_in_rule"):
        Levers(check_in_rule="lottery")
    with pytest.raises(ConfigError, match="unknown scenario"):
        build_config(World("nope"), None)
    assert scenario_names()[0] == "default" and "p8_evaporation" in scenario_names()


def curves(model) -> np.ndarray:
    return model.view().total[["members", "active_members"]].to_numpy()


def test_side_by_side_the_same_seed_gives_the_same_run_under_the_same_strategy():
    model = TeachModel(preset="default", people=200, seed=3, compare="scenario alone")
    for _ in range(40):
        model.step()
    assert np.array_equal(curves(model), model.view(twin=True).total[["members", "active_members"]].to_numpy())


def test_side_by_side_the_runs_part_only_when_the_strategies_act_differently():
    model = TeachModel(preset="default", people=200, seed=3, eviction_inactive_days=10, compare="scenario alone")
    for _ in range(60):
        model.step()
    a, b = curves(model), model.view(twin=True).total[["members", "active_members"]].to_numpy()
    first_round = 7  # eviction rounds are weekly (EvictionParams.every_days), the first on day 7
    assert np.array_equal(a[:first_round], b[:first_round])
    assert not np.array_equal(a, b)
    assert model.label_a == "A: eviction after 10 silent days" and model.label_b == "B: scenario alone"
