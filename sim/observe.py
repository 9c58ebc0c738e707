"""Observation: pure functions from model state to numbers, and the recorder that stores them per day.

Nothing here changes the model. KPIs follow DOMAIN.md (new members, active members, participation,
satisfaction by tier, lifetime).
"""

from __future__ import annotations

import copy
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
    return _active_and_members(model)[0]


def active_share(model: "CommunityModel") -> np.ndarray:
    """Per group: active members / members (0 for an empty group)."""
    active, members = _active_and_members(model)
    return active / np.maximum(members, 1)


def _active_and_members(model: "CommunityModel") -> tuple[np.ndarray, np.ndarray]:
    """Per group: the active members (spoke within the active window) and all members."""
    people, G = model.people, model.groups.count
    m = people.members
    gm = people.group[m]
    return np.bincount(gm[_recent(model, m)], minlength=G), np.bincount(gm, minlength=G)


def _recent(model: "CommunityModel", people: np.ndarray) -> np.ndarray:
    """Which of ``people`` spoke within the last ``rules.activity.active_window_days`` days."""
    return model.people.last_active_day[people] > model.calendar.day - model.config.rules.activity.active_window_days


# the time series' columns in order, with their dtypes; "day", "weekday" and "holiday" are the same for
# every group of a day, the others are recorded per group
COLUMNS = {"day": np.int64, "group": np.int64, "weekday": np.int64, "holiday": bool,
           "members": np.int64, "active_members": np.int64, "active_share": np.float64, "speakers": np.float64,
           **{f"joins_{v}": np.int64 for v in VIA_NAMES}, "joins": np.int64,
           **{f"exits_{r}": np.int64 for r in EXIT_REASONS}, **{f"exits_{t}": np.int64 for t in TIERS},
           **{f"unhappy_exits_{t}": np.int64 for t in TIERS},  # voluntary exits for low value, noise or silence
           "exits": np.int64, "moved_out": np.int64,  # moved out: to another group (replication); not exits
           "posts": np.float64, "member_posts": np.float64, "core_posts": np.float64, "questions": np.float64,
           "answered_questions": np.float64, "spam_posts": np.float64, "quality": np.float64,
           "perceived_quality": np.float64, "noise_share": np.float64, "silence": np.float64,
           "loudest_share": np.float64, "relevance": np.float64, "organizer_overload": np.float64,
           **{f"{c}_{t}": np.int64 if c == "members" else np.float64
              for t in TIERS for c in ("members", "satisfaction")},
           "novelty": np.float64, "policy_spend_yuan": np.float64, "policy_minutes": np.float64,
           "policy_minutes_short": np.float64, "organizers": np.int64, "kols": np.int64}
DAILY = ("day", "weekday", "holiday")
# the rows of a day's block, in the order record() fills them
ROWS = ("group", "members", "active_members", "active_share", "speakers",
        *(f"joins_{v}" for v in VIA_NAMES), *(f"exits_{r}" for r in EXIT_REASONS),  # Day.flows, in its order
        *(f"exits_{t}" for t in TIERS), *(f"unhappy_exits_{t}" for t in TIERS), "moved_out", "joins", "exits",
        "posts", "member_posts", "core_posts", "questions", "answered_questions", "spam_posts", "quality",
        "perceived_quality", "noise_share", "silence", "loudest_share", "organizer_overload",
        "policy_spend_yuan", "policy_minutes", "policy_minutes_short", "organizers", "kols",
        *(f"members_{t}" for t in TIERS), *(f"satisfaction_{t}" for t in TIERS), "relevance", "novelty")
ROW = {name: i for i, name in enumerate(ROWS)}
assert set(ROWS) | set(DAILY) == set(COLUMNS) and len(ROWS) + len(DAILY) == len(COLUMNS)
MEANS = slice(ROW["satisfaction_high"], len(ROWS))  # rows recorded as sums, then divided by the members they sum over
MEAN_OF = [ROW[f"members_{t}"] for t in TIERS] + [ROW["members"]] * 2
DERIVED = {"active_share", *ROWS[MEANS]}  # rows computed from the recorded rows


def _derive(b: np.ndarray) -> np.ndarray:
    """Recorded blocks (rows of ``ROWS``) made final in place: the active share, and the means of
    the summed rows (NaN for an empty group or tier)."""
    b[ROW["active_share"]] = b[ROW["active_members"]] / np.maximum(b[ROW["members"]], 1)
    counts = b[MEAN_OF]
    counts[counts == 0] = np.nan
    b[MEANS] /= counts
    return b


class Recorder:
    """Collects one row per day and founded group (from its founding day on; reserved slots not yet
    founded are left out); ``frame()`` returns the time series as a DataFrame.

    Each day is one block of float64 values (a row per column of ``ROWS``, a column per founded group),
    exact for the counts, which ``frame()`` casts back to their dtypes. A day's block holds what only
    that day can tell (counts and sums); the rows of ``DERIVED`` are computed from them when read."""

    def __init__(self, model: "CommunityModel"):
        self.n_groups = model.groups.count
        self.daily: dict[str, list] = {name: [] for name in DAILY}  # one value per day
        self.blocks: list[np.ndarray] = []  # per day, (len(ROWS), founded groups), DERIVED rows not final
        self._totals: list[float] | None = None  # the latest day's sum of each recorded row, when asked
        self.rows: list[int] = []  # rows recorded each day (founded groups)
        self._group_ids = np.arange(self.n_groups)

    def last(self, name: str) -> np.ndarray:
        """The latest day's values of a per-group column, one per founded group."""
        b = self.blocks[-1]
        return _derive(b.copy())[ROW[name]] if name in DERIVED else b[ROW[name]]

    def total(self, name: str) -> float:
        """The latest day's sum of a per-group column over the founded groups."""
        if name in DERIVED:
            return float(self.last(name).sum())
        if self._totals is None:
            self._totals = self.blocks[-1].sum(axis=1).tolist()
        return self._totals[ROW[name]]

    def record(self, model: "CommunityModel") -> None:
        day, people, groups, roster, G = model.day_state, model.people, model.groups, model.team.roster(), self.n_groups
        T = len(TIERS)
        m = people.members
        gm = people.group[m]
        # members by (tier, group), with the core team as an extra tier (intp: tier x G needs the width)
        tier = np.where(people.role[m] == ROLE_MEMBER, people.tier[m], np.intp(T))
        if G == 1:  # the same numbers with fewer steps
            key, sizes, active = tier, np.array([len(m)]), np.array([np.count_nonzero(_recent(model, m))])
        else:
            key = tier * G + gm
            sizes, active = np.bincount(gm, minlength=G), np.bincount(gm[_recent(model, m)], minlength=G)
        count = np.bincount(key, minlength=(T + 1) * G)
        satisfaction = np.bincount(key, weights=people.satisfaction[m], minlength=(T + 1) * G)
        speakers = (np.bincount(day.group[day.posts > 0], minlength=G)
                    if day.posts is not None and len(day.crowd) else np.zeros(G))
        b = np.concatenate([  # active_share's row holds active members here; _derive makes it the share
            self._group_ids, sizes, active, active, speakers, day.flows.ravel(),
            day.joins.sum(axis=0), day.exits_by_reason.sum(axis=0),
            day.group_posts, day.member_posts, day.core_posts, day.questions, day.answered_questions, day.spam,
            day.quality, groups.quality, groups.noise_share, groups.silence, day.loudest_share, day.organizer_overload,
            day.policy_spend_yuan, day.policy_minutes, day.policy_minutes_short,
            roster.organizers_per_group, roster.kols_per_group, count[:T * G], satisfaction[:T * G],
            np.bincount(gm, weights=people.relevance[m], minlength=G),
            np.bincount(gm, weights=people.novelty[m], minlength=G)]).reshape(len(ROWS), G)
        if not groups.founded.all():
            b = b[:, groups.founded]
        self.blocks.append(b)
        self._totals = None
        self.rows.append(b.shape[1])
        self.daily["day"].append(day.index)
        self.daily["weekday"].append(model.calendar.weekday)
        self.daily["holiday"].append(model.calendar.is_holiday)

    def frame(self) -> pd.DataFrame:
        values = _derive(np.concatenate(self.blocks, axis=1)) if self.blocks else np.empty((len(ROWS), 0))
        data = {name: np.repeat(np.array(self.daily[name]), self.rows).astype(dtype) if name in DAILY
                else values[ROW[name]].astype(dtype) for name, dtype in COLUMNS.items()}
        return pd.DataFrame(data)


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


SUMMARY_COLUMNS = ("day", "members", "active_members", "active_share", "joins", "posts",
                   *(f"joins_{v}" for v in VIA_NAMES), *(f"exits_{r}" for r in EXIT_REASONS),
                   *(f"exits_{t}" for t in TIERS), "moved_out")  # moved_out: when recorded


def lifetime_days(series: pd.DataFrame, dormant_active_share: float) -> int:
    """Days from founding until the weekly active share falls below ``dormant_active_share`` for good.

    Counted after the peak of active members; the horizon if the group never became dormant.
    """
    return _lifetime_days(series["active_members"].to_numpy(), series["members"].to_numpy(), dormant_active_share)


def _lifetime_days(active: np.ndarray, members: np.ndarray, dormant_active_share: float) -> int:
    if len(active) == 0:
        return 0
    share = active / np.maximum(members, 1)
    peak_day = int(np.argmax(active))
    alive = share >= dormant_active_share
    alive[:peak_day + 1] = True
    return int(np.flatnonzero(alive).max()) + 1


def group_summary(series: pd.DataFrame, members: pd.DataFrame, dormant_active_share: float,
                  parent: int = -1) -> dict:
    """Headline KPIs of one group from its time series (from its founding day) and member rows."""
    columns = {c: series[c].to_numpy() for c in SUMMARY_COLUMNS if c in series}
    return _group_summary(columns, members["posts"].to_numpy(), members["newbie"].to_numpy(), dormant_active_share,
                          parent)


def _group_summary(s: dict[str, np.ndarray], posts: np.ndarray, newbie: np.ndarray, dormant_active_share: float,
                   parent: int) -> dict:
    """``group_summary`` of the group's columns and its members' posts and newbie flags."""
    members, active, day = s["members"], s["active_members"], s["day"]
    exits = {r: int(np.nansum(s[f"exits_{r}"])) for r in EXIT_REASONS}
    return {
        "founded_day": int(day[0]),
        "parent": int(parent),  # the group it was cloned from (replication); -1 for a founding group
        "peak_members": int(np.nanmax(members)),
        "peak_day": int(day[np.argmax(members)]),
        "peak_active_members": int(np.nanmax(active)),
        "peak_active_share": round(float(np.nanmax(s["active_share"])), 4),
        "mean_active_share": round(float(np.nanmean(s["active_share"])), 4),
        "final_members": int(members[-1]),
        "final_active_members": int(active[-1]),
        "lifetime_days": _lifetime_days(active, members, dormant_active_share),
        "joined": int(np.nansum(s["joins"])),
        "joined_by": {v: int(np.nansum(s[f"joins_{v}"])) for v in VIA_NAMES},
        "left": int(sum(exits.values())),
        "exits_by_reason": exits,
        "exits_by_tier": {t: int(np.nansum(s[f"exits_{t}"])) for t in TIERS},
        "moved_out": int(np.nansum(s["moved_out"])) if "moved_out" in s else 0,
        "posts": int(np.nansum(s["posts"])),
        "members_never_posted_share": round(float((posts == 0).mean()), 4) if len(posts) else 0.0,
        "newbie_share": round(float(newbie.mean()), 4) if len(newbie) else 0.0,
    }


def summarize(timeseries: pd.DataFrame, members: pd.DataFrame, dormant_active_share: float,
              parents: dict | None = None) -> dict:
    """Headline KPIs: per group (``parents`` maps a cloned group to its parent) and over all groups."""
    columns = {c: timeseries[c].to_numpy() for c in SUMMARY_COLUMNS if c in timeseries}
    group = timeseries["group"].to_numpy()
    member_group, posts, newbie = (members[c].to_numpy() for c in ("group", "posts", "newbie"))
    per_group = {}
    for g in np.unique(group):
        rows, mine = group == g, member_group == g
        per_group[str(g)] = _group_summary({c: v[rows] for c, v in columns.items()}, posts[mine], newbie[mine],
                                           dormant_active_share, (parents or {}).get(int(g), -1))
    day, total = _per_day(columns["day"], {c: columns[c] for c in ("members", "active_members")})
    peak = int(np.argmax(total["members"])) if len(day) else 0
    headline = {
        "groups": len(per_group),
        "peak_members": int(np.nanmax(total["members"])),
        "peak_day": int(day[peak]),
        "final_members": int(total["members"][-1]),
        "peak_active_share": round(float(np.nanmax(total["active_members"] / np.maximum(total["members"], 1))), 4),
        "lifetime_days": _lifetime_days(total["active_members"], total["members"], dormant_active_share),
        "ever_joined": len(members),
        "left": int((members["left_day"].to_numpy() >= 0).sum()),
    }
    return json.loads(json.dumps({"headline": headline, "groups": per_group}))


# ------------------------------------------------------------------------ operator KPIs (DOMAIN.md)
# Pure functions of the run's tables as written to the run directory (timeseries, members, events);
# none needs the model. ``timeseries`` may hold one group or many (then summed per day); ``members``
# is one row per person who was ever a member, counted in the last group they belonged to.
RETENTION_HORIZONS = (1, 7, 30, 90)  # days after joining (d+1, d+7, d+30, d+90)
COST_CHECKPOINTS = (90, 180)  # run days after which spend per active member is also reported
NEW_MEMBER_ROUTES = ("invited", "recruited")  # first joins after founding (not "seed", not "moved")


def _ratio(num, den) -> float:
    """num / den as a float; NaN when den is 0 (no basis, not zero)."""
    return float(num) / float(den) if den else float("nan")


def _per_day(day: np.ndarray, columns: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The recorded days in order and each column summed over groups per day (pandas' groupby sum)."""
    if (np.diff(day) > 0).all():  # one group: already one row per day, in order
        return day, columns
    daily = pd.DataFrame({"day": day, **columns}).groupby("day", sort=True).sum()
    return daily.index.to_numpy(), {c: daily[c].to_numpy() for c in columns}


def _daily(timeseries: pd.DataFrame, columns) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The recorded days and the columns summed over groups, one value per day."""
    return _per_day(timeseries["day"].to_numpy(), {c: timeseries[c].to_numpy() for c in columns})


def _new_per_block(day: np.ndarray, joins: dict[str, np.ndarray], period_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Each block's first day and its new members (joins per route summed), blocks of ``period_days``
    counted from the first recorded day."""
    daily = sum(joins[f"joins_{v}"] for v in NEW_MEMBER_ROUTES)
    if not len(day):
        return day, daily.astype(np.int64)
    block = day[0] + (day - day[0]) // period_days * period_days
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    return block[starts], np.add.reduceat(daily, starts).astype(np.int64)


def new_members_series(timeseries: pd.DataFrame, period_days: int = 1) -> pd.Series:
    """New members per period: joins by invitation or recruitment (founders, ``joins_seed``, and
    members moved between groups, ``joins_moved``, are not new), summed over groups, in blocks of
    ``period_days`` counted from the first recorded day (index: the block's first day)."""
    first, joined = _new_per_block(*_daily(timeseries, [f"joins_{v}" for v in NEW_MEMBER_ROUTES]), period_days)
    return pd.Series(joined, index=pd.Index(first, name="day"))


def new_members(timeseries: pd.DataFrame) -> dict:
    """New members (用户新增量): ``total`` joins by invitation or recruitment over the table; founders
    (``seed`` joins) apart; ``per_day`` = total / days recorded; ``per_week`` = 7 x per_day; the
    busiest 7-day block (from the first recorded day) and its first day."""
    day, joins = _daily(timeseries, [f"joins_{v}" for v in NEW_MEMBER_ROUTES])
    first, weekly = _new_per_block(day, joins, 7)
    total, days = int(weekly.sum()), len(day)
    return {
        "total": total,
        "founders": int(np.nansum(timeseries["joins_seed"].to_numpy())),
        "per_day": _ratio(total, days),
        "per_week": 7.0 * _ratio(total, days),
        "peak_week": int(weekly.max()) if len(weekly) else 0,
        "peak_week_first_day": int(first[np.argmax(weekly)]) if len(weekly) else None,
    }


def activity(timeseries: pd.DataFrame) -> dict:
    """Active members (spoke within the active window, 7 days by default: ``active_members``) on the
    last day and on average over recorded days; activity frequency (群活动频次) = posts per active
    member per day = all posts / active-member-days (sum of ``posts`` / sum of ``active_members``)."""
    _, daily = _daily(timeseries, ["active_members", "posts"])
    active = daily["active_members"]
    return {
        "active_members_final": int(active[-1]) if len(active) else 0,
        "active_members_mean": float(np.nanmean(active)) if len(active) else float("nan"),
        "posts_per_active_member_day": _ratio(np.nansum(daily["posts"]), np.nansum(active)),
    }


def participation_rate(timeseries: pd.DataFrame, window: str = "week") -> float:
    """Participation rate (活动参与度): the share of member-days on which the member had posted within
    the window: ``"day"`` = that day (``speakers`` / ``members``), ``"week"`` = within the active
    window (``active_members`` / ``members``), pooled over days and groups (member-day weighted)."""
    column = {"day": "speakers", "week": "active_members"}[window]
    return _ratio(np.nansum(timeseries[column].to_numpy()), np.nansum(timeseries["members"].to_numpy()))


def _stayed(joined: np.ndarray, left: np.ndarray, horizon_days: int) -> np.ndarray:
    """Still a member at the end of day joined + horizon: not left, or left after it."""
    return (left < 0) | (left > joined + horizon_days)


def retention_by_cohort(members: pd.DataFrame, last_day: int,
                        horizons=RETENTION_HORIZONS, founders: bool = False) -> pd.DataFrame:
    """Retention (留存率) by join cohort: for the members who joined on day d (index), ``size`` and, per
    horizon h, ``d{h}`` = the share still members at the end of day d + h (not left, or left after
    d + h; moving to another group is staying). NaN where d + h > ``last_day`` (cohort too young).
    Founders (``via == "seed"``) are excluded; ``founders=True`` gives only them. A member moved to
    another group keeps its first joining day and is recorded as ``moved`` (a moved founder included)."""
    seed = (members["via"] == "seed").to_numpy()
    rows = members[seed if founders else ~seed]
    joined = rows["joined_day"].to_numpy(np.int64)
    left = rows["left_day"].to_numpy(np.int64)
    out = {"size": pd.Series(joined).value_counts().sort_index()}
    for h in horizons:
        share = pd.Series(_stayed(joined, left, h).astype(float)).groupby(joined).mean()
        share[share.index.to_numpy() + h > last_day] = np.nan
        out[f"d{h}"] = share
    df = pd.DataFrame(out).rename_axis("joined_day")
    df["size"] = df["size"].fillna(0).astype(np.int64)
    return df


def retention(members: pd.DataFrame, last_day: int, horizons=RETENTION_HORIZONS) -> dict:
    """Retention pooled over the cohorts old enough at each horizon (joined on day d with
    d + h <= ``last_day``): per horizon h, ``d{h}`` = retained members / members of those cohorts
    (member-weighted), ``cohort_members`` = that denominator; founders (``seed``) reported apart."""
    seed = (members["via"] == "seed").to_numpy()
    joined_all = members["joined_day"].to_numpy(np.int64)
    left_all = members["left_day"].to_numpy(np.int64)

    def pooled(founders: bool) -> tuple[dict, dict]:  # = retention_by_cohort's shares, member-weighted
        pick = seed if founders else ~seed
        joined, left = joined_all[pick], left_all[pick]
        rates, counts = {}, {}
        for h in horizons:
            old_enough = joined + h <= last_day
            n = int(old_enough.sum())
            counts[f"d{h}"] = n
            rates[f"d{h}"] = _ratio(int((old_enough & _stayed(joined, left, h)).sum()), n)
        return rates, counts

    rates, counts = pooled(False)
    founder_rates, _ = pooled(True)
    return {**rates, "cohort_members": counts, "founders": founder_rates}


def conversion(members: pd.DataFrame) -> dict:
    """Conversion (转化率) = share of everyone who was ever a member with at least one purchase;
    repurchase (复购率) = share of those buyers with two or more (``purchases`` column)."""
    purchases = members["purchases"].to_numpy()
    buyers = int((purchases >= 1).sum())
    return {
        "buyers": buyers,
        "purchases": int(purchases.sum()),
        "conversion_rate": _ratio(buyers, len(purchases)),
        "repurchase_rate": _ratio((purchases >= 2).sum(), buyers),
    }


def satisfaction_by_tier(timeseries: pd.DataFrame) -> dict:
    """Mean satisfaction of ordinary members per tier (core team excluded, as recorded): ``final`` on
    the last recorded day, ``mean`` over all member-days (weighted by ``members_<tier>``, so groups
    and days count by their members); NaN where the tier had no members."""
    out = {}
    day = timeseries["day"].to_numpy()
    for t in TIERS:
        n = timeseries[f"members_{t}"].to_numpy(np.float64)
        s = np.nan_to_num(timeseries[f"satisfaction_{t}"].to_numpy(np.float64)) * n
        _, daily = _per_day(day, {"n": n, "s": s})
        n, s = daily["n"], daily["s"]
        out[t] = {"final": _ratio(s[-1], n[-1]) if len(n) else float("nan"),
                  "mean": _ratio(np.nansum(s), np.nansum(n))}
    return out


def _top_count(n: int, share: float) -> int:
    """How many members make the top ``share`` of n: ceil(share x n), at least one of a non-empty group."""
    return min(n, max(1, int(np.ceil(share * n - 1e-9)))) if n else 0


def participation_inequality(members: pd.DataFrame) -> dict:
    """Participation inequality over everyone who was ever a member (core team included), by posts.

    ``top_1pct_posts_share`` / ``top_10pct_posts_share``: share of all posts written by the ceil(1 %)
    / ceil(10 %) members with most posts (at least one member). ``never_posted_share``: members with 0
    posts. ``classes`` (90-9-1, share of members and of posts): lurkers = 0 posts; superusers = the
    top ceil(1 %) by posts among those who posted; contributors = everyone else who posted.
    ``rank_classes_posts_share`` is van Mierlo's (J Med Internet Res 2014) split, members ranked by
    posts into the top 1 %, the next 9 % and the other 90 % (superusers, contributors, lurkers), each
    class's share of posts: 74.7 % / 24.0 % / 1.3 % in four health communities.
    """
    posts = np.sort(members["posts"].to_numpy(np.float64))[::-1]
    n, total = len(posts), float(posts.sum())
    k1, k10 = _top_count(n, 0.01), _top_count(n, 0.10)
    top1, top10 = _ratio(posts[:k1].sum(), total), _ratio(posts[:k10].sum(), total)
    posters = int((posts > 0).sum())
    supers = min(k1, posters)
    classes = {
        "lurkers": {"members_share": _ratio(n - posters, n), "posts_share": 0.0 if total else float("nan")},
        "contributors": {"members_share": _ratio(posters - supers, n),
                         "posts_share": _ratio(posts[supers:posters].sum(), total)},
        "superusers": {"members_share": _ratio(supers, n), "posts_share": _ratio(posts[:supers].sum(), total)},
    }
    return {
        "members": n,
        "posts": int(total),
        "top_1pct_posts_share": top1,
        "top_10pct_posts_share": top10,
        "never_posted_share": _ratio(n - posters, n),
        "classes": classes,
        "rank_classes_posts_share": {"superusers": top1, "contributors": top10 - top1, "lurkers": 1.0 - top10},
    }


def cost_per_active_member(timeseries: pd.DataFrame, checkpoints=COST_CHECKPOINTS) -> dict:
    """Money and organizer time per retained active member: policy spend (yuan, gross: income such as
    fees or sales is not netted) and organizer hours (``policy_spend_yuan``, ``policy_minutes``; the
    same totals as the policy rows of events) summed up to a day, divided by the active members on
    that day. ``end``: the last recorded day; ``day_<D>``: after the first D run days (days 0 .. D-1),
    only when recorded. NaN per member when nobody is active."""
    days, daily = _daily(timeseries, ["policy_spend_yuan", "policy_minutes", "active_members"])

    def at(i: int) -> dict:
        active = int(daily["active_members"][i])
        spend = float(np.nansum(daily["policy_spend_yuan"][:i + 1]))
        hours = float(np.nansum(daily["policy_minutes"][:i + 1])) / 60.0
        return {"day": int(days[i]), "spend_yuan": spend, "organizer_hours": hours, "active_members": active,
                "yuan_per_active_member": _ratio(spend, active), "hours_per_active_member": _ratio(hours, active)}

    out = {"end": at(len(days) - 1) if len(days) else None}
    for d in checkpoints:
        if d - 1 in days:
            out[f"day_{d}"] = at(int(np.searchsorted(days, d - 1)))
    return out


def jsonable(value, digits: int = 4):
    """A KPI dict made JSON-ready: floats rounded to ``digits`` decimals, NaN and infinities -> None,
    numpy scalars -> Python numbers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, digits) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), digits) if np.isfinite(value) else None
    return value


def kpis(timeseries: pd.DataFrame, members: pd.DataFrame, last_day: int | None = None) -> dict:
    """Every operator KPI of DOMAIN.md for these tables, JSON-ready (see each function's definition);
    ``last_day`` is the run's last day (default: the table's) and bounds the retention cohorts."""
    if last_day is None:
        last_day = int(timeseries["day"].max()) if len(timeseries) else -1
    return jsonable({
        "new_members": new_members(timeseries),
        **activity(timeseries),
        "participation_rate": {"day": participation_rate(timeseries, "day"),
                               "week": participation_rate(timeseries, "week"),
                               "ever_posted": _ratio((members["posts"] > 0).sum(), len(members))},
        "retention": retention(members, last_day),
        "conversion": conversion(members),
        "satisfaction_by_tier": satisfaction_by_tier(timeseries),
        "participation_inequality": participation_inequality(members),
        "cost_per_active_member": cost_per_active_member(timeseries),
    })


def run_kpis(timeseries: pd.DataFrame, members: pd.DataFrame) -> tuple[dict, dict]:
    """The KPIs of the whole run and of each group (keyed like ``summary["groups"]``: str(group);
    a group's members are those whose last group it was)."""
    last_day = int(timeseries["day"].max()) if len(timeseries) else -1
    whole = kpis(timeseries, members, last_day)
    groups = timeseries["group"].unique()
    if len(groups) == 1 and (members["group"] == groups[0]).all():  # one group: its KPIs are the run's
        return whole, {str(groups[0]): copy.deepcopy(whole)}
    per_group = {str(g): kpis(series, members[members["group"] == g], last_day)
                 for g, series in timeseries.groupby("group", sort=True)}
    return whole, per_group
