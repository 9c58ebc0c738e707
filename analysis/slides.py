"""``commsim-figures <run or sweep dir>``: slide-ready figures, PNG and SVG, one idea per slide.

From a run directory (``commsim ... hydra.run.dir=DIR``):

* ``lifecycle`` - members and active members per day, lifecycle phases shaded (the ``phase`` column of
  timeseries.parquet), policy actions as ticks along the bottom, detected failures marked.
* ``fates`` - members by fate, one panel per potential tier: a stacked area over days of everyone who
  has joined so far, split into those still in a group and those who left, by reason (from
  members.parquet). Each day the layers add up to the tier's members joined so far (:func:`fates_table`).
* ``pyramid`` - the participation pyramid: everyone who was ever a member, by how much they posted
  (never / occasionally / heavily, :func:`participation_classes`); left, their share of members, right,
  their share of posts, both split by tier; Nielsen's 90-9-1 shares of members marked, and van Mierlo's
  figure for the top 1 % quoted beside the run's own.

From a sweep directory (``commsim --multirun ... hydra.sweep.dir=DIR``), additionally:

* ``comparison`` - left, the lifecycle curve per strategy (mean over runs, band = 95 % bootstrap interval
  of that mean, :func:`analysis.stats.bootstrap_mean_band`); right, the objective per strategy ranked
  best first (mean, 95 % bootstrap interval and every run as a dot, :func:`analysis.stats.rank`).

and the three run figures for one representative run per strategy (at most ``MAX_STRATEGIES``, best
ranked first): the run whose objective is closest to the median of its strategy's runs (ties: the first
job in the index). A median run shows what the strategy typically does; the best or worst run would
show luck. File names then carry the strategy: ``lifecycle__policy-red_packet.png``.

Colours are Okabe & Ito's colour-blind-safe palette, one fixed colour per tier (:data:`TIER_COLOURS`)
and per fate (:data:`FATE_COLOURS`) in every figure. ``--style slides`` (default) is 16:9 with large
type; ``--style paper`` is smaller for documents.

Figures are built in memory, saved into a hidden temporary directory beside ``--out`` and moved into
place only when all are written, so bad input (a missing path, a directory that is neither a run nor a
sweep, a missing or unreadable table) stops with one line on stderr, exit status 2, and no files.

Reads output directories only: never imports the model package ``sim``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .figures import lifecycle_table, style as strategy_style  # noqa: E402
from .stats import bootstrap_mean_band, describe, higher_is_better, objective_values, rank  # noqa: E402
from .sweep import INDEX, SweepError, done, load_sweep  # noqa: E402

PROG = "commsim-figures"
RUN_FIGURES = ("lifecycle", "fates", "pyramid")
FIGURES = RUN_FIGURES + ("comparison",)
FORMATS = ("png", "svg")
DEFAULT_OBJECTIVE = "active_members_final"
MAX_STRATEGIES = 8
#: A heavy contributor posted on average at least this many posts per day of membership ...
HEAVY_POSTS_PER_DAY = 1.0
#: ... counting at least this many days (one post on one's first day is not yet a habit).
MIN_MEMBERSHIP_DAYS = 7
#: Nielsen (2006), "Participation inequality": 90 % of users never contribute, 9 % contribute a little,
#: 1 % account for almost all the action (shares of users).
NIELSEN_2006 = {"heavy": 0.01, "occasional": 0.09, "never": 0.90}
#: van Mierlo (J Med Internet Res 2014), four health communities: the top 1 % of members by posts wrote
#: 74.7 % of the posts (the next 9 % 24.0 %, the other 90 % 1.3 %: shares of posts, not of members).
VAN_MIERLO_2014_TOP1_POSTS = 0.747

# Okabe & Ito (2008) colour-blind-safe palette; grey for the neutral "left bored".
BLACK, ORANGE, SKY, GREEN, YELLOW = "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442"
BLUE, VERMILION, PURPLE, GREY = "#0072B2", "#D55E00", "#CC79A7", "#999999"
TIERS = ("high", "mid", "low")
TIER_COLOURS = {"high": PURPLE, "mid": ORANGE, "low": SKY}
TIER_NAMES = {"high": "high potential", "mid": "mid potential", "low": "low potential"}
#: Fates of everyone who joined: (key, legend label, exit reasons of members.parquet it collects).
FATES = (("in_group", "still in a group", ()),
         ("unhappy", "left unhappy (low value, noise, silenced)", ("low_value", "noise", "silenced")),
         ("bored", "left bored", ("boredom",)),
         ("burnout", "organizer or KOL quit (burnout)", ("burnout",)),
         ("evicted", "evicted by the operators", ("evicted",)),
         ("competitor", "left for a competitor's offer", ("competitor",)),
         ("other", "left, other or unrecorded reason", ()))
FATE_COLOURS = {"in_group": BLUE, "unhappy": VERMILION, "bored": GREY, "burnout": YELLOW, "evicted": BLACK,
                "competitor": GREEN, "other": "#DDDDDD"}
#: The same phase colours as lifecycle.png of a run (sim/plots.py).
PHASE_COLOURS = {"germination": GREEN, "fast_growth": SKY, "active": YELLOW, "decline": PURPLE, "dormant": GREY}
MEMBERS_COLOUR, ACTIVE_COLOUR = BLACK, BLUE
CLASSES = (("heavy", "heavy contributors"), ("occasional", "occasional contributors"), ("never", "never posted"))


class FiguresError(ValueError):
    """Bad input: a one-line message for the command line."""


@dataclass(frozen=True)
class Style:
    """Figure size (inches) and type sizes (points)."""

    size: tuple[float, float]
    font: float
    title: float
    small: float


STYLES = {"slides": Style(size=(13.333, 7.5), font=16, title=21, small=12.5),  # 16:9, readable at the back
          "paper": Style(size=(10.0, 5.625), font=10, title=12.5, small=8.5)}


@dataclass
class Run:
    """A run directory's tables (only those the requested figures need are read)."""

    path: Path
    summary: dict
    timeseries: pd.DataFrame | None
    members: pd.DataFrame | None
    events: pd.DataFrame | None
    active_window_days: int = 7

    @property
    def days(self) -> np.ndarray:
        return np.sort(self.timeseries["day"].unique())

    @property
    def last_day(self) -> int:
        if self.timeseries is not None and len(self.timeseries):
            return int(self.timeseries["day"].max())
        return int(self.summary.get("days", 0)) - 1

    def describe(self) -> str:
        """``"scenario default, seed 0, 365 days"``."""
        sc = self.summary.get("scenario", {})
        name = sc.get("name", "?") if isinstance(sc, dict) else str(sc)
        days = self.summary.get("days", self.last_day + 1)
        rep = self.summary.get("replicate")
        rep = f", replicate {rep}" if rep is not None else ""
        return f"scenario {name.replace('_', ' ')}, seed {self.summary.get('seed', '?')}{rep}, {days} days"


# ------------------------------------------------------------------------ reading
NEEDS = {"lifecycle": ("timeseries", "events"), "fates": ("timeseries", "members"),
         "pyramid": ("timeseries", "members")}
COLUMNS = {"timeseries": ("day", "group", "members", "active_members"),
           "members": ("tier", "joined_day", "left_day", "exit_reason", "posts"),
           "events": ("day", "source", "action")}


def kind_of(path: Path) -> str:
    """``"run"`` (has summary.json) or ``"sweep"`` (has sweep.parquet); :class:`FiguresError` otherwise."""
    if not path.exists():
        raise FiguresError(f"{path}: no such directory")
    if not path.is_dir():
        raise FiguresError(f"{path}: not a directory (give a run directory or a sweep directory)")
    if (path / INDEX).is_file():
        return "sweep"
    if (path / "summary.json").is_file():
        return "run"
    if (path / "timeseries.parquet").exists():
        raise FiguresError(f"{path}: no summary.json; an interrupted run (rerun it)")
    raise FiguresError(f"{path}: neither a run directory (summary.json) nor a sweep directory ({INDEX})")


def read_run(path: str | Path, figures=RUN_FIGURES) -> Run:
    """The tables of a complete run directory that ``figures`` need; :class:`FiguresError` names what is
    missing or unreadable."""
    path = Path(path)
    if not (path / "summary.json").is_file():
        raise FiguresError(f"{path}: no summary.json; not a complete run directory")
    try:
        summary = json.loads((path / "summary.json").read_text())
    except (OSError, ValueError) as err:
        raise FiguresError(f"{path / 'summary.json'}: unreadable ({type(err).__name__})") from None
    if not isinstance(summary, dict):
        raise FiguresError(f"{path / 'summary.json'}: not a run summary")
    needed = {t for f in figures for t in NEEDS.get(f, ())}
    tables = {name: _read_table(path, name) if name in needed else None for name in COLUMNS}
    if tables["timeseries"] is not None and tables["timeseries"].empty:
        raise FiguresError(f"{path / 'timeseries.parquet'}: no days recorded")
    return Run(path, summary, tables["timeseries"], tables["members"], tables["events"], _active_window(path))


def _read_table(path: Path, name: str) -> pd.DataFrame:
    f = path / f"{name}.parquet"
    if not f.is_file():
        raise FiguresError(f"{f}: missing; not a complete run directory")
    try:
        df = pd.read_parquet(f)
    except (OSError, ValueError) as err:  # truncated or foreign (pyarrow's errors are ValueErrors)
        raise FiguresError(f"{f}: unreadable ({type(err).__name__})") from None
    missing = [c for c in COLUMNS[name] if c not in df.columns]
    if missing:
        raise FiguresError(f"{f}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    return df


def _active_window(path: Path) -> int:
    """``rules.activity.active_window_days`` of config.yaml (7 if it cannot be read)."""
    try:
        import yaml

        cfg = yaml.safe_load((path / "config.yaml").read_text())
        return int(cfg["rules"]["activity"]["active_window_days"])
    except Exception:  # optional: only a label depends on it
        return 7


# ------------------------------------------------------------------------ tables
def fates_table(members: pd.DataFrame, days) -> pd.DataFrame:
    """People by fate at the end of each day, per tier: index ``day``, columns ``(tier, fate)``.

    Someone who joined on day j and left on day l (``left_day`` -1: never) is ``in_group`` on days j to
    l - 1 and counts under the fate of their exit reason (:data:`FATES`) from day l on; so on every day
    the fates of a tier add up to its members who joined on or before that day (moves between groups
    are neither exits nor joins).
    """
    days = np.asarray(days, dtype=np.int64)
    joined = members["joined_day"].to_numpy(np.int64)
    left = members["left_day"].to_numpy(np.int64)
    reason = members["exit_reason"].astype("object").to_numpy()
    tier = members["tier"].astype("object").to_numpy()
    fate = np.full(len(members), "other", dtype=object)
    for key, _, reasons in FATES:
        if reasons:
            fate[np.isin(reason, reasons)] = key
    gone = left >= 0
    cols, data = [], []
    for t in TIERS:
        of_tier = tier == t
        j, lft, g, f = joined[of_tier], left[of_tier], gone[of_tier], fate[of_tier]
        here = j[:, None] <= days[None, :]
        out = g[:, None] & (lft[:, None] <= days[None, :])
        for key, _, _ in FATES:
            cols.append((t, key))
            if key == "in_group":
                data.append((here & ~out).sum(axis=0))
            else:
                data.append((out & (f == key)[:, None]).sum(axis=0))
    table = pd.DataFrame(np.array(data, dtype=np.int64).T.reshape(len(days), -1), index=pd.Index(days, name="day"),
                         columns=pd.MultiIndex.from_tuples(cols, names=["tier", "fate"]))
    return table


def membership_days(members: pd.DataFrame, last_day: int) -> np.ndarray:
    """Days each person was a member: ``left_day - joined_day``, or ``last_day + 1 - joined_day`` if still in."""
    joined = members["joined_day"].to_numpy(np.int64)
    left = members["left_day"].to_numpy(np.int64)
    return np.where(left >= 0, left, last_day + 1) - joined


def participation_classes(members: pd.DataFrame, last_day: int, heavy_posts_per_day: float = HEAVY_POSTS_PER_DAY,
                          min_days: int = MIN_MEMBERSHIP_DAYS) -> pd.DataFrame:
    """Everyone who was ever a member (core team included), by how much they posted.

    * ``never``: 0 posts;
    * ``heavy``: posts / max(days of membership, ``min_days``) >= ``heavy_posts_per_day``;
    * ``occasional``: everyone else who posted.

    Index: ``heavy``, ``occasional``, ``never``; columns ``members``, ``member_share`` (sums to 1),
    ``posts``, ``post_share`` (sums to 1; NaN if nobody posted) and per tier ``members_<tier>``,
    ``posts_<tier>``.
    """
    posts = members["posts"].to_numpy(np.float64)
    rate = posts / np.maximum(membership_days(members, last_day), min_days)
    cls = np.where(posts <= 0, "never", np.where(rate >= heavy_posts_per_day, "heavy", "occasional"))
    tier = members["tier"].astype("object").to_numpy()
    n, total = len(posts), float(posts.sum())
    rows = []
    for key, _ in CLASSES:
        mask = cls == key
        row = {"class": key, "members": int(mask.sum()), "member_share": mask.sum() / n if n else np.nan,
               "posts": float(posts[mask].sum()), "post_share": posts[mask].sum() / total if total else np.nan}
        for t in TIERS:
            row[f"members_{t}"] = int((mask & (tier == t)).sum())
            row[f"posts_{t}"] = float(posts[mask & (tier == t)].sum())
        rows.append(row)
    return pd.DataFrame(rows).set_index("class")


def top_share_of_posts(members: pd.DataFrame, share: float = 0.01) -> float:
    """Share of all posts written by the ceil(``share`` x n) members with most posts (at least one)."""
    posts = np.sort(members["posts"].to_numpy(np.float64))[::-1]
    n, total = len(posts), posts.sum()
    if not n or not total:
        return float("nan")
    k = min(n, max(1, int(np.ceil(share * n - 1e-9))))
    return float(posts[:k].sum() / total)


def representative_runs(df: pd.DataFrame, objective: str, order: list[str]) -> dict[str, pd.Series]:
    """Per strategy of ``order``: the complete run whose objective is closest to the strategy's median
    (ties: the first in the index). Strategies without a value are left out."""
    d = done(df).assign(_value=objective_values(df, objective))
    d = d[d["_value"].notna()]
    out = {}
    for s in order:
        sub = d[d["strategy"] == s]
        if sub.empty:
            continue
        gap = (sub["_value"] - sub["_value"].median()).abs().to_numpy()
        out[s] = sub.iloc[int(np.argmin(gap))]
    return out


def slug(label: str) -> str:
    """A file-name-safe form of a strategy label: ``"policy=[red_packet]"`` -> ``"policy-red_packet"``,
    ``"policy=[]"`` -> ``"policy-none"``."""
    s = re.sub(r"[^A-Za-z0-9_.]+", "-", label.replace("=[]", "=none")).strip("-.")
    return s[:80] or "all-runs"


# ------------------------------------------------------------------------ drawing helpers
def _rc(st: Style) -> dict:
    return {"font.size": st.font, "axes.titlesize": st.font + 1, "axes.labelsize": st.font,
            "xtick.labelsize": st.font - 1, "ytick.labelsize": st.font - 1, "legend.fontsize": st.small,
            "figure.titlesize": st.title, "axes.spines.top": False, "axes.spines.right": False}


def _new(st: Style, ncols: int = 1, **kw):
    with plt.rc_context(_rc(st)):
        fig, axes = plt.subplots(1, ncols, figsize=st.size, layout="constrained", **kw)
    for ax in np.atleast_1d(axes):
        ax.tick_params(labelsize=st.font - 1)  # also for ticks made when the figure is drawn
    return fig, axes


def _phase_spans(days: np.ndarray, phase: np.ndarray) -> list[tuple[str, int, int]]:
    """Runs of equal phase: (phase, first day, last day)."""
    spans = []
    start = 0
    for i in range(1, len(days) + 1):
        if i == len(days) or phase[i] != phase[start]:
            spans.append((str(phase[start]), int(days[start]), int(days[i - 1])))
            start = i
    return spans


def _source_line(run: Run) -> str:
    return f"community-sim run directory: {run.path.resolve().name}"


# ------------------------------------------------------------------------ the figures
def lifecycle_figure(run: Run, st: Style = STYLES["slides"], context: str = ""):
    """Members and active members per day (all groups together), phases shaded, failures and policy actions."""
    ts = run.timeseries
    total = ts.groupby("day", sort=True)[["members", "active_members"]].sum()
    days = total.index.to_numpy()
    fig, ax = _new(st)
    top = max(float(total["members"].max()), 1.0) * 1.18
    groups = ts["group"].nunique()
    phase_note = ""
    if "phase" in ts:
        which = ts.groupby("group")["members"].sum().idxmax()  # one group: itself; many: the largest
        g = ts[ts["group"] == which].sort_values("day")
        spans = _phase_spans(g["day"].to_numpy(), g["phase"].astype(str).to_numpy())
        seen = set()
        for name, a, b in spans:
            ax.axvspan(a - 0.5, b + 0.5, color=PHASE_COLOURS.get(name, "#DDDDDD"), alpha=0.18, linewidth=0,
                       label=None if name in seen else f"phase: {name.replace('_', ' ')}")
            seen.add(name)
            if b - a >= 0.07 * (days[-1] - days[0] + 1):
                ax.text((a + b) / 2, top * 0.975, name.replace("_", " "), ha="center", va="top",
                        fontsize=st.small, color="#333333")
        if groups > 1:
            phase_note = f"; phases of group {which}, the largest"
    ax.plot(days, total["members"], color=MEMBERS_COLOUR, linewidth=3, label="members")
    ax.plot(days, total["active_members"], color=ACTIVE_COLOUR, linewidth=3,
            label=f"active members (posted in the last {run.active_window_days} days)")
    peak = int(total["members"].to_numpy().argmax())
    ax.plot([days[peak]], [total["members"].iloc[peak]], "o", color=MEMBERS_COLOUR, markersize=st.font * 0.6,
            label=f"peak: {int(total['members'].iloc[peak])} members on day {days[peak]}")
    ev = run.events if run.events is not None else pd.DataFrame(columns=["day", "source", "action"])
    source, action = ev["source"].astype(str), ev["action"].astype(str)
    acts = ev[~source.isin(["detect", "founding", "core_team"]) & ~action.str.startswith("skipped")]
    rows = 0
    for i, (name, a) in enumerate(acts.groupby(acts["source"].astype(str), sort=True)):
        rows = i + 1
        y = -top * (0.03 + 0.045 * i)
        ax.plot(a["day"], np.full(len(a), y), "|", color=[VERMILION, GREEN, PURPLE, ORANGE, SKY, GREY][i % 6],
                markersize=st.font * 0.8, markeredgewidth=1.6, label=f"{name.replace('_', ' ')}: {len(a)} actions")
    fails = ev[source == "detect"].drop_duplicates("action").sort_values("day")
    level, last = 0, -(10**9)
    for _, e in fails.iterrows():
        level = level + 1 if e["day"] - last < 0.12 * (days[-1] - days[0] + 1) else 0
        last = e["day"]
        ax.axvline(e["day"], color=VERMILION, linewidth=1.5, linestyle="--")
        ax.text(e["day"], top * (0.88 - 0.09 * (level % 4)), f" {str(e['action']).replace('_', ' ')} (day {e['day']})",
                color=VERMILION, fontsize=st.small, va="top", ha="left")
    ax.set_xlim(days[0] - 0.5, days[-1] + 0.5)
    ax.set_ylim(-top * (0.015 + 0.045 * rows) if rows else 0, top)
    ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= top])
    ax.set_xlabel("day of the run")
    ax.set_ylabel("people (members summed over groups)" if groups > 1 else "people in the group")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, borderaxespad=0)
    who = "a group" if groups == 1 else f"{groups} groups"
    ax.set_title(_fill(f"Shaded: lifecycle phases{phase_note}. Dashed lines: failures detected. "
                       f"{_cap(context or run.describe())}.", st, 0.75), loc="left", fontsize=st.small, color="#444444")
    fig.suptitle(f"The life of {who}: members and active members per day", fontsize=st.title, fontweight="bold",
                 x=0.01, ha="left")
    fig.supxlabel(_source_line(run), fontsize=st.small * 0.85, color="#666666", x=0.01, ha="left")
    return fig


def fates_figure(run: Run, st: Style = STYLES["slides"], context: str = ""):
    """One panel per tier: everyone who has joined so far, by fate, stacked over days."""
    table = fates_table(run.members, run.days)
    present = [key for key, _, _ in FATES if table.xs(key, axis=1, level="fate").to_numpy().any()]
    present = present or ["in_group"]
    labels = {key: label for key, label, _ in FATES}
    fig, axes = _new(st, ncols=3, sharex=True)
    days = table.index.to_numpy()
    for ax, t in zip(axes, TIERS):
        sub = table[t]
        ys = [sub[key].to_numpy() for key in present]
        ax.stackplot(days, ys, colors=[FATE_COLOURS[k] for k in present], labels=[labels[k] for k in present],
                     linewidth=0)
        joined = int(sub.iloc[-1].sum()) if len(sub) else 0
        still = int(sub["in_group"].iloc[-1]) if len(sub) else 0
        ax.set_title(f"{TIER_NAMES[t]}: {joined} joined,\n{joined - still} left "
                     f"({(joined - still) / joined * 100 if joined else 0:.0f} %)", color="black", fontsize=st.font,
                     loc="left")
        for side in ("left", "bottom"):
            ax.spines[side].set_color(TIER_COLOURS[t])
            ax.spines[side].set_linewidth(3)
        ax.set_xlim(days[0], days[-1])
        ax.set_ylim(bottom=0)
        ax.set_xlabel("day of the run")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("people who joined so far")
    handles, lab = axes[0].get_legend_handles_labels()
    fig.legend(handles[::-1], lab[::-1], loc="outside right center", frameon=False, title="fate (top to bottom)")
    fig.suptitle("Members by fate, by potential tier: who stayed, and why the others left",
                 fontsize=st.title, fontweight="bold", x=0.01, ha="left")
    fig.supxlabel(_fill(f"Each day the layers add up to the tier's members who joined so far (y scales differ). "
                        f"{_cap(context or run.describe())}. {_source_line(run)}", st, 1.0, st.small * 0.85),
                  fontsize=st.small * 0.85, color="#666666", x=0.01, ha="left")
    return fig


def pyramid_figure(run: Run, st: Style = STYLES["slides"], context: str = "",
                   heavy_posts_per_day: float = HEAVY_POSTS_PER_DAY):
    """Participation pyramid: share of members (left) and of posts (right) per class, split by tier."""
    members = run.members
    table = participation_classes(members, run.last_day, heavy_posts_per_day)
    fig, ax = _new(st)
    ypos = {key: i for i, (key, _) in enumerate(reversed(CLASSES))}  # never at the bottom, heavy on top
    n, total = int(table["members"].sum()), float(table["posts"].sum())
    height = 0.6
    per_day = f"{heavy_posts_per_day:g} post{'s' if heavy_posts_per_day != 1 else ''} a day"
    names = {"heavy": f"heavy contributors\n(at least {per_day})", "occasional": "occasional contributors",
             "never": "never posted"}
    for key, _ in CLASSES:
        y = ypos[key]
        left = 0.0
        for t in TIERS:  # members: bars to the left of 0
            w = table.loc[key, f"members_{t}"] / n * 100 if n else 0
            ax.barh(y, -w, left=-left, height=height, color=TIER_COLOURS[t], edgecolor="white", linewidth=0.8,
                    label=TIER_NAMES[t] if key == "never" else None)
            left += w
        right = 0.0
        for t in TIERS:  # posts: bars to the right of 0
            w = table.loc[key, f"posts_{t}"] / total * 100 if total else 0
            ax.barh(y, w, left=right, height=height, color=TIER_COLOURS[t], edgecolor="white", linewidth=0.8)
            right += w
        ref = NIELSEN_2006[key] * 100  # reference share of members
        at = left + 2 if not left < ref < left + 25 else ref + 2  # beside the bar, or beyond the reference mark
        ax.text(-at, y, f"{left:.1f} %\n({table.loc[key, 'members']} people)", ha="right", va="center",
                fontsize=st.small)
        ax.text(right + 2, y, f"{right:.1f} %" if total else "no posts", ha="left", va="center", fontsize=st.small)
        ax.plot([-ref, -ref], [y - height / 2 - 0.1, y + height / 2 + 0.1], color=BLACK, linewidth=2.5,
                linestyle=(0, (1.5, 1)), label="90-9-1 rule: 90 % never post, 9 % a little, 1 % most (Nielsen 2006)"
                if key == "never" else None)
        ax.text(-ref, y + height / 2 + 0.12, f"{ref:g} %", ha="center", va="bottom", fontsize=st.small * 0.85)
    ax.axvline(0, color=BLACK, linewidth=1)
    ax.set_yticks([ypos[k] for k, _ in CLASSES], [names[k] for k, _ in CLASSES])
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(-130, 130)
    ax.set_ylim(-0.55, len(CLASSES) - 0.15)
    ax.set_xticks(range(-100, 101, 25), [f"{abs(v)} %" for v in range(-100, 101, 25)])
    ax.set_xlabel("share of everyone who was ever a member (left)  |  share of all posts (right)")
    ax.text(-65, len(CLASSES) - 0.3, "members", ha="center", fontsize=st.font, fontweight="bold")
    ax.text(65, len(CLASSES) - 0.3, "posts", ha="center", fontsize=st.font, fontweight="bold")
    ax.grid(axis="x", alpha=0.3)
    ax.spines["left"].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [_fill(lab, st, 0.2) for lab in labels], loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, borderaxespad=0)
    top1 = top_share_of_posts(members)
    mierlo = (f"Here the top 1 % of members by posts wrote {top1 * 100:.0f} % of the posts; in four health "
              f"communities, {VAN_MIERLO_2014_TOP1_POSTS * 100:.1f} % (van Mierlo 2014)." if not math.isnan(top1)
              else "Nobody posted.")
    ax.set_title(_fill(f"{mierlo} Heavy: posts per day of membership (at least {MIN_MEMBERSHIP_DAYS} days "
                       f"counted); core team included. {_cap(context or run.describe())}.", st, 0.78),
                 loc="left", fontsize=st.small, color="#444444")
    fig.suptitle("Who speaks: the participation pyramid (90-9-1)", fontsize=st.title, fontweight="bold", x=0.01,
                 ha="left")
    fig.supxlabel(_source_line(run), fontsize=st.small * 0.85, color="#666666", x=0.01, ha="left")
    return fig


def verdict(ranked: pd.DataFrame, objective: str) -> str:
    """One sentence: the best strategy by mean, its interval, and those within noise of it."""
    best = ranked.index[0]
    r = ranked.loc[best]
    interval = "" if np.isnan(r["ci_low"]) else f" (95 % interval {_num(r['ci_low'])} to {_num(r['ci_high'])})"
    ties = [_show(s) for s in ranked.index[1:] if bool(ranked.loc[s, "within_noise_of_best"])]
    rest = (f"Not distinguishable from it within noise: {'; '.join(ties)}." if ties
            else "Every other strategy is worse beyond noise." if len(ranked) > 1 else "")
    return f"Best by {describe(objective)}: {_show(best)}, mean {_num(r['mean'])}{interval}. {rest}".strip()


def comparison_figure(df: pd.DataFrame, objective: str = DEFAULT_OBJECTIVE, st: Style = STYLES["slides"],
                      table: pd.DataFrame | None = None):
    """Left: the curve per strategy (mean, 95 % band); right: the objective ranked, mean with 95 % interval."""
    ranked = rank(df, objective)
    ranked = ranked[ranked["rank"].notna()]
    if ranked.empty:
        raise FiguresError(f"no complete run has a value of {objective!r}")
    order = ranked.index.tolist()
    colours = strategy_style(order)
    curve = _curve_column(objective)
    curves = lifecycle_table(df) if table is None else table
    with plt.rc_context(_rc(st)):
        fig, axes = plt.subplot_mosaic([["verdict", "verdict"], ["curves", "bars"]], figsize=st.size,
                                       layout="constrained", width_ratios=[1.2, 1], height_ratios=[0.07, 1])
    axl, axr, top = axes["curves"], axes["bars"], axes["verdict"]
    for ax in (axl, axr):
        ax.tick_params(labelsize=st.font - 1)
    top.set_axis_off()
    top.text(0, 0.5, _fill(verdict(ranked, objective), st, 0.95, st.font), fontsize=st.font, ha="left",
             va="center", transform=top.transAxes)
    drawn = [s for s in order if s in set(curves["strategy"])][:MAX_STRATEGIES]
    for s in drawn:
        m = curves[curves["strategy"] == s].pivot_table(index="job", columns="day", values=curve, aggfunc="sum")
        mean, lo, hi = bootstrap_mean_band(m.to_numpy())
        c, ls = colours[s]
        axl.fill_between(m.columns.to_numpy(), lo, hi, color=c, alpha=0.22, linewidth=0)
        axl.plot(m.columns.to_numpy(), mean, color=c, linestyle=ls, linewidth=2.8, label=_show(s))
    if drawn:
        axl.legend(loc="upper left", bbox_to_anchor=(0, -0.17), ncol=2, frameon=False, borderaxespad=0)
    else:
        axl.text(0.5, 0.5, "no run has a timeseries.parquet", ha="center", va="center", transform=axl.transAxes)
    axl.set_title("Line: mean over runs; band: its 95 % interval", loc="left", fontsize=st.small, color="#444444")
    axl.set_xlabel("day of the run")
    axl.set_ylabel("active members per day (all groups)" if curve == "active_members" else "members per day "
                   "(all groups)")
    axl.set_ylim(bottom=0)
    axl.grid(alpha=0.3)
    values = done(df).assign(_value=objective_values(df, objective))
    ys = np.arange(len(order))[::-1]  # best on top
    for y, s in zip(ys, order):
        r = ranked.loc[s]
        c = colours[s][0]
        axr.barh(y, r["mean"], height=0.5, color=c, alpha=0.85)
        if not np.isnan(r["ci_low"]):
            axr.errorbar(r["mean"], y, xerr=[[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]], fmt="none",
                         ecolor=BLACK, elinewidth=2, capsize=6)
        v = values.loc[(values["strategy"] == s) & values["_value"].notna(), "_value"].to_numpy(dtype=float)
        jitter = np.linspace(-0.15, 0.15, len(v)) if len(v) > 1 else np.zeros(len(v))
        axr.scatter(v, y + jitter, s=st.font * 1.6, color="white", edgecolor=BLACK, linewidth=0.9, zorder=3)
        interval = "" if np.isnan(r["ci_low"]) else f" ({_num(r['ci_low'])} to {_num(r['ci_high'])})"
        tie = ", within noise of #1" if r["rank"] != 1 and bool(r["within_noise_of_best"]) else ""
        axr.annotate(f"#{int(r['rank'])}: {_num(r['mean'])}{interval}; {int(r['n'])} runs{tie}", (0.01, y + 0.27),
                     xycoords=("axes fraction", "data"), fontsize=st.small * (1 if len(order) <= 6 else 0.8),
                     va="bottom")
    axr.set_yticks(ys, [_wrap(_show(s)) for s in order])
    axr.tick_params(axis="y", length=0)
    axr.set_ylim(-0.5, len(order) - 0.2)
    low = min(0.0, float(np.nanmin(values["_value"])) if values["_value"].notna().any() else 0.0)
    axr.set_xlim(left=low)
    better = "more is better" if higher_is_better(objective) else "less is better"
    axr.set_xlabel(_fill(f"{describe(objective)} ({better})", st, 0.3, st.font))
    axr.grid(axis="x", alpha=0.3)
    fig.suptitle(_fill(f"Comparing strategies: {describe(objective)}", st, 1.0, st.title), fontsize=st.title,
                 fontweight="bold", x=0.01, ha="left")
    sweep = Path(df.attrs.get("sweep_dir", ".")).resolve().name
    fig.supxlabel(_fill(f"Right: bar = mean over runs, whiskers = 95 % interval (percentile bootstrap, "
                        f"analysis/stats.py), dots = runs; within noise: the 95 % interval of the paired difference "
                        f"to #1 contains 0. community-sim sweep: {sweep}", st, 1.0, st.small * 0.85),
                  fontsize=st.small * 0.85, color="#666666", x=0.01, ha="left")
    return fig


def _curve_column(objective: str) -> str:
    """The daily series that goes with the objective: members for member counts, else active members."""
    base = objective.split(" per ")[0]
    return "members" if base in ("peak_members", "final_members", "ever_joined", "left") else "active_members"


def _num(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _show(label: str) -> str:
    """A strategy label for people: an empty policy list reads ``none``."""
    return label.replace("=[]", "=none")


def _fill(text: str, st: Style, fraction: float, size: float | None = None) -> str:
    """Wrap ``text`` to about ``fraction`` of the figure width at type size ``size`` (default: small)."""
    chars = int(st.size[0] * 72 * fraction / (0.6 * (size or st.small)))
    return textwrap.fill(text, width=max(chars, 20), break_on_hyphens=False)


def _wrap(label: str, width: int = 28) -> str:
    parts, line = [], ""
    for word in label.split(", "):
        if line and len(line) + len(word) + 2 > width:
            parts.append(line + ",")
            line = word
        else:
            line = f"{line}, {word}" if line else word
    return "\n".join(parts + [line])


# ------------------------------------------------------------------------ building and writing
def build(path: str | Path, figures=FIGURES, style: str = "slides", objective: str = DEFAULT_OBJECTIVE,
          heavy_posts_per_day: float = HEAVY_POSTS_PER_DAY) -> dict[str, object]:
    """All requested figures of a run or sweep directory, in memory: file stem -> matplotlib Figure.

    A run gives ``lifecycle``, ``fates``, ``pyramid``; a sweep gives ``comparison`` and the three run
    figures of each strategy's representative run (``<figure>__<strategy slug>``). Raises
    :class:`FiguresError` (or :class:`analysis.sweep.SweepError`) on bad input, before drawing.
    """
    path = Path(path)
    st = STYLES[style]
    kind = kind_of(path)
    wanted = [f for f in FIGURES if f in figures]
    run_figs = [f for f in wanted if f in RUN_FIGURES]
    jobs: list[tuple[str, Run, str]] = []  # (suffix, run, context)
    df = None
    if kind == "run":
        if wanted == ["comparison"]:
            raise FiguresError(f"{path}: a run directory has no strategy comparison (give a sweep directory)")
        if run_figs:
            jobs.append(("", read_run(path, run_figs), ""))
    else:
        df = load_sweep(path)
        ranked = rank(df, objective)  # also checks the objective (SweepError listing valid ones)
        order = ranked[ranked["rank"].notna()].index.tolist()
        if not order:
            raise FiguresError(f"{path}: no complete run has a value of {objective!r}")
        if run_figs:
            reps = representative_runs(df, objective, order[:MAX_STRATEGIES])
            seen: set[str] = set()
            for s, row in reps.items():
                name = slug(s)
                while name in seen:
                    name += "_"
                seen.add(name)
                run = read_run(row["run_dir"], run_figs)
                context = (f"strategy {s}: the run closest to its median {describe(objective)} "
                           f"({_num(float(row['_value']))}; {run.describe()})")
                jobs.append((f"__{name}", run, context))
    out: dict[str, object] = {}
    try:
        with plt.rc_context(_rc(st)):  # type sizes of legends and texts made while drawing
            if "comparison" in wanted and df is not None:
                out["comparison"] = comparison_figure(df, objective, st)
            for suffix, run, context in jobs:
                for f in run_figs:
                    if f == "lifecycle":
                        out[f + suffix] = lifecycle_figure(run, st, context)
                    elif f == "fates":
                        out[f + suffix] = fates_figure(run, st, context)
                    else:
                        out[f + suffix] = pyramid_figure(run, st, context, heavy_posts_per_day)
    except BaseException:
        for fig in out.values():
            plt.close(fig)
        raise
    return out


def write(figs: dict[str, object], out: str | Path, formats=FORMATS, dpi: int = 150) -> list[Path]:
    """Save every figure in every format into a hidden temporary directory beside ``out``, then move the
    files into ``out`` (other files there are left alone). Nothing lands in ``out`` if a save fails."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        names = []
        for stem, fig in figs.items():
            for fmt in formats:
                fig.savefig(tmp / f"{stem}.{fmt}", format=fmt, dpi=dpi, metadata=_metadata(fmt))
                names.append(f"{stem}.{fmt}")
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.replace(tmp / name, out / name)
        return [out / n for n in names]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for fig in figs.values():
            plt.close(fig)


def _metadata(fmt: str) -> dict:
    """No creation date in the files: the same input gives the same bytes (PNG) or text (SVG)."""
    if fmt == "svg":
        return {"Date": None}
    if fmt == "png":
        return {"Software": None}
    return {}


# ------------------------------------------------------------------------ command line
class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2 (argparse's own would print the usage too)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _csv(choices):
    def parse(text: str) -> list[str]:
        items = [t.strip().lower() for t in text.split(",") if t.strip()]
        bad = [t for t in items if t not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"{','.join(bad) or repr(text)}: choose from {','.join(choices)}")
        return items
    return parse


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog=PROG, description="Slide-ready figures (PNG and SVG) of a commsim run or sweep: the "
                     "lifecycle with its phases, members by fate and tier, the participation pyramid and, for "
                     "a sweep, the strategy comparison.")
    parser.add_argument("dir", help="a run directory (hydra.run.dir) or a sweep directory (hydra.sweep.dir)")
    parser.add_argument("--out", default=None,
                        help="output directory (default: <dir>/slides, apart from the report's figures/)")
    parser.add_argument("--format", type=_csv(FORMATS), default=list(FORMATS),
                        help="comma-separated file formats (default png,svg)")
    parser.add_argument("--dpi", type=int, default=150, help="resolution of PNG files (default 150)")
    parser.add_argument("--style", choices=sorted(STYLES), default="slides",
                        help="slides: 16:9, large type (default); paper: smaller, for documents")
    parser.add_argument("--figures", type=_csv(FIGURES), default=list(FIGURES),
                        help=f"comma-separated subset of {','.join(FIGURES)} (default all; comparison: sweeps only)")
    parser.add_argument("--objective", default=DEFAULT_OBJECTIVE,
                        help=f"sweeps: outcome to rank strategies and pick each median run by "
                             f"(default {DEFAULT_OBJECTIVE}; as in commsim-report)")
    parser.add_argument("--heavy-posts-per-day", type=float, default=HEAVY_POSTS_PER_DAY,
                        help=f"pyramid: posts per day of membership that make a heavy contributor "
                             f"(default {HEAVY_POSTS_PER_DAY:g})")
    args = parser.parse_args(argv)
    if not 10 <= args.dpi <= 1200:
        parser.error(f"--dpi: {args.dpi} out of range 10..1200")
    if args.heavy_posts_per_day <= 0:
        parser.error(f"--heavy-posts-per-day: must be > 0, got {args.heavy_posts_per_day:g}")
    out = Path(args.out) if args.out else Path(args.dir) / "slides"
    try:
        figs = build(args.dir, args.figures, args.style, args.objective, args.heavy_posts_per_day)
        paths = write(figs, out, args.format, args.dpi)
    except (FiguresError, SweepError) as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # e.g. --out not writable
        print(f"{PROG}: error: {err.filename or out}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"{len(paths)} file{'' if len(paths) == 1 else 's'} in {out}: {', '.join(sorted({p.stem for p in paths}))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
