"""F-leaderless-days: how long the worn-out group runs without any organizer or KOL."""

from ..validate import Arm, Pattern
from ._failures import days_without_leaders


def leaderless_days(results) -> float:
    """days on which the group had no active organizer and no KOL"""
    return days_without_leaders(results["leaderless"])


PATTERN = Pattern(
    id="F-leaderless-days",
    title="leaderless: days without a leader",
    expected="with motivation falling 0.01 a day from 0.9 (quit below 0.2: about 70 days, sooner when "
             "overloaded), the group of F-leaderless runs 45 to 135 of its 180 days without any organizer or KOL",
    source="DOMAIN.md, how communities fail: leaderless (无首); organizers' motivation wears out (为爱透支)",
    lesson="once the last volunteer has gone nobody runs the group for months: succession must be planned, "
           "it does not happen by itself",
    arms={"leaderless": Arm("f_leaderless")},
    statistic=leaderless_days,
    low=45, high=135, unit="days of 180",
)
