"""Per-strategy statistics of a sweep: means with bootstrap intervals, paired comparisons, a ranking.

Definitions (all hand-checkable; see tests/analysis):

* **Runs used.** Only complete runs (``status == "done"``) with a value of the outcome; a run whose
  outcome is missing (e.g. ``retention_d90`` of a run shorter than 90 days) is left out and counted in
  ``n_missing``.
* **Interval of a mean.** The percentile bootstrap: ``N_BOOT = 2000`` resamples of the runs with
  replacement, drawn by ``numpy.random.default_rng(SEED)`` with ``SEED = 20240607`` (a fresh generator
  per call, so the same data always give the same interval); the interval is the 2.5th and 97.5th
  percentiles of the resampled means. With fewer than 2 values there is no interval (NaN).
* **Paired difference.** A strategy and the baseline are paired by ``(seed, replicate)``: the same
  random stream under two strategies (common random numbers), which removes most of the run-to-run
  noise. ``diff`` is the mean over pairs of (strategy - baseline), with its bootstrap interval over
  pairs; ``share_won`` is the share of pairs where the strategy did strictly better (higher, or lower
  for a lower-is-better objective such as spend), ``share_tied`` where both were equal. Without a
  single pair, the difference of the two means is used instead, with an interval from resampling each
  side separately (``paired = False``) and no share won.
* **Within noise.** ``within_noise`` is True when the interval of the difference contains 0, or when
  there is no interval (fewer than 2 pairs / runs): the data cannot tell the two apart.
* **Rank.** By mean objective, best first; ``tied_with_above`` when the paired difference to the
  strategy ranked just above is within noise, ``within_noise_of_best`` when the difference to the
  top-ranked one is.
* **Derived objectives.** ``"<column> per 1000 yuan"`` = column / max(spend_yuan, 1) * 1000 (e.g.
  ``"active_members_final per 1000 yuan"``); ``"<column> per organizer hour"`` = column /
  max(organizer_hours, 1). Spend below 1 yuan counts as 1 yuan, so a free strategy is not infinite.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .sweep import SweepError, done, outcome_columns, strategies

N_BOOT = 2000
SEED = 20240607
LEVEL = 0.95
#: Derived objectives: suffix -> (denominator column, scale).
DERIVED = {" per 1000 yuan": ("spend_yuan", 1000.0), " per organizer hour": ("organizer_hours", 1.0)}
#: Outcomes where less is better (all others: more is better).
LOWER_IS_BETTER = ("spend_yuan", "organizer_hours", "left", "net_spend_yuan")
#: Default objective of the report and of suggestions.
SUGGESTED = ("active_members_final", "active_members_final per 1000 yuan", "active_members_mean", "final_members",
             "peak_members", "peak_active_share", "lifetime_days", "retention_d30", "retention_d90")


# ------------------------------------------------------------------------ intervals
def bootstrap_mean_ci(values, n_boot: int = N_BOOT, level: float = LEVEL, seed: int = SEED) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values`` (NaN, NaN with fewer than 2 values)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return (float(lo), float(hi))


def bootstrap_diff_ci(a, b, n_boot: int = N_BOOT, level: float = LEVEL, seed: int = SEED) -> tuple[float, float]:
    """Interval of mean(a) - mean(b) for unpaired samples: each side resampled separately."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 2 or len(b) < 2:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    ma = a[rng.integers(0, len(a), size=(n_boot, len(a)))].mean(axis=1)
    mb = b[rng.integers(0, len(b), size=(n_boot, len(b)))].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(ma - mb, [alpha, 1 - alpha])
    return (float(lo), float(hi))


def contains_zero(lo: float, hi: float) -> bool:
    """True if [lo, hi] contains 0, or if there is no interval (NaN): within noise."""
    if np.isnan(lo) or np.isnan(hi):
        return True
    return bool(lo <= 0 <= hi)


# ------------------------------------------------------------------------ objectives
def higher_is_better(objective: str) -> bool:
    base = objective
    for suffix in DERIVED:
        if objective.endswith(suffix):
            return True  # outcome per yuan / per hour: efficiency, more is better
    return not (base in LOWER_IS_BETTER or base.startswith(("failure_", "exits")))


def valid_objectives(df: pd.DataFrame) -> list[str]:
    """Outcome columns of the index, then the derived ones of the suggested outcomes."""
    cols = outcome_columns(df)
    derived = [f"{c}{suffix}" for suffix, (den, _) in DERIVED.items() if den in df
               for c in ("active_members_final", "active_members_mean", "final_members") if c in df]
    return cols + derived


def objective_values(df: pd.DataFrame, objective: str) -> pd.Series:
    """The objective for every row: a column, or a derived ``"<col> per 1000 yuan"`` / ``per organizer hour``.

    Raises :class:`SweepError` listing the valid objectives if it is neither.
    """
    if objective in df.columns and objective in outcome_columns(df):
        return pd.to_numeric(df[objective], errors="coerce").astype(float)
    for suffix, (den, scale) in DERIVED.items():
        if objective.endswith(suffix):
            num = objective[: -len(suffix)]
            if num in df.columns and den in df.columns and num in outcome_columns(df):
                n = pd.to_numeric(df[num], errors="coerce").astype(float)
                d = pd.to_numeric(df[den], errors="coerce").astype(float)
                return n / np.maximum(d, 1.0) * scale
    raise SweepError(f"unknown objective {objective!r}; valid: {', '.join(valid_objectives(df))} "
                     f"(or '<column> per 1000 yuan', '<column> per organizer hour')")


def _runs(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Complete runs with the outcome as column ``value`` and a pairing key."""
    values = objective_values(df, outcome)
    d = done(df).assign(value=values)
    seed = d["seed"] if "seed" in d else pd.Series(-1, index=d.index)
    rep = d["replicate"] if "replicate" in d else pd.Series(-1, index=d.index)
    key = list(zip(pd.to_numeric(seed, errors="coerce").fillna(-1).astype(int),
                   pd.to_numeric(rep, errors="coerce").fillna(-1).astype(int)))
    return d.assign(pair=key)


# ------------------------------------------------------------------------ the three verbs
def aggregate(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per strategy: n (runs with a value), n_missing, n_failed, mean, median, std, ci_low, ci_high.

    One row per strategy (index ``strategy``, in the natural order of :func:`analysis.sweep.strategies`).
    """
    runs = _runs(df, outcome)
    rows = []
    for s in strategies(df):
        all_s = df[df["strategy"] == s]
        v = runs.loc[runs["strategy"] == s, "value"].to_numpy(dtype=float)
        have = v[~np.isnan(v)]
        lo, hi = bootstrap_mean_ci(have)
        rows.append({"strategy": s, "n": len(have), "n_missing": len(v) - len(have),
                     "n_failed": int((all_s["status"] != "done").sum()),
                     "mean": float(have.mean()) if len(have) else np.nan,
                     "median": float(np.median(have)) if len(have) else np.nan,
                     "std": float(have.std(ddof=1)) if len(have) > 1 else np.nan,
                     "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows, columns=["strategy", "n", "n_missing", "n_failed", "mean", "median", "std",
                                       "ci_low", "ci_high"]).set_index("strategy")


def _pair_values(runs: pd.DataFrame, s: str) -> pd.Series:
    sub = runs[(runs["strategy"] == s) & runs["value"].notna()]
    return sub.groupby("pair")["value"].mean()  # duplicates of one (seed, replicate): their mean


def diff(runs: pd.DataFrame, s: str, base: str, better_high: bool = True) -> dict:
    """Strategy ``s`` minus ``base`` (see the module docstring): paired by (seed, replicate) when possible."""
    a, b = _pair_values(runs, s), _pair_values(runs, base)
    common = a.index.intersection(b.index)
    if len(common):
        d = (a.loc[common] - b.loc[common]).to_numpy(dtype=float)
        lo, hi = bootstrap_mean_ci(d)
        won = d > 0 if better_high else d < 0
        return {"n_pairs": len(d), "paired": True, "diff": float(d.mean()), "diff_low": lo, "diff_high": hi,
                "share_won": float(won.mean()), "share_tied": float((d == 0).mean()),
                "within_noise": contains_zero(lo, hi)}
    lo, hi = bootstrap_diff_ci(a.to_numpy(), b.to_numpy())
    mean_diff = float(a.mean() - b.mean()) if len(a) and len(b) else np.nan
    return {"n_pairs": 0, "paired": False, "diff": mean_diff, "diff_low": lo, "diff_high": hi,
            "share_won": np.nan, "share_tied": np.nan, "within_noise": contains_zero(lo, hi)}


def compare(df: pd.DataFrame, outcome: str, baseline: str | None = None) -> pd.DataFrame:
    """Each strategy against ``baseline`` (a strategy label; default: the best by mean).

    Columns: n_pairs, paired, diff, diff_low, diff_high, share_won, share_tied, within_noise; index
    ``strategy``; the baseline's own row has diff 0 and NaN interval and shares.
    """
    labels = strategies(df)
    if baseline is None:
        baseline = best_strategy(df, outcome)
    if baseline not in labels:
        raise SweepError(f"unknown baseline {baseline!r}; strategies: {'; '.join(labels)}")
    runs = _runs(df, outcome)
    better_high = higher_is_better(outcome)
    rows = []
    for s in labels:
        if s == baseline:
            row = {"n_pairs": int(runs.loc[runs["strategy"] == s, "value"].notna().sum()), "paired": True,
                   "diff": 0.0, "diff_low": np.nan, "diff_high": np.nan, "share_won": np.nan,
                   "share_tied": np.nan, "within_noise": True}
        else:
            row = diff(runs, s, baseline, better_high)
        rows.append({"strategy": s, "baseline": s == baseline, **row})
    return pd.DataFrame(rows).set_index("strategy")


def best_strategy(df: pd.DataFrame, objective: str) -> str:
    """The strategy with the best mean objective (ties: the first in the natural order)."""
    agg = aggregate(df, objective)
    agg = agg[agg["n"] > 0]
    if agg.empty:
        raise SweepError(f"no complete run has a value of {objective!r}")
    means = agg["mean"] if higher_is_better(objective) else -agg["mean"]
    return str(means.idxmax())


def rank(df: pd.DataFrame, objective: str) -> pd.DataFrame:
    """Strategies ranked by mean objective, best first, with ties within noise flagged.

    Columns: rank (1 = best), n, mean, ci_low, ci_high, diff_to_best (+ interval), tied_with_above,
    within_noise_of_best. Strategies without a single value of the objective come last, unranked (NaN).
    """
    agg = aggregate(df, objective)
    sign = 1.0 if higher_is_better(objective) else -1.0
    agg = agg.assign(_order=-sign * agg["mean"]).sort_values(["_order"], kind="stable", na_position="last")
    competition = agg["_order"].round(9).rank(method="min")  # equal means share a rank (1, 1, 3 ...)
    runs = _runs(df, objective)
    better_high = sign > 0
    ranked = agg[agg["n"] > 0].index.tolist()
    best = ranked[0] if ranked else None
    out = []
    for s in agg.index:
        r = agg.loc[s]
        row = {"strategy": s, "rank": int(competition[s]) if s in ranked else np.nan, "n": int(r["n"]),
               "mean": r["mean"],
               "ci_low": r["ci_low"], "ci_high": r["ci_high"], "diff_to_best": np.nan, "diff_to_best_low": np.nan,
               "diff_to_best_high": np.nan, "tied_with_above": False, "within_noise_of_best": False}
        if s in ranked:
            if s == best:
                row.update(diff_to_best=0.0, within_noise_of_best=True)
            else:
                d = diff(runs, s, best, better_high)
                row.update(diff_to_best=d["diff"], diff_to_best_low=d["diff_low"],
                           diff_to_best_high=d["diff_high"], within_noise_of_best=d["within_noise"])
                above = ranked[ranked.index(s) - 1]
                row["tied_with_above"] = diff(runs, s, above, better_high)["within_noise"]
        out.append(row)
    return pd.DataFrame(out).set_index("strategy")


def pareto_front(cost, value) -> np.ndarray:
    """Boolean mask of the points not dominated by another (lower-or-equal cost and higher-or-equal value,
    one of them strictly). NaN points are never on the front."""
    c = np.asarray(cost, dtype=float)
    v = np.asarray(value, dtype=float)
    ok = ~(np.isnan(c) | np.isnan(v))
    mask = np.zeros(len(c), dtype=bool)
    for i in np.flatnonzero(ok):
        dominated = ok & (c <= c[i]) & (v >= v[i]) & ((c < c[i]) | (v > v[i]))
        mask[i] = not dominated.any()
    return mask


def verdict_table(df: pd.DataFrame, objective: str, baseline: str | None = None) -> pd.DataFrame:
    """The report's table: rank, n, mean and interval, difference vs the baseline with interval, share of
    seeds won, within-noise flag (vs the baseline), tie flags; best first."""
    ranked = rank(df, objective)
    if baseline is None:
        baseline = best_strategy(df, objective)
    cmp = compare(df, objective, baseline)
    return ranked.join(cmp[["baseline", "n_pairs", "paired", "diff", "diff_low", "diff_high", "share_won",
                            "share_tied", "within_noise"]])


def bootstrap_mean_band(matrix, n_boot: int = N_BOOT, level: float = LEVEL,
                        seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and percentile-bootstrap interval of the mean, column by column, of ``matrix`` (runs x days).

    Runs are resampled whole (a run's days stay together), with the same generator and resample count as
    :func:`bootstrap_mean_ci`; missing values (a shorter run) are left out of that day's mean. With fewer
    than 2 runs the band is the mean itself.
    """
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[0] == 0:
        raise ValueError("matrix must be runs x days with at least one run")
    have = ~np.isnan(m)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(have.any(axis=0), np.nansum(m, axis=0) / np.maximum(have.sum(axis=0), 1), np.nan)
    n = m.shape[0]
    if n < 2:
        return mean, mean.copy(), mean.copy()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    weights = np.zeros((n_boot, n))
    np.add.at(weights, (np.repeat(np.arange(n_boot), n), idx.ravel()), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = (weights @ np.where(have, m, 0.0)) / (weights @ have.astype(float))
    alpha = (1 - level) / 2
    with warnings.catch_warnings():  # a day no run reached: NaN, quietly
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
    return mean, lo, hi


#: Plain-language names of the index's outcomes, for titles and tables.
NAMES = {
    "peak_members": "peak members",
    "peak_day": "day of the peak",
    "final_members": "members at the end",
    "peak_active_share": "peak weekly active share",
    "lifetime_days": "lifetime (days until the weekly active share stays below 5 %)",
    "ever_joined": "people who ever joined",
    "left": "people who left",
    "active_members_final": "active members at the end",
    "active_members_mean": "active members, mean over days",
    "retention_d1": "retention after 1 day",
    "retention_d7": "retention after 7 days",
    "retention_d30": "retention after 30 days",
    "retention_d90": "retention after 90 days",
    "spend_yuan": "policy spend (yuan)",
    "income_yuan": "policy income (yuan)",
    "organizer_hours": "organizer hours spent on policies",
}


def describe(objective: str) -> str:
    """A readable name, e.g. ``"active_members_final per 1000 yuan"`` -> ``"active members at the end ... per
    1,000 yuan"``."""
    for suffix in DERIVED:
        if objective.endswith(suffix):
            base = objective[: -len(suffix)]
            return f"{NAMES.get(base, base.replace('_', ' '))} per {suffix.split(' per ')[1].replace('1000', '1,000')}"
    if objective.startswith("failure_"):
        return f"failure: {objective[8:].replace('_', ' ')}"
    return NAMES.get(objective, objective.replace("_", " "))
