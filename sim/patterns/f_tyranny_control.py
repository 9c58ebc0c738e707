"""F-tyranny-control: the default group, over the same 300 days and graph, shows no tyranny."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-tyranny-control",
    title="no tyranny by default",
    expected="in the default group (KOL dominance 0.3, 2 posts a day) over the same 300 days on a 1,000-person "
             "graph, the tyranny detector fires in at most 3 runs in 10",
    source="control arm of F-tyranny (DOMAIN.md, how communities fail: tyranny)",
    lesson="the tyranny alarm is specific: a modest KOL does not raise it",
    arms={"default": Arm("default", ("days=300", "population.size=1000"))},
    statistic=detection("default", "tyranny"),
    low=0.0, high=0.3, unit="share of runs",
)
