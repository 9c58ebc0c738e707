"""The scalar paths for small core teams, few posters and few groups give the array paths' results, to the bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import CommunityModel
from sim.outputs import members_frame
from sim.day import Day
from sim.rules import activity, content, core_team, novelty

CASES = [  # a small core team with policies (organizer time shared), and a few groups with their own teams
    {"days": 120, "population.size": 600, "policy": ["red_packet", "check_in"]},
    {"days": 90, "population.size": 1500, "groups.count": 3, "seed": 5},
    {"scenario": "lurkers", "days": 150, "population.size": 600},  # quiet days: few posters, the scalar walk
]


def outcome(params: dict) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    model = CommunityModel(**params)
    model.run()
    return model.recorder.frame(), members_frame(model), model.team.motivation.copy()


@pytest.mark.parametrize("params", CASES, ids=["one group, policies", "three groups", "lurkers"])
def test_scalar_and_array_paths_agree(params, monkeypatch):
    scalar = outcome(params)  # teams of a few slots and days of few posters take the scalar paths
    monkeypatch.setattr(core_team, "FEW", -1)  # every team, every rate list: the array paths
    monkeypatch.setattr(activity, "FEW_WALKERS", -1)
    monkeypatch.setattr(content, "FEW_GROUPS", -1)  # the day's climate group by group
    monkeypatch.setattr(novelty, "FEW_GROUPS", -1)
    monkeypatch.setattr(Day, "spread", lambda day, per_group: per_group[day.group])  # one group: no broadcast
    array = outcome(params)
    pd.testing.assert_frame_equal(scalar[0], array[0], check_exact=True)
    pd.testing.assert_frame_equal(scalar[1], array[1], check_exact=True)
    assert scalar[2].tobytes() == array[2].tobytes()
    assert scalar[1]["posts"].sum() > 0 and (scalar[0]["organizers"] > 0).any()  # the paths had work to do
