"""F-crisis-detect: the crisis-exit detector fires on an unanswered crisis, and not when the post is removed."""

from ..validate import Arm, Pattern
from .f_crisis import CRISIS_DAY


def fired_on_day(result) -> bool:
    verdict = result.summary["groups"]["0"]["failures"]["crisis_exit"]
    return bool(verdict["detected"] and verdict["first_day"] == CRISIS_DAY)


def told_apart(results) -> float:
    """1 when the detector fires on the crisis day without response and stays silent after a removal."""
    return float(fired_on_day(results["none"]) and not results["remove"].summary["groups"]["0"]["failures"]
                 ["crisis_exit"]["detected"])


PATTERN = Pattern(
    id="F-crisis-detect",
    title="crisis exit detected",
    expected="the crisis_exit detector (more than 5 % of members leave for a competitor in a day) fires on the "
             "day of an unanswered offer and stays silent when the post is deleted at once, in at least 9 runs "
             "in 10",
    source="DOMAIN.md (how communities fail: unanswered crises cause mass exit)",
    lesson="the detector tells a crisis that cost the group from one that was contained",
    arms={"none": Arm("f_crisis", ("policy.crisis.response=none",)),
          "remove": Arm("f_crisis", ("policy.crisis.response=remove",))},
    statistic=told_apart,
    low=0.9, high=1.0, unit="share of runs",
)
