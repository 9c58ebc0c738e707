"""Sensitivity analysis: which uncertain parameters move an outcome, or change a verdict between strategies.

``commsim-sensitivity --days 180 --override population.size=1200`` samples a declared set of uncertain
parameters (the knobs below, each within bounds), runs the model at each sampled point over a few
replicates, and ranks the parameters by their influence on the outcome (``--objective``, default
``active_members_final``). With two strategies, ``--a OVERRIDES ... --b OVERRIDES ...``, the outcome is
the *verdict*: the mean over replicates of objective(A) - objective(B), paired by replicate; a
parameter that moves it a lot, or whose range contains the sign change, is one the choice between A and
B depends on. The table also says at how many sampled points A still beats B.

Methods (SALib):

* ``--method morris`` (default): the elementary effects method (Morris 1991; Campolongo et al. 2007),
  ``--trajectories`` r trajectories of k+1 points each on a ``--levels`` grid (r (k+1) points);
  ``mu_star`` (mean absolute effect of moving the parameter across its range, in the objective's unit:
  the ranking), ``mu_star_conf`` (its 95 % bootstrap half-width), ``mu`` (signed), ``sigma`` (spread of the
  effects: non-linearity or interactions). Cheap screening.
* ``--method sobol``: Saltelli's sampling and Sobol indices (first order ``S1``, total ``ST``, with 95 %
  half-widths), ``--samples`` N base samples, N (k+2) points (N a power of 2). Variance shares: ST - S1
  is what a parameter does through interactions. Costly; after Morris has screened.

Every point runs ``--seeds`` replicates (``replicate=0..n-1``, the same at every point: common random
numbers, so differences between points are the parameters', not the seeds'); its output is their mean.
The replicates' noise still adds to ``sigma`` (Morris) and to the unexplained variance (Sobol); more
replicates shrink it.

**Knobs.** An uncertainty is a scalar knob ``name=lo:hi`` applied to the composed config (scenario +
``--override`` s + the arm's overrides) at each point:

* a scalar key (``graph.strong_tie_share``, ``rules.satisfaction.value_gain``,
  ``organizers.budget_minutes_per_day``, ``population.size`` ...): set to the sampled value (integer keys
  are rounded);
* ``<list key>.scale`` (``population.expectation_by_tier.scale``): multiplies every element of the list
  (e.g. all three tiers' expectations) by the sampled factor; integer lists are rounded;
* ``<list key>.<element>`` (``population.expectation_by_tier.high``; tiers high, mid, low; slots of
  ``calendar.slot_online_share`` by name; or an index, ``graph.circle_sizes.0``): sets one element;
* ``population.tier_shares.<tier>``: sets that tier's share and rescales the other two in proportion so
  that the shares still sum to 1 (default 0.1/0.3/0.6: high = 0.2 gives 0.2/0.267/0.533).

Defaults (when no ``--uncertainty`` is given): ``population.expectation_by_tier.scale=0.7:1.3``,
``population.tier_shares.high=0.05:0.2``, ``graph.strong_tie_share=0.1:0.4``,
``rules.satisfaction.value_gain=1:3``, ``rules.novelty.half_life_days=60:240``,
``organizers.budget_minutes_per_day=30:120``.

Output: a table sorted by importance on stdout, and in ``--out`` (default
``sensitivity/<scenario>_<time>``) ``sensitivity.json`` (the question, each knob and what it maps to,
the indices, the nominal verdict), ``sensitivity.png`` (a bar chart) and ``samples.csv`` (every point's
knob values and outcome). Bad input: one line, exit status 2.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from .search import (
    Runner,
    SearchError,
    _clean,
    _fmt,
    _json_default,
    check_horizon,
    check_objective,
    compose_tree,
    higher_is_better,
    mean_ci,
    objective_value,
    run_tree,
)

PROG = "commsim-sensitivity"
METHODS = ("morris", "sobol")
#: Lists whose elements are shares summing to 1: setting one rescales the others.
SHARES = ("population.tier_shares",)
DEFAULT_UNCERTAINTIES = (
    "population.expectation_by_tier.scale=0.7:1.3",
    "population.tier_shares.high=0.05:0.2",
    "graph.strong_tie_share=0.1:0.4",
    "rules.satisfaction.value_gain=1:3",
    "rules.novelty.half_life_days=60:240",
    "organizers.budget_minutes_per_day=30:120",
)


class SensitivityError(SearchError):
    """A usage error: one line, exit status 2."""


# ------------------------------------------------------------------------ knobs
def _element_names(path: str, n: int) -> tuple[str, ...]:
    from .config import SLOTS, TIERS

    if path == "calendar.slot_online_share" and n == len(SLOTS):
        return SLOTS
    if path.startswith("population.") and n == len(TIERS):
        return TIERS
    return ()


def _get(tree: dict, parts: Sequence[str]) -> Any:
    node: Any = tree
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            raise KeyError(part)
        node = node[part]
    return node


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


@dataclass(frozen=True)
class Knob:
    """A scalar knob on the config: where it acts and how (``set``, ``scale``, ``element``, ``share``)."""

    name: str
    path: tuple[str, ...]  # the config key it changes
    kind: str
    index: int | None = None
    integer: bool = False

    @property
    def key(self) -> str:
        return ".".join(self.path)

    def nominal(self, tree: dict) -> float:
        """The knob's value in ``tree`` (1 for a scale)."""
        value = _get(tree, self.path)
        if self.kind == "scale":
            return 1.0
        if self.kind in ("element", "share"):
            return float(value[self.index])
        return float(value)

    def apply(self, tree: dict, x: float) -> None:
        """Set the knob to ``x`` in ``tree`` (in place)."""
        parent = _get(tree, self.path[:-1])
        leaf = self.path[-1]
        value = parent[leaf]
        cast = (lambda v: round(v)) if self.integer else float
        if self.kind == "set":
            parent[leaf] = cast(x)
        elif self.kind == "scale":
            parent[leaf] = [cast(v * x) for v in value]
        elif self.kind == "element":
            new = list(value)
            new[self.index] = cast(x)
            parent[leaf] = new
        else:  # share: set one, rescale the rest in proportion so the shares sum to 1
            parent[leaf] = rescale_shares(value, self.index, x)

    def describe(self, tree: dict) -> str:
        value = _get(tree, self.path)
        names = _element_names(self.key, len(value)) if isinstance(value, list) else ()
        which = f"the {names[self.index]} element of {self.key}" if names and self.index is not None else \
            f"{self.key}[{self.index}]"
        if self.kind == "set":
            return f"sets {self.key} (nominal {value:g})"
        if self.kind == "scale":
            return f"multiplies every element of {self.key} (nominal {_list(value)})"
        if self.kind == "element":
            return f"sets {which} (nominal {_list(value)})"
        return (f"sets {which} and rescales the other shares in proportion so they sum to 1 "
                f"(nominal {_list(value)})")


def _list(values: Sequence[float]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def rescale_shares(shares: Sequence[float], index: int, x: float) -> list[float]:
    """Shares with element ``index`` set to ``x`` and the others scaled by (1 - x) / (their old sum)
    (split equally if they summed to 0), so the result sums to 1."""
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"a share must be in [0, 1], got {x}")
    rest = sum(v for i, v in enumerate(shares) if i != index)
    n_rest = len(shares) - 1
    out = [((v / rest) * (1.0 - x) if rest > 0 else (1.0 - x) / n_rest) for v in shares]
    out[index] = float(x)
    return out


def knob(tree: dict, name: str) -> Knob:
    """Resolve a knob name against the composed ``tree``; :class:`SensitivityError` if it names nothing."""
    parts = tuple(name.split("."))
    if not all(parts):
        raise SensitivityError(f"--uncertainty {name}: not a config key")
    try:
        value = _get(tree, parts)
    except KeyError:
        value = None
    else:
        if _is_number(value):
            return Knob(name, parts, "set", integer=isinstance(value, int))
        if isinstance(value, list):
            names = _element_names(name, len(value))
            hint = f" ({', '.join(f'{name}.{e}' for e in names)})" if names else ""
            raise SensitivityError(f"--uncertainty {name}: is a list; use {name}.scale or one element{hint}")
        if isinstance(value, dict):
            raise SensitivityError(f"--uncertainty {name}: is a section; its keys: {', '.join(sorted(value))}")
        raise SensitivityError(f"--uncertainty {name}: not a number ({value!r})")
    parent, last = parts[:-1], parts[-1]
    try:
        values = _get(tree, parent) if parent else None
    except KeyError:
        values = None
    if isinstance(values, list) and values and all(_is_number(v) for v in values):
        path = ".".join(parent)
        integer = all(isinstance(v, int) for v in values)
        if last == "scale":
            if path in SHARES:
                raise SensitivityError(f"--uncertainty {name}: shares must sum to 1; set one share instead "
                                       f"({', '.join(f'{path}.{e}' for e in _element_names(path, len(values)))})")
            return Knob(name, parent, "scale", integer=integer)
        names = _element_names(path, len(values))
        if last in names:
            index = names.index(last)
        elif re.fullmatch(r"\d+", last) and int(last) < len(values):
            index = int(last)
        else:
            valid = ", ".join([*(f"{path}.{e}" for e in names or [str(i) for i in range(len(values))]),
                               *([] if path in SHARES else [f"{path}.scale"])])
            raise SensitivityError(f"--uncertainty {name}: unknown element of {path}; valid: {valid}")
        return Knob(name, parent, "share" if path in SHARES else "element", index, integer)
    from .search import unknown_key

    message = unknown_key(tree, name)
    raise SensitivityError(f"--uncertainty {message}" if message else f"--uncertainty {name}: unknown key")


@dataclass(frozen=True)
class Uncertainty:
    name: str
    low: float
    high: float


def parse_uncertainty(text: str) -> Uncertainty:
    name, sep, bounds = text.partition("=")
    name = name.strip()
    parts = bounds.split(":")
    if not sep or not name or len(parts) != 2:
        raise SensitivityError(f"--uncertainty {text}: expected KEY=LO:HI (e.g. graph.strong_tie_share=0.1:0.4)")
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise SensitivityError(f"--uncertainty {text}: bounds must be numbers, got {parts[0]!r} and {parts[1]!r}") \
            from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise SensitivityError(f"--uncertainty {text}: bounds must be finite")
    if low >= high:
        raise SensitivityError(f"--uncertainty {text}: bad range: the low end {parts[0]} must be below the high "
                               f"end {parts[1]}")
    return Uncertainty(name, low, high)


def apply_point(tree: dict, knobs: Sequence[Knob], x: Sequence[float]) -> dict:
    """A copy of ``tree`` with each knob set to its value in ``x``."""
    out = copy.deepcopy(tree)
    for k, v in zip(knobs, x):
        k.apply(out, float(v))
    return out


def _validate(tree: dict) -> None:
    from .config import Config, ConfigError, build

    try:
        build(Config, tree)
    except ConfigError as err:
        raise SensitivityError(str(err)) from None


# ------------------------------------------------------------------------ the analysis
@dataclass
class Plan:
    scenario: str
    uncertainties: tuple[Uncertainty, ...]
    knobs: tuple[Knob, ...]
    objective: str
    method: str
    trajectories: int
    samples: int
    levels: int
    seeds: int
    seed: int
    arms: dict  # arm name -> composed tree ("base", or "a" and "b")
    arm_overrides: dict
    days: int
    mapping: dict  # knob name -> description


def plan(scenario: str = "default", uncertainties: Sequence[str | Uncertainty] = (), objective: str =
         "active_members_final", a: Sequence[str] | None = None, b: Sequence[str] | None = None,
         method: str = "morris", trajectories: int = 10, samples: int = 64, levels: int = 4, seeds: int = 3,
         seed: int = 0, days: int | None = None, overrides: Sequence[str] = ()) -> Plan:
    """Validate everything (composing each arm and building it at each knob's bounds); raises
    :class:`SensitivityError` with one line."""
    if method not in METHODS:
        raise SensitivityError(f"--method {method}: use one of {', '.join(METHODS)}")
    for flag, value, low in (("--trajectories", trajectories, 2), ("--samples", samples, 2), ("--levels", levels, 2),
                             ("--seeds", seeds, 1)):
        if value < low:
            raise SensitivityError(f"{flag} must be >= {low}, got {value}")
    if levels % 2:
        raise SensitivityError(f"--levels must be even (Morris grid), got {levels}")
    if seed < 0:
        raise SensitivityError(f"--seed must be >= 0, got {seed}")
    if days is not None and days < 1:
        raise SensitivityError(f"--days must be >= 1, got {days}")
    if (a is None) != (b is None):
        raise SensitivityError("a verdict needs both strategies: --a OVERRIDES ... --b OVERRIDES ...")
    try:
        check_objective(objective)
    except SearchError as err:
        raise SensitivityError(str(err)) from None
    specs = tuple(u if isinstance(u, Uncertainty) else parse_uncertainty(u)
                  for u in (uncertainties or DEFAULT_UNCERTAINTIES))
    names = [u.name for u in specs]
    if len(set(names)) != len(names):
        raise SensitivityError(f"--uncertainty {next(n for n in names if names.count(n) > 1)} is given twice")
    common = (f"seed={seed}", *((f"days={days}",) if days is not None else ()), *overrides)
    arm_overrides = {"base": list(common)} if a is None else {"a": [*common, *a], "b": [*common, *b]}
    arms = {}
    for arm, ovs in arm_overrides.items():
        try:
            arms[arm] = compose_tree(scenario, ovs)
        except SearchError as err:
            label = "scenario/--override" if arm == "base" else f"--{arm}"
            raise SensitivityError(f"{label}: {err}") from None
    knobs = []
    for u in specs:
        ks = [knob(tree, u.name) for tree in arms.values()]
        k = ks[0]
        if k.kind == "share" and not (0.0 <= u.low and u.high <= 1.0):
            raise SensitivityError(f"--uncertainty {u.name}={u.low:g}:{u.high:g}: a share must lie in [0, 1]")
        for arm, tree in arms.items():
            for value in (u.low, u.high):
                try:
                    _validate(apply_point(tree, [k], [value]))
                except SensitivityError as err:
                    raise SensitivityError(f"--uncertainty {u.name}={u.low:g}:{u.high:g}: at {value:g}: {err}") \
                        from None
        knobs.append(k)
    first = next(iter(arms.values()))
    try:
        check_horizon(objective, int(first["days"]))
    except SearchError as err:
        raise SensitivityError(str(err)) from None
    return Plan(scenario=scenario, uncertainties=specs, knobs=tuple(knobs), objective=objective, method=method,
                trajectories=trajectories, samples=samples, levels=levels, seeds=seeds, seed=seed, arms=arms,
                arm_overrides=arm_overrides, days=int(first["days"]),
                mapping={k.name: k.describe(first) for k in knobs})


def problem(p: Plan) -> dict:
    return {"num_vars": len(p.uncertainties), "names": [u.name for u in p.uncertainties],
            "bounds": [[u.low, u.high] for u in p.uncertainties]}


def sample(p: Plan) -> np.ndarray:
    """The design: Morris trajectories or Saltelli/Sobol points (SALib), seeded by ``--seed``."""
    if p.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(p), p.trajectories, num_levels=p.levels, seed=p.seed)
    import warnings

    from SALib.sample import sobol

    with warnings.catch_warnings():  # N not a power of 2: SALib warns; we say it in the docs
        warnings.simplefilter("ignore", UserWarning)
        return sobol.sample(problem(p), p.samples, calc_second_order=False, seed=p.seed)


def evaluate(p: Plan, X: np.ndarray, workers: int | Runner = 1, progress: bool = False,
             knobs: Sequence[Knob] | None = None) -> dict:
    """Run every point x arm x replicate; per arm, the per-replicate objective (points x seeds).

    ``knobs`` (default: the plan's) are the columns of ``X``; ``knobs=()`` with one empty row is the
    nominal config."""
    knobs = p.knobs if knobs is None else knobs
    jobs, index = [], []
    for i, x in enumerate(X):
        for arm, tree in p.arms.items():
            point = apply_point(tree, knobs, x)
            for r in range(p.seeds):
                jobs.append((point, r))
                index.append((i, arm, r))
    from tqdm.auto import tqdm

    with tqdm(total=len(jobs), desc="runs", unit="run", disable=not progress, dynamic_ncols=True) as bar:
        if isinstance(workers, Runner):
            rows = workers.map(run_tree, jobs, progress=bar.update)
        else:
            with Runner(workers) as runner:
                rows = runner.map(run_tree, jobs, progress=bar.update)
    values = {arm: np.full((len(X), p.seeds), np.nan) for arm in p.arms}
    for (i, arm, r), row in zip(index, rows):
        values[arm][i, r] = objective_value(row, p.objective)
    return values


def outputs(p: Plan, values: dict) -> np.ndarray:
    """The analysed output per point: the mean objective, or the mean paired difference A - B."""
    if "base" in values:
        per = values["base"]
    else:
        per = values["a"] - values["b"]
    return np.nanmean(per, axis=1)


def analyse(p: Plan, X: np.ndarray, Y: np.ndarray) -> list[dict]:
    """Indices per uncertainty, most important first (``mu_star`` for Morris, ``ST`` for Sobol)."""
    if np.isnan(Y).any():
        raise SensitivityError(f"the objective {p.objective!r} has no value at some points (e.g. a retention "
                               f"horizon longer than the run); choose another or run longer")
    if p.method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem(p), X, Y, num_resamples=1000, conf_level=0.95, num_levels=p.levels,
                             seed=p.seed)
        rows = [{"uncertainty": n, "mu_star": float(res["mu_star"][i]), "mu_star_conf": float(res["mu_star_conf"][i]),
                 "mu": float(res["mu"][i]), "sigma": float(res["sigma"][i])} for i, n in enumerate(res["names"])]
        key = "mu_star"
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(problem(p), Y, calc_second_order=False, num_resamples=1000, conf_level=0.95,
                            seed=p.seed)
        rows = [{"uncertainty": n, "S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                 "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i])}
                for i, n in enumerate(problem(p)["names"])]
        key = "ST"
    bounds = {u.name: (u.low, u.high) for u in p.uncertainties}
    for r in rows:
        r["low"], r["high"] = bounds[r["uncertainty"]]
        r["maps_to"] = p.mapping[r["uncertainty"]]
    rows.sort(key=lambda r: -np.nan_to_num(r[key], nan=-np.inf))
    for i, r in enumerate(rows):
        r["rank"] = i + 1
    return rows


def verdict(p: Plan, values: dict, nominal: dict | None) -> dict | None:
    """For A vs B: the difference at the nominal config and how often the sampled points agree with its sign."""
    if "base" in values:
        return None
    better_high = higher_is_better(p.objective)
    d = np.nanmean(values["a"] - values["b"], axis=1)
    a_better = d > 0 if better_high else d < 0
    out = {"a": p.arm_overrides["a"], "b": p.arm_overrides["b"], "points": len(d),
           "points_a_better": int(a_better.sum()), "share_a_better": float(a_better.mean()),
           "diff_range": [float(d.min()), float(d.max())]}
    if nominal is not None:
        nd = nominal["a"][0] - nominal["b"][0]
        s = mean_ci(nd)
        better = "tie" if s["mean"] == 0 else "A" if (s["mean"] > 0) == better_high else "B"
        out["nominal"] = {"diff": s["mean"], "ci_low": s["ci_low"], "ci_high": s["ci_high"], "better": better,
                          "replicates": len(nd)}
    return out


def run_analysis(p: Plan, workers: int = 1, progress: bool = False) -> dict:
    t0 = time.perf_counter()
    X = sample(p)
    with Runner(workers) as runner:
        values = evaluate(p, X, runner, progress)
        Y = outputs(p, values)
        rows = analyse(p, X, Y)
        nominal = None
        if "base" not in values:  # the verdict at the nominal config (no knob moved), on the same replicates
            nominal = evaluate(p, np.zeros((1, 0)), runner, knobs=())
    record = {
        "question": {"scenario": p.scenario, "objective": p.objective,
                     "higher_is_better": higher_is_better(p.objective),
                     "outcome": "objective" if "base" in values else "verdict: objective(A) - objective(B), "
                                                                        "paired by replicate",
                     "arms": p.arm_overrides, "days": p.days, "seed": p.seed},
        "method": {"name": p.method, "points": len(X), "seeds_per_point": p.seeds,
                   "runs": int(len(X) * p.seeds * len(p.arms)),
                   **({"trajectories": p.trajectories, "levels": p.levels} if p.method == "morris" else
                      {"base_samples": p.samples, "second_order": False})},
        "uncertainties": [{"name": u.name, "low": u.low, "high": u.high, "maps_to": p.mapping[u.name]}
                          for u in p.uncertainties],
        "indices": rows,
        "output": {"mean": float(np.mean(Y)), "sd": float(np.std(Y, ddof=1)) if len(Y) > 1 else 0.0,
                   "min": float(np.min(Y)), "max": float(np.max(Y))},
        "verdict": verdict(p, values, nominal),
        "_X": X, "_Y": Y, "_values": values,
    }
    record["seconds"] = round(time.perf_counter() - t0, 1)
    return record


# ------------------------------------------------------------------------ report
def table(record: dict) -> str:
    q, m = record["question"], record["method"]
    what = (f"{q['objective']}" if q["outcome"] == "objective" else
            f"verdict {q['objective']}(A) - {q['objective']}(B)")
    design = (f"Morris, {m['trajectories']} trajectories x {len(record['uncertainties']) + 1} points"
              if m["name"] == "morris" else f"Sobol (Saltelli), {m['base_samples']} base samples")
    lines = [f"  sensitivity  {what} on scenario {q['scenario']}, {q['days']} days",
             f"  design       {design} = {m['points']} points x {m['seeds_per_point']} replicates = {m['runs']} runs "
             f"({record['seconds']:.0f} s)",
             f"  output       mean {_fmt(record['output']['mean'])}, sd {_fmt(record['output']['sd'])}, range "
             f"{_fmt(record['output']['min'])} to {_fmt(record['output']['max'])}"]
    if m["name"] == "morris":
        cols = ["rank", "uncertainty", "range", "mu_star", "conf", "mu", "sigma"]
        vals = [[str(r["rank"]), r["uncertainty"], f"{r['low']:g}..{r['high']:g}", _fmt(r["mu_star"]),
                 _fmt(r["mu_star_conf"]), _fmt(r["mu"]), _fmt(r["sigma"])] for r in record["indices"]]
    else:
        cols = ["rank", "uncertainty", "range", "S1", "S1 conf", "ST", "ST conf"]
        vals = [[str(r["rank"]), r["uncertainty"], f"{r['low']:g}..{r['high']:g}", _fmt(r["S1"]), _fmt(r["S1_conf"]),
                 _fmt(r["ST"]), _fmt(r["ST_conf"])] for r in record["indices"]]
    width = [max(len(c), *(len(v[i]) for v in vals)) for i, c in enumerate(cols)]
    lines += ["", "  " + "  ".join(c.ljust(w) for c, w in zip(cols, width)),
              "  " + "  ".join("-" * w for w in width)]
    lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(row, width)) for row in vals]
    v = record["verdict"]
    if v is not None:
        lines.append("")
        if "nominal" in v:
            n = v["nominal"]
            ci = (f"95 % interval {_fmt(n['ci_low'])} to {_fmt(n['ci_high'])}" if not math.isnan(n["ci_low"])
                  else "one replicate: no interval")
            lines.append(f"  nominal      A - B = {n['diff']:+.3g} ({ci}) over {n['replicates']} replicates: "
                         + ("a tie" if n["better"] == "tie" else f"{n['better']} better"))
        lines.append(f"  verdict      A better at {v['points_a_better']}/{v['points']} sampled points "
                     f"({100 * v['share_a_better']:.0f} %); A - B from {v['diff_range'][0]:+.3g} to "
                     f"{v['diff_range'][1]:+.3g}")
    lines += ["", "  how each uncertainty maps onto the config:"]
    lines += [f"    {u['name']}: {u['maps_to']}" for u in record["uncertainties"]]
    return "\n".join(lines)


def plot(record: dict, path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = record["indices"][::-1]  # most important on top
    names = [r["uncertainty"] for r in rows]
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.6))
    q = record["question"]
    what = q["objective"] if q["outcome"] == "objective" else f"{q['objective']}: A - B"
    if record["method"]["name"] == "morris":
        ax.barh(y, [r["mu_star"] for r in rows], xerr=[r["mu_star_conf"] for r in rows], color="#4c72b0",
                capsize=3, label="mu* (95 % conf.)")
        ax.plot([r["sigma"] for r in rows], y, "o", color="#dd8452", label="sigma")
        ax.set_xlabel(f"elementary effect on {what}")
        ax.set_title("Morris screening: mean absolute effect mu*")
    else:
        h = 0.38
        ax.barh(y + h / 2, [r["S1"] for r in rows], h, xerr=[r["S1_conf"] for r in rows], color="#4c72b0",
                capsize=3, label="S1 (first order)")
        ax.barh(y - h / 2, [r["ST"] for r in rows], h, xerr=[r["ST_conf"] for r in rows], color="#dd8452",
                capsize=3, label="ST (total)")
        ax.set_xlabel(f"share of the variance of {what}")
        ax.set_title("Sobol indices")
    ax.set_yticks(y, names)
    ax.axvline(0, color="grey", lw=0.8)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return path


def save(record: dict, p: Plan, out: str | Path) -> Path:
    """``sensitivity.json``, ``sensitivity.png`` and ``samples.csv`` into ``out``."""
    import pandas as pd

    from .outputs import versions

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(record["_X"], columns=[u.name for u in p.uncertainties])
    for arm, v in record["_values"].items():
        for r in range(v.shape[1]):
            df[f"{arm}_replicate{r}"] = v[:, r]
    df["output"] = record["_Y"]
    df.to_csv(out / ".samples.csv.partial", index_label="point")
    os.replace(out / ".samples.csv.partial", out / "samples.csv")
    plot(record, out / "sensitivity.png")
    data = _clean({k: v for k, v in record.items() if not k.startswith("_")})
    data["versions"] = versions()
    (out / ".sensitivity.json.partial").write_text(json.dumps(data, indent=2, ensure_ascii=False,
                                                              default=_json_default) + "\n")
    os.replace(out / ".sensitivity.json.partial", out / "sensitivity.json")
    return out


# ------------------------------------------------------------------------ command line
def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0],
                                 epilog="Defaults: " + " ".join(DEFAULT_UNCERTAINTIES))
    ap.add_argument("--scenario", default="default", help="preset in scenarios/ (default: default)")
    ap.add_argument("--uncertainty", action="append", default=[], metavar="KEY=LO:HI",
                    help="an uncertain knob and its bounds (repeatable; replaces the default set)")
    ap.add_argument("--objective", default="active_members_final", help="outcome (default active_members_final)")
    ap.add_argument("--a", nargs="+", default=None, metavar="KEY=VALUE", help="strategy A's overrides (verdict mode)")
    ap.add_argument("--b", nargs="+", default=None, metavar="KEY=VALUE", help="strategy B's overrides (verdict mode)")
    ap.add_argument("--method", default="morris", help="morris (default) or sobol")
    ap.add_argument("--trajectories", type=int, default=10, help="Morris trajectories r (default 10)")
    ap.add_argument("--levels", type=int, default=4, help="Morris grid levels (default 4)")
    ap.add_argument("--samples", type=int, default=64, help="Sobol base samples N, a power of 2 (default 64)")
    ap.add_argument("--seeds", type=int, default=3, help="replicates per point (default 3)")
    ap.add_argument("--days", type=int, default=None, help="horizon (default: the scenario's)")
    ap.add_argument("--override", action="append", default=[], nargs="+", metavar="KEY=VALUE",
                    help="fixed config overrides for every run, e.g. population.size=1200")
    ap.add_argument("--seed", type=int, default=0, help="root seed of the runs and of the design (default 0)")
    ap.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    ap.add_argument("--out", default=None, help="output directory (default sensitivity/<scenario>_<time>)")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    overrides = [o for group in args.override for o in group]
    try:
        if args.workers < 1:
            raise SensitivityError(f"--workers must be >= 1, got {args.workers}")
        p = plan(scenario=args.scenario, uncertainties=args.uncertainty, objective=args.objective, a=args.a,
                 b=args.b, method=args.method, trajectories=args.trajectories, samples=args.samples,
                 levels=args.levels, seeds=args.seeds, seed=args.seed, days=args.days, overrides=overrides)
        record = run_analysis(p, workers=args.workers, progress=not args.quiet and sys.stderr.isatty())
    except SearchError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path("sensitivity") / (
        f"{p.scenario}_{datetime.now().strftime('%Y-%m-%d_%H-%M-%S')}")
    save(record, p, out)
    print(table(record))
    print(f"  files        {out / 'sensitivity.json'}, {out / 'sensitivity.png'}, {out / 'samples.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
