"""A running commentary: one short line per notable thing that happened, e.g.
"day 214: 6 high-potential members left in a week: evaporation (蒸发)".

Lines come from the View alone (phases, confirmed failures, the series and the event log), so the
same run gives the same lines, and a line, once written, never changes as the run goes on. Notable:
a new phase, a detected failure, a wave of high-potential exits, a group filling up, and the
operators' visible acts (red packets, evictions, replication, check-in cycles, talks, core-team quits,
a competitor's offer). Routine bookkeeping (reciprocation, fees, skipped work) is left to the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import DetectConfig
from ..detect import PHASES
from .view import View

WEEK_DAYS = 7
WAVE_HIGH_EXITS = 5  # assumption: five high-potential members gone within a week is worth a line (P8)
CHINESE = {"germination": "萌芽期", "fast_growth": "高速成长期", "active": "活跃期", "decline": "死亡期",
           "dormant": "沉寂期", "evaporation": "蒸发", "tyranny": "暴政", "leaderless": "无首", "boredom": "无聊",
           "loss_of_focus": "失焦"}  # DOMAIN.md
PHASE_TEXT = {
    "germination": "the founders and seed users warm the group up",
    "fast_growth": "members pour in along their friends' ties",
    "active": "growth has slowed, the group lives on its regulars",
    "decline": "active members have fallen well below their peak",
    "dormant": "hardly anyone speaks in a week any more",
}
# the order of lines on one day: what explains comes before what follows
KIND_ORDER = ("phase", "full", "policy", "core_team", "wave", "failure")


@dataclass(frozen=True)
class Line:
    day: int
    kind: str  # one of KIND_ORDER
    text: str  # without the day
    topic: str = ""  # a routine act's source (red_packet, ...): only its newest line is shown

    def __str__(self) -> str:
        return f"day {self.day}: {self.text}"


def _name(key: str) -> str:
    words = key.replace("_", " ")
    return f"{words} ({CHINESE[key]})" if key in CHINESE else words


def phase_lines(view: View) -> list[Line]:
    """A line on each day the phase changes (the first day is germination and needs none)."""
    if len(view.phase) < 2:
        return []
    days = view.total.index.to_numpy()
    changed = np.flatnonzero(np.diff(view.phase)) + 1
    names = [PHASES[int(view.phase[i])] for i in changed]
    return [Line(int(days[i]), "phase", f"{_name(p)}: {PHASE_TEXT[p]}") for i, p in zip(changed, names)]


def _week_sum(total: pd.DataFrame, column: str, day: int) -> int:
    return int(total.loc[day - WEEK_DAYS + 1: day, column].sum())


def _people(n: int, what: str = "member") -> str:
    return f"{n} {what}{'s' * (n != 1)}"


def failure_text(failure: str, evidence: dict, high_exits_week: int, detect: DetectConfig = DetectConfig()) -> str:
    """The line for one confirmed failure, with the numbers that triggered it (thresholds: ``detect``)."""
    e = {k: (v if v is not None else float("nan")) for k, v in evidence.items()}
    window_days = detect.window_days
    if failure == "evaporation":
        if high_exits_week >= 2:
            what = f"{_people(high_exits_week, 'high-potential member')} left in a week"
        else:
            what = f"{_people(int(e.get('high_exits', 0)), 'high-potential member')} left in {window_days} days"
        high, other = e.get("high_exit_rate", np.nan), e.get("other_exit_rate", np.nan)
        if np.isfinite(high) and np.isfinite(other) and other > 0:
            what += f", {high / other:.0f} times the others' rate"
        return f"{what}: {_name(failure)}"
    texts = {
        "tyranny": f"one voice holds {e.get('loudest_share', 0):.0%} of the messages and the others fall silent",
        "leaderless": f"no organizer or KOL for {e.get('days_without', 0):.0f} days",
        "boredom": f"novelty down to {e.get('novelty', 0):.2f}, member posts down {e.get('activity_drop', 0):.0%}, "
                   "no regular activity",
        "loss_of_focus": (f"noise is {e.get('noise_share', 0):.0%} of what members read"
                          if e.get("noise_share", 0) > detect.focus_noise_share else
                          f"members' interest in the topic down to {e.get('relevance', 0):.2f}"),
        "burnout": f"an organizer quit after {e.get('overloaded_days', 0):.0f} overloaded days",
        "crisis_exit": f"{e.get('competitor_exits', 0):.0f} members ({e.get('share_of_members', 0):.0%}) left "
                       "for a competitor's offer",
    }
    return f"{texts.get(failure, 'detected')}: {_name(failure)}"


def failure_lines(view: View, detect: DetectConfig, groups: int) -> list[Line]:
    """A line per failure episode, on the day it is confirmed."""
    lines = []
    for f in view.failures:
        week = _week_sum(view.total, "exits_high", f["day"]) if f["failure"] == "evaporation" else 0
        text = failure_text(f["failure"], f["evidence"], week, detect)
        lines.append(Line(f["day"], "failure", f"group {f['group']}: {text}" if groups > 1 else text))
    return lines


def wave_lines(view: View, failure_days: set[int]) -> list[Line]:
    """High-potential members leaving in a wave (WAVE_HIGH_EXITS in a week), at most one line a week,
    none on a day an evaporation line already tells it."""
    if not len(view.total):
        return []
    weekly = view.total["exits_high"].rolling(WEEK_DAYS, min_periods=1).sum()
    lines, last = [], -10**9
    for day, n in weekly[weekly >= WAVE_HIGH_EXITS].items():
        if day - last >= WEEK_DAYS and day not in failure_days:
            lines.append(Line(int(day), "wave", f"{_people(int(n), 'high-potential member')} left in a week"))
            last = day
    return lines


def full_lines(view: View) -> list[Line]:
    """The first day each group reaches its capacity."""
    lines = []
    if not len(view.series):
        return lines
    groups = view.series["group"].nunique()
    for g, s in view.series.groupby("group", sort=True):
        full = s.loc[s["members"] >= view.capacity, "day"]
        if len(full):
            who = f"group {g}" if groups > 1 else "the group"
            lines.append(Line(int(full.iloc[0]), "full", f"{who} is full: {view.capacity} members"))
    return lines


NOTABLE_SOURCES = ("red_packet", "replication", "check_in", "sharing_session", "crisis", "core_team")


def _policy_text(row) -> tuple[str, str] | None:
    """(kind, text) for a notable event row, None for routine ones."""
    source, action, n, detail = row.source, row.action, int(row.target_count), str(row.detail)
    if source == "red_packet" and action != "reciprocate":
        slot = f" at {row.slot.replace('_', ' ')}" if row.slot else ""
        return "policy", f"red packet{slot}: {_people(n)} grabbed it ({detail})"
    if source == "replication" and action == "replicate":
        return "policy", f"replication: {detail.split(';')[0]}"
    if source == "check_in" and action in ("announce_cycle", "awards"):
        return "policy", f"check-ins: {detail.split(',')[0] if action == 'announce_cycle' else detail}" + (
            " starts" if action == "announce_cycle" else "")
    if source == "sharing_session" and action == "introduce_guest":
        return "policy", f"a guest talk ({detail.split(',')[0]})"
    if source == "crisis" and action == "competitor_offer":
        return "policy", f"a competitor's offer is posted in the group ({detail})"
    if source == "core_team":
        if action.endswith("_quit"):
            return "core_team", f"the {action[:-5].replace('kol', 'KOL')} quit, worn out"
        if action == "no_organizer_left":
            return "core_team", "no organizer is left to run the group"
        if action == "owner_succession":
            return "core_team", f"a new owner takes over ({detail})"
    return None


def event_lines(view: View) -> list[Line]:
    """Operators' visible acts; evictions summed per day, by reason."""
    ev = view.events
    if not len(ev):
        return []
    lines = []
    notable = ev["source"].isin(NOTABLE_SOURCES) & ~ev["action"].str.startswith("skipped")
    for row in ev[notable].itertuples(index=False):
        said = _policy_text(row)
        if said is not None:
            lines.append(Line(int(row.day), *said, topic=row.source if said[0] == "policy" else ""))
    out = ev[(ev["source"] == "eviction") & ev["action"].str.startswith("evict_") & (ev["target_count"] > 0)]
    by_day: dict[int, list[tuple[int, str]]] = {}
    for day, action, n in zip(out["day"].to_numpy(), out["action"].to_numpy(), out["target_count"].to_numpy()):
        by_day.setdefault(int(day), []).append((int(n), action[len("evict_"):].replace("_", " ")))
    for day, parts in sorted(by_day.items()):
        why = ", ".join(f"{n} {reason}" for n, reason in parts)
        lines.append(Line(day, "policy", f"{_people(sum(n for n, _ in parts))} evicted ({why})", topic="eviction"))
    return lines


def commentary(view: View, detect: DetectConfig = DetectConfig()) -> list[Line]:
    """Every line of the run so far, oldest first (``detect``: the run's detector thresholds)."""
    groups = view.series["group"].nunique() if len(view.series) else 1
    failures = failure_lines(view, detect, groups)
    evaporated = {line.day for line in failures if "evaporation" in line.text}
    lines = (phase_lines(view) + full_lines(view) + event_lines(view) + wave_lines(view, evaporated) + failures)
    return sorted(lines, key=lambda line: (line.day, KIND_ORDER.index(line.kind)))


def latest(lines: list[Line], count: int) -> list[Line]:
    """The ``count`` newest lines, newest first; of a routine act (a topic) only its newest line, so
    weekly packets do not push phases and failures off the list."""
    shown, topics = [], set()
    for line in reversed(lines):
        if line.topic:
            if line.topic in topics:
                continue
            topics.add(line.topic)
        shown.append(line)
        if len(shown) == count:
            break
    return shown


__all__ = ["Line", "commentary", "failure_text", "latest"]
