"""P10: a visible purchase raises others' purchase probability (herd effect, 羊群效应)."""

from ..validate import Arm, Pattern


def herd_ratio(results) -> float:
    """First purchases (conversions) over the run with the herd effect / without it, same seed."""
    herd = results["herd"].summary["policies"]["marketing"]["conversions"]
    alone = results["no_herd"].summary["policies"]["marketing"]["conversions"]
    return herd / max(alone, 1)


PATTERN = Pattern(
    id="P10",
    title="herd effect",
    expected="announced purchases make others buy: at least 1.2 x the first purchases of the same group "
             "without the herd effect (at most 2 x, the herd factor's ceiling 1 + herd_strength)",
    source="DOMAIN.md P10 (marketing conversion: a real purchase announced in the group strongly moves others)",
    lesson="let real buyers announce their purchases in the group: each visible purchase sells more",
    arms={"herd": Arm("p10_herd"), "no_herd": Arm("p10_herd", ("policy.marketing.herd_strength=0",))},
    statistic=herd_ratio,
    low=1.2, high=2.0, unit="x first purchases (herd / none)",
)
