"""The network panel's sample and layout: capped, stable, fading, ties only among those drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sim.teach.network import FADE_DAYS, Layout, sample, sample_keys

N = 400


def people(day: int = 100, n: int = N, left_days: dict | None = None, core=(0, 1, 2)) -> pd.DataFrame:
    """Everyone ever a member: all joined on day 0; ``left_days`` maps person -> day they left."""
    left_days = left_days or {}
    left = np.array([left_days.get(i, -1) for i in range(n)])
    return pd.DataFrame({
        "person": np.arange(n), "status": np.where(left >= 0, "left", "member"),
        "role": ["owner" if i == core[0] else "admin" if i in core else "member" for i in range(n)],
        "tier": pd.Categorical(np.array(["high", "mid", "low"])[np.arange(n) % 3], ["high", "mid", "low"]),
        "joined_day": np.zeros(n, dtype=int), "left_day": left, "posts": np.arange(n) % 50,
    })


def ring(n: int = N) -> sp.csr_matrix:
    """Each person tied to the next two (a ring lattice)."""
    rows = np.r_[np.arange(n), np.arange(n)]
    cols = np.r_[(np.arange(n) + 1) % n, (np.arange(n) + 2) % n]
    a = sp.coo_matrix((np.ones(2 * n), (rows, cols)), shape=(n, n))
    return (a + a.T).tocsr()


def test_a_large_group_is_capped_and_keeps_its_core_team():
    keys = sample_keys(N)
    s = sample(people(), ring(), 100, keys, max_nodes=50)
    assert len(s.person) == 50 and s.members == N
    assert {0, 1, 2} <= set(s.person.tolist()) and s.core.sum() == 3


def test_the_sample_is_stable_when_the_group_barely_changes():
    keys = sample_keys(N)
    before = set(sample(people(), ring(), 100, keys, max_nodes=80).person.tolist())
    gone = sorted(before - {0, 1, 2})[0]  # one drawn member leaves for good (long ago, so not drawn as a leaver)
    after = set(sample(people(left_days={gone: 10}), ring(), 100, keys, max_nodes=80).person.tolist())
    assert len(before - after) == 1 and len(after - before) == 1


def test_leavers_fade_out_over_the_fade_window_then_disappear():
    keys = sample_keys(N)
    frame = people(left_days={10: 95, 11: 100 - FADE_DAYS + 1, 12: 100 - FADE_DAYS})
    s = sample(frame, ring(), 100, keys, max_nodes=N)
    alpha = dict(zip(s.person.tolist(), s.alpha))
    assert 12 not in alpha and s.left_recently == 2
    assert 0 < alpha[11] < alpha[10] < 1 == alpha[20]


def test_ties_are_drawn_only_between_drawn_people_and_only_where_the_graph_has_them():
    adjacency = ring()
    s = sample(people(), adjacency, 100, sample_keys(N), max_nodes=120)
    assert len(s.edges)
    for a, b in s.edges:
        assert adjacency[s.person[a], s.person[b]] > 0
    assert (s.edges[:, 0] < s.edges[:, 1]).all()  # each tie once


def test_positions_carry_over_between_frames_and_untied_people_sit_on_the_ring():
    keys = sample_keys(N)
    adjacency = ring()
    layout = Layout()
    s = sample(people(), adjacency, 100, keys, max_nodes=120)
    first = dict(zip(s.person.tolist(), layout.place(s)))
    second = dict(zip(s.person.tolist(), layout.place(s)))
    tied = set(s.person[s.edges.ravel()].tolist())
    untied = set(s.person.tolist()) - tied
    moved = [np.linalg.norm(first[p] - second[p]) for p in tied]
    assert np.median(moved) < 0.1  # a frame later the picture is nearly the same
    assert all(np.linalg.norm(first[p]) <= 0.8 + 1e-9 for p in tied)
    assert untied and all(abs(np.linalg.norm(first[p]) - 1.0) < 1e-9 for p in untied)
    assert all(np.allclose(first[p], second[p]) for p in untied)
