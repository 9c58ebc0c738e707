"""F-focus-control: the default group keeps its focus over the same 120 days."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-focus-control",
    title="focus kept by default",
    expected="in the default group (inflow along ties, 4 leads a day until 150 members, 2 % of low-potential "
             "people post ads, no offers) over the same 120 days on a 1,500-person graph, the loss-of-focus "
             "detector fires in at most 3 runs in 10",
    source="control arm of F-focus (DOMAIN.md, how communities fail: loss of focus)",
    lesson="growth along ties keeps the members on topic and the noise low",
    arms={"default": Arm("default", ("days=120", "population.size=1500"))},
    statistic=detection("default", "loss_of_focus"),
    low=0.0, high=0.3, unit="share of runs",
)
