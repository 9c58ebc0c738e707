"""P5: most members lurk: at least three quarters of everyone who was ever a member never posts.

van Mierlo (J Med Internet Res 2014), four moderated health communities, 63,990 actors: fewer than
25 % ever posted; ranked by posts, the top 1 % (superusers) wrote 74.7 % of the content, the next 9 %
24.0 %, the remaining 90 % 1.3 % (the "90-9-1" or 1 % rule). Note that 74.7 / 24.0 / 1.3 % are shares of
*content*, not of members. The scenario ``lurkers`` calibrates the posting propensity
(``population.propensity_median_posts_per_day``, ``population.propensity_sigma``) to these figures; with
the model's defaults only about 47 % of members never post (see the report in the preset's header).
"""

from ..validate import Arm, Pattern


def never_posted_share(results) -> float:
    """Share of everyone who was ever a member (core team included) with no post at all."""
    return float((results["lurkers"].members["posts"] == 0).mean())


PATTERN = Pattern(
    id="P5",
    title="lurkers",
    expected="at least three quarters of everyone who was ever a member never posts (90-9-1 rule: about 90 %)",
    source="DOMAIN.md P5; van Mierlo, J Med Internet Res 2014 (fewer than 25 % of 63,990 actors ever posted)",
    lesson="expect most members to stay silent: judge a group by its few voices and by whether lurkers stay, "
           "not by the share who speak",
    arms={"lurkers": Arm("lurkers")},
    statistic=never_posted_share,
    low=0.65, high=0.92, unit="share of members",
)
