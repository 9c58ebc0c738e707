"""The social graph: generated with the model's RNG, or read from a file, then frozen as CSR.

Ties carry a strength in (0, 1]: kin and close circles are strong, cross ties are weak (DOMAIN.md:
a group's value includes turning weak ties into strong ones). Generators:
- ``scale_free``: Holme-Kim clustered scale-free graph (networkx ``powerlaw_cluster_graph``);
- ``small_world``: Watts-Strogatz (networkx ``connected_watts_strogatz_graph``);
- ``circles``: a block model of work, life, interest and kin circles with random cross ties.
Files: edge list (.edgelist, .txt, .csv: ``u v [weight]``), GraphML, GML, GEXF. Node attributes
``tier`` (high/mid/low), ``role`` (owner/admin/kol), ``newbie`` and edge attribute ``weight`` are
used where present.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .config import GraphConfig, TIERS


FEW_ROWS = 4  # neighbors: up to this many people, row slices (cheaper than the vectorised gather)


class GraphFileError(ValueError):
    """The graph file is missing or cannot be read; the message names the file."""


@dataclass
class SocialGraph:
    """Symmetric CSR adjacency (data = tie strength) plus optional node attributes from a file."""

    adjacency: sp.csr_matrix
    labels: np.ndarray | None = None  # original node ids of a loaded file, as strings
    tier: np.ndarray | None = None  # int8 tier index per node, -1 where the file gave none
    role: np.ndarray | None = None  # object array: "owner" / "admin" / "kol" / ""
    newbie: np.ndarray | None = None  # int8 1/0, -1 where the file gave none
    circle: np.ndarray | None = None  # circles generator: each node's interest-circle index
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.adjacency.shape[0]

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.adjacency.indptr)

    def neighbors(self, people: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All (person, neighbour, strength) triples for ``people``, vectorised over CSR rows."""
        adj = self.adjacency
        people = np.asarray(people, dtype=np.int64)
        if 0 < len(people) <= FEW_ROWS:  # a few rows: slices
            spans = [adj.indptr[p:p + 2].tolist() for p in people.tolist()]
            return (np.repeat(people, [end - start for start, end in spans]),
                    np.concatenate([adj.indices[start:end] for start, end in spans]).astype(np.int64),
                    np.concatenate([adj.data[start:end] for start, end in spans]))
        starts, ends = adj.indptr[people], adj.indptr[people + 1]
        counts = ends - starts
        total = int(counts.sum())
        if total == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=np.float32)
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        return np.repeat(people, counts), adj.indices[offsets].astype(np.int64), adj.data[offsets]

    def to_networkx(self) -> nx.Graph:
        """A networkx view for plotting and teaching (not used in the hot path)."""
        g = nx.from_scipy_sparse_array(self.adjacency, edge_attribute="weight")
        return g


def _from_edges(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> sp.csr_matrix:
    """Symmetric CSR from undirected edges; self-loops dropped, duplicate ties keep the strongest."""
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    cell = np.concatenate([u * n + v, v * n + u])  # row * n + column, in CSR order
    data = np.concatenate([w, w]).astype(np.float32)
    order = np.lexsort((-data, cell))  # strongest first within duplicates
    cell, data = cell[order], data[order]
    first = np.ones(len(cell), dtype=bool)
    first[1:] = cell[1:] != cell[:-1]
    rows, cols = np.divmod(cell[first], n)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    return sp.csr_matrix((data[first], cols, indptr), shape=(n, n))


def _from_networkx(g: nx.Graph, default_weight: float) -> sp.csr_matrix:
    n = g.number_of_nodes()
    if g.number_of_edges() == 0:
        return sp.csr_matrix((n, n), dtype=np.float32)
    edges = np.array([(u, v) for u, v in g.edges()], dtype=np.int64)
    w = np.array([d.get("weight", default_weight) for _, _, d in g.edges(data=True)], dtype=np.float32)
    return _from_edges(n, edges[:, 0], edges[:, 1], w)


def circles_graph(n: int, cfg: GraphConfig, rng: np.random.Generator) -> SocialGraph:
    """Block model: every person sits in one circle of each kind; ties form inside circles, plus cross ties."""
    us, vs, ws = [], [], []
    interest_circle = None
    for kind, (size, degree, strength) in enumerate(
            zip(cfg.circle_sizes, cfg.circle_within_degree, cfg.circle_tie_strength)):
        circle = rng.permutation(n) // size  # circle id per person
        if kind == 2:
            interest_circle = circle
        members = np.argsort(circle, kind="stable")
        n_circles = int(circle.max()) + 1
        circle_size = np.bincount(circle, minlength=n_circles)
        start = np.concatenate([[0], np.cumsum(circle_size)[:-1]])
        p = min(1.0, degree / max(size - 1, 1))
        pairs = circle_size * (circle_size - 1) // 2
        n_edges = rng.binomial(pairs, p)
        which = np.repeat(np.arange(n_circles), n_edges)
        a_off = (rng.random(len(which)) * circle_size[which]).astype(np.int64)
        b_off = (rng.random(len(which)) * (circle_size[which] - 1)).astype(np.int64)
        a = start[which] + a_off
        b = start[which] + (a_off + 1 + b_off) % circle_size[which]  # another member, never oneself
        us.append(members[a])
        vs.append(members[b])
        ws.append(np.full(len(a), strength, dtype=np.float32))
    n_cross = rng.poisson(cfg.cross_degree * n / 2)
    us.append(rng.integers(0, n, n_cross))
    vs.append(rng.integers(0, n, n_cross))
    ws.append(np.full(n_cross, cfg.weak_tie_strength, dtype=np.float32))
    adj = _from_edges(n, np.concatenate(us), np.concatenate(vs), np.concatenate(ws))
    return SocialGraph(adj, circle=interest_circle, meta={"kind": "circles"})


def holme_kim_edges(n: int, m: int, p: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Holme & Kim's clustered scale-free graph, edge for edge as ``networkx.powerlaw_cluster_graph``
    (same seed, same random calls, same edges in the order of ``Graph.edges()``), on plain dicts: about
    eight times faster, which matters when a sweep builds one graph per run.

    ``random.Random.choice(seq)`` is inlined as the draw it makes: ``getrandbits(len(seq).bit_length())``
    until the value is below ``len(seq)``, then that index."""
    import random

    if m < 1 or n < m or not 0 <= p <= 1:
        raise ValueError(f"holme_kim_edges: need 1 <= m <= n and 0 <= p <= 1, got n={n}, m={m}, p={p}")
    rnd = random.Random(seed)
    getrandbits, uniform = rnd.getrandbits, rnd.random
    adj: list[dict[int, None]] = [{} for _ in range(n)]  # insertion-ordered neighbours, as networkx keeps them
    repeated = list(range(m))
    append = repeated.append
    for source in range(m, n):
        targets: set[int] = set()  # networkx's _random_subset: choices from repeated until m distinct
        add = targets.add
        size = len(repeated)
        bits = size.bit_length()
        while len(targets) < m:
            r = getrandbits(bits)
            if r < size:
                add(repeated[r])
        pop = targets.pop
        near = adj[source]
        target = pop()
        near[target] = adj[target][source] = None
        append(target)
        count = 1
        while count < m:
            if uniform() < p:  # triad formation: a friend of the target not yet a friend of the source
                friends = adj[target]
                hood = list(friends)
                hood.pop()  # the source, the target's newest friend
                for nbr in near:
                    if nbr in friends:
                        hood.remove(nbr)
                if hood:
                    size = len(hood)
                    bits = size.bit_length()
                    r = getrandbits(bits)
                    while r >= size:
                        r = getrandbits(bits)
                    nbr = hood[r]
                    near[nbr] = adj[nbr][source] = None
                    append(nbr)
                    count += 1
                    continue
            target = pop()
            near[target] = adj[target][source] = None
            append(target)
            count += 1
        repeated.extend([source] * m)
    # Graph.edges(): each edge once, from the node seen first, in insertion order
    degree = np.fromiter(map(len, adj), dtype=np.int64, count=n)
    v = np.fromiter(itertools.chain.from_iterable(adj), dtype=np.int64, count=int(degree.sum()))
    u = np.repeat(np.arange(n, dtype=np.int64), degree)
    first = v > u
    return u[first], v[first]


def generate(n: int, cfg: GraphConfig, rng: np.random.Generator) -> SocialGraph:
    """Generate a graph of ``n`` people from the model's RNG (networkx gets a seed drawn from it)."""
    if cfg.kind == "circles":
        return circles_graph(n, cfg, rng)
    seed = int(rng.integers(2**31 - 1))
    if cfg.kind == "scale_free":
        u, v = holme_kim_edges(n, max(1, cfg.mean_degree // 2), cfg.triangle_prob, seed)
    elif cfg.kind == "small_world":
        k = max(2, cfg.mean_degree - cfg.mean_degree % 2)
        edges = np.array(list(nx.connected_watts_strogatz_graph(n, k, cfg.rewire_prob, seed=seed).edges()),
                         dtype=np.int64).reshape(-1, 2)
        u, v = edges[:, 0], edges[:, 1]
    else:
        raise ValueError(f"graph.kind: cannot generate kind {cfg.kind!r}")
    strong = rng.random(len(u)) < cfg.strong_tie_share  # one draw per tie, in the order networkx lists them
    w = np.where(strong, cfg.strong_tie_strength, cfg.weak_tie_strength).astype(np.float32)
    return SocialGraph(_from_edges(n, u, v, w), meta={"kind": cfg.kind})


_READERS = {
    ".graphml": ("GraphML", nx.read_graphml),
    ".gml": ("GML", lambda p: nx.read_gml(p, label="id")),
    ".gexf": ("GEXF", nx.read_gexf),
}


def _read_edgelist(path: Path) -> nx.Graph:
    g = nx.Graph()
    first = True  # a header may only be the first line that is not blank or a comment
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.replace(",", " ").split()
            if len(parts) < 2 or len(parts) > 3:
                raise GraphFileError(f"graph.path: {path}: line {lineno}: expected 'u v [weight]', got {line!r}")
            if first and parts[0].lower() in ("source", "u"):
                first = False
                continue  # header
            first = False
            weight = {}
            if len(parts) == 3:
                try:
                    weight = {"weight": float(parts[2])}
                except ValueError:
                    raise GraphFileError(
                        f"graph.path: {path}: line {lineno}: weight {parts[2]!r} is not a number") from None
            old = g.get_edge_data(parts[0], parts[1])
            if old is not None and "weight" in old and old["weight"] >= weight.get("weight", -np.inf):
                continue  # a repeated tie keeps the strongest weight, as in _from_edges
            g.add_edge(parts[0], parts[1], **weight)
    return g


def load(path: str | Path, cfg: GraphConfig) -> SocialGraph:
    """Read a graph file; node attributes tier/role/newbie and edge weights are used where present."""
    path = Path(path)
    if not path.is_file():
        raise GraphFileError(f"graph.path: file not found: {path} (give an edge list, .graphml, .gml or .gexf file)")
    suffix = path.suffix.lower()
    fmt, reader = _READERS.get(suffix, ("edge list", _read_edgelist))
    try:
        g = reader(path)
    except GraphFileError:
        raise
    except Exception as err:  # the parsers raise many types; the message is what matters
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise GraphFileError(f"graph.path: cannot read {path} as {fmt}: {first}") from None
    if g.is_directed():
        g = g.to_undirected()
    if g.number_of_nodes() < 2:
        raise GraphFileError(f"graph.path: {path} has {g.number_of_nodes()} node(s); a community needs at least 2")
    nodes = list(g.nodes())
    index = {node: i for i, node in enumerate(nodes)}
    h = nx.relabel_nodes(g, index, copy=True)
    for _, _, d in h.edges(data=True):
        w = d.get("weight", cfg.weak_tie_strength)
        try:
            w = float(w)
        except (TypeError, ValueError):
            raise GraphFileError(f"graph.path: {path}: edge weight {w!r} is not a number") from None
        if not 0 < w <= 1:
            raise GraphFileError(f"graph.path: {path}: edge weight {w} outside (0, 1]; rescale tie strengths")
        d["weight"] = w
    tier = np.full(len(nodes), -1, dtype=np.int8)
    role = np.full(len(nodes), "", dtype=object)
    newbie = np.full(len(nodes), -1, dtype=np.int8)
    for node, data in g.nodes(data=True):
        i = index[node]
        if "tier" in data:
            if str(data["tier"]) not in TIERS:
                raise GraphFileError(f"graph.path: {path}: node {node!r} has tier {data['tier']!r}; "
                                     f"use one of {', '.join(TIERS)}")
            tier[i] = TIERS.index(str(data["tier"]))
        if "role" in data:
            r = str(data["role"])
            if r not in ("owner", "admin", "kol", "member", ""):
                raise GraphFileError(
                    f"graph.path: {path}: node {node!r} has role {r!r}; use owner, admin, kol or member")
            role[i] = "" if r == "member" else r
        if "newbie" in data:
            newbie[i] = int(str(data["newbie"]).lower() in ("1", "true", "yes"))
    return SocialGraph(_from_networkx(h, cfg.weak_tie_strength), labels=np.array([str(x) for x in nodes]),
                       tier=tier, role=role, newbie=newbie, meta={"kind": "file", "path": str(path)})


def build_graph(cfg: GraphConfig, n: int, rng: np.random.Generator) -> SocialGraph:
    """The social graph the config asks for."""
    return load(cfg.path, cfg) if cfg.kind == "file" else generate(n, cfg, rng)
