"""P7: elimination with fresh inflow keeps a group more active than no elimination."""

import numpy as np

from ..validate import Arm, Pattern

FULL_SHARE = 0.9  # "the group has filled": members at 90 % of capacity


def filled_from(result) -> int:
    """First day the group held FULL_SHARE of its capacity (the last 90 days if it never did)."""
    ts = result.timeseries
    full = np.flatnonzero(ts["members"].to_numpy() >= FULL_SHARE * result.config.groups.capacity)
    return int(ts["day"].iloc[full[0]]) if len(full) else int(ts["day"].iloc[-1]) - 89


def active_share_gain(results) -> float:
    """Mean weekly active share with elimination minus without, from the day the group without it filled."""
    start = filled_from(results["none"])
    share = {k: r.timeseries.loc[r.timeseries["day"] >= start, "active_share"].mean() for k, r in results.items()}
    return float(share["eviction"] - share["none"])


PATTERN = Pattern(
    id="P7",
    title="elimination with inflow",
    expected="weekly eviction of spammers, off-topic and 60-day-silent members with refill keeps the weekly "
             "active share of a full group clearly higher than no elimination (at least +2 points)",
    source="DOMAIN.md P7 (eviction: \"without elimination, lazy people multiply\"; \"new in, bad out keeps a "
           "group lively\")",
    lesson="once the group is full, clear out the silent and the off-key every week and let new people in: "
           "a full group of lurkers has no room for the keen",
    arms={"eviction": Arm("p7_elimination"),
          "none": Arm("p7_elimination", ("policy=[]", "~policy.eviction"))},
    statistic=active_share_gain,
    low=0.02, high=0.25, unit="weekly active share (eviction - none)",
)
