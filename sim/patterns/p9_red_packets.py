"""P9: a red packet is a spike of activity, and a noon packet spikes more than one sent in the small hours."""

import numpy as np

from ..validate import Arm, Pattern

SETTLED_DAY = 28  # skip the first four weeks (the group is still forming)


def spike(result, offset: int = 0, every_days: int = 7) -> float:
    """Members' posts ``offset`` days after a weekly packet relative to the quiet days (3-5 days after)."""
    ts = result.timeseries
    day, posts = ts["day"].to_numpy(), ts["member_posts"].to_numpy()
    late = day >= SETTLED_DAY
    by_offset = np.array([posts[late & (day % every_days == k)].mean() for k in range(every_days)])
    return float(by_offset[offset] / by_offset[3:6].mean())


def noon_over_night(results) -> float:
    """day-of spike of member posts (x quiet-day posts) with a noon packet minus with a night packet"""
    return spike(results["noon"]) - spike(results["night"])


PATTERN = Pattern(
    id="P9",
    title="red packets: timing",
    expected="a weekly 20-yuan packet at noon raises members' posts on the day well above quiet days (about "
             "1.5 x), and by at least 0.2 of a quiet day more than the same packet at night (03:00)",
    source="DOMAIN.md P9 (red packets: a spike; timing matters most: noon, end of workday, after 21:00, holidays)",
    lesson="send packets when people are online (noon, end of workday, after 21:00): the same money at night "
           "buys almost no activity",
    arms={"noon": Arm("p9_red_packets", ("policy.red_packet.slot=noon",)),
          "night": Arm("p9_red_packets", ("policy.red_packet.slot=night",))},
    statistic=noon_over_night,
    low=0.2, high=1.5, unit="day-of spike (noon - night), x quiet-day posts",
)
