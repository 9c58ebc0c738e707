"""Figures of a sweep (matplotlib, Agg backend, the Okabe-Ito colour-blind-safe palette).

* :func:`lifecycle` - members and active members per day, per strategy: the mean over the strategy's
  runs (members summed over groups) and a band, the 95 % bootstrap interval of that mean.
* :func:`heatmap` - the mean of an outcome over two swept parameters.
* :func:`failure_modes` - per strategy, the share of runs in which each failure mode was detected.
* :func:`cost_vs_outcome` - spend against an outcome, one point per run and per strategy mean, and the
  Pareto front (no other strategy is both cheaper and better).

Each function takes the table of :func:`analysis.sweep.load_sweep`, writes one PNG and returns its path.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .stats import aggregate, bootstrap_mean_band, describe, higher_is_better, objective_values, pareto_front
from .sweep import done, failure_columns, short_names, strategies

#: Okabe & Ito (2008), colour-blind safe; yellow late (weak on white), black last.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000"]
LINESTYLES = ["-", "--", ":", "-."]
DPI = 110


def style(labels: list[str]) -> dict[str, tuple[str, str]]:
    """Label -> (colour, line style): the 8 Okabe-Ito colours, then again with another line style."""
    return {s: (OKABE_ITO[i % len(OKABE_ITO)], LINESTYLES[(i // len(OKABE_ITO)) % len(LINESTYLES)])
            for i, s in enumerate(labels)}


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return path


def _empty(path, title: str, message: str) -> Path:
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555", transform=ax.transAxes)
    return _save(fig, path)


# ------------------------------------------------------------------------ lifecycle
def lifecycle_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per complete run and day: members and active members summed over groups (from timeseries.parquet).

    Columns: job, strategy, day, members, active_members. Runs without a readable timeseries are skipped.
    """
    parts = []
    for _, row in done(df).iterrows():
        ts = _read_curve(Path(row["run_dir"]) / "timeseries.parquet")
        if ts is None:  # missing or unreadable: that run has no curve
            continue
        daily = ts.groupby("day", sort=True)[["members", "active_members"]].sum().reset_index()
        parts.append(daily.assign(job=row["job"], strategy=row["strategy"]))
    if not parts:
        return pd.DataFrame(columns=["job", "strategy", "day", "members", "active_members"])
    return pd.concat(parts, ignore_index=True)[["job", "strategy", "day", "members", "active_members"]]


def lifecycle(df: pd.DataFrame, path: str | Path, order: list[str] | None = None, max_strategies: int = 8,
              table: pd.DataFrame | None = None) -> Path:
    """Members and active members over time per strategy: mean line and 95 % interval band.

    ``order``: which strategies, in which order (default: all, natural order); at most ``max_strategies``
    are drawn (the first ones of ``order``), so the curves stay readable.
    """
    table = lifecycle_table(df) if table is None else table
    title = "Lifecycle by strategy"
    if table.empty:
        return _empty(path, title, "no run has a timeseries.parquet")
    order = [s for s in (order or strategies(df)) if s in set(table["strategy"])][:max_strategies]
    colours = style(order)
    fig, axes = plt.subplots(2, 1, figsize=(10, 7.5), sharex=True)
    panels = [("members", "Members (all groups)"),
              ("active_members", "Active members (spoke in the last 7 days)")]
    runs_per = []
    for s in order:
        sub = table[table["strategy"] == s]
        runs_per.append(sub["job"].nunique())
        colour, ls = colours[s]
        for ax, (col, _) in zip(axes, panels):
            m = sub.pivot_table(index="job", columns="day", values=col, aggfunc="sum")
            mean, lo, hi = bootstrap_mean_band(m.to_numpy())
            days = m.columns.to_numpy()
            ax.fill_between(days, lo, hi, color=colour, alpha=0.2, linewidth=0)
            ax.plot(days, mean, color=colour, linestyle=ls, linewidth=2,
                    label=f"{s} ({m.shape[0]} runs)" if ax is axes[0] else None)
    for ax, (_, ylabel) in zip(axes, panels):
        ax.set_ylabel(ylabel, fontsize=11)
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    axes[-1].set_xlabel("day of the run", fontsize=11)
    n = f"{min(runs_per)}" if min(runs_per) == max(runs_per) else f"{min(runs_per)}-{max(runs_per)}"
    fig.suptitle(f"{title}: line = mean of {n} runs per strategy, band = 95 % interval of that mean\n"
                 f"(bootstrap over runs; members summed over groups)", fontsize=12)
    axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -1.35), ncol=2, fontsize=9, frameon=False,
                   title="strategy")
    return _save(fig, path)


# ------------------------------------------------------------------------ heatmap
def heatmap(df: pd.DataFrame, outcome: str, x: str, y: str, path: str | Path) -> Path:
    """Mean of ``outcome`` for each combination of the swept parameters ``x`` (columns) and ``y`` (rows),
    averaged over everything else (replicates and any other swept parameter); n runs in each cell."""
    d = done(df).assign(_value=objective_values(df, outcome))
    d = d[d["_value"].notna()]
    names = short_names([x, y])
    title = f"Mean {describe(outcome)}\nby {names[x]} and {names[y]}"
    if d.empty:
        return _empty(path, title, "no complete run has a value")
    xs = _natural(d[x].unique())
    ys = _natural(d[y].unique())
    mean = d.pivot_table(index=y, columns=x, values="_value", aggfunc="mean").reindex(index=ys, columns=xs)
    count = d.pivot_table(index=y, columns=x, values="_value", aggfunc="count").reindex(index=ys, columns=xs)
    others = [c for c in df.attrs.get("strategy_columns", []) if c not in (x, y)]
    fig, ax = plt.subplots(figsize=(1.6 * len(xs) + 3, 1.0 * len(ys) + 2.2))
    cmap = "viridis" if higher_is_better(outcome) else "viridis_r"
    im = ax.imshow(mean.to_numpy(dtype=float), cmap=cmap, aspect="auto")
    vals = mean.to_numpy(dtype=float)
    lo, hi = np.nanmin(vals), np.nanmax(vals)
    for i in range(len(ys)):
        for j in range(len(xs)):
            v = vals[i, j]
            if np.isnan(v):
                continue
            frac = 0.5 if hi == lo else (v - lo) / (hi - lo)
            bright = frac > 0.55 if cmap == "viridis" else frac < 0.45
            ax.text(j, i, f"{_num(v)}\n(n={int(count.iloc[i, j])})", ha="center", va="center", fontsize=10,
                    color="black" if bright else "white")
    ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [str(v) for v in ys])
    ax.set_xlabel(names[x], fontsize=11)
    ax.set_ylabel(names[y], fontsize=11)
    better = "higher is better" if higher_is_better(outcome) else "lower is better"
    note = f"; averaged over {', '.join(short_names(others).values())}" if others else ""
    ax.set_title(f"{title} ({better}{note})", fontsize=11)
    fig.colorbar(im, ax=ax, label=f"mean {describe(outcome)}"[:60])
    return _save(fig, path)


# ------------------------------------------------------------------------ failure modes
def failure_table(df: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Share of complete runs, per strategy (rows), in which each failure mode (columns) was detected;
    plus ``crashed``, the share of all the strategy's jobs that failed or are incomplete, if any did."""
    order = order or strategies(df)
    cols = failure_columns(df)
    d = done(df)
    out = pd.DataFrame(index=pd.Index(order, name="strategy"))
    for c in cols:
        out[c[len("failure_"):]] = [d.loc[d["strategy"] == s, c].astype(float).mean() for s in order]
    if (df["status"] != "done").any():
        out["crashed"] = [(df.loc[df["strategy"] == s, "status"] != "done").mean() for s in order]
    out["runs"] = [int((d["strategy"] == s).sum()) for s in order]
    return out


def failure_modes(df: pd.DataFrame, path: str | Path, order: list[str] | None = None) -> Path:
    """A strategies x failure modes grid: the share of runs in which the mode was detected."""
    table = failure_table(df, order)
    title = "Failure risk: share of runs in which each failure mode was detected"
    modes = [c for c in table.columns if c != "runs"]
    if not modes or table.empty:
        return _empty(path, title, "no failure verdicts in the sweep index")
    never = [m for m in modes if not (table[m].fillna(0) > 0).any()]
    if len(never) == len(modes):
        return _empty(path, title, "no failure mode was detected in any run\n(checked: "
                      + ", ".join(m.replace("_", " ") for m in modes) + ")")
    modes = [m for m in modes if m not in never]
    vals = table[modes].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.3 * len(modes) + 5, 0.55 * len(table) + 2.4))
    im = ax.imshow(vals, cmap="Oranges", vmin=0, vmax=1, aspect="auto")
    for i, s in enumerate(table.index):
        for j, mode in enumerate(modes):
            v = vals[i, j]
            total = table["runs"].iloc[i] if mode != "crashed" else int((df["strategy"] == s).sum())
            text = "-" if np.isnan(v) else f"{v * 100:.0f} %\n{round(v * total)}/{total}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8.5, color="white" if v > 0.6 else "black")
    ax.set_xticks(range(len(modes)), [m.replace("_", " ") for m in modes], rotation=30, ha="right")
    ax.set_yticks(range(len(table)), table.index)
    never_note = f"\nnever detected in any run: {', '.join(m.replace('_', ' ') for m in never)}" if never else ""
    crashed = "; crashed = the run itself failed" if "crashed" in modes else ""
    ax.set_xlabel(f"failure mode (detected by sim/detect.py{crashed}){never_note}", fontsize=10)
    ax.set_title(title, fontsize=11)
    fig.colorbar(im, ax=ax, label="share of runs", fraction=0.03)
    return _save(fig, path)


# ------------------------------------------------------------------------ cost vs outcome
def cost_vs_outcome(df: pd.DataFrame, outcome: str, path: str | Path, cost: str = "spend_yuan",
                    order: list[str] | None = None) -> Path:
    """Spend (x) against an outcome (y): faint dots = runs, big dots = strategy means with 95 % intervals
    both ways, the line = the Pareto front of the means (lower spend, better outcome)."""
    order = order or strategies(df)
    title = f"Cost against {describe(outcome)}"
    if cost not in df:
        return _empty(path, title, f"no {cost} column in the sweep index")
    d = done(df).assign(_value=objective_values(df, outcome), _cost=pd.to_numeric(df[cost], errors="coerce"))
    d = d[d["_value"].notna() & d["_cost"].notna()]
    if d.empty:
        return _empty(path, title, "no complete run has both values")
    ys = aggregate(df, outcome).reindex(order)
    xs = aggregate(df, cost).reindex(order)
    colours = style(order)
    fig, ax = plt.subplots(figsize=(10, 6.5))
    for s in order:
        sub = d[d["strategy"] == s]
        ax.scatter(sub["_cost"], sub["_value"], color=colours[s][0], alpha=0.3, s=18, linewidths=0)
    for s in order:
        if np.isnan(ys.loc[s, "mean"]):
            continue
        x, y = xs.loc[s, "mean"], ys.loc[s, "mean"]
        xerr = _err(x, xs.loc[s, "ci_low"], xs.loc[s, "ci_high"])
        yerr = _err(y, ys.loc[s, "ci_low"], ys.loc[s, "ci_high"])
        ax.errorbar([x], [y], xerr=xerr, yerr=yerr, fmt="o", color=colours[s][0], markersize=9,
                    markeredgecolor="black", markeredgewidth=0.6, capsize=3, label=s)
    value = ys["mean"].to_numpy(dtype=float)
    front = pareto_front(xs["mean"].to_numpy(dtype=float), value if higher_is_better(outcome) else -value)
    fx, fy = xs["mean"].to_numpy()[front], value[front]
    sort = np.argsort(fx)
    ax.plot(fx[sort], fy[sort], color="#333333", linewidth=1.2, linestyle="--", zorder=1,
            label="Pareto front (no strategy cheaper and better)")
    for s in np.asarray(order)[front]:
        ax.annotate(f"  {s}", (xs.loc[s, "mean"], ys.loc[s, "mean"]), fontsize=8.5, color="#333333",
                    xytext=(6, 6), textcoords="offset points")
    better = "up" if higher_is_better(outcome) else "down"
    ax.set_xlabel(f"{describe(cost)}, total per run (less is better)", fontsize=11)
    ax.set_ylabel(f"{describe(outcome)} ({better} is better)", fontsize=11)
    ax.grid(alpha=0.3)
    ax.set_title(f"{title}: small dots = runs, large dots = strategy means with 95 % intervals,\n"
                 f"dashed line = Pareto front (strategies no other beats on both cost and outcome)", fontsize=11)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=9, frameon=False)
    return _save(fig, path)


# ------------------------------------------------------------------------ helpers
def _read_curve(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path, columns=["day", "members", "active_members"])
    except (OSError, ValueError, KeyError):  # no file, not parquet (pyarrow's errors are ValueErrors), no column
        return None


def _err(mean, lo, hi):
    if np.isnan(lo) or np.isnan(hi):
        return None
    return [[max(mean - lo, 0.0)], [max(hi - mean, 0.0)]]


def _num(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.1f}"
    return f"{v:.3f}"


def _natural(values) -> list:
    vals = [v.item() if isinstance(v, np.generic) else v for v in values if not pd.isna(v)]
    try:
        return sorted(vals)
    except TypeError:
        return sorted(vals, key=str)
