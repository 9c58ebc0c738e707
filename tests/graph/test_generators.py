"""Graph generators: invariants of the CSR they return, determinism by seed, and ``SocialGraph.neighbors``.

networkx's own generator tests check structure; these check the contract the model relies on: a
symmetric CSR without self-loops or duplicate entries, tie strengths in (0, 1], the configured mean
degree, and the same graph for the same ``numpy.random.Generator`` seed.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from sim.config import GraphConfig
from sim.graph import SocialGraph, build_graph, generate

N = 800
KINDS = ("scale_free", "small_world", "circles")


def expected_mean_degree(cfg: GraphConfig) -> float:
    """What the config asks for: ``mean_degree``, or for circles the ties inside each circle plus cross ties."""
    if cfg.kind == "circles":
        return float(sum(cfg.circle_within_degree) + cfg.cross_degree)
    return float(cfg.mean_degree)


def make(kind: str, seed: int, n: int = N, **changes) -> SocialGraph:
    cfg = dataclasses.replace(GraphConfig(kind=kind), **changes)
    return generate(n, cfg, np.random.default_rng(seed))


@pytest.mark.parametrize("kind", KINDS)
def test_generated_adjacency_is_a_clean_symmetric_csr(kind, seed):
    g = make(kind, seed)
    adj = g.adjacency
    assert isinstance(adj, sp.csr_matrix)
    assert adj.shape == (N, N) and g.n == N
    assert adj.has_canonical_format  # sorted indices, no duplicate entries
    assert (adj != adj.T).nnz == 0, "ties must be symmetric with equal strength both ways"
    rows = np.repeat(np.arange(N), np.diff(adj.indptr))
    assert not np.any(rows == adj.indices), "no self-loops"
    assert np.all(adj.data > 0) and np.all(adj.data <= 1), "tie strengths in (0, 1]"
    assert np.array_equal(g.degree, np.diff(adj.indptr))


@pytest.mark.parametrize("kind", KINDS)
def test_mean_degree_is_about_the_configured_one(kind, seed):
    cfg = GraphConfig(kind=kind)
    g = generate(N, cfg, np.random.default_rng(seed))
    mean = g.adjacency.nnz / g.n
    assert mean == pytest.approx(expected_mean_degree(cfg), rel=0.15)


@pytest.mark.parametrize("kind", ("scale_free", "small_world"))
@pytest.mark.parametrize("mean_degree", (4, 16))
def test_mean_degree_follows_the_config(kind, mean_degree):
    g = make(kind, 0, mean_degree=mean_degree)
    assert g.adjacency.nnz / g.n == pytest.approx(mean_degree, rel=0.1)


def test_circles_mean_degree_follows_the_circle_config():
    sparse = make("circles", 0, circle_within_degree=(1.0, 1.0, 1.0, 1.0), cross_degree=0.5)
    dense = make("circles", 0, circle_within_degree=(6.0, 6.0, 6.0, 3.0), cross_degree=2.0)
    assert sparse.adjacency.nnz / N == pytest.approx(4.5, rel=0.15)
    assert dense.adjacency.nnz / N == pytest.approx(23.0, rel=0.15)


@pytest.mark.parametrize("kind", ("scale_free", "small_world"))
def test_strong_and_weak_ties_use_the_configured_strengths_and_share(kind):
    g = make(kind, 3, weak_tie_strength=0.2, strong_tie_strength=0.9, strong_tie_share=0.25)
    values = np.unique(g.adjacency.data)
    assert np.allclose(values, [0.2, 0.9])
    strong_share = np.mean(np.isclose(g.adjacency.data, 0.9))
    assert strong_share == pytest.approx(0.25, abs=0.04)


def test_circle_ties_carry_their_circle_strengths():
    cfg = GraphConfig(kind="circles")
    g = generate(N, cfg, np.random.default_rng(0))
    allowed = np.array([*cfg.circle_tie_strength, cfg.weak_tie_strength], dtype=np.float32)
    assert np.all(np.isin(g.adjacency.data, allowed))
    # every circle contributes ties (kin ties are the strongest, 1.0)
    for strength in cfg.circle_tie_strength:
        assert np.any(np.isclose(g.adjacency.data, strength))
    assert g.circle is not None and g.circle.shape == (N,)
    size = cfg.circle_sizes[2]
    assert np.bincount(g.circle).max() == size  # interest circles hold circle_sizes[2] people


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_graph_other_seed_other_graph(kind):
    a, b, c = make(kind, 42), make(kind, 42), make(kind, 43)
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(a.adjacency, name), getattr(b.adjacency, name))
    differs = (a.adjacency.nnz != c.adjacency.nnz
               or not np.array_equal(a.adjacency.indices, c.adjacency.indices)
               or not np.array_equal(a.adjacency.data, c.adjacency.data))
    assert differs


@pytest.mark.parametrize("kind", KINDS)
def test_generator_draws_only_from_the_given_rng(kind):
    """The graph depends on the Generator's state, not on global random state."""
    rng = np.random.default_rng(7)
    rng.random(5)  # advance: a different state gives a different graph
    np.random.seed(0)
    advanced = generate(N, GraphConfig(kind=kind), rng)
    np.random.seed(123)
    fresh = generate(N, GraphConfig(kind=kind), np.random.default_rng(7))
    np.random.seed(999)
    again = generate(N, GraphConfig(kind=kind), np.random.default_rng(7))
    assert (advanced.adjacency != fresh.adjacency).nnz > 0
    assert (fresh.adjacency != again.adjacency).nnz == 0


def test_build_graph_generates_for_generator_kinds():
    g = build_graph(GraphConfig(kind="small_world"), 300, np.random.default_rng(0))
    assert g.n == 300 and g.meta["kind"] == "small_world"
    assert g.labels is None and g.role is None  # only files carry labels and roles


# ------------------------------------------------------------------------------ neighbors
def tiny_graph() -> SocialGraph:
    """0-1 (0.5), 0-2 (1.0), 2-3 (0.3); 4 is alone."""
    dense = np.zeros((5, 5), dtype=np.float32)
    for u, v, w in ((0, 1, 0.5), (0, 2, 1.0), (2, 3, 0.3)):
        dense[u, v] = dense[v, u] = w
    return SocialGraph(sp.csr_matrix(dense))


def test_neighbors_matches_a_hand_computed_answer():
    person, friend, strength = tiny_graph().neighbors(np.array([2, 4, 0]))
    assert person.tolist() == [2, 2, 0, 0]
    assert friend.tolist() == [0, 3, 1, 2]
    assert np.allclose(strength, [1.0, 0.3, 0.5, 1.0])
    assert person.dtype == np.int64 and friend.dtype == np.int64


def test_neighbors_repeats_people_given_twice_and_keeps_their_order():
    person, friend, strength = tiny_graph().neighbors([3, 1, 3])
    assert person.tolist() == [3, 1, 3]
    assert friend.tolist() == [2, 0, 2]
    assert np.allclose(strength, [0.3, 0.5, 0.3])


@pytest.mark.parametrize("people", ([4], []))
def test_neighbors_of_isolated_or_nobody_is_empty(people):
    person, friend, strength = tiny_graph().neighbors(np.array(people, dtype=np.int64))
    assert len(person) == len(friend) == len(strength) == 0
    assert friend.dtype == np.int64


def test_neighbors_agrees_with_the_adjacency_on_a_generated_graph():
    g = make("scale_free", 5, n=300)
    people = np.array([0, 17, 299, 17])
    person, friend, strength = g.neighbors(people)
    dense = g.adjacency.toarray()
    expected = [(p, f, dense[p, f]) for p in people for f in np.flatnonzero(dense[p])]
    assert list(zip(person.tolist(), friend.tolist())) == [(p, f) for p, f, _ in expected]
    assert np.allclose(strength, [w for _, _, w in expected])


def test_circle_ties_join_two_different_people():
    """Circles of two with one expected tie each: every person is tied to their partner in each circle kind
    (a tie drawn from a person to themself would be lost as a self-loop)."""
    g = make("circles", 0, circle_sizes=(2, 2, 2, 2), circle_within_degree=(1.0, 1.0, 1.0, 1.0),
             circle_tie_strength=(0.5, 0.6, 0.4, 1.0), cross_degree=0.0)
    assert g.degree.min() >= 1
    assert g.adjacency.nnz / N == pytest.approx(4.0, rel=0.05)  # pairs repeated across kinds merge, rarely


@pytest.mark.parametrize("n,m,p,seed", [(3000, 5, 0.3, 1), (500, 2, 0.9, 7), (300, 1, 0.5, 3), (60, 5, 1.0, 9)])
def test_holme_kim_is_networkx_powerlaw_cluster_graph_edge_for_edge(n, m, p, seed):
    import networkx as nx

    from sim.graph import holme_kim_edges

    ref = np.array(list(nx.powerlaw_cluster_graph(n, m, p, seed=seed).edges()))
    u, v = holme_kim_edges(n, m, p, seed)
    assert np.array_equal(ref[:, 0], u) and np.array_equal(ref[:, 1], v)
