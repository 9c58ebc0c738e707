"""F-leaderless-control: the default group keeps its leaders over the same 180 days."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-leaderless-control",
    title="not leaderless by default",
    expected="in the default group (owner, admin and KOL; an hour a day; wearing out over about two years) over "
             "the same 180 days on a 1,500-person graph, the leaderless detector fires in at most 3 runs in 10",
    source="control arm of F-leaderless (DOMAIN.md: leaderless; P3: even keen admins rarely last longer than "
           "two years)",
    lesson="in its first half year a keen default team does not leave the group leaderless",
    arms={"default": Arm("default", ("days=180", "population.size=1500"))},
    statistic=detection("default", "leaderless"),
    low=0.0, high=0.3, unit="share of runs",
)
