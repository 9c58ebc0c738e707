"""F-boredom-control: the default group is not bored within its first year."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-boredom-control",
    title="no boredom in the default first year",
    expected="in the default group (3,000-person graph, inflow along ties, core team posting about 7 times a "
             "day) over the same 365 days, the boredom detector fires in at most 3 runs in 10",
    source="control arm of F-boredom (DOMAIN.md: boredom; P3: a group's natural life is about two years)",
    lesson="newcomers and fresh posts by the core team hold boredom off through the first year",
    arms={"default": Arm("default", ("days=365",))},
    statistic=detection("default", "boredom"),
    low=0.0, high=0.3, unit="share of runs",
)
