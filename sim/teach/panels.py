"""The page's figures, drawn with matplotlib's object API (no pyplot: the page draws from threads).

- lifecycle: members and active members over the whole horizon, the phases so far shaded, the
  current phase named, operators' acts ticked below the axis, failures marked as confirmed, and
  strategy B dashed over it in the side-by-side mode;
- network: members coloured by tier, sized by activity, leavers fading, the core team ringed;
- satisfaction: mean satisfaction by tier against each tier's expectation (P8: high expect more).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from analysis.slides import TIER_COLOURS  # one colour per tier, as on the slides (Okabe-Ito)

from ..config import TIERS
from ..detect import PHASES, phase_spans
from ..plots import BLUE, GREEN, GREY, ORANGE, PHASE_COLOURS, PURPLE, SKY, VERMILION
from .network import FADE_DAYS, Sample
from .view import View

TIER_NAMES = {"high": "high potential", "mid": "mid potential", "low": "low potential"}
# operators' acts ticked below the axis, one row each: (sources, label, colour)
TICK_ROWS = ((("red_packet",), "red packets", VERMILION), (("eviction",), "evictions", "#000000"),
             (("check_in", "sharing_session", "welfare", "offline_event"), "activities", GREEN),
             (("marketing", "entry_threshold", "fish_pond", "admin_rotation"), "other acts", SKY))
FIGSIZE_IN = (6.4, 3.8)  # fits a panel of Mesa's grid (half the page's width, 390 pixels high)
DPI = 100
LABEL_MIN_SHARE = 0.08  # a phase span is labelled when it covers this share of the horizon
FAILURE_LABEL_GAP_SHARE = 0.04  # failure names at least this share of the horizon apart
MARGINS = dict(left=0.11, right=0.98, bottom=0.12, top=0.9)  # fixed: constrained layout costs 0.2 s a frame
HEADROOM = 1.45  # the y axis reaches this multiple of the peak, leaving room for the legend and phase names
TITLE_CHARS = 70  # the levers in the title are cut beyond this


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=FIGSIZE_IN, dpi=DPI)
    fig.subplots_adjust(**MARGINS)
    return fig, fig.subplots()


def _ticks(ax, view: View, top: float) -> int:
    """Tick rows of operators' acts below zero; returns the rows used."""
    ev = view.events
    if not len(ev):
        return 0
    acts = ev[~ev["action"].str.startswith("skipped") & (ev["action"] != "reciprocate")
              & ~ev["source"].isin(("founding", "core_team", "detect", "replication", "crisis"))]
    rows = 0
    for sources, label, colour in TICK_ROWS:
        days = acts.loc[acts["source"].isin(sources), "day"].unique()
        if len(days):
            y = -top * (0.035 + 0.05 * rows)
            ax.plot(days, np.full(len(days), y), "|", color=colour, markersize=6, markeredgewidth=1.2,
                    label=f"{label} ({len(days)} days)")
            rows += 1
    return rows


def _marks(ax, view: View, top: float) -> None:
    """Replications and competitors' offers as dotted lines; failures as dashed ticks from the top, each
    kind named at its first episode (later episodes unnamed, so the chart stays readable)."""
    ev = view.events
    if len(ev):
        for day in ev.loc[(ev["source"] == "replication") & (ev["action"] == "replicate"), "day"]:
            ax.axvline(day, color=PURPLE, linestyle=":", linewidth=1.4)
            ax.text(day, top * 0.03, " new group", color=PURPLE, fontsize=7, rotation=90, va="bottom")
        for day in ev.loc[(ev["source"] == "crisis") & (ev["action"] == "competitor_offer"), "day"]:
            ax.axvline(day, color="#000000", linestyle=":", linewidth=1.2)
            ax.text(day, top * 0.03, " competitor's offer", fontsize=7, rotation=90, va="bottom")
    named, last_label = set(), -10**9
    for f in view.failures:
        ax.vlines(f["day"], top * 0.62, top * 0.9, color=VERMILION, linestyle="--", linewidth=1.0)
        if f["failure"] not in named and f["day"] - last_label >= FAILURE_LABEL_GAP_SHARE * view.days_total:
            ax.text(f["day"], top * 0.6, f"{f['failure'].replace('_', ' ')} ", color=VERMILION, fontsize=7,
                    rotation=90, ha="center", va="top")
            named.add(f["failure"])
            last_label = f["day"]


def lifecycle_figure(view: View, twin: View | None = None, title: str = "", label_b: str = "") -> Figure:
    """Members and active members so far over the full horizon, with phases, acts and failures; strategy
    B dashed (``label_b`` names it)."""
    fig, ax = _figure()
    horizon = max(view.days_total, 1)
    total = view.total
    peak = max([float(total["members"].max()) if len(total) else 0.0]
               + ([float(twin.total["members"].max())] if twin is not None and len(twin.total) else []))
    top = max(peak * HEADROOM, 10.0)
    days = total.index.to_numpy()
    for span in phase_spans(days, view.phase):
        name = span["phase"]
        ax.axvspan(span["start"] - 0.5, span["end"] + 0.5, color=PHASE_COLOURS[name], alpha=0.18, linewidth=0)
        if span["end"] - span["start"] >= LABEL_MIN_SHARE * horizon:
            ax.text((span["start"] + span["end"]) / 2, top * 0.98, name.replace("_", " "), ha="center", va="top",
                    fontsize=8, color="#333333")
    if len(total):
        ax.plot(days, total["members"], color=BLUE, linewidth=2.2, label="members")
        ax.plot(days, total["active_members"], color=ORANGE, linewidth=2.2, label="active members")
        ax.axvline(days[-1], color=GREY, linewidth=0.8)
    if twin is not None and len(twin.total):
        ax.plot(twin.total.index, twin.total["members"], color=BLUE, linewidth=1.4, linestyle="--", alpha=0.8,
                label=f"members, {label_b or 'B'}")
        ax.plot(twin.total.index, twin.total["active_members"], color=ORANGE, linewidth=1.4, linestyle="--",
                alpha=0.8, label=f"active, {label_b or 'B'}")
    rows = _ticks(ax, view, top)
    _marks(ax, view, top)
    ax.set_title(title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…", fontsize=8, loc="left")
    ax.set_title(f"day {max(view.day, 0)}: {view.phase_name.replace('_', ' ')}", fontsize=10, fontweight="bold",
                 loc="right", bbox=dict(boxstyle="round,pad=0.2", facecolor=PHASE_COLOURS[view.phase_name],
                                        alpha=0.45, linewidth=0))
    ax.set_xlim(-0.5, horizon - 0.5)
    ax.set_ylim(-top * (0.01 + 0.05 * rows), top)
    ax.axhline(0, color="#555555", linewidth=0.6)
    ax.set_xlabel("day")
    ax.set_ylabel("people")
    ax.grid(alpha=0.25)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(0, 0.92), fontsize=7, frameon=False, ncol=3)
    return fig


def network_figure(s: Sample, xy: np.ndarray) -> Figure:
    """The drawn members and their ties (positions from sim.teach.network.Layout, within the unit disc)."""
    fig = Figure(figsize=FIGSIZE_IN, dpi=DPI)
    fig.subplots_adjust(left=0.01, right=0.72, bottom=0.02, top=0.9)
    ax = fig.subplots()
    if len(s.edges):
        segments = np.stack([xy[s.edges[:, 0]], xy[s.edges[:, 1]]], axis=1)
        fade = np.minimum(s.alpha[s.edges[:, 0]], s.alpha[s.edges[:, 1]])
        colours = np.zeros((len(segments), 4))
        colours[:, 3] = 0.3 * fade * np.clip(s.weight, 0.2, 1.0)
        ax.add_collection(LineCollection(segments, colors=colours, linewidths=0.6, zorder=1))
    if len(s.person):
        colour = np.array([_rgba(TIER_COLOURS[TIERS[t]], a) for t, a in zip(s.tier, s.alpha)])
        size = 10 + 120 * s.activity  # points^2: a lurker is a dot, a daily poster a disc
        ring = np.where(s.core[:, None], [[0, 0, 0, 1]], [[1, 1, 1, 0]])
        ax.scatter(xy[:, 0], xy[:, 1], s=size, c=colour, edgecolors=ring, linewidths=1.4, zorder=2)
    for t in TIERS:
        ax.scatter([], [], s=40, color=TIER_COLOURS[t], label=TIER_NAMES[t])
    ax.scatter([], [], s=40, facecolor="white", edgecolor="black", linewidth=1.4, label="core team")
    ax.scatter([], [], s=40, color=GREY, alpha=0.3, label="left (fading)")
    ax.scatter([], [], s=10, color=GREY, label="lurker")
    ax.scatter([], [], s=130, color=GREY, label="posts daily")
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(-1.08, 1.08)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    drawn = f"{len(s.person)} drawn of " if len(s.person) < s.members + s.left_recently else ""
    ax.set_title(f"{drawn}{s.members} members and {s.left_recently} who left in the last {FADE_DAYS} days",
                 fontsize=9, loc="left")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8, frameon=False, labelspacing=1.1)
    ax.text(1.02, 0.02, "no tie drawn:\non the ring", transform=ax.transAxes, fontsize=7, color="#555555")
    return fig


def satisfaction_figure(view: View, expectation: tuple[float, ...]) -> Figure:
    """Mean satisfaction of members by tier, with each tier's expected value dashed."""
    fig, ax = _figure()
    horizon = max(view.days_total, 1)
    for t, expected in zip(TIERS, expectation):
        colour = TIER_COLOURS[t]
        if len(view.total):
            ax.plot(view.total.index, view.total[f"satisfaction_{t}"], color=colour, linewidth=2,
                    label=TIER_NAMES[t])
        ax.axhline(expected, color=colour, linestyle="--", linewidth=1, alpha=0.7)
    ax.plot([], [], color="#555555", linestyle="--", linewidth=1, label="expected value (by tier)")
    ax.set_xlim(-0.5, horizon - 0.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("day")
    ax.set_ylabel("mean satisfaction")
    ax.set_title("Satisfaction by tier: members below their expectation leave", fontsize=10)
    ax.grid(alpha=0.25)
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    return fig


def _rgba(hex_colour: str, alpha: float) -> tuple[float, float, float, float]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, float(alpha))


__all__ = ["PHASES", "lifecycle_figure", "network_figure", "satisfaction_figure"]
