"""Figures: the lifecycle curve, readable from the back of a classroom.

Phases are shaded (germination, fast growth, active, decline, dormant: sim/detect.py), policy actions
are ticks along the bottom, one row per policy, and detected failures are labelled markers at the top.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# Okabe-Ito colour-blind-safe palette
BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999"
SKY, YELLOW, PURPLE = "#56B4E9", "#F0E442", "#CC79A7"
PHASE_COLOURS = {"germination": GREEN, "fast_growth": SKY, "active": YELLOW, "decline": PURPLE, "dormant": GREY}
POLICY_COLOURS = (VERMILION, GREEN, BLUE, PURPLE, ORANGE, SKY, "#000000")


def total_phases(result, total) -> np.ndarray:
    """Phase per day of the whole community (one group: its own phases)."""
    from .detect import PHASES, phases

    ts = result.timeseries
    if ts["group"].nunique() == 1 and "phase" in ts:
        return np.array([PHASES.index(str(p)) for p in ts.sort_values("day")["phase"]])
    capacity = result.config.groups.capacity * ts["group"].nunique()
    return phases(total.reset_index(), capacity, result.config.lifecycle)


def _shade_phases(ax, days, phase, top) -> None:
    from .detect import phase_spans

    seen = set()
    for span in phase_spans(days, phase):
        name = span["phase"]
        ax.axvspan(span["start"] - 0.5, span["end"] + 0.5, color=PHASE_COLOURS[name], alpha=0.13, linewidth=0,
                   label=None if name in seen else f"phase: {name.replace('_', ' ')}")
        seen.add(name)
        if span["end"] - span["start"] >= 0.06 * (days[-1] - days[0] + 1):
            ax.text((span["start"] + span["end"]) / 2, top * 0.985, name.replace("_", " "), ha="center", va="top",
                    fontsize=10, color="#333333")


def _mark_events(ax, events, top) -> int:
    """Ticks per policy below the axis and failure markers; returns the number of tick rows."""
    if events is None or len(events) == 0:
        return 0
    acts = events[(events["source"] != "detect") & (events["source"] != "founding")
                  & (events["source"] != "core_team") & ~events["action"].str.startswith("skipped")]
    rows_used = 0
    for i, (name, rows) in enumerate(acts.groupby("source", sort=True)):
        rows_used = i + 1
        y = -top * (0.025 + 0.04 * i)  # a strip below zero, inside the axes
        ax.plot(rows["day"], np.full(len(rows), y), "|", color=POLICY_COLOURS[i % len(POLICY_COLOURS)],
                markersize=9, markeredgewidth=1.5, label=f"{name.replace('_', ' ')} ({len(rows)} actions)")
    failures = events[events["source"] == "detect"].drop_duplicates("action").sort_values("day")
    span = max(1, int(events["day"].max()) if len(events) else 1)
    level, last = 0, -10**9
    for _, e in failures.iterrows():
        level = level + 1 if e["day"] - last < 0.1 * span else 0  # close labels step down, not overlap
        last = e["day"]
        ax.axvline(e["day"], color=VERMILION, linewidth=1.2, linestyle="--", alpha=0.8)
        ax.text(e["day"], top * (0.9 - 0.1 * (level % 4)), f" {e['action'].replace('_', ' ')}\n day {e['day']}",
                color=VERMILION, fontsize=10, va="top", ha="left")
    return rows_used


def lifecycle_figure(result, ax=None):
    """Members and active members over time, all groups together; phases, policy actions and failures."""
    ts = result.timeseries
    total = ts.groupby("day", sort=True)[["members", "active_members"]].sum()
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 6), layout="constrained")
    else:
        fig = ax.figure
    days = total.index.to_numpy()
    top = total["members"].max() * 1.12 + 1
    _shade_phases(ax, days, total_phases(result, total), top)
    ax.plot(days, total["members"], color=BLUE, linewidth=2.5, label="members")
    ax.plot(days, total["active_members"], color=ORANGE, linewidth=2.5,
            label=f"active members (spoke in the last {result.config.rules.activity.active_window_days} days)")
    groups = ts["group"].nunique()
    if 1 < groups <= 12:
        for gid, g in ts.groupby("group"):
            ax.plot(g["day"], g["members"], color=BLUE, linewidth=0.7, alpha=0.4)
            if g["day"].iloc[0] > days[0]:  # founded during the run (replication): mark its start
                ax.annotate(f"group {gid} founded", (g["day"].iloc[0], g["members"].iloc[0]), xytext=(4, 8),
                            textcoords="offset points", fontsize=10, color="#333333")
    active = total["active_members"].to_numpy()
    peak = int(np.argmax(active))
    ax.annotate(f"most active: {active[peak]} on day {days[peak]}", (days[peak], active[peak]),
                xytext=(12, 28), textcoords="offset points", fontsize=12,
                arrowprops=dict(arrowstyle="->", color="#555555"))
    tick_rows = _mark_events(ax, result.events, top)
    ax.set_xlabel("day", fontsize=13)
    ax.set_ylabel("people", fontsize=13)
    title = result.config.scenario.name.replace("_", " ")
    ax.set_title(f"Lifecycle of {'a group' if groups == 1 else f'{groups} groups'} - scenario: {title}, "
                 f"seed {result.config.seed}", fontsize=14)
    ax.tick_params(labelsize=11)
    ax.set_xlim(days[0] - 0.5, days[-1] + 0.5)
    ax.set_ylim(-top * 0.045 * tick_rows, top)
    ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= top])
    if tick_rows:
        ax.axhline(0, color="#555555", linewidth=0.8)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncol=3, fontsize=10, frameon=False)
    return fig


__all__ = ["lifecycle_figure"]
