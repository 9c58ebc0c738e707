"""P5-top1: superusers write most of the content: the top 1 % of members by posts write about 75 %.

van Mierlo (J Med Internet Res 2014): ranked by posts, the top 1 % of actors wrote 74.7 % of the
content (weighted average over four health communities; the next 9 % wrote 24.0 %, the other 90 % 1.3 %).
Measured over everyone who was ever a member of the ``lurkers`` scenario, the core team included (the
owner, admins and KOLs are members of a WeChat group); with the model's default propensity the share is
about 0.5-0.6.
"""

import math

import numpy as np

from ..validate import Arm, Pattern


def top1_share(results) -> float:
    """Share of all posts written by the top 1 % of members (at least one member) ranked by posts."""
    posts = np.sort(results["lurkers"].members["posts"].to_numpy())[::-1]
    top = max(1, math.ceil(0.01 * len(posts)))
    return float(posts[:top].sum() / max(posts.sum(), 1))


PATTERN = Pattern(
    id="P5-top1",
    title="superusers",
    expected="the top 1 % of members write most of the posts (about 75 %)",
    source="DOMAIN.md P5; van Mierlo, J Med Internet Res 2014 (top 1 % wrote 74.7 % of 578,349 posts)",
    lesson="a handful of superusers carry the talk: keep and reward them, since losing one silences much of the group",
    arms={"lurkers": Arm("lurkers")},
    statistic=top1_share,
    low=0.6, high=0.9, unit="share of posts",
)
