"""F-focus-noise: in the unfocused group most members who leave, leave because of the noise."""

from ..validate import Arm, Pattern
from ._failures import exit_share


def noise_share(results) -> float:
    """exits for noise as a share of members' voluntary exits"""
    return exit_share(results["unfocused"], "noise")


PATTERN = Pattern(
    id="F-focus-noise",
    title="loss of focus: exits for noise",
    expected="in the group of F-focus, at least half of the members' voluntary exits are for noise (ads, "
             "off-topic posts, unanswered questions); in the default group they are a few per cent",
    source="DOMAIN.md: some members spam ads (发小广告), which drives valued members away; loss of focus (失焦)",
    lesson="ads and off-topic inflow are why such a group loses its members",
    arms={"unfocused": Arm("f_focus")},
    statistic=noise_share,
    low=0.5, high=1.0, unit="share of voluntary exits",
)
