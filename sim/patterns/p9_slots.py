"""P9-slots: each slot the texts recommend (noon, end of workday, after 21:00) beats the small hours."""

from ..validate import Arm, Pattern
from .p9_red_packets import spike

GOOD = ("noon", "end_of_workday", "after_21")


def worst_good_slot_over_night(results) -> float:
    """smallest, over noon, end of workday and after 21:00, of the day-of spike minus the night spike"""
    night = spike(results["night"])
    return min(spike(results[s]) for s in GOOD) - night


PATTERN = Pattern(
    id="P9-slots",
    title="red packets: every good slot beats night",
    expected="the day-of spike of a weekly packet at noon, at the end of the workday and after 21:00 each "
             "exceeds the spike at night: the smallest of the three margins is positive (at least 0.05 of a "
             "quiet day's posts)",
    source="DOMAIN.md P9 (timing: noon, just before the end of the workday, after 9 pm)",
    lesson="any of the three recommended moments works; the small hours do not",
    arms={s: Arm("p9_red_packets", (f"policy.red_packet.slot={s}",)) for s in (*GOOD, "night")},
    statistic=worst_good_slot_over_night,
    low=0.05, high=1.5, unit="min over good slots of (spike - night spike), x quiet-day posts",
)
