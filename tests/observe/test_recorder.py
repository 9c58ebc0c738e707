"""The recorder's per-group counts against the member table, with enough groups that tier x group keys
need a wide integer type."""

from __future__ import annotations

import numpy as np

from sim.api import run
from sim.config import TIERS

from conftest import small_config


def test_tier_counts_add_up_per_group_with_many_groups():
    result = run(small_config(days=3, size=3000, count=50, capacity=40))
    ts, members = result.timeseries, result.members
    last = ts[ts["day"] == ts["day"].max()].set_index("group")
    assert len(last) == 50
    now = members[members["left_day"] < 0]
    ordinary = now[now["role"] == "member"]
    for t in TIERS:
        expected = ordinary[ordinary["tier"] == t].groupby("group").size().reindex(last.index, fill_value=0)
        assert np.array_equal(last[f"members_{t}"].to_numpy(), expected.to_numpy()), t
    assert np.array_equal(last["members"].to_numpy(),
                          now.groupby("group").size().reindex(last.index, fill_value=0).to_numpy())
