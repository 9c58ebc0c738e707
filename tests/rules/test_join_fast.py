"""The small-case paths of the join step give the general paths' results, to the bit.

``admit`` takes a few candidates one by one, ``MemberTable.add`` a few newcomers one at a time and
``SocialGraph.neighbors`` a few rows by slices; forced onto the array paths, the same runs must come out
identical.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import CommunityModel
from sim import graph as graph_module
from sim import population
from sim.graph import SocialGraph, _from_edges
from sim.outputs import members_frame
from sim.rules import join

CASES = [  # invitations and leads; capacity reached with leads still coming; many groups, entry thresholds
    {"days": 120, "population.size": 800},
    {"scenario": "capacity", "days": 100, "population.size": 1200},
    {"days": 90, "population.size": 1500, "groups.count": 3, "seed": 4, "policy": ["entry_threshold"]},
]


def outcome(params: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    model = CommunityModel(**params)
    model.run()
    return model.recorder.frame(), members_frame(model)


@pytest.mark.parametrize("params", CASES, ids=["one group", "capacity", "three groups, threshold"])
def test_small_and_array_paths_agree(params, monkeypatch):
    small = outcome(params)
    monkeypatch.setattr(join, "FEW_CANDIDATES", -1)
    monkeypatch.setattr(graph_module, "FEW_ROWS", -1)
    monkeypatch.setattr(population, "FEW_NEWCOMERS", -1)
    array = outcome(params)
    pd.testing.assert_frame_equal(small[0], array[0], check_exact=True)
    pd.testing.assert_frame_equal(small[1], array[1], check_exact=True)
    assert small[0]["joins_invited"].sum() > 0 and small[0]["joins_recruited"].sum() > 0


def test_admit_one_by_one_equals_the_array_rule(monkeypatch):
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(1, join.FEW_CANDIDATES + 1))
        people = rng.integers(0, 12, n)  # repeated people: only the first candidacy counts
        groups = rng.integers(0, 3, n)
        room = rng.integers(0, 4, 3)
        seed = int(rng.integers(2**31))
        one_by_one = join.admit(people, groups, room, np.random.default_rng(seed))
        with monkeypatch.context() as m:
            m.setattr(join, "FEW_CANDIDATES", -1)
            array = join.admit(people, groups, room, np.random.default_rng(seed))
        assert one_by_one.dtype == array.dtype and np.array_equal(one_by_one, array)


def test_neighbors_by_slices_equals_the_gather(monkeypatch):
    rng = np.random.default_rng(5)
    n = 60
    u, v = rng.integers(0, n, 150), rng.integers(0, n, 150)
    graph = SocialGraph(_from_edges(n, u, v, rng.random(150).astype(np.float32)))
    for size in range(0, graph_module.FEW_ROWS + 1):
        people = rng.integers(0, n, size)
        few = graph.neighbors(people)
        with monkeypatch.context() as m:
            m.setattr(graph_module, "FEW_ROWS", -1)
            gathered = graph.neighbors(people)
        for a, b in zip(few, gathered):
            assert a.dtype == b.dtype and np.array_equal(a, b)
