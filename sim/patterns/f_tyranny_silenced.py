"""F-tyranny-silenced: under a dominant KOL, most members who leave, leave because they were silenced."""

from ..validate import Arm, Pattern
from ._failures import exit_share


def silenced_share(results) -> float:
    """exits for being silenced as a share of members' voluntary exits"""
    return exit_share(results["tyranny"], "silenced")


PATTERN = Pattern(
    id="F-tyranny-silenced",
    title="tyranny: exits for being silenced",
    expected="under the dominant KOL of F-tyranny, at least half of the members' voluntary exits are for being "
             "silenced (the default group has none)",
    source="DOMAIN.md, how communities fail: tyranny (暴政), others stop speaking and leave",
    lesson="a group that loses members to one loud voice loses them for that reason, not for lack of content",
    arms={"tyranny": Arm("f_tyranny")},
    statistic=silenced_share,
    low=0.5, high=1.0, unit="share of voluntary exits",
)
