"""The join frontier: how many friends each outsider has inside each group, kept incrementally.

Keys are ``group * n_people + person`` (group-major, so each group's entries are one contiguous range)
in two sorted runs: a large main run and a small side run that takes new keys (a log-structured merge).
Joins and exits buffer their changes; ``flush`` applies them
once a day before the join draw, touching only the changed keys, and merges the side run into the main
one in a single linear pass when it grows past an eighth of it. Per-day cost is linear in the number
of changes, not in the size of the frontier (ARCHITECTURE.md, performance shape).
"""

from __future__ import annotations

import math

import numpy as np

MIN_SIDE = 4096  # the side run is merged once it exceeds max(MIN_SIDE, len(main) / 8)


def bernoulli_positions(n: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Indices in range(n), each kept independently with probability p (geometric skipping)."""
    if n == 0 or p <= 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1:
        return np.arange(n)
    chunks, pos = [], -1
    while pos < n - 1:
        expected = (n - 1 - pos) * p
        steps = rng.geometric(p, size=int(expected + 5 * math.sqrt(expected) + 16)).cumsum()
        steps += pos
        chunks.append(steps)
        pos = int(steps[-1])
    out = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
    return out[: out.searchsorted(n)]  # increasing: the positions below n are a prefix


def _merge(a_keys, a_counts, b_keys, b_counts):
    """Merge two sorted runs with disjoint keys (a stable sort of the two runs is one linear merge)."""
    keys = np.concatenate([a_keys, b_keys])
    order = keys.argsort(kind="stable")
    return keys[order], np.concatenate([a_counts, b_counts])[order]


class Frontier:
    """Friends-inside counts per (outsider, group)."""

    def __init__(self, n_people: int, n_groups: int):
        self.n_people = n_people
        self.n_groups = n_groups
        self.keys = np.empty(0, dtype=np.int64)
        self.counts = np.empty(0, dtype=np.int32)
        self.side_keys = np.empty(0, dtype=np.int64)
        self.side_counts = np.empty(0, dtype=np.int32)
        self.max_count = 0  # an upper bound of every count (exact after compact)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        self.flush()
        return len(self.keys) + len(self.side_keys)

    def update(self, people: np.ndarray, groups: np.ndarray, delta: int | np.ndarray) -> None:
        """Buffer a change of ``delta`` (one, or one per pair) friends inside for (person, group) pairs."""
        if len(people):
            keys = np.asarray(groups, dtype=np.int64) * self.n_people + people
            delta = np.asarray(delta, dtype=np.int32)
            self._pending.append((keys, delta if delta.ndim else np.full(len(keys), delta)))

    def flush(self) -> None:
        """Apply the buffered changes."""
        if not self._pending:
            return
        keys, deltas = self._pending[0] if len(self._pending) == 1 else map(np.concatenate, zip(*self._pending))
        self._pending = []
        order = keys.argsort(kind="stable")
        keys, deltas = keys[order], deltas[order]
        step = keys[1:] != keys[:-1]
        if not step.all():  # a key changed more than once: each key once, its summed change
            first = np.concatenate(([True], step)).nonzero()[0]
            keys, deltas = keys[first], np.add.reduceat(deltas, first)
        for run_keys, run_counts in ((self.keys, self.counts), (self.side_keys, self.side_counts)):
            if len(run_keys) == 0 or len(keys) == 0:
                continue
            pos = run_keys.searchsorted(keys)
            found = run_keys.take(pos, mode="clip") == keys
            if found.all():
                self._change(run_counts, pos, deltas)
                keys, deltas = keys[:0], deltas[:0]
            elif found.any():
                self._change(run_counts, pos[found], deltas[found])
                keys, deltas = keys[~found], deltas[~found]  # the keys in neither run so far
        new = deltas > 0  # keys in neither run that count friends now
        if new.any():
            keys, deltas = keys[new], deltas[new]
            self.max_count = max(self.max_count, int(deltas.max()))
            self.side_keys, self.side_counts = _merge(self.side_keys, self.side_counts, keys, deltas)
        if len(self.side_keys) > max(MIN_SIDE, len(self.keys) // 8):
            self._merge_side()

    def _change(self, run_counts: np.ndarray, at: np.ndarray, deltas: np.ndarray) -> None:
        """Add ``deltas`` to the counts at positions ``at`` of a run; keep ``max_count`` a bound."""
        counts = run_counts[at] + deltas
        run_counts[at] = counts
        self.max_count = max(self.max_count, int(counts.max()))

    def _merge_side(self) -> None:
        self.keys, self.counts = _merge(self.keys, self.counts, self.side_keys, self.side_counts)
        self.side_keys = np.empty(0, dtype=np.int64)
        self.side_counts = np.empty(0, dtype=np.int32)

    def parts(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """The (keys, counts) runs, up to date; every entry is in exactly one run."""
        self.flush()
        return (self.keys, self.counts), (self.side_keys, self.side_counts)

    def decode(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(people, groups) of keys."""
        groups, people = np.divmod(keys, self.n_people)
        return people, groups

    def draw(self, groups: np.ndarray, p: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Each entry of the given groups kept independently with probability p: (keys, counts)."""
        groups = np.asarray(groups, dtype=np.int64)
        if len(groups) == 1:  # one contiguous range
            bounds = [int(groups[0]) * self.n_people, (int(groups[0]) + 1) * self.n_people]
        else:
            bounds = np.concatenate([groups, groups + 1]) * self.n_people  # the groups' key ranges: starts, then ends
        keys_out, counts_out = [], []
        for run_keys, run_counts in self.parts():
            if len(run_keys) == 0:  # nothing to draw (and no random numbers used)
                continue
            if len(groups) == 1:
                start, end = run_keys.searchsorted(bounds).tolist()
                idx = bernoulli_positions(end - start, p, rng) + start
            else:
                starts, ends = run_keys.searchsorted(bounds).reshape(2, -1)
                lengths = ends - starts
                offsets = np.cumsum(lengths) - lengths
                pos = bernoulli_positions(int(lengths.sum()), p, rng)
                which = np.searchsorted(offsets, pos, side="right") - 1
                idx = starts[which] + pos - offsets[which]
            if len(idx):
                keys_out.append(run_keys[idx])
                counts_out.append(run_counts[idx])
        if len(keys_out) == 1:  # one run drawn from
            return keys_out[0], counts_out[0]
        if not keys_out:
            return np.empty(0, np.int64), np.empty(0, np.int32)
        return np.concatenate(keys_out), np.concatenate(counts_out)

    def compact(self, status: np.ndarray, pool: int) -> None:
        """Drop entries whose count is zero or whose person is no longer in the pool; exact ``max_count``."""
        self.flush()
        self._merge_side()
        keep = (self.counts > 0) & (status[self.keys % self.n_people] == pool)
        self.keys, self.counts = self.keys[keep], self.counts[keep]
        self.max_count = int(self.counts.max()) if len(self.counts) else 0

    def count(self, person: int, group: int) -> int:
        """Friends inside ``group`` that ``person`` counts (0 if none)."""
        key = group * self.n_people + person
        for run_keys, run_counts in self.parts():
            i = np.searchsorted(run_keys, key)
            if i < len(run_keys) and run_keys[i] == key:
                return int(run_counts[i])
        return 0
