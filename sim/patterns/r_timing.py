"""R-timing: replicating a group at its active peak beats replicating it late, in decline.

The statistic is paired by seed (same graph, same people): active member-days (the weekly active
members summed over days and groups, the operators' "active members" KPI accumulated over the two
years) with replication at the peak (``replication_peak``: the lifecycle trigger) over those with
replication on day 365 (``replication_late``: the default group is in decline by then). Members at the
horizon would favour late clones (they are younger at the end), so the pattern uses activity over the
whole horizon. The 5 % margin is an assumption: the source names the timing, not a figure.
"""

from ..validate import Arm, Pattern


def active_member_days(result) -> float:
    return float(result.timeseries["active_members"].sum())


def peak_over_late(results) -> float:
    """active member-days over the horizon, all groups, clone at the peak / clone in decline"""
    return active_member_days(results["peak"]) / max(active_member_days(results["late"]), 1.0)


PATTERN = Pattern(
    id="R-timing",
    title="replication timing",
    expected="replicating at the active peak gives more active member-days over two years than "
             "replicating in decline (ratio >= 1.05)",
    source="DOMAIN.md replication (复制): timing matters (is the team ready, has a subculture formed); "
           "know the lifecycle phase to time replication",
    lesson="clone a group while it is lively: a clone made in decline starts from a tired group with few "
           "active members",
    arms={"peak": Arm("replication_peak"), "late": Arm("replication_late")},
    statistic=peak_over_late,
    low=1.05, unit="active member-days, peak / late",
)
