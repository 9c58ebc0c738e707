"""P8: evaporation: without curation, high-potential members leave first as the mean quality falls."""

from ..validate import Arm, Pattern


def exit_rate_ratio(results) -> float:
    """unhappy exits (low value, noise, silence; not boredom) per member-day, high-potential over mid and low"""
    ts = results["noisy"].timeseries
    high = ts["unhappy_exits_high"].sum() / max(1, ts["members_high"].sum())
    rest = ((ts["unhappy_exits_mid"].sum() + ts["unhappy_exits_low"].sum())
            / max(1, ts["members_mid"].sum() + ts["members_low"].sum()))
    return float(high / rest) if rest > 0 else float("inf")


PATTERN = Pattern(
    id="P8",
    title="evaporation: the best leave first",
    expected="in a noisy uncurated group high-potential members leave at 1.5 x or more the rate of mid and low "
             "ones (the evaporation detector's threshold)",
    source="DOMAIN.md P8 and failure mode evaporation (蒸发): the most valuable members notice the average level "
           "falling, find no reason to stay, and leave",
    lesson="watch who leaves, not how many: when the high-potential members go first the average falls and "
           "the loop feeds itself",
    arms={"noisy": Arm("p8_evaporation")},
    statistic=exit_rate_ratio,
    low=1.5, unit="exit rate high / mid+low",
)
