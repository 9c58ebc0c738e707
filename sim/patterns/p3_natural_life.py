"""P3: a group's natural life without renewal is about two years."""

from ..validate import Arm, Pattern


def lifetime(results) -> float:
    """days from founding until the weekly active share stays below 5 % (summary lifetime_days; 1000-day horizon)"""
    return results["natural"].headline["lifetime_days"]


PATTERN = Pattern(
    id="P3",
    title="natural life",
    expected="a keen group with no policy lives about two years (germination to dormancy)",
    source="DOMAIN.md P3 (replication: a group's life is about two years; the novelty dividend is gone)",
    lesson="plan renewal (new activities, replication) well before the second year; without it the group fades",
    arms={"natural": Arm("default", ("days=1000",))},
    statistic=lifetime,
    low=450, high=900, unit="days",
)
