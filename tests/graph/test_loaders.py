"""Graph file loaders: edge lists, GraphML, GML, GEXF; node attributes; clear errors naming the file."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim.config import Config, GraphConfig, TIERS
from sim.graph import GraphFileError, build_graph, load
from sim.model import CommunityModel
from sim.population import ROLE_ADMIN, ROLE_KOL, ROLE_OWNER

CFG = GraphConfig()  # weak_tie_strength is the weight of ties without one


def dense(g) -> dict[tuple[str, str], float]:
    """{(label, label): strength} over the upper triangle, for comparing with what was written."""
    adj = g.adjacency.toarray()
    out = {}
    for i, j in zip(*np.nonzero(np.triu(adj))):
        out[tuple(sorted((g.labels[i], g.labels[j])))] = float(adj[i, j])
    return out


def assert_clean(g) -> None:
    adj = g.adjacency
    assert (adj != adj.T).nnz == 0
    assert adj.diagonal().sum() == 0
    assert np.all((adj.data > 0) & (adj.data <= 1))


# ------------------------------------------------------------------------------ edge lists
def test_edge_list_without_weights_gets_weak_ties(tmp_path):
    path = tmp_path / "contacts.txt"
    path.write_text("a b\nb c\nc a\nc d\n")
    g = load(path, CFG)
    assert g.n == 4
    assert g.labels.tolist() == ["a", "b", "c", "d"]  # first-seen order
    assert dense(g) == {k: pytest.approx(CFG.weak_tie_strength) for k in
                        [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]}
    assert g.degree.tolist() == [2, 2, 3, 1]
    assert_clean(g)
    assert np.all(g.tier == -1) and np.all(g.newbie == -1) and np.all(g.role == "")
    assert g.meta == {"kind": "file", "path": str(path)}


def test_edge_list_with_weights_header_and_comments(tmp_path):
    path = tmp_path / "contacts.edgelist"
    path.write_text(
        "# exported contacts\n"
        "\n"
        "source target weight\n"
        "1 2 0.5   # close colleagues\n"
        "2 3 1.0\n"
        "# a comment between edges\n"
        "3 4\n"
        "1 1 0.7\n"  # a self-loop is dropped
    )
    g = load(path, CFG)
    assert g.labels.tolist() == ["1", "2", "3", "4"]
    assert dense(g) == {("1", "2"): 0.5, ("2", "3"): 1.0, ("3", "4"): pytest.approx(CFG.weak_tie_strength)}
    assert_clean(g)


def test_csv_edge_list_with_header(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("u,v,weight\nann,bob,0.25\nbob,cat,0.75\n")
    g = load(path, CFG)
    assert dense(g) == {("ann", "bob"): 0.25, ("bob", "cat"): 0.75}


def test_duplicate_ties_keep_the_strongest(tmp_path):
    path = tmp_path / "dups.txt"
    path.write_text("a b 0.2\nb a 0.7\na b 0.4\nb c\nc b 0.1\nc d 0.6\nd c\n")
    g = load(path, CFG)
    assert g.adjacency.nnz == 6  # one tie per pair
    # a b: strongest of 0.2, 0.7, 0.4; b c: the explicit 0.1 replaces "no weight"; c d: 0.6 stays
    assert dense(g) == {("a", "b"): pytest.approx(0.7), ("b", "c"): pytest.approx(0.1),
                        ("c", "d"): pytest.approx(0.6)}


def test_networkx_written_edge_list_round_trips(tmp_path):
    h = nx.Graph()
    h.add_weighted_edges_from([(0, 1, 0.1), (1, 2, 0.9), (2, 5, 0.4)])
    path = tmp_path / "nx.edgelist"
    nx.write_edgelist(h, path, data=["weight"])
    g = load(path, CFG)
    assert dense(g) == {("0", "1"): pytest.approx(0.1), ("1", "2"): pytest.approx(0.9),
                        ("2", "5"): pytest.approx(0.4)}


# ------------------------------------------------------------------------------ GraphML, GML, GEXF
def attributed_graph() -> nx.Graph:
    g = nx.Graph()
    g.add_edge("ann", "bob", weight=0.5)
    g.add_edge("bob", "cat", weight=1.0)
    g.add_edge("cat", "dan")  # no weight: a weak tie
    g.add_edge("dan", "eve", weight=0.2)
    attrs = {
        "ann": dict(tier="high", role="owner", newbie=False),
        "bob": dict(tier="low", role="member", newbie=True),
        "cat": dict(tier="mid", role="kol", newbie=True),
        "dan": dict(tier="mid", role="admin", newbie=False),
    }  # eve has no attributes
    nx.set_node_attributes(g, attrs)
    return g


WRITERS = {
    "graphml": nx.write_graphml,
    "gml": nx.write_gml,
    "gexf": nx.write_gexf,
}


@pytest.mark.parametrize("ext", sorted(WRITERS))
def test_attributed_files_give_tiers_roles_newbies_and_weights(tmp_path, ext):
    path = tmp_path / f"contacts.{ext}"
    WRITERS[ext](attributed_graph(), path)
    g = load(path, CFG)
    assert g.n == 5
    assert_clean(g)
    # GML files are read by their numeric ids; GraphML and GEXF keep the node names
    names = ["ann", "bob", "cat", "dan", "eve"]
    labels = names if ext != "gml" else [str(i) for i in range(5)]
    assert g.labels.tolist() == labels
    at = dict(zip(names, range(5)))
    assert g.tier.tolist() == [TIERS.index("high"), TIERS.index("low"), TIERS.index("mid"), TIERS.index("mid"), -1]
    assert g.role.tolist() == ["owner", "", "kol", "admin", ""]
    assert g.newbie.tolist() == [0, 1, 1, 0, -1]
    adj = g.adjacency.toarray()
    assert adj[at["ann"], at["bob"]] == pytest.approx(0.5)
    assert adj[at["bob"], at["cat"]] == pytest.approx(1.0)
    assert adj[at["cat"], at["dan"]] == pytest.approx(CFG.weak_tie_strength)
    assert adj[at["dan"], at["eve"]] == pytest.approx(0.2)
    assert g.adjacency.nnz == 8


def test_directed_graphml_is_read_as_undirected(tmp_path):
    d = nx.DiGraph()
    d.add_edge("a", "b", weight=0.5)
    d.add_edge("c", "a", weight=0.8)
    path = tmp_path / "directed.graphml"
    nx.write_graphml(d, path)
    g = load(path, CFG)
    assert_clean(g)
    assert dense(g) == {("a", "b"): 0.5, ("a", "c"): pytest.approx(0.8)}


def test_file_weak_tie_strength_comes_from_the_config(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("a b\nb c\n")
    g = load(path, GraphConfig(weak_tie_strength=0.05))
    assert np.allclose(g.adjacency.data, 0.05)


# ------------------------------------------------------------------------------ a realistic file
@pytest.fixture
def karate():
    g = nx.karate_club_graph()  # 34 members, 78 ties, interaction counts 1..7 as weights
    top = max(w for _, _, w in g.edges(data="weight"))
    for _, _, d in g.edges(data=True):
        d["weight"] = d["weight"] / top
    return g


def test_karate_club_graphml_loads_with_its_structure(tmp_path, karate):
    path = tmp_path / "karate.graphml"
    nx.write_graphml(karate, path)
    g = load(path, CFG)
    assert g.n == 34 and g.adjacency.nnz == 2 * 78
    assert_clean(g)
    index = {label: i for i, label in enumerate(g.labels)}
    for node, degree in karate.degree():
        assert g.degree[index[str(node)]] == degree
    for u, v, w in karate.edges(data="weight"):
        assert g.adjacency[index[str(u)], index[str(v)]] == pytest.approx(w, rel=1e-6)


def test_karate_club_with_raw_interaction_counts_is_refused(tmp_path):
    path = tmp_path / "karate_counts.gml"
    nx.write_gml(nx.karate_club_graph(), path)  # weights 1..7 are not tie strengths
    with pytest.raises(GraphFileError, match="outside") as err:
        load(path, CFG)
    assert str(path) in str(err.value)


def test_model_uses_roles_tiers_and_newbies_from_the_file(tmp_path, karate):
    # mark a low-degree member as owner, and two of the owner's friends as admin and KOL
    assert sorted(karate.neighbors(5)) == [0, 6, 10, 16]
    karate.nodes[5]["role"] = "owner"
    karate.nodes[6]["role"] = "admin"
    karate.nodes[16]["role"] = "kol"
    tiers = {0: "low", 5: "mid", 6: "low", 16: "low", 33: "high", 10: "high"}
    newbies = {0: True, 6: True, 16: False, 33: False}
    for node, tier in tiers.items():
        karate.nodes[node]["tier"] = tier
    for node, newbie in newbies.items():
        karate.nodes[node]["newbie"] = newbie
    path = tmp_path / "karate_roles.graphml"
    nx.write_graphml(karate, path)

    model = CommunityModel(Config(graph=GraphConfig(kind="file", path=str(path))))
    index = {label: i for i, label in enumerate(model.graph.labels)}
    assert model.people.n == model.graph.n == 34  # the file decides the population, not population.size
    owner = index["5"]
    assert int(model.groups.owner[0]) == owner
    assert model.people.role[owner] == ROLE_OWNER
    assert model.people.role[index["6"]] == ROLE_ADMIN
    assert model.people.role[index["16"]] == ROLE_KOL
    for node, tier in tiers.items():
        assert model.people.tier[index[str(node)]] == TIERS.index(tier)
    for node, newbie in newbies.items():
        assert bool(model.people.newbie[index[str(node)]]) is newbie
    members = model.members_of(0)
    assert owner in members and index["6"] in members and index["16"] in members


def test_build_graph_reads_the_file_for_kind_file(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("x y 0.5\ny z\n")
    g = build_graph(GraphConfig(kind="file", path=str(path)), 5000, np.random.default_rng(0))
    assert g.n == 3 and g.labels.tolist() == ["x", "y", "z"]


# ------------------------------------------------------------------------------ errors
def write_graphml_with(tmp_path, name, **node_attrs) -> str:
    g = nx.Graph()
    g.add_edge("a", "b", weight=0.5)
    g.add_edge("b", "c", weight=0.5)
    for key, value in node_attrs.items():
        g.nodes["b"][key] = value
    path = tmp_path / name
    nx.write_graphml(g, path)
    return path


def malformed(tmp_path):
    """(name, file content or writer) of files that must be refused."""
    return {
        "missing.graphml": None,
        "broken.gml": "graph [\n  node [ id 0 label \"a\" ]\n  node [ id 1\n",
        "broken.graphml": "<?xml version='1.0'?><graphml><graph><node id='a'/><edge source='a'",
        "broken.gexf": "not xml at all",
        "four_fields.txt": "a b 0.5\nb c 0.5 extra\n",
        "one_field.txt": "a b\nlonely\n",
        "word_weight.txt": "a b heavy\n",
        "too_heavy.txt": "a b 1.5\n",
        "zero_weight.csv": "a,b,0\n",
        "negative_weight.txt": "a b -0.2\n",
        "nan_weight.txt": "a b nan\n",
        "one_person.txt": "a a 0.5\n",
        "empty.txt": "# nobody here\n",
    }


@pytest.mark.parametrize("name", sorted(malformed(None)))
def test_malformed_files_raise_an_error_naming_the_file(tmp_path, name):
    content = malformed(tmp_path)[name]
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(GraphFileError) as err:
        load(path, CFG)
    message = str(err.value)
    assert str(path) in message
    assert "\n" not in message


@pytest.mark.parametrize("name, line", [("four_fields.txt", 2), ("one_field.txt", 2), ("word_weight.txt", 1)])
def test_edge_list_errors_give_the_line(tmp_path, name, line):
    path = tmp_path / name
    path.write_text(malformed(tmp_path)[name])
    with pytest.raises(GraphFileError, match=f"line {line}"):
        load(path, CFG)


@pytest.mark.parametrize("attrs, match", [
    (dict(tier="top"), "tier 'top'"),
    (dict(tier="High"), "tier 'High'"),
    (dict(role="king"), "role 'king'"),
])
def test_unknown_attribute_values_are_refused(tmp_path, attrs, match):
    path = write_graphml_with(tmp_path, "attrs.graphml", **attrs)
    with pytest.raises(GraphFileError, match=match) as err:
        load(path, CFG)
    assert str(path) in str(err.value)


def test_non_numeric_graphml_weight_is_refused(tmp_path):
    g = nx.Graph()
    g.add_edge("a", "b", weight="strong")
    path = tmp_path / "textweight.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(GraphFileError, match="not a number") as err:
        load(path, CFG)
    assert str(path) in str(err.value)


def test_model_with_a_malformed_file_raises_graph_file_error(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("a b 2.0\n")
    with pytest.raises(GraphFileError, match="bad.txt"):
        CommunityModel(Config(graph=GraphConfig(kind="file", path=str(path))))
