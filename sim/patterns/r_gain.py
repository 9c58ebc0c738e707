"""R-gain: replication grows the community: more members over the two years than one group alone.

Paired by seed (same graph, same people): member-days (members summed over days and groups, i.e. the
mean size of the community times the horizon) with replication at the peak (``replication_peak``, at
most two clones) over those of the same keen group without any policy (``default``). A group holds 500,
so a community grows beyond one group only by replicating (DOMAIN.md); with two clones it can at most
triple.
"""

from ..validate import Arm, Pattern


def member_days(result) -> float:
    return float(result.timeseries["members"].sum())


def replication_over_none(results) -> float:
    """member-days over the horizon, all groups, replication at the peak / no replication"""
    return member_days(results["replication"]) / max(member_days(results["none"]), 1.0)


PATTERN = Pattern(
    id="R-gain",
    title="replication gain",
    expected="replicating at the peak gives at least 20 % more member-days over two years than no replication "
             "(at most three times as many with two clones)",
    source="DOMAIN.md replication (复制): a group holds at most 500, so a large community is many groups; P6",
    lesson="past 500 members the only way to grow is to clone the group; do it while it is lively",
    arms={"replication": Arm("replication_peak"), "none": Arm("default")},
    statistic=replication_over_none,
    low=1.2, high=3.0, unit="member-days, replication / none",
)
