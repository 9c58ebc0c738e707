"""F-crisis-response: answering the competitor's offer cuts the loss by half or more."""

from ..validate import Arm, Pattern
from .f_crisis import lost_share


def loss_cut(results) -> float:
    """1 - (members lost with the post removed) / (members lost without response)."""
    none = lost_share(results["none"])
    return float(1.0 - lost_share(results["remove"]) / none) if none > 0 else 0.0


PATTERN = Pattern(
    id="F-crisis-response",
    title="a response cuts the crisis exit",
    expected="deleting the offer and evicting the poster at once (5 organizer minutes) cuts the members lost "
             "by at least half against no response (a rebuttal alone about halves it)",
    source="DOMAIN.md (how communities fail: it was the lack of an operator response that caused mass exit)",
    lesson="answer a poacher at once: deleting the post within the hour saves most of those who would have left",
    arms={"none": Arm("f_crisis", ("policy.crisis.response=none",)),
          "remove": Arm("f_crisis", ("policy.crisis.response=remove",))},
    statistic=loss_cut,
    low=0.5, high=1.0, unit="share of the loss avoided",
)
