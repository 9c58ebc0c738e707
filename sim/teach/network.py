"""The group as a network: who is in it, who talks, who is leaving; sampled for large groups.

Nodes are current members and people who left within ``FADE_DAYS`` (drawn fading out); edges are
their ties on the social graph. Above ``MAX_NODES`` a stable sample is drawn: the core team always,
then the people with the smallest fixed random key, so a person once drawn stays drawn while they
are in the group and the picture changes only where the group does. Positions move little from
frame to frame (a few force-directed iterations from the last positions; newcomers start beside
their friends).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..config import TIERS

MAX_NODES = 150  # readable on a classroom projector; a WeChat group holds up to 500 (P6)
FADE_DAYS = 30  # leavers fade out over a month
SAMPLE_SEED = 20240101  # fixed: the same people are drawn in every frame and every run
FULL_RATE_POSTS_PER_DAY = 1.0  # assumption: a member who posts daily is drawn at full size
LAYOUT_ITERATIONS = 8  # force-directed iterations per frame: enough to settle newcomers, not to jump
SETTLE_ITERATIONS = 60  # when most of the drawing is new (the first frame, a new run): settle it fully
NEW_NODE_JITTER = 0.05  # newcomers start this far (in layout units) from their friends' mean position
GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))  # radians: successive people never bunch on the ring
CORE_RADIUS, RING_RADIUS = 0.8, 1.0  # the tied people inside, the others on a ring around them
SPREAD_QUANTILE, SPREAD_RADIUS = 0.9, 0.6  # 90 % of the tied people within radius 0.6 (none beyond CORE_RADIUS)


@dataclass
class Sample:
    """The drawn nodes (arrays aligned with ``person``) and their ties (pairs of positions in ``person``)."""

    person: np.ndarray
    tier: np.ndarray  # 0 high, 1 mid, 2 low
    core: np.ndarray  # bool: owner, admin or KOL
    left: np.ndarray  # bool: left within FADE_DAYS
    alpha: np.ndarray  # opacity: 1 for members, fading for leavers
    activity: np.ndarray  # posts per day of tenure, in [0, 1] after scaling by FULL_RATE_POSTS_PER_DAY
    edges: np.ndarray  # (k, 2) int
    weight: np.ndarray  # (k,) tie strength
    members: int  # current members in all (drawn or not)
    left_recently: int  # people who left within FADE_DAYS (drawn or not)


def sample_keys(n: int) -> np.ndarray:
    """A fixed random key in [0, 1) per person (the sampling order)."""
    return np.random.default_rng(SAMPLE_SEED).random(n)


def sample(members: pd.DataFrame, adjacency: sp.spmatrix, day: int, keys: np.ndarray,
           max_nodes: int = MAX_NODES, fade_days: int = FADE_DAYS) -> Sample:
    """Draw the network from ``members`` (sim.outputs.members_frame: everyone who was ever a member)."""
    status = members["status"].astype(str).to_numpy()
    left_day = members["left_day"].to_numpy()
    is_member = status == "member"
    recent = (status == "left") & (left_day >= 0) & (day - left_day < fade_days)
    pool = members[is_member | recent]
    person = pool["person"].to_numpy(np.int64)
    core = (pool["role"].astype(str) != "member").to_numpy()
    order = np.lexsort((keys[person], ~core))  # core team first, then by key
    chosen = np.sort(order[:max_nodes])
    pool, person, core = pool.iloc[chosen], person[chosen], core[chosen]
    left = (pool["status"].astype(str) == "left").to_numpy()
    since = day - pool["left_day"].to_numpy()
    alpha = np.where(left, np.clip(1.0 - since / fade_days, 0.0, 1.0) * 0.8, 1.0)
    tenure = np.where(left, pool["left_day"].to_numpy(), day + 1) - pool["joined_day"].to_numpy()
    rate = pool["posts"].to_numpy(np.float64) / np.maximum(tenure, 1)
    activity = np.sqrt(np.clip(rate / FULL_RATE_POSTS_PER_DAY, 0.0, 1.0))
    sub = sp.triu(sp.csr_matrix(adjacency)[person][:, person], k=1).tocoo()
    tier = pd.Categorical(pool["tier"].astype(str), categories=TIERS).codes.astype(np.int8)
    return Sample(person=person, tier=tier, core=core, left=left, alpha=alpha, activity=activity,
                  edges=np.column_stack([sub.row, sub.col]).astype(np.int64), weight=sub.data.astype(np.float64),
                  members=int(is_member.sum()), left_recently=int(recent.sum()))


class Layout:
    """Node positions kept from frame to frame (person -> (x, y)).

    People with a tie in the drawing relax by a few force-directed steps from their last positions
    (newcomers start beside their friends), scaled so most lie within ``SPREAD_RADIUS`` and none beyond
    ``CORE_RADIUS``; people with
    no tie in the drawing sit on a ring outside it, at an angle fixed per person.
    """

    def __init__(self, seed: int = SAMPLE_SEED):
        self.pos: dict[int, np.ndarray] = {}
        self.rng = np.random.default_rng(seed)

    def place(self, s: Sample, iterations: int = LAYOUT_ITERATIONS) -> np.ndarray:
        """Positions (len(person), 2) of the drawn people."""
        g = nx.Graph()
        g.add_weighted_edges_from((int(s.person[a]), int(s.person[b]), float(w))
                                  for (a, b), w in zip(s.edges, s.weight))
        tied = list(g.nodes)
        init = {p: self.pos[p] for p in tied if p in self.pos}
        for p in tied:  # newcomers beside their placed friends, else anywhere inside
            if p not in init:
                friends = [init[q] for q in g.neighbors(p) if q in init]
                centre = np.mean(friends, axis=0) if friends else self.rng.uniform(-CORE_RADIUS, CORE_RADIUS, 2)
                init[p] = centre + self.rng.normal(0, NEW_NODE_JITTER, 2)
        if len(tied) > 1:
            fresh = sum(p not in self.pos for p in tied) > len(tied) / 2
            pos = nx.spring_layout(g, pos=init, iterations=SETTLE_ITERATIONS if fresh else iterations,
                                   seed=SAMPLE_SEED, scale=None)
            xy = np.array([pos[p] for p in tied])
            xy -= np.median(xy, axis=0)
            r = np.linalg.norm(xy, axis=1)
            xy *= SPREAD_RADIUS / max(np.quantile(r, SPREAD_QUANTILE), 1e-9)  # stragglers do not squeeze the rest
            r = np.linalg.norm(xy, axis=1, keepdims=True)
            xy *= np.minimum(1.0, CORE_RADIUS / np.maximum(r, 1e-9))
            self.pos.update({p: xy[i] for i, p in enumerate(tied)})
        elif tied:
            self.pos[tied[0]] = np.zeros(2)
        out = np.zeros((len(s.person), 2))
        for i, p in enumerate(int(q) for q in s.person):
            if p in g:
                out[i] = self.pos[p]
            else:
                angle = GOLDEN_ANGLE * p  # spread evenly round the ring, fixed per person
                out[i] = RING_RADIUS * np.array([np.cos(angle), np.sin(angle)])
        return out


__all__ = ["FADE_DAYS", "Layout", "MAX_NODES", "Sample", "sample", "sample_keys"]
