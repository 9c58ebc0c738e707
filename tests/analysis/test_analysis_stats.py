"""Aggregation, intervals, paired differences, ranking: on hand-made frames, numbers checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import frame

from analysis.stats import (
    aggregate,
    bootstrap_diff_ci,
    bootstrap_mean_band,
    bootstrap_mean_ci,
    compare,
    contains_zero,
    describe,
    higher_is_better,
    objective_values,
    pareto_front,
    rank,
    verdict_table,
)
from analysis.sweep import SweepError


@pytest.fixture
def frame_of():
    """The hand-made frame builder of analysis_fixtures.frame."""
    return frame


def two(frame_of, a: list[float], b: list[float], col: str = "y", reps_b: list[int] | None = None, **extra):
    """Strategy p.s=a with values ``a`` on replicates 0..; p.s=b with ``b`` on ``reps_b`` (default 0..)."""
    rows = [{"p.s": "a", "replicate": i, col: v, **extra} for i, v in enumerate(a)]
    rows += [{"p.s": "b", "replicate": i, col: v, **extra} for i, v in zip(reps_b or range(len(b)), b)]
    return frame_of(rows)


# ------------------------------------------------------------------------ intervals
def test_bootstrap_interval_contains_the_mean_and_is_reproducible():
    x = [1.0, 2.0, 3.0, 4.0, 5.0]
    lo, hi = bootstrap_mean_ci(x)
    assert 1.0 <= lo < 3.0 < hi <= 5.0
    assert bootstrap_mean_ci(x) == (lo, hi)  # fixed seed: the same data, the same interval
    assert bootstrap_mean_ci([7.0, 7.0, 7.0]) == (7.0, 7.0)  # no spread, no width
    assert all(np.isnan(bootstrap_mean_ci([3.0])))  # one value: no interval
    assert all(np.isnan(bootstrap_mean_ci([np.nan, 2.0])))  # missing values are dropped first


def test_interval_narrows_with_more_runs():
    rng = np.random.default_rng(1)
    small, big = rng.normal(10, 2, 5), rng.normal(10, 2, 500)
    lo_s, hi_s = bootstrap_mean_ci(small)
    lo_b, hi_b = bootstrap_mean_ci(big)
    assert hi_b - lo_b < (hi_s - lo_s) / 3
    assert lo_b < 10 < hi_b


def test_within_noise_is_an_interval_containing_zero():
    assert contains_zero(-1.0, 2.0) and contains_zero(0.0, 2.0) and contains_zero(np.nan, np.nan)
    assert not contains_zero(0.5, 2.0) and not contains_zero(-3.0, -0.1)


def test_unpaired_difference_interval():
    lo, hi = bootstrap_diff_ci([10.0, 11.0, 12.0], [1.0, 2.0, 3.0])
    assert 7.0 <= lo < 9.0 < hi <= 11.0  # the means differ by 9; a resampled difference lies in [10-3, 12-1]


# ------------------------------------------------------------------------ aggregate
def test_aggregate_known_mean_median_and_counts(frame_of):
    rows = [{"p.s": "a", "replicate": i, "y": v} for i, v in enumerate([10.0, 12.0, 14.0, np.nan])]
    rows.append({"p.s": "a", "replicate": 9, "y": np.nan, "status": "failed"})
    rows += [{"p.s": "b", "replicate": i, "y": v} for i, v in enumerate([1.0, 1.0, 4.0])]
    agg = aggregate(frame_of(rows), "y")
    a, b = agg.loc["s=a"], agg.loc["s=b"]
    assert (a["n"], a["n_missing"], a["n_failed"]) == (3, 1, 1)
    assert a["mean"] == 12.0 and a["median"] == 12.0 and a["std"] == 2.0
    assert a["ci_low"] <= 12.0 <= a["ci_high"] and 10.0 <= a["ci_low"] and a["ci_high"] <= 14.0
    assert b["mean"] == 2.0 and b["median"] == 1.0 and b["ci_low"] <= 2.0 <= b["ci_high"]
    assert list(agg.index) == ["s=a", "s=b"]


# ------------------------------------------------------------------------ compare
def test_paired_difference_by_hand(frame_of):
    # pairs (replicate 0, 1, 2): 10-9 = 1, 12-13 = -1, 14-10 = 4 -> mean 4/3, a wins 2 of 3
    df = two(frame_of, [10, 12, 14], [9, 13, 10])
    row = compare(df, "y", baseline="s=b").loc["s=a"]
    assert row["paired"] and row["n_pairs"] == 3
    assert row["diff"] == pytest.approx(4 / 3)
    assert row["share_won"] == pytest.approx(2 / 3) and row["share_tied"] == 0
    assert row["diff_low"] <= 4 / 3 <= row["diff_high"]
    assert row["within_noise"]  # one pair goes the other way: the interval reaches below 0
    base = compare(df, "y", baseline="s=b").loc["s=b"]
    assert base["baseline"] and base["diff"] == 0 and base["within_noise"]


def test_a_consistent_win_is_not_noise(frame_of):
    row = compare(two(frame_of, [15, 19, 17], [10, 13, 10]), "y", baseline="s=b").loc["s=a"]
    assert row["diff"] == pytest.approx(6.0) and row["share_won"] == 1.0
    assert 5.0 <= row["diff_low"] and row["diff_high"] <= 7.0 and not row["within_noise"]


def test_pairing_removes_seed_to_seed_noise(frame_of):
    # b varies a lot between seeds, a is always b + 1: paired, a clear win; unpaired, lost in noise
    b = [0.0, 100.0, 200.0]
    df = two(frame_of, [v + 1 for v in b], b)
    row = compare(df, "y", baseline="s=b").loc["s=a"]
    assert (row["diff_low"], row["diff_high"]) == (1.0, 1.0) and not row["within_noise"]
    assert contains_zero(*bootstrap_diff_ci([v + 1 for v in b], b))


def test_pairs_only_where_both_exist_and_unpaired_fallback(frame_of):
    df = two(frame_of, [10, 12, 14], [9, 11], reps_b=[0, 2])
    row = compare(df, "y", baseline="s=b").loc["s=a"]
    assert row["n_pairs"] == 2 and row["diff"] == pytest.approx(((10 - 9) + (14 - 11)) / 2)
    disjoint = two(frame_of, [10, 12, 14], [1, 2, 3], reps_b=[5, 6, 7])
    row = compare(disjoint, "y", baseline="s=b").loc["s=a"]
    assert not row["paired"] and row["n_pairs"] == 0 and row["diff"] == pytest.approx(10.0)
    assert np.isnan(row["share_won"]) and not row["within_noise"]


def test_single_pair_is_within_noise(frame_of):
    row = compare(two(frame_of, [10], [5]), "y", baseline="s=b").loc["s=a"]
    assert row["diff"] == 5 and np.isnan(row["diff_low"]) and row["within_noise"]


def test_compare_default_baseline_and_unknown_baseline(frame_of):
    df = two(frame_of, [10, 12, 14], [9, 13, 10])
    assert compare(df, "y").loc["s=a", "baseline"]  # default: the best by mean
    with pytest.raises(SweepError, match="unknown baseline 's=c'; strategies: s=a; s=b"):
        compare(df, "y", baseline="s=c")


# ------------------------------------------------------------------------ rank
def test_rank_orders_and_flags_ties(frame_of):
    rows = [{"p.s": s, "replicate": i, "y": v}
            for s, vals in {"low": [1, 2, 3], "mid": [10, 12, 11], "top": [11, 11, 13]}.items()
            for i, v in enumerate(vals)]
    r = rank(frame_of(rows), "y")
    assert list(r.index) == ["s=top", "s=mid", "s=low"] and list(r["rank"]) == [1, 2, 3]
    # top - mid per pair: 1, -1, 2 -> within noise; mid - low: 9, 10, 8 -> clearly apart
    assert r.loc["s=mid", "tied_with_above"] and r.loc["s=mid", "within_noise_of_best"]
    assert not r.loc["s=low", "tied_with_above"] and not r.loc["s=low", "within_noise_of_best"]
    assert r.loc["s=low", "diff_to_best"] == pytest.approx(2 - 35 / 3)


def test_equal_means_share_a_rank_and_lower_is_better_for_spend(frame_of):
    rows = [{"p.s": s, "replicate": i, "y": 5.0, "spend_yuan": sp} for s, sp in (("a", 30.0), ("b", 10.0))
            for i in range(3)]
    df = frame_of(rows)
    assert list(rank(df, "y")["rank"]) == [1, 1]
    r = rank(df, "spend_yuan")
    assert list(r.index) == ["s=b", "s=a"] and not higher_is_better("spend_yuan")
    assert compare(df, "spend_yuan", baseline="s=a").loc["s=b", "share_won"] == 1.0  # cheaper wins


def test_derived_objective_per_1000_yuan(frame_of):
    df = frame_of([{"p.s": "a", "replicate": 0, "active_members_final": 50, "spend_yuan": 200.0},
                   {"p.s": "b", "replicate": 0, "active_members_final": 30, "spend_yuan": 0.0}])
    v = objective_values(df, "active_members_final per 1000 yuan")
    assert list(v) == [250.0, 30000.0]  # 50 / 200 * 1000; spend 0 counts as 1 yuan
    assert describe("active_members_final per 1000 yuan") == "active members at the end per 1,000 yuan"
    assert rank(df, "active_members_final per 1000 yuan").index[0] == "s=b"


def test_unknown_objective_lists_the_valid_ones(frame_of):
    df = frame_of([{"p.s": "a", "replicate": 0, "active_members_final": 5, "spend_yuan": 1.0}])
    with pytest.raises(SweepError) as err:
        objective_values(df, "happiness")
    msg = str(err.value)
    assert "unknown objective 'happiness'" in msg and "active_members_final" in msg and "\n" not in msg
    assert "active_members_final per 1000 yuan" in msg


def test_verdict_table_joins_rank_and_comparison(frame_of):
    t = verdict_table(two(frame_of, [15, 19, 17], [10, 13, 10]), "y", baseline="s=b")
    assert list(t.index) == ["s=a", "s=b"]
    assert t.loc["s=a", "rank"] == 1 and t.loc["s=a", "mean"] == 17 and t.loc["s=a", "diff"] == 6
    assert t.loc["s=b", "baseline"]


# ------------------------------------------------------------------------ front and bands
def test_pareto_front_by_hand():
    cost = [100, 200, 300, 150, np.nan]
    value = [10, 20, 15, 9, 99]
    # 300/15 is beaten by 200/20; 150/9 by 100/10; the NaN point is never on the front
    assert list(pareto_front(cost, value)) == [True, True, False, False, False]
    assert list(pareto_front([1, 1], [5, 5])) == [True, True]  # identical points do not dominate each other


def test_band_of_the_mean_over_runs():
    m = np.array([[1.0, 2.0, 3.0], [3.0, 4.0, np.nan]])
    mean, lo, hi = bootstrap_mean_band(m)
    assert list(mean) == [2.0, 3.0, 3.0]
    assert lo[0] == 1.0 and hi[0] == 3.0  # two runs: every resample mean is 1, 2 or 3
    assert (lo <= mean).all() and (mean <= hi).all()
    one = bootstrap_mean_band(m[:1])
    assert list(one[1]) == list(one[0]) == [1.0, 2.0, 3.0]
    assert isinstance(pd.Series(mean).sum(), float)
