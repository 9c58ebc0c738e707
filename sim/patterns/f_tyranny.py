"""F-tyranny: an overbearing KOL who holds the floor silences the rest; the tyranny detector fires."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-tyranny",
    title="tyranny detected",
    expected="with a fully dominant KOL posting up to 60 times a day, the tyranny detector (loudest voice >= 30 % "
             "of messages, silence >= 0.1, others posting less than a month before) fires in at least 8 runs in 10",
    source="DOMAIN.md, how communities fail: tyranny (暴政), the owner's personality is too strong; others stop "
           "speaking and leave",
    lesson="when one voice holds a third of the messages the others go quiet and leave: rein in the loudest "
           "voice (or give others the floor) before silence sets in",
    arms={"tyranny": Arm("f_tyranny")},
    statistic=detection("tyranny", "tyranny"),
    low=0.8, high=1.0, unit="share of runs",
)
