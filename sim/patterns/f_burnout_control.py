"""F-burnout-control: the default team is not burnt out in the first 150 days."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-burnout-control",
    title="no burnout by default",
    expected="in the default group (an hour a day, no policy, a third newbies) over the same 150 days on a "
             "1,500-person graph, the burnout detector fires in at most 3 runs in 10",
    source="control arm of F-burnout (DOMAIN.md: organizers burn out when overworked)",
    lesson="an hour a day is enough for a policy-free group's routine work in its first months",
    arms={"default": Arm("default", ("days=150", "population.size=1500"))},
    statistic=detection("default", "burnout"),
    low=0.0, high=0.3, unit="share of runs",
)
