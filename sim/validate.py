"""Pattern validation: run each scenario of the library over many seeds and check its expected outcome.

A pattern (``sim/patterns/<id>.py``, one ``PATTERN`` each) names one or more arms (a scenario plus
overrides), a statistic computed per seed from the arms' results, and the range its mean over the
seeds must fall in (the stated tolerance). ``commsim-validate`` (``make validate``) prints the table:
pattern, expected, simulated mean with its 95 % interval over seeds, pass or fail; the pattern suite
in ``tests/patterns`` asserts the same.
"""

from __future__ import annotations

import argparse
import importlib
import math
import pkgutil
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .api import compose, run, to_config


@dataclass(frozen=True)
class Arm:
    """One simulated condition: a scenario preset and extra overrides (Hydra syntax)."""

    scenario: str = "default"
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pattern:
    """An observed pattern the model must reproduce, and how to check it."""

    id: str  # e.g. "P7"
    title: str
    expected: str  # in words, with the figure
    source: str  # DOMAIN.md pattern or paper
    lesson: str  # what it tells an operator
    arms: dict[str, Arm]
    statistic: Callable  # (dict arm -> Result) -> float, one value per seed
    low: float = -math.inf  # the mean over seeds must lie in [low, high]
    high: float = math.inf
    unit: str = ""
    seeds: int = 10
    slow: bool = False  # long horizons: still run by make test, marked for selection


@dataclass
class Outcome:
    pattern: Pattern
    values: np.ndarray = field(default_factory=lambda: np.empty(0))
    seconds: float = 0.0

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def interval(self) -> tuple[float, float]:
        """95 % interval of the mean over seeds (Student t)."""
        n = len(self.values)
        if n < 2:
            return self.mean, self.mean
        from scipy import stats

        half = stats.t.ppf(0.975, n - 1) * np.std(self.values, ddof=1) / math.sqrt(n)
        return self.mean - half, self.mean + half

    @property
    def passed(self) -> bool:
        return bool(self.pattern.low <= self.mean <= self.pattern.high)

    def row(self) -> dict:
        lo, hi = self.interval
        p = self.pattern
        bound = (f"{p.low:g} .. {p.high:g}" if math.isfinite(p.low) and math.isfinite(p.high)
                 else f">= {p.low:g}" if math.isfinite(p.low) else f"<= {p.high:g}")
        return {"pattern": p.id, "title": p.title, "expected": p.expected, "accepted": f"{bound} {p.unit}".strip(),
                "simulated": f"{self.mean:.3g} [{lo:.3g}, {hi:.3g}] {p.unit}".strip(), "seeds": len(self.values),
                "result": "pass" if self.passed else "FAIL", "seconds": round(self.seconds, 1)}


def patterns() -> list[Pattern]:
    """Every pattern in sim/patterns/, in id order."""
    from . import patterns as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "PATTERN"):
            found.append(module.PATTERN)
    def key(p: Pattern):
        number = re.match(r"[A-Z]-?(\d*)", p.id).group(1)
        return ("PJFR".find(p.id[0]) % 5, int(number) if number else 0, p.id)

    return sorted(found, key=key)


def pattern(pattern_id: str) -> Pattern:
    for p in patterns():
        if p.id == pattern_id:
            return p
    raise KeyError(f"no pattern {pattern_id!r}; known: {', '.join(p.id for p in patterns())}")


def run_arm(arm: Arm, seed: int):
    """Run one arm with one seed (no files written)."""
    return run(to_config(compose(arm.scenario, [*arm.overrides, f"seed={seed}"])))


def _one_seed(args) -> float:
    pattern_id, seed = args
    p = pattern(pattern_id)
    return float(p.statistic({name: run_arm(arm, seed) for name, arm in p.arms.items()}))


def evaluate(p: Pattern, seeds: int | None = None, workers: int = 1) -> Outcome:
    """Run every arm over seeds 0..n-1 and collect the statistic per seed."""
    n = p.seeds if seeds is None else seeds
    t0 = time.perf_counter()
    jobs = [(p.id, s) for s in range(n)]
    if workers > 1:
        import multiprocessing as mp

        with ProcessPoolExecutor(workers, mp_context=mp.get_context("forkserver")) as pool:
            values = list(pool.map(_one_seed, jobs))
    else:
        values = [_one_seed(job) for job in jobs]
    return Outcome(p, np.array(values, dtype=float), time.perf_counter() - t0)


def table(outcomes: list[Outcome], markdown: bool = False) -> str:
    rows = [o.row() for o in outcomes]
    cols = ["pattern", "title", "expected", "accepted", "simulated", "seeds", "result"]
    if markdown:
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
        return "\n".join(lines)
    short = {c: [str(r[c]) if c != "expected" else str(r[c])[:48] for r in rows] for c in cols}
    width = {c: max(len(c), *(len(v) for v in short[c])) for c in cols}
    out = ["  ".join(c.ljust(width[c]) for c in cols), "  ".join("-" * width[c] for c in cols)]
    for i in range(len(rows)):
        out.append("  ".join(short[c][i].ljust(width[c]) for c in cols))
    return "\n".join(out)


DOC_INTRO = """# Patterns: what the model reproduces, and what each pattern tells an operator

Every pattern of the library (`sim/patterns/`) runs its scenario arms (`scenarios/`) over seeds
0..n-1 and checks the mean of its statistic against the accepted range, the stated tolerance around
the figure of its source. `make validate` (or `commsim-validate [IDS]`) reruns it and prints this
table; `make test` asserts the same (`tests/patterns`). This page is written by
`commsim-validate --doc docs/patterns.md`.
"""


def document(outcomes: list[Outcome]) -> str:
    """docs/patterns.md: the validation table, then each pattern's question, arms, statistic and lesson."""
    parts = [DOC_INTRO, "## Validation", "", table(outcomes, markdown=True), ""]
    for o in outcomes:
        p = o.pattern
        arms = "; ".join(f"`{name}`: scenario `{a.scenario}`" + (f" with `{' '.join(a.overrides)}`" if a.overrides
                                                                    else "") for name, a in p.arms.items())
        statistic = (p.statistic.__doc__ or p.statistic.__name__).strip().splitlines()[0]
        parts += [f"## {p.id}: {p.title}", "", f"- Expected: {p.expected} (source: {p.source}).",
                  f"- Arms: {arms}.", f"- Statistic (per seed): {statistic}; accepted mean: {o.row()['accepted']}.",
                  f"- Simulated: {o.row()['simulated']} over {len(o.values)} seeds: **{o.row()['result']}**.",
                  f"- For an operator: {p.lesson}", ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """``commsim-validate [IDS ...] [--seeds N] [--workers N] [--markdown]``: the validation table."""
    parser = argparse.ArgumentParser(prog="commsim-validate", description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="pattern ids (default: all)")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per pattern (default: the pattern's, >= 10)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--doc", metavar="FILE", help="also write the patterns page (e.g. docs/patterns.md)")
    args = parser.parse_args(argv)
    try:
        chosen = [pattern(i) for i in args.ids] if args.ids else patterns()
    except KeyError as err:
        print(f"commsim-validate: error: {err.args[0]}", file=sys.stderr)
        return 2
    outcomes = []
    for p in chosen:
        outcomes.append(evaluate(p, args.seeds, args.workers))
        print(f"  {p.id}: {outcomes[-1].row()['simulated']} ({outcomes[-1].row()['result']}, "
              f"{outcomes[-1].seconds:.0f} s)", file=sys.stderr, flush=True)
    print(table(outcomes, args.markdown))
    if args.doc:
        from pathlib import Path

        Path(args.doc).write_text(document(outcomes) + "\n")
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
