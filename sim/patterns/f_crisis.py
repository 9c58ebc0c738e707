"""F-crisis: a competitor's better offer, unanswered, causes a mass exit."""

from ..validate import Arm, Pattern

CRISIS_DAY = 120  # scenarios/f_crisis.yaml: policy.crisis.schedule_days


def lost_share(result, day: int = CRISIS_DAY) -> float:
    """Members who left for the competitor, as a share of the members the day before the offer."""
    ts = result.timeseries.set_index("day")
    return float(ts["exits_competitor"].sum() / max(1, ts.loc[day - 1, "members"]))


def lost_without_response(results) -> float:
    """share of members lost to the competitor's offer when nobody responds"""
    return lost_share(results["none"])


PATTERN = Pattern(
    id="F-crisis",
    title="unanswered crisis: mass exit",
    expected="a competitor's offer left unanswered in a grown group takes at least a tenth of its members in "
             "one day (at most 40 %)",
    source="DOMAIN.md (how communities fail: a competitor's better offer posted in the group with no operator "
           "response caused mass exit)",
    lesson="a poacher's post in the group is an emergency: unanswered, it costs a large share of the group in a day",
    arms={"none": Arm("f_crisis", ("policy.crisis.response=none",))},
    statistic=lost_without_response,
    low=0.10, high=0.40, unit="share of members lost",
)
