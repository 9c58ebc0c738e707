"""Mesa users drive the model with mesa.batch_run; replicates are spawned streams from one root seed."""

from __future__ import annotations

import dataclasses

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import CommunityModel
from sim.api import run
from sim.config import ConfigError

from conftest import small_config


def test_keyword_parameters_are_config_overrides():
    m = CommunityModel(days=20, **{"population.size": 700, "policy": ["red_packet"], "groups.capacity": 300})
    assert m.config.days == 20 and m.config.population.size == 700 and m.config.groups.capacity == 300
    assert [s.name for s in m.config.policy] == ["red_packet"]
    with pytest.raises(ConfigError, match="population.size"):
        CommunityModel(**{"population.size": -5})
    with pytest.raises(TypeError):
        CommunityModel(small_config(), days=5)


def test_running_turns_off_after_the_horizon():
    m = CommunityModel(days=12, **{"population.size": 600})
    steps = 0
    while m.running:
        m.step()
        steps += 1
    assert steps == 12
    daily = m.datacollector.get_model_vars_dataframe()
    assert len(daily) == 12
    ts = m.recorder.frame()
    assert daily["members"].tolist() == ts.groupby("day")["members"].sum().astype(float).tolist()


def test_mesa_batch_run_on_a_small_grid():
    rows = mesa.batch_run(CommunityModel, parameters={"days": 30, "population.size": [700, 900],
                                                      "policy": [[], ["red_packet"]]},
                          rng=[0, 1], max_steps=1000, number_processes=1, display_progress=False)
    df = pd.DataFrame(rows)
    assert len(df) == 2 * 2 * 2 and (df["Step"] == 30).all()
    assert set(df["population.size"]) == {700, 900}
    packets = df[df["policy"].map(len) == 1]["policy_spend_yuan"]
    assert (df[df["policy"].map(len) == 0]["policy_spend_yuan"] == 0).all() and len(packets) == 4
    again = pd.DataFrame(mesa.batch_run(CommunityModel, parameters={"days": 30, "population.size": [700, 900],
                                                                     "policy": [[], ["red_packet"]]},
                                        rng=[0, 1], max_steps=1000, number_processes=1, display_progress=False))
    assert df.equals(again)  # same rng values, same results


def test_replicates_are_spawned_streams_of_one_root_seed():
    base = small_config(seed=7, days=40)
    r0, r0b, r1 = (run(dataclasses.replace(base, replicate=k)) for k in (0, 0, 1))
    plain = run(base)
    assert r0.timeseries.equals(r0b.timeseries)
    assert not r0.timeseries.equals(r1.timeseries) and not r0.timeseries.equals(plain.timeseries)
    # the stream is the SeedSequence child: the same as spawning from the root by hand
    child = np.random.SeedSequence(7).spawn(2)[1]
    by_hand = CommunityModel(base, rng=child)
    by_hand.run()
    assert by_hand.recorder.frame()["members"].tolist() == r1.timeseries["members"].tolist()
    assert r1.summary["replicate"] == 1 and r1.summary["seed"] == 7
