"""Observation: pure functions from model state to numbers, and the recorder that stores them per day.

Nothing here changes the model. KPIs follow DOMAIN.md (new members, active members, participation,
satisfaction by tier, lifetime).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .config import EXIT_REASONS, TIERS
from .population import ROLE_MEMBER, VIA_NAMES

if TYPE_CHECKING:
    from .model import CommunityModel


def active_members(model: "CommunityModel") -> np.ndarray:
    """Per group: members who spoke within the last ``rules.activity.active_window_days`` days."""
    people = model.people
    m = people.members
    window = model.config.rules.activity.active_window_days
    recent = people.last_active_day[m] > model.calendar.day - window
    return np.bincount(people.group[m], weights=recent, minlength=model.groups.count).astype(np.int64)


def active_share(model: "CommunityModel") -> np.ndarray:
    """Per group: active members / members (0 for an empty group)."""
    sizes = model.people.group_sizes()
    return active_members(model) / np.maximum(sizes, 1)


class Recorder:
    """Collects one row per day and founded group (from its founding day on; reserved slots not yet
    founded are left out); ``frame()`` returns the time series as a DataFrame."""

    def __init__(self, model: "CommunityModel"):
        self.n_groups = model.groups.count
        self.columns: dict[str, list[np.ndarray]] = {}
        self._keep: np.ndarray | None = None  # today's founded groups (None: all)

    def _put(self, name: str, values) -> None:
        row = np.broadcast_to(np.asarray(values), (self.n_groups,))
        self.columns.setdefault(name, []).append(row.copy() if self._keep is None else row[self._keep])

    def record(self, model: "CommunityModel") -> None:
        day, people, groups, G = model.day_state, model.people, model.groups, self.n_groups
        self._keep = None if groups.founded.all() else np.flatnonzero(groups.founded)
        m = people.members
        gm = people.group[m]
        sizes = np.bincount(gm, minlength=G)
        active = active_members(model)
        self._put("day", day.index)
        self._put("group", np.arange(G))
        self._put("weekday", model.calendar.weekday)
        self._put("holiday", model.calendar.is_holiday)
        self._put("members", sizes)
        self._put("active_members", active)
        self._put("active_share", np.divide(active, sizes, out=np.zeros(G), where=sizes > 0))
        self._put("speakers", np.bincount(day.group, weights=day.posts > 0, minlength=G)
                  if day.posts is not None and len(day.crowd) else np.zeros(G))
        for v, name in enumerate(VIA_NAMES):
            self._put(f"joins_{name}", day.joins[v])
        self._put("joins", day.joins.sum(axis=0))
        for r, name in enumerate(EXIT_REASONS):
            self._put(f"exits_{name}", day.exits_by_reason[r])
        for t, name in enumerate(TIERS):
            self._put(f"exits_{name}", day.exits_by_tier[t])
        self._put("exits", day.exits_by_reason.sum(axis=0))
        self._put("moved_out", day.moved_out)  # members moved to another group (replication); not exits
        self._put("posts", day.group_posts)
        self._put("member_posts", day.member_posts)
        self._put("core_posts", day.core_posts)
        self._put("questions", day.questions)
        self._put("answered_questions", day.answered_questions)
        self._put("spam_posts", day.spam)
        self._put("quality", day.quality)
        self._put("perceived_quality", groups.quality)
        self._put("noise_share", groups.noise_share)
        self._put("silence", groups.silence)
        self._put("loudest_share", day.loudest_share)
        relevance = np.bincount(gm, weights=people.relevance[m], minlength=G)
        self._put("relevance", np.divide(relevance, sizes, out=np.full(G, np.nan), where=sizes > 0))
        self._put("organizer_overload", day.organizer_overload)
        # ordinary members by (group, tier); the core team goes to an extra column that is dropped
        T = len(TIERS)
        key = gm * (T + 1) + np.where(people.role[m] == ROLE_MEMBER, people.tier[m], T)
        count = np.bincount(key, minlength=G * (T + 1)).reshape(G, T + 1)
        sat = np.bincount(key, weights=people.satisfaction[m], minlength=G * (T + 1)).reshape(G, T + 1)
        for t, name in enumerate(TIERS):
            self._put(f"members_{name}", count[:, t])
            self._put(f"satisfaction_{name}", np.divide(sat[:, t], count[:, t], out=np.full(G, np.nan),
                                                        where=count[:, t] > 0))
        novelty = np.bincount(gm, weights=people.novelty[m], minlength=G)
        self._put("novelty", np.divide(novelty, sizes, out=np.full(G, np.nan), where=sizes > 0))
        self._put("policy_spend_yuan", day.policy_spend_yuan)
        self._put("policy_minutes", day.policy_minutes)
        self._put("policy_minutes_short", day.policy_minutes_short)
        team = model.team
        self._put("organizers", np.bincount(team.group[team.active_slots(organizer=True)], minlength=G))
        self._put("kols", np.bincount(team.group[team.active_slots(organizer=False)], minlength=G))

    def frame(self) -> pd.DataFrame:
        data = {name: np.concatenate(parts) for name, parts in self.columns.items()}
        df = pd.DataFrame(data)
        float_cols = df.select_dtypes("float").columns
        df[float_cols] = df[float_cols].astype("float64")
        return df


# ------------------------------------------------------------------------ KPIs from the tables
def policy_totals(events: pd.DataFrame, policies: list[str]) -> dict:
    """Per selected policy: yuan and organizer minutes spent, actions taken and skipped (from event rows)."""
    out = {}
    for name in policies:
        rows = events[events["source"] == name]
        skipped = rows["action"].str.startswith("skipped")
        out[name] = {
            "spend_yuan": round(float(rows["spend_yuan"].sum()), 2),
            "organizer_minutes": round(float(rows["organizer_minutes"].sum()), 1),
            "organizer_hours": round(float(rows["organizer_minutes"].sum()) / 60.0, 2),
            "actions": int((~skipped).sum()),
            "skipped_no_time": int(skipped.sum()),
            "targets": int(rows.loc[~skipped, "target_count"].sum()),
        }
    return out


def lifetime_days(series: pd.DataFrame, dormant_active_share: float) -> int:
    """Days from founding until the weekly active share falls below ``dormant_active_share`` for good.

    Counted after the peak of active members; the horizon if the group never became dormant.
    """
    active = series["active_members"].to_numpy()
    if len(active) == 0:
        return 0
    share = active / np.maximum(series["members"].to_numpy(), 1)
    peak_day = int(np.argmax(active))
    alive = share >= dormant_active_share
    alive[:peak_day + 1] = True
    return int(np.flatnonzero(alive).max()) + 1


def group_summary(series: pd.DataFrame, members: pd.DataFrame, dormant_active_share: float,
                  parent: int = -1) -> dict:
    """Headline KPIs of one group from its time series (from its founding day) and member rows."""
    peak = int(series["members"].idxmax() - series.index[0]) if len(series) else 0
    last = series.iloc[-1]
    exits = {r: int(series[f"exits_{r}"].sum()) for r in EXIT_REASONS}
    joined = int(series["joins"].sum())
    return {
        "founded_day": int(series["day"].iloc[0]),
        "parent": int(parent),  # the group it was cloned from (replication); -1 for a founding group
        "peak_members": int(series["members"].max()),
        "peak_day": int(series["day"].iloc[peak]),
        "peak_active_members": int(series["active_members"].max()),
        "peak_active_share": round(float(series["active_share"].max()), 4),
        "mean_active_share": round(float(series["active_share"].mean()), 4),
        "final_members": int(last["members"]),
        "final_active_members": int(last["active_members"]),
        "lifetime_days": lifetime_days(series, dormant_active_share),
        "joined": joined,
        "joined_by": {v: int(series[f"joins_{v}"].sum()) for v in VIA_NAMES},
        "left": int(sum(exits.values())),
        "exits_by_reason": exits,
        "exits_by_tier": {t: int(series[f"exits_{t}"].sum()) for t in TIERS},
        "moved_out": int(series["moved_out"].sum()) if "moved_out" in series else 0,
        "posts": int(series["posts"].sum()),
        "members_never_posted_share": round(float((members["posts"] == 0).mean()), 4) if len(members) else 0.0,
        "newbie_share": round(float(members["newbie"].mean()), 4) if len(members) else 0.0,
    }


def summarize(timeseries: pd.DataFrame, members: pd.DataFrame, dormant_active_share: float,
              parents: dict | None = None) -> dict:
    """Headline KPIs: per group (``parents`` maps a cloned group to its parent) and over all groups."""
    per_group = {}
    for g, series in timeseries.groupby("group", sort=True):
        per_group[str(g)] = group_summary(series.reset_index(drop=True), members[members["group"] == g],
                                          dormant_active_share, (parents or {}).get(int(g), -1))
    total = timeseries.groupby("day", sort=True)[["members", "active_members", "joins", "exits", "posts"]].sum()
    total["active_share"] = total["active_members"] / total["members"].clip(lower=1)
    headline = {
        "groups": len(per_group),
        "peak_members": int(total["members"].max()),
        "peak_day": int(total["members"].idxmax()),
        "final_members": int(total["members"].iloc[-1]),
        "peak_active_share": round(float(total["active_share"].max()), 4),
        "lifetime_days": lifetime_days(total, dormant_active_share),
        "ever_joined": len(members),
        "left": int((members["left_day"] >= 0).sum()),
    }
    return json.loads(json.dumps({"headline": headline, "groups": per_group}))
