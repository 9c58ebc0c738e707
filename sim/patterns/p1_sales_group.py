"""P1: an unscreened short-term sales group: about 30 % activity, and its life is over in a day or two."""

import numpy as np

from ..validate import Arm, Pattern

ARMS = {"sales": Arm("p1_sales_group")}


def peak_activity(results) -> float:
    """the highest weekly active share of the run (spoke within 7 days / members)"""
    return results["sales"].headline["peak_active_share"]


def active_days(results) -> float:
    """days from founding through the last day on which at least a quarter of the peak day's share of members posted"""
    ts = results["sales"].timeseries.groupby("day")[["speakers", "members"]].sum()
    share = (ts["speakers"] / ts["members"].clip(lower=1)).to_numpy()
    alive = np.flatnonzero(share >= 0.25 * share.max())
    return float(alive.max() + 1)


PATTERN = Pattern(
    id="P1",
    title="unscreened sales group: activity",
    expected="leads pulled in unscreened and sold to at once: overall activity about 30 % (accepted 0.2-0.4)",
    source="DOMAIN.md P1; course transcript (短期群: 没有经过任何筛选, 整体活跃度下来就在30%上下)",
    lesson="pulling a list of leads into a group and selling at once gets a third of them to say one thing, once",
    arms=ARMS, statistic=peak_activity, low=0.2, high=0.4, unit="weekly active share",
)
