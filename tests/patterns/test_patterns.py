"""The pattern suite: every pattern of the library over its seeds (>= 10), against its stated range.

Each pattern runs its scenario arms over seeds 0..n-1 (two processes) and asserts that the mean of
its statistic lies in the accepted range; the failure message carries the whole validation row.
"""

from __future__ import annotations

import pytest

from sim.validate import evaluate, patterns

PATTERNS = patterns()


def test_the_library_covers_the_domain_patterns():
    ids = {p.id for p in PATTERNS}
    assert all(p.seeds >= 10 for p in PATTERNS)
    assert {f"P{i}" for i in range(1, 11)} <= ids  # every pattern of DOMAIN.md
    # every failure detector fires in a scenario (evaporation: P8-detect)
    assert {"P8-detect", "F-tyranny", "F-leaderless", "F-boredom", "F-focus", "F-burnout", "F-crisis-detect"} <= ids
    assert {"J-backstrom", "J-backstrom-concave", "R-timing", "R-gain"} <= ids


def test_every_pattern_says_what_it_measures_and_why():
    for p in PATTERNS:
        assert p.expected and p.source and p.lesson and p.unit, p.id
        assert (p.statistic.__doc__ or "").strip(), f"{p.id}: the statistic needs a one-line docstring (docs)"
        assert p.low <= p.high and p.arms, p.id


@pytest.mark.parametrize("p", [pytest.param(p, id=p.id, marks=[pytest.mark.slow] if p.slow else [])
                               for p in PATTERNS])
def test_pattern_is_reproduced(p):
    outcome = evaluate(p, workers=2)
    assert len(outcome.values) >= 10
    assert outcome.passed, outcome.row()
