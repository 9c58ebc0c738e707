"""F-boredom: a closed group with no newcomers, no activities and a quiet core team; boredom fires."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-boredom",
    title="boredom detected",
    expected="in a closed group (300 founders from one circle, the pool dry, a core team posting about 2 notices a "
             "day, no activities), the boredom detector (novelty < 0.35, member posts down 10 % in a month, < 1 % "
             "newcomers, no activity) fires in at least 8 runs in 10 within a year",
    source="DOMAIN.md, how communities fail: boredom (无聊), no regular activities; activity decays; P3 (the "
           "novelty dividend is gone)",
    lesson="a group nobody new enters and nothing renews bores its members within a year: schedule regular "
           "activities before novelty runs out",
    arms={"closed": Arm("f_boredom")},
    statistic=detection("closed", "boredom"),
    low=0.8, high=1.0, unit="share of runs",
)
