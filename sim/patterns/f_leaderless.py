"""F-leaderless: a two-person volunteer team wears out and nobody takes over; the leaderless detector fires."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-leaderless",
    title="leaderless detected",
    expected="when the owner and the one admin (no KOL) wear out fast on half an hour a day, the leaderless "
             "detector (no active organizer and no KOL for 14 days) fires in at least 8 runs in 10 within 180 days",
    source="DOMAIN.md, how communities fail: leaderless (无首), no influential or keen owner/admin left to run "
           "it; core-team churn (为爱透支)",
    lesson="a group run by one or two volunteers is one burnout away from having no leader: grow a bench of "
           "admins (rotation) before the founders tire",
    arms={"leaderless": Arm("f_leaderless")},
    statistic=detection("leaderless", "leaderless"),
    low=0.8, high=1.0, unit="share of runs",
)
