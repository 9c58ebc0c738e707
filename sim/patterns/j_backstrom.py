"""J-backstrom: the chance of joining rises with the number k of friends already inside (Backstrom et al. 2006).

Backstrom, Huttenlocher, Kleinberg & Lan (KDD 2006; LiveJournal groups, DBLP conferences): the
probability of joining a community rises with the number k of friends already in it, with "diminishing
returns": each further friend has a smaller effect but still raises it. Measured here from a run, as
they did from snapshots: the social graph is rebuilt (constructing ``CommunityModel(result.config)``
gives the same graph, the model's generator being seeded by ``config.seed``), and for every day d on
which the group had room, each person still in the pool has k = friends (any tie) inside at that day's
join step; the join rate for k is the share of these person-days on which the person joined. Two
statistics: the ratio rate(2) / rate(1) (this pattern) and the elasticity of the rate over k = 1..16
(``J-backstrom-concave``). Not measured: the paper's second finding, that for equal k friends who are
connected to each other raise the rate more; the model's join rule depends on k only.
"""

from __future__ import annotations

import numpy as np

from ..validate import Arm, Pattern

MAX_K = 40  # k above this is pooled into the last bin


def join_curve(result, max_k: int = MAX_K) -> tuple[np.ndarray, np.ndarray]:
    """(joins, person-days) by k = friends inside, k = 0..max_k+1 (the last pooled), over days with room.

    For a single-group run (a person in several groups' frontiers would need k per group).
    """
    from ..model import CommunityModel

    graph = CommunityModel(result.config).graph  # founding only: the same graph as the run's
    adjacency = graph.adjacency.copy()
    adjacency.data[:] = 1.0  # count friends, whatever the tie strength
    m = result.members
    joined = np.full(graph.n, -1, dtype=np.int64)
    left = np.full(graph.n, -1, dtype=np.int64)
    joined[m["person"].to_numpy()] = m["joined_day"].to_numpy()
    left[m["person"].to_numpy()] = m["left_day"].to_numpy()
    ts = result.timeseries.groupby("day")[["members", "joins"]].sum()
    capacity = result.config.groups.capacity * result.config.groups.count
    joins = np.zeros(max_k + 2)
    exposure = np.zeros(max_k + 2)
    for d in range(1, result.config.days):
        if ts.at[d, "members"] - ts.at[d, "joins"] >= capacity:  # full at the join step: nobody is invited
            continue
        # at day d's join step: inside = joined before d and not left by then (exits come before joins)
        inside = (joined >= 0) & (joined < d) & ((left < 0) | (left > d))
        pool = (joined < 0) | (joined >= d)
        k = np.minimum((adjacency @ inside.astype(np.float64))[pool].astype(np.int64), max_k + 1)
        exposure += np.bincount(k, minlength=max_k + 2)
        joins += np.bincount(k, weights=joined[pool] == d, minlength=max_k + 2)
    return joins, exposure


def rate(curve, lo: int, hi: int) -> float:
    """Joins per person-day for lo <= k <= hi."""
    joins, exposure = curve
    return float(joins[lo:hi + 1].sum() / max(exposure[lo:hi + 1].sum(), 1.0))


def second_friend_ratio(results) -> float:
    """rate(k=2) / rate(k=1): how much a second friend inside raises the daily chance of joining."""
    curve = join_curve(results["keen"])
    return rate(curve, 2, 2) / max(rate(curve, 1, 1), 1e-12)


PATTERN = Pattern(
    id="J-backstrom",
    title="joining along ties",
    expected="the join rate rises with the number k of friends inside, less than in proportion: "
             "rate(2)/rate(1) between 1.2 (rises) and 2.0 (proportional)",
    source="Backstrom, Huttenlocher, Kleinberg, Lan, KDD 2006 (LiveJournal, DBLP: diminishing returns in k)",
    lesson="invitations work through friends: each member with friends outside is a recruiter, "
           "but the second and later friends add less than the first",
    arms={"keen": Arm("backstrom")},
    statistic=second_friend_ratio,
    low=1.2, high=2.0, unit="rate(k=2)/rate(k=1)",
)
