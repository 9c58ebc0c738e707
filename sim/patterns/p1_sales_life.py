"""P1 (life): the unscreened sales group's activity collapses after a day or two."""

from ..validate import Pattern
from .p1_sales_group import ARMS, active_days

PATTERN = Pattern(
    id="P1-life",
    title="unscreened sales group: life",
    expected="its activity is over within one to two days (accepted: at most 3 days with a quarter of the peak "
             "day's posting share)",
    source="DOMAIN.md P1; course transcript (短期群: 只能存活一两天, 两天都难保持)",
    lesson="a sales group without shared interest is a one-day event: plan the conversion for day one, "
           "or screen and activate first",
    arms=ARMS, statistic=active_days, low=1, high=3, unit="days",
)
