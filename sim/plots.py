"""Figures: the lifecycle curve, readable from the back of a classroom."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# Okabe-Ito colour-blind-safe palette
BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999"


def lifecycle_figure(result, ax=None):
    """Members and active members over time, all groups together; peak and dormancy marked."""
    ts = result.timeseries
    total = ts.groupby("day", sort=True)[["members", "active_members"]].sum()
    head = result.summary["headline"]
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
    else:
        fig = ax.figure
    days = total.index.to_numpy()
    ax.fill_between(days, total["members"], color=BLUE, alpha=0.15, linewidth=0)
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
    top = int(np.argmax(active))
    ax.annotate(f"most active: {active[top]} on day {days[top]}", (days[top], active[top]),
                xytext=(12, 28), textcoords="offset points", fontsize=12,
                arrowprops=dict(arrowstyle="->", color="#555555"))
    life = head["lifetime_days"]
    if life < days[-1]:
        ax.axvspan(life, days[-1], color=GREY, alpha=0.2, linewidth=0)
        ax.text(days[-1] - 5, total["members"].max() * 0.5, f"dormant\nfrom day {life}", fontsize=12,
                color="#333333", ha="right")
    ax.set_xlabel("day", fontsize=13)
    ax.set_ylabel("people", fontsize=13)
    title = result.config.scenario.name.replace("_", " ")
    ax.set_title(f"Lifecycle of {'a group' if groups == 1 else f'{groups} groups'} - scenario: {title}, "
                 f"seed {result.config.seed}", fontsize=14)
    ax.tick_params(labelsize=11)
    ax.set_xlim(days[0], days[-1])
    ax.set_ylim(0, total["members"].max() * 1.08 + 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, fontsize=11, frameon=False)
    return fig


__all__ = ["lifecycle_figure"]
