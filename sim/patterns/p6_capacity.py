"""P6: a WeChat group holds at most 500 people: a keen group under pressure fills to 500, never beyond."""

from ..validate import Arm, Pattern


def fills_to_capacity(results) -> float:
    """1 if the group's members peaked at exactly its capacity (reached it, never exceeded it), else 0."""
    result = results["keen"]
    capacity = result.config.groups.capacity
    peak = int(result.timeseries.groupby("group")["members"].max().max())
    return 1.0 if peak == capacity else 0.0


PATTERN = Pattern(
    id="P6",
    title="group capacity",
    expected="a keen group reaches 500 members and never exceeds it (every seed)",
    source="DOMAIN.md P6 (a WeChat group holds at most 500 people)",
    lesson="a keen group hits the 500 ceiling within months: plan a second group (replication) before it is full",
    arms={"keen": Arm("capacity")},
    statistic=fills_to_capacity,
    low=1.0, high=1.0, unit="share of seeds at exactly 500",
)
