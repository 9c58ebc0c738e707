"""P7-inflow: elimination without inflow does not keep the group; it shrinks it."""

from ..validate import Arm, Pattern


def members_left(results) -> float:
    """Members at the end with elimination, as a share of members at the end without it."""
    return float(results["eviction"].timeseries["members"].iloc[-1]
                 / max(1, results["none"].timeseries["members"].iloc[-1]))


PATTERN = Pattern(
    id="P7-inflow",
    title="elimination without inflow",
    expected="in a closed group (no invitations, no recruiting, no refill) weekly elimination leaves at most "
             "half the members the same group keeps without it",
    source="DOMAIN.md P7 (elimination works together with fresh inflow: \"new in, bad out\")",
    lesson="elimination is half of a cycle: without fresh inflow it only empties the group, and the active "
           "members fall with it",
    arms={"eviction": Arm("p7_closed_group"),
          "none": Arm("p7_closed_group", ("policy=[]", "~policy.eviction"))},
    statistic=members_left,
    low=0.0, high=0.5, unit="members at the end (eviction / none)",
)
