"""F-boredom-decay: in the closed, uneventful group the members' talk dies down."""

from ..validate import Arm, Pattern
from ._failures import posts_end_over_peak


def decay(results) -> float:
    """members' posts per day over the last 28 days as a share of their highest 28-day mean"""
    return posts_end_over_peak(results["closed"])


PATTERN = Pattern(
    id="F-boredom-decay",
    title="boredom: activity decays",
    expected="in the closed group of F-boredom, members post in the last month of the year less than a tenth of "
             "their peak monthly rate",
    source="DOMAIN.md, how communities fail: boredom (无聊), no regular activities; activity decays",
    lesson="without newcomers or activities a group's talk fades to a trickle within a year",
    arms={"closed": Arm("f_boredom")},
    statistic=decay,
    low=0.0, high=0.1, unit="posts last 28 days / peak 28-day mean",
)
