"""Shared statistics of the failure-mode patterns (F-tyranny, F-leaderless, F-boredom, F-focus, F-burnout).

Each failure mode has a preset (``scenarios/f_<name>.yaml``) in which its detector (sim/detect.py, thresholds
in ``DetectConfig``, unchanged) should fire, a control (the default group over the same horizon and graph
size) in which it should not, and one number that shows the mechanism at work.
"""

from __future__ import annotations

VOLUNTARY = ("exits_low_value", "exits_boredom", "exits_noise", "exits_silenced")  # members' own exits


def fired(result, failure: str, group: str = "0") -> float:
    """1.0 if the detector of ``failure`` fired in the group during the run, else 0.0."""
    return float(result.summary["groups"][group]["failures"][failure]["detected"])


def detection(arm: str, failure: str):
    """Statistic: whether ``failure`` was detected in arm ``arm`` (its mean over seeds = share of runs)."""
    def statistic(results) -> float:
        return fired(results[arm], failure)
    statistic.__name__ = f"{failure}_detected_in_{arm}"
    statistic.__doc__ = f"1 if the {failure.replace('_', ' ')} detector fired in the {arm} arm, else 0"
    return statistic


def exit_share(result, reason: str) -> float:
    """Exits for ``reason`` as a share of the members' voluntary exits (core-team quits and evictions aside)."""
    ts = result.timeseries
    voluntary = float(ts[list(VOLUNTARY)].to_numpy().sum())
    return float(ts[f"exits_{reason}"].sum()) / voluntary if voluntary else 0.0


def days_without_leaders(result) -> float:
    """Days on which the group had no active organizer and no KOL."""
    ts = result.timeseries
    return float(((ts["organizers"] + ts["kols"]) == 0).sum())


def posts_end_over_peak(result, window: int = 28) -> float:
    """Members' posts per day over the last ``window`` days, as a share of their highest ``window``-day mean."""
    posts = result.timeseries["member_posts"].rolling(window).mean()
    peak = float(posts.max())
    return float(posts.iloc[-1]) / peak if peak > 0 else 0.0


def organizers_quit_share(result) -> float:
    """Share of the founding organizers (owner and admins) who quit the group during the run."""
    events = result.events
    quits = int(events["action"].isin(["owner_quit", "admin_quit"]).sum())
    founding = int(result.timeseries["organizers"].iloc[0])
    return quits / founding if founding else 0.0
