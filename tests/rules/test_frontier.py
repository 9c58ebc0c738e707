"""The join frontier against a plain dictionary, through many random updates, merges and compactions."""

from __future__ import annotations

import numpy as np

from sim import frontier as frontier_module
from sim.frontier import Frontier


def test_frontier_matches_a_dictionary(monkeypatch):
    monkeypatch.setattr(frontier_module, "MIN_SIDE", 16)  # force frequent merges
    rng = np.random.default_rng(0)
    n_people, n_groups = 300, 4
    f = Frontier(n_people, n_groups)
    truth: dict[tuple[int, int], int] = {}
    status = np.zeros(n_people, dtype=np.int8)
    for step in range(200):
        people = rng.integers(0, n_people, rng.integers(1, 40))
        groups = rng.integers(0, n_groups, len(people))
        if rng.random() < 0.6 or not truth:
            delta = rng.integers(1, 4, len(people))
        else:  # remove existing friendships only
            pairs = list(truth.items())
            pick = [pairs[i] for i in rng.integers(0, len(pairs), len(people)) if pairs[i][1] > 0]
            people = np.array([p for (p, _), _ in pick], dtype=np.int64)
            groups = np.array([g for (_, g), _ in pick], dtype=np.int64)
            delta = -np.ones(len(people), dtype=np.int64)
            seen: dict = {}
            for p, g in zip(people, groups):  # never below zero
                seen[(p, g)] = seen.get((p, g), 0) + 1
            ok = np.array([seen[(p, g)] <= truth[(p, g)] for p, g in zip(people, groups)], dtype=bool)
            people, groups, delta = people[ok], groups[ok], delta[ok]
        f.update(people, groups, delta)
        for p, g, d in zip(people, groups, delta):
            truth[(int(p), int(g))] = truth.get((int(p), int(g)), 0) + int(d)
        if step % 50 == 49:
            f.compact(status, 0)
            assert f.max_count == max(truth.values())
        # every entry in exactly one run, each run sorted, counts as in the dictionary
        (k1, c1), (k2, c2) = f.parts()
        assert (np.diff(k1) > 0).all() and (np.diff(k2) > 0).all()
        assert not np.intersect1d(k1, k2).size
        stored = {divmod(int(k), n_people)[::-1]: int(c) for k, c in zip(np.r_[k1, k2], np.r_[c1, c2])}
        assert {key: c for key, c in stored.items() if c} == {key: c for key, c in truth.items() if c}
        assert f.max_count >= max(truth.values(), default=0)
    assert f.count(*next(iter(truth))) == truth[next(iter(truth))]


def test_draw_keeps_entries_of_the_chosen_groups_with_probability_p():
    rng = np.random.default_rng(4)
    f = Frontier(1000, 5)
    people = rng.integers(0, 1000, 3000)
    groups = rng.integers(0, 5, 3000)
    f.update(people, groups, 1)
    f.flush()
    f.update(rng.integers(0, 1000, 50), np.full(50, 3), 1)  # some entries in the side run
    hits = {}
    for _ in range(300):
        keys, counts = f.draw(np.array([1, 3]), 0.1, rng)
        p, g = f.decode(keys)
        assert set(np.unique(g)) <= {1, 3}
        for key in keys:
            hits[int(key)] = hits.get(int(key), 0) + 1
    (k1, _), (k2, _) = f.parts()
    eligible = [int(k) for k in np.r_[k1, k2] if divmod(int(k), 1000)[0] in (1, 3)]
    rate = np.mean([hits.get(k, 0) / 300 for k in eligible])
    assert abs(rate - 0.1) < 0.01
