"""F-burnout-quits: how many of the overloaded founding organizers quit within 150 days."""

from ..validate import Arm, Pattern
from ._failures import organizers_quit_share


def quit_share(results) -> float:
    """share of the founding organizers who quit during the run"""
    return organizers_quit_share(results["overloaded"])


PATTERN = Pattern(
    id="F-burnout-quits",
    title="burnout: organizers who quit",
    expected="in the group of F-burnout at least half of the founding organizers (owner and admin) quit within "
             "150 days (the default team, wearing out over about two years, keeps them)",
    source="DOMAIN.md: organizers burn out (为爱透支) and quit for overwork; P3 (even keen admins rarely last longer "
           "than two years)",
    lesson="overload does in months what wear does in years",
    arms={"overloaded": Arm("f_burnout")},
    statistic=quit_share,
    low=0.5, high=1.0, unit="share of founding organizers",
)
