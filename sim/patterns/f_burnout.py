"""F-burnout: organizers with little time, a check-in programme and many newbies quit overloaded."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-burnout",
    title="burnout detected",
    expected="with 20 minutes a day each, a check-in programme and 60 % newbies, the burnout detector (a core-team "
             "member quits after 7 or more overloaded days in a month) fires in at least 8 runs in 10 within 150 days",
    source="DOMAIN.md: organizers have limited time and burn out (为爱透支); core members quit for overwork; "
           "admins' burnout; check-ins are long and tedious work for organizers",
    lesson="take on only the programmes the team has time for: overload wears organizers out within months",
    arms={"overloaded": Arm("f_burnout")},
    statistic=detection("overloaded", "burnout"),
    low=0.8, high=1.0, unit="share of runs",
)
