"""P2: a screened long-term learning group keeps more than 60 % of its members active for six months."""

import numpy as np

from ..validate import Arm, Pattern

MONTH_DAYS = 30
FIRST_DAY, MONTHS = 30, 6  # months 2..7 of the group's life: days 30-209 (the first month is the build-up)


def weakest_month(results) -> float:
    """The lowest of six monthly means (days 30-59, ..., 180-209) of the weekly active share
    (members who spoke within 7 days / members); at least 0.6 in each month = held for six months."""
    share = results["learning"].timeseries.sort_values("day")["active_share"].to_numpy()
    months = [share[FIRST_DAY + i * MONTH_DAYS: FIRST_DAY + (i + 1) * MONTH_DAYS] for i in range(MONTHS)]
    assert all(len(m) == MONTH_DAYS for m in months), "the horizon must cover day 209"
    return float(min(np.mean(m) for m in months))


PATTERN = Pattern(
    id="P2",
    title="screened learning group",
    expected="a screened study group with check-ins and weekly talks keeps its weekly active share above 60 % "
             "in each of six months (days 30-209)",
    source="DOMAIN.md P2; course transcript (长期群: 活跃度能保持在60%以上, 生命周期轻松达到6个月以上)",
    lesson="screen at the door and give members a daily reason to speak (check-ins, regular talks): "
           "activity then holds for months instead of fading",
    arms={"learning": Arm("p2_learning_group")},
    statistic=weakest_month,
    low=0.6, high=1.0, unit="weekly active share (weakest month)",
)
