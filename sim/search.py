"""Strategy search: the best parameters of a policy under a budget, found with Optuna over seeds.

``commsim-search --policy red_packet --param policy.red_packet.amount_yuan=float:5:100
--param policy.red_packet.slot=choice:noon,after_21,night --objective active_members_final
--budget-yuan 2000 --trials 30 --seeds 5 --days 180``

How it works:

* **A trial** is one set of parameters drawn by Optuna's TPE sampler (seeded by ``--seed``, so the
  same command gives the same trials and the same best). The config is composed like ``commsim``
  does: the scenario, the policy selection (``policy=[...]``), the fixed ``--override`` s, then the
  trial's parameters. It runs ``--seeds`` replicates (``replicate=0..n-1``: independent random streams
  spawned from the root ``seed``; every trial uses the same replicates, common random numbers, so
  trials differ by their parameters and not by luck), and its score is the mean objective over them.
* **The budget** (``--budget-yuan``) bounds the mean over the trial's replicates of the total policy
  spend (the sum of ``spend_yuan`` over ``summary["policies"]``: what the operator pays out; money
  members pay in is not subtracted). A trial over budget is *infeasible*: it is not pruned (all its
  replicates run, and ``trials.csv`` keeps its true score with ``feasible = False``), it is handed to
  the sampler as a violated constraint (Optuna's constrained TPE, ``constraints_func`` = mean spend -
  budget, feasible when <= 0, which models infeasible trials as worse than every feasible one, ranked
  by how far over budget they went), and it is never chosen as the best. If no trial is feasible the
  command says so, writes its files, and exits with status 1.
* **The verdict.** The best feasible trial was chosen among many on the same replicates, so its search
  score is optimistic (the winner's curse). Its parameters and a baseline are therefore re-evaluated on
  ``--eval-seeds`` fresh replicates (``replicate=n..n+m-1``, never seen by the search): the mean of each
  with its 95 % interval (percentile bootstrap, ``analysis.stats``), and the paired difference best -
  baseline (paired by replicate) with its interval and the share of replicates the best won. The
  baseline is, by default, the scenario with the fixed non-policy overrides and without the searched
  policy selection or parameters (no policy at all for ``default``); ``--baseline defaults`` is the
  selected policies at their default parameters; ``--baseline KEY=VALUE ...`` sets some of them.

Objectives are the outcome columns of a sweep's index (``sim.sweep``; ``active_members_final``,
``peak_members``, ``retention_d30``, ``lifetime_days``, ``spend_yuan`` ...), or ``"<column> per 1000
yuan"`` / ``"<column> per organizer hour"`` as in ``commsim-report`` (``analysis.stats``); spend, hours,
exits and failures are minimised, everything else maximised.

Output: a table on stdout, and in ``--out`` (default ``searches/<scenario>_<time>``) ``search.json``
(the question, the specs, every trial, the best, the re-evaluation) and ``trials.csv`` (Optuna's trials
table: number, state, score, parameters, mean spend, feasibility, per-replicate values). A bad ``--param``
spec, an unknown key, a value out of its valid range, an unknown objective: one line, exit status 2.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

PROG = "commsim-search"
KINDS = ("float", "int", "choice")
#: Outcome columns a trial's runs can be scored on (the columns of ``sweep.parquet``, sim.sweep._outcomes).
HEADLINE = ("peak_members", "peak_day", "final_members", "peak_active_share", "lifetime_days", "ever_joined",
            "left", "groups")
MONEY = ("spend_yuan", "income_yuan", "organizer_hours")
RESERVED = ("seed", "replicate")  # set by the search itself


class SearchError(ValueError):
    """A usage error: reported as one line, exit status 2."""


# ------------------------------------------------------------------------ parameter specs
@dataclass(frozen=True)
class ParamSpec:
    """One searched parameter: ``key=float:LO:HI[:log]``, ``key=int:LO:HI[:log]`` or ``key=choice:A,B,C``."""

    key: str
    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple = ()
    text: str = ""

    def suggest(self, trial) -> Any:
        if self.kind == "float":
            return trial.suggest_float(self.key, self.low, self.high, log=self.log)
        if self.kind == "int":
            return trial.suggest_int(self.key, int(self.low), int(self.high), log=self.log)
        return trial.suggest_categorical(self.key, list(self.choices))

    def extremes(self) -> list:
        """The values composed once each to validate the spec (both ends, or every choice)."""
        if self.kind == "choice":
            return list(self.choices)
        cast = float if self.kind == "float" else int
        return [cast(self.low), cast(self.high)]

    def override(self, value: Any) -> str:
        return f"{self.key}={hydra_value(value)}"

    def contains(self, value: Any) -> bool:
        if self.kind == "choice":
            return value in self.choices
        return self.low <= value <= self.high

    def describe(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(str(c) for c in self.choices)
        return f"{self.kind} in [{self.low:g}, {self.high:g}]" + (" (log scale)" if self.log else "")


def _number(text: str, what: str, spec: str, integer: bool) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise SearchError(f"--param {spec}: {what} must be {kind}, got {text!r}") from None
    if not math.isfinite(value):
        raise SearchError(f"--param {spec}: {what} must be finite, got {text!r}")
    return value


def parse_param(text: str) -> ParamSpec:
    """Parse one ``--param`` spec; :class:`SearchError` with a one-line message if it is malformed."""
    import yaml

    key, sep, body = text.partition("=")
    key = key.strip()
    if not sep or not key or not body:
        raise SearchError(f"--param {text}: expected KEY=float:LO:HI, KEY=int:LO:HI or KEY=choice:A,B,... "
                          f"(e.g. policy.red_packet.amount_yuan=float:5:100)")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", key):
        raise SearchError(f"--param {text}: {key!r} is not a config key (dotted names, e.g. policy.red_packet.slot)")
    if key in RESERVED:
        raise SearchError(f"--param {text}: {key} is set by the search (use --seed and replicates), not searched")
    kind, _, rest = body.partition(":")
    if kind not in KINDS:
        raise SearchError(f"--param {text}: unknown type {kind!r}; use float:LO:HI, int:LO:HI or choice:A,B,...")
    if kind == "choice":
        items = [c.strip() for c in rest.split(",")]
        if not rest or any(not c for c in items):
            raise SearchError(f"--param {text}: choice needs values separated by commas, e.g. choice:noon,night")
        choices = []
        for item in items:
            try:
                value = yaml.safe_load(item)
            except yaml.YAMLError:
                value = item
            if not isinstance(value, (str, int, float, bool)) or value is None:
                value = item
            choices.append(value)
        if len(set(map(repr, choices))) != len(choices):
            raise SearchError(f"--param {text}: a choice is listed twice")
        return ParamSpec(key, kind, choices=tuple(choices), text=text)
    parts = rest.split(":")
    log = False
    if len(parts) == 3 and parts[2] == "log":
        parts, log = parts[:2], True
    if len(parts) != 2:
        raise SearchError(f"--param {text}: {kind} needs a range {kind}:LO:HI (optionally :log)")
    integer = kind == "int"
    low = _number(parts[0], "the low end", text, integer)
    high = _number(parts[1], "the high end", text, integer)
    if low >= high:
        raise SearchError(f"--param {text}: bad range: the low end {parts[0]} must be below the high end {parts[1]}")
    if log and low <= 0:
        raise SearchError(f"--param {text}: a log scale needs a low end > 0, got {parts[0]}")
    return ParamSpec(key, kind, low, high, log, text=text)


def hydra_value(value: Any) -> str:
    """A value as a Hydra override would spell it (bare words, numbers, true/false; quoted otherwise)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-./]*", text) and text.lower() not in ("true", "false", "null"):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def short_names(keys: Sequence[str]) -> dict[str, str]:
    """``policy.red_packet.amount_yuan`` -> ``amount_yuan`` (the full key where the last part repeats)."""
    last = [k.rsplit(".", 1)[-1] for k in keys]
    return {k: (s if last.count(s) == 1 else k) for k, s in zip(keys, last)}


# ------------------------------------------------------------------------ objectives
def outcome_names() -> list[str]:
    from .detect import FAILURES
    from .observe import RETENTION_HORIZONS

    return [*HEADLINE, "active_members_final", "active_members_mean",
            *(f"retention_d{h}" for h in RETENTION_HORIZONS), *(f"failure_{f}" for f in FAILURES), *MONEY]


def check_objective(objective: str) -> None:
    """Raise :class:`SearchError` listing the valid objectives if ``objective`` is not one."""
    from analysis.stats import DERIVED

    names = outcome_names()
    if objective in names:
        return
    for suffix in DERIVED:
        if objective.endswith(suffix) and objective[: -len(suffix)] in names:
            return
    raise SearchError(f"unknown objective {objective!r}; valid: {', '.join(names)} "
                      f"(or '<column> per 1000 yuan', '<column> per organizer hour')")


def check_horizon(objective: str, days: int) -> None:
    """A retention objective needs runs longer than its horizon (else no cohort reaches it: no value)."""
    m = re.match(r"retention_d(\d+)", objective)
    if m and days <= int(m.group(1)):
        raise SearchError(f"objective {objective!r} needs runs longer than {m.group(1)} days, got days={days}")


def higher_is_better(objective: str) -> bool:
    from analysis.stats import higher_is_better as better

    return better(objective)


def objective_value(row: dict, objective: str) -> float:
    """The objective of one run from its outcome row (NaN if the run has no value, e.g. a short run's d90)."""
    from analysis.stats import DERIVED

    def num(key: str) -> float:
        v = row.get(key)
        return float("nan") if v is None else float(v)

    if objective in row:
        return num(objective)
    for suffix, (den, scale) in DERIVED.items():
        if objective.endswith(suffix):
            return num(objective[: -len(suffix)]) / max(num(den), 1.0) * scale
    return float("nan")


# ------------------------------------------------------------------------ running
def compose_tree(scenario: str | None, overrides: Sequence[str]) -> dict:
    """Compose (as ``commsim``) and validate; the plain tree that :func:`run_tree` rebuilds in a worker.

    Raises :class:`SearchError` with one line (Hydra's messages condensed as ``commsim`` does). The same
    scenario and overrides compose once per process (a cache; each caller gets its own copy).
    """
    import copy

    return copy.deepcopy(_compose_tree(scenario, tuple(overrides)))


@functools.lru_cache(maxsize=256)
def _compose_tree(scenario: str | None, overrides: tuple[str, ...]) -> dict:
    from omegaconf import OmegaConf

    from .api import compose
    from .cli import _one_line, _policy_hint
    from .config import Config, ConfigError, build

    try:
        cfg = compose(scenario, list(overrides))
        tree = OmegaConf.to_container(cfg, resolve=True)
        tree.pop("hydra", None)
        build(Config, tree)
    except ConfigError as err:
        raise SearchError(str(err)) from None
    except Exception as err:  # Hydra composition: unknown key or scenario, bad override syntax
        line = _one_line(err)
        raise SearchError(_policy_hint(line) or line) from None
    return tree


def unknown_key(tree: dict, key: str) -> str | None:
    """A one-line message if ``key`` is not a leaf of the composed ``tree`` (None if it is, or if the
    missing part is an unselected policy, which composing explains better)."""
    node: Any = tree
    parts = key.split(".")
    for i, part in enumerate(parts):
        where = ".".join(parts[:i])
        if not isinstance(node, dict):
            return f"{key}: unknown key ({where} is a value, not a section)"
        if part not in node:
            if where == "policy":
                return None
            valid = ", ".join(sorted(k for k in node if not k.startswith("_")))
            return f"{'.'.join(parts[:i + 1])}: unknown key; valid keys under {where or 'the root'}: {valid}"
        node = node[part]
    if isinstance(node, dict):
        return f"{key}: is a section, not a value; its keys: {', '.join(sorted(node))}"
    if isinstance(node, list):
        return (f"{key}: is a list ({node}); search a scalar key, or a list as a whole with "
                f"choice:'[...]' values is not supported")
    return None


def run_tree(job: tuple[dict, int]) -> dict:
    """One run of a composed tree with ``replicate``; its outcome row (the columns of ``sweep.parquet``)."""
    from .api import run
    from .config import Config, build
    from .sweep import _outcomes

    tree, replicate = job
    result = run(build(Config, {**tree, "replicate": int(replicate)}))
    return _outcomes(result.summary)


class Runner:
    """Runs jobs in this process (``workers <= 1``) or in a pool of worker processes (forkserver)."""

    def __init__(self, workers: int = 1):
        self.workers = max(1, int(workers))
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Runner:
        if self.workers > 1:
            import multiprocessing as mp

            self.pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("forkserver"))
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def map(self, fn: Callable, jobs: Iterable, progress: Callable[[int], None] | None = None) -> list:
        jobs = list(jobs)
        if self.pool is None:
            out = []
            for job in jobs:
                out.append(fn(job))
                if progress:
                    progress(1)
            return out
        futures = [self.pool.submit(fn, job) for job in jobs]
        out = []
        for f in futures:
            out.append(f.result())
            if progress:
                progress(1)
        return out


def mean_ci(values: Sequence[float]) -> dict:
    """Mean and percentile-bootstrap 95 % interval (``analysis.stats``: 2,000 resamples, fixed seed)."""
    from analysis.stats import bootstrap_mean_ci

    x = np.asarray(values, dtype=float)
    lo, hi = bootstrap_mean_ci(x)
    return {"n": int(np.sum(~np.isnan(x))), "mean": float(np.nanmean(x)) if np.any(~np.isnan(x)) else float("nan"),
            "ci_low": lo, "ci_high": hi}


def paired(a: Sequence[float], b: Sequence[float], better_high: bool) -> dict:
    """Paired difference a - b with its bootstrap interval and the share of pairs a won (strictly)."""
    from analysis.stats import contains_zero

    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    d = d[~np.isnan(d)]
    s = mean_ci(d)
    won = (d > 0) if better_high else (d < 0)
    return {"n_pairs": len(d), "diff": s["mean"], "diff_low": s["ci_low"], "diff_high": s["ci_high"],
            "won": int(won.sum()), "share_won": float(won.mean()) if len(d) else float("nan"),
            "tied": int((d == 0).sum()), "within_noise": contains_zero(s["ci_low"], s["ci_high"])}


# ------------------------------------------------------------------------ the search
@dataclass
class Plan:
    """A validated search: everything needed to run it."""

    scenario: str
    policies: tuple[str, ...]
    params: tuple[ParamSpec, ...]
    objective: str
    budget_yuan: float | None
    trials: int
    seeds: int
    eval_seeds: int
    seed: int
    days: int | None
    overrides: tuple[str, ...]
    baseline: tuple[str, ...] | None  # None: no searched policy; () : the policies' defaults
    fixed: tuple[str, ...] = ()  # composed before the trial's parameters
    baseline_overrides: tuple[str, ...] = ()
    n_startup_trials: int = 10
    resolved_days: int = 0
    notes: list[str] = field(default_factory=list)


def plan(scenario: str = "default", policies: Sequence[str] = (), params: Sequence[str | ParamSpec] = (),
         objective: str = "active_members_final", budget_yuan: float | None = None, trials: int = 30,
         seeds: int = 5, eval_seeds: int = 10, seed: int = 0, days: int | None = None,
         overrides: Sequence[str] = (), baseline: Sequence[str] | None = None) -> Plan:
    """Check every input and compose once per parameter extreme; :class:`SearchError` on the first problem."""
    from .policies import available

    specs = tuple(p if isinstance(p, ParamSpec) else parse_param(p) for p in params)
    if not specs:
        raise SearchError("nothing to search: give at least one --param KEY=float:LO:HI | int:LO:HI | choice:A,B")
    keys = [s.key for s in specs]
    if len(set(keys)) != len(keys):
        raise SearchError(f"--param {next(k for k in keys if keys.count(k) > 1)} is given twice")
    fixed_keys = {o.partition("=")[0].lstrip("+~") for o in overrides}
    for s in specs:
        if s.key in fixed_keys:
            raise SearchError(f"--param {s.key} is also fixed by --override; keep one")
    for name, value in (("--trials", trials), ("--seeds", seeds), ("--eval-seeds", eval_seeds)):
        if value < 1:
            raise SearchError(f"{name} must be >= 1, got {value}")
    if seed < 0:
        raise SearchError(f"--seed must be >= 0, got {seed}")
    if days is not None and days < 1:
        raise SearchError(f"--days must be >= 1, got {days}")
    if budget_yuan is not None and (not math.isfinite(budget_yuan) or budget_yuan < 0):
        raise SearchError(f"--budget-yuan must be a number >= 0, got {budget_yuan}")
    check_objective(objective)
    names = [p.strip() for item in policies for p in item.split(",") if p.strip()]
    for name in names:
        if name not in available():
            raise SearchError(f"--policy {name}: unknown policy; available: {', '.join(available())}")
    selection = (f"policy=[{','.join(names)}]",) if names else ()
    common = (f"seed={seed}", *((f"days={days}",) if days is not None else ()))
    fixed = (*selection, *common, *overrides)
    try:
        tree = compose_tree(scenario, fixed)
    except SearchError as err:
        raise SearchError(f"scenario/--policy/--override: {err}") from None
    for s in specs:
        unknown = unknown_key(tree, s.key)
        if unknown:
            raise SearchError(f"--param {s.text}: {unknown}")
    for s in specs:  # each parameter at both ends (or every choice), the others at their first value
        others = [o.override(o.extremes()[0]) for o in specs if o is not s]
        for value in s.extremes():
            try:
                compose_tree(scenario, [*fixed, *others, s.override(value)])
            except SearchError as err:
                raise SearchError(f"--param {s.text}: {err}") from None
    check_horizon(objective, int(tree["days"]))
    if baseline is None:
        base = (*common, *(o for o in overrides if not o.lstrip("+~").startswith("policy")))
    else:
        extra = tuple(b for b in baseline if b != "defaults")
        base = (*fixed, *extra)
    try:
        compose_tree(scenario, base)
    except SearchError as err:
        raise SearchError(f"--baseline: {err}") from None
    return Plan(scenario=scenario, policies=tuple(names), params=specs, objective=objective, budget_yuan=budget_yuan,
                trials=trials, seeds=seeds, eval_seeds=eval_seeds, seed=seed, days=days, overrides=tuple(overrides),
                baseline=None if baseline is None else tuple(baseline), fixed=fixed, baseline_overrides=base,
                n_startup_trials=max(3, min(10, trials // 3)), resolved_days=int(tree["days"]))


def _evaluate(runner: Runner, tree: dict, replicates: Sequence[int], objective: str) -> tuple[list, list]:
    rows = runner.map(run_tree, [(tree, r) for r in replicates])
    return [objective_value(r, objective) for r in rows], [float(r.get("spend_yuan", 0.0)) for r in rows]


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float):
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.{digits}g}"
    return str(x)


def run_search(p: Plan, workers: int = 1, log: Callable[[str], None] | None = None) -> dict:
    """Run the study and the re-evaluation; returns the JSON-ready record (``search.json``)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    log = log or (lambda line: None)
    better_high = higher_is_better(p.objective)
    names = short_names([s.key for s in p.params])
    budget = p.budget_yuan
    search_reps = list(range(p.seeds))
    eval_reps = list(range(p.seeds, p.seeds + p.eval_seeds))
    t0 = time.perf_counter()

    def constraints(trial) -> tuple[float]:
        return (float(trial.user_attrs.get("mean_spend_yuan", 0.0)) - budget,)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(seed=p.seed, n_startup_trials=p.n_startup_trials,
                                             constraints_func=constraints if budget is not None else None)
    study = optuna.create_study(direction="maximize" if better_high else "minimize", sampler=sampler,
                                study_name=f"{p.scenario}:{','.join(p.policies) or 'params'}:{p.objective}")

    with Runner(workers) as runner:
        def objective(trial) -> float:
            values = {s.key: s.suggest(trial) for s in p.params}
            started = time.perf_counter()
            tree = compose_tree(p.scenario, [*p.fixed, *(s.override(values[s.key]) for s in p.params)])
            scores, spends = _evaluate(runner, tree, search_reps, p.objective)
            mean, spend = float(np.mean(scores)), float(np.mean(spends))
            feasible = budget is None or spend <= budget
            trial.set_user_attr("mean_spend_yuan", round(spend, 2))
            trial.set_user_attr("feasible", bool(feasible))
            trial.set_user_attr("values", [round(v, 6) for v in scores])
            trial.set_user_attr("spend_yuan", [round(v, 2) for v in spends])
            shown = ", ".join(f"{names[k]}={_fmt(v)}" for k, v in values.items())
            over = "" if feasible else ", over budget"
            log(f"  trial #{trial.number} ({trial.number + 1}/{p.trials}): {shown} -> {_fmt(mean)} "
                f"(spend {_fmt(spend)} yuan{over}, {time.perf_counter() - started:.1f} s)")
            return mean  # NaN (a run without a value of the objective) makes the trial FAIL

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            warnings.filterwarnings("ignore", message=".*value of NaN.*")
            study.optimize(objective, n_trials=p.trials, catch=())

        done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        feasible = [t for t in done if t.user_attrs.get("feasible", False) and math.isfinite(t.value)]
        record: dict[str, Any] = {
            "question": {"scenario": p.scenario, "policies": list(p.policies), "objective": p.objective,
                         "higher_is_better": better_high, "budget_yuan": budget, "days": p.resolved_days,
                         "fixed_overrides": list(p.overrides), "seed": p.seed},
            "params": [{"key": s.key, "spec": s.text or s.key, "kind": s.kind, "low": s.low, "high": s.high,
                        "log": s.log, "choices": list(s.choices)} for s in p.params],
            "search": {"trials": p.trials, "replicates": search_reps, "sampler": "TPESampler",
                       "sampler_seed": p.seed, "n_startup_trials": p.n_startup_trials,
                       "constrained": budget is not None,
                       "infeasible": "not pruned: all replicates run, true score kept, constraint mean spend - "
                                     "budget > 0 given to the constrained TPE sampler, never chosen as best",
                       "completed": len(done), "failed": len(study.trials) - len(done), "feasible": len(feasible)},
            "trials": [{"number": t.number, "state": t.state.name, "value": t.value, "params": t.params,
                        "mean_spend_yuan": t.user_attrs.get("mean_spend_yuan"),
                        "feasible": t.user_attrs.get("feasible"), "values": t.user_attrs.get("values")}
                       for t in study.trials],
            "best": None, "evaluation": None,
        }
        if not feasible:
            least = min(done, key=lambda t: t.user_attrs.get("mean_spend_yuan", math.inf), default=None)
            record["message"] = (f"no feasible trial: all {len(done)} completed trials spent more than the budget "
                                 f"of {_fmt(budget)} yuan on average" + (
                                     f" (least: {_fmt(least.user_attrs['mean_spend_yuan'])} yuan, trial "
                                     f"#{least.number})" if least is not None else "")
                                 if done else f"no trial completed ({len(study.trials)} failed)")
            record["seconds"] = round(time.perf_counter() - t0, 1)
            record["_study"] = study
            return record
        sign = 1.0 if better_high else -1.0
        best = max(feasible, key=lambda t: (sign * t.value, -t.number))
        record["best"] = {"trial": best.number, "params": best.params, "search_mean": best.value,
                          "search_mean_spend_yuan": best.user_attrs["mean_spend_yuan"],
                          "overrides": [s.override(best.params[s.key]) for s in p.params]}
        log(f"  re-evaluating the best (trial #{best.number}) and the baseline on {p.eval_seeds} fresh replicates")
        best_tree = compose_tree(p.scenario, [*p.fixed, *record["best"]["overrides"]])
        base_tree = compose_tree(p.scenario, list(p.baseline_overrides))
        b_scores, b_spend = _evaluate(runner, best_tree, eval_reps, p.objective)
        z_scores, z_spend = _evaluate(runner, base_tree, eval_reps, p.objective)
    record["evaluation"] = {
        "replicates": eval_reps,
        "baseline": {"label": _baseline_label(p), "overrides": list(p.baseline_overrides)},
        "best": {**mean_ci(b_scores), "values": b_scores, "mean_spend_yuan": float(np.mean(b_spend)),
                 "within_budget": budget is None or float(np.mean(b_spend)) <= budget},
        "baseline_result": {**mean_ci(z_scores), "values": z_scores, "mean_spend_yuan": float(np.mean(z_spend))},
        "difference": paired(b_scores, z_scores, better_high),
    }
    record["seconds"] = round(time.perf_counter() - t0, 1)
    record["_study"] = study
    return record


def _baseline_label(p: Plan) -> str:
    if p.baseline is None:
        return f"scenario {p.scenario} without " + (f"policy={','.join(p.policies)}" if p.policies else
                                                    "the searched parameters")
    if not [b for b in p.baseline if b != "defaults"]:
        return f"{','.join(p.policies) or 'scenario'} at default parameters"
    return " ".join(b for b in p.baseline if b != "defaults")


# ------------------------------------------------------------------------ report
def table(record: dict, p: Plan, top: int = 5) -> str:
    q, s = record["question"], record["search"]
    names = short_names([x.key for x in p.params])
    direction = "higher is better" if q["higher_is_better"] else "lower is better"
    budget = f"mean spend <= {_fmt(q['budget_yuan'])} yuan" if q["budget_yuan"] is not None else "no budget"
    lines = [
        f"  search       {', '.join(p.policies) or 'parameters'} on scenario {p.scenario}: {s['trials']} trials x "
        f"{p.seeds} replicates (0-{p.seeds - 1}), {q['days']} days, TPE seed {p.seed}",
        f"  objective    {q['objective']} ({direction}); {budget}",
        f"  feasible     {s['feasible']} of {s['completed']} completed trials"
        + (f" ({s['failed']} failed)" if s["failed"] else ""),
    ]
    trials = [t for t in record["trials"] if t["state"] == "COMPLETE" and t["value"] is not None]
    sign = -1.0 if q["higher_is_better"] else 1.0
    trials.sort(key=lambda t: (not t["feasible"], sign * t["value"], t["number"]))
    if trials:
        cols = ["trial", *names.values(), "search mean", "spend yuan", "feasible"]
        rows = [[f"#{t['number']}", *(_fmt(t["params"].get(k)) for k in names), _fmt(t["value"]),
                 _fmt(t["mean_spend_yuan"]), "yes" if t["feasible"] else "no"] for t in trials[:top]]
        width = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
        lines += ["", f"  top trials (of {len(trials)}):",
                  "  " + "  ".join(c.ljust(w) for c, w in zip(cols, width)),
                  "  " + "  ".join("-" * w for w in width)]
        lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(r, width)) for r in rows]
    if record["best"] is None:
        lines += ["", f"  {record['message']}"]
        return "\n".join(lines)
    b, e = record["best"], record["evaluation"]
    bb, zz, d = e["best"], e["baseline_result"], e["difference"]
    reps = e["replicates"]
    shown = ", ".join(f"{names[k]}={_fmt(v, 4)}" for k, v in b["params"].items())

    def line(x: dict) -> str:
        return f"{_fmt(x['mean'])} (95 % interval {_fmt(x['ci_low'])} to {_fmt(x['ci_high'])})"

    lines += [
        "",
        f"  best         trial #{b['trial']}: {shown}",
        f"               search mean {_fmt(b['search_mean'])} (optimistic: chosen on these replicates), "
        f"spend {_fmt(b['search_mean_spend_yuan'])} yuan",
        f"  re-evaluated on {len(reps)} fresh replicates ({reps[0]}-{reps[-1]}):",
        f"    best       {line(bb)}, spend {_fmt(bb['mean_spend_yuan'])} yuan"
        + ("" if bb["within_budget"] else " (over budget on these replicates)"),
        f"    baseline   {line(zz)}, spend {_fmt(zz['mean_spend_yuan'])} yuan  [{e['baseline']['label']}]",
        f"    difference {d['diff']:+.3g} (95 % interval {_fmt(d['diff_low'])} to {_fmt(d['diff_high'])}), "
        f"best won {d['won']}/{d['n_pairs']} replicates ({100 * d['share_won']:.0f} %)"
        + ("; within noise" if d["within_noise"] else ""),
    ]
    return "\n".join(lines)


def _json_default(x: Any) -> Any:
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, np.bool_):
        return bool(x)
    return str(x)


def _clean(x: Any) -> Any:
    """NaN -> None, recursively (JSON has no NaN)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


def save(record: dict, out: str | Path) -> Path:
    """``search.json`` and ``trials.csv`` (Optuna's trials table) into ``out``."""
    from .outputs import versions

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    study = record.get("_study")
    if study is not None:
        df = study.trials_dataframe(attrs=("number", "state", "value", "params", "user_attrs", "duration"))
        df = df.rename(columns=lambda c: c.replace("user_attrs_", ""))
        if "duration" in df:
            df["duration"] = df["duration"].dt.total_seconds().round(2)
        tmp = out / ".trials.csv.partial"
        df.to_csv(tmp, index=False)
        os.replace(tmp, out / "trials.csv")
    data = _clean({k: v for k, v in record.items() if not k.startswith("_")})
    data["versions"] = versions()
    tmp = out / ".search.json.partial"
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n")
    os.replace(tmp, out / "search.json")
    return out


# ------------------------------------------------------------------------ command line
def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0],
                                 epilog="Param specs: KEY=float:LO:HI[:log], KEY=int:LO:HI[:log], KEY=choice:A,B,C")
    ap.add_argument("--scenario", default="default", help="preset in scenarios/ (default: default)")
    ap.add_argument("--policy", action="append", default=[], help="policies to select, e.g. red_packet or "
                                                                  "red_packet,check_in (repeatable)")
    ap.add_argument("--param", action="append", default=[], metavar="SPEC", help="a searched parameter (repeatable)")
    ap.add_argument("--objective", default="active_members_final",
                    help="outcome to optimise (default active_members_final; e.g. retention_d30, "
                         "'active_members_final per 1000 yuan')")
    ap.add_argument("--budget-yuan", type=float, default=None, help="bound on the mean policy spend per run")
    ap.add_argument("--trials", type=int, default=30, help="Optuna trials (default 30)")
    ap.add_argument("--seeds", type=int, default=5, help="replicates per trial (default 5)")
    ap.add_argument("--eval-seeds", type=int, default=10,
                    help="fresh replicates for the best and the baseline (default 10)")
    ap.add_argument("--days", type=int, default=None, help="horizon (default: the scenario's)")
    ap.add_argument("--override", action="append", default=[], nargs="+", metavar="KEY=VALUE",
                    help="fixed config overrides (Hydra syntax), e.g. population.size=1200")
    ap.add_argument("--baseline", nargs="+", default=None, metavar="KEY=VALUE",
                    help="baseline: 'defaults' (the policies at default parameters) or overrides; "
                         "default: the scenario without the searched policy")
    ap.add_argument("--seed", type=int, default=0, help="root seed of the runs and of the sampler (default 0)")
    ap.add_argument("--workers", type=int, default=2, help="processes running a trial's replicates (default 2)")
    ap.add_argument("--out", default=None, help="output directory (default searches/<scenario>_<time>)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    overrides = [o for group in args.override for o in group]
    try:
        p = plan(scenario=args.scenario, policies=args.policy, params=args.param, objective=args.objective,
                 budget_yuan=args.budget_yuan, trials=args.trials, seeds=args.seeds, eval_seeds=args.eval_seeds,
                 seed=args.seed, days=args.days, overrides=overrides, baseline=args.baseline)
        if args.workers < 1:
            raise SearchError(f"--workers must be >= 1, got {args.workers}")
    except SearchError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path("searches") / (
        f"{p.scenario}_{datetime.now().strftime('%Y-%m-%d_%H-%M-%S')}")
    log = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    record = run_search(p, workers=args.workers, log=log)
    save(record, out)
    print(table(record, p))
    print(f"  files        {out / 'search.json'}, {out / 'trials.csv'}")
    return 0 if record["best"] is not None else 1


if __name__ == "__main__":
    sys.exit(main())
