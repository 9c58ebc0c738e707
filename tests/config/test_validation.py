"""Config validation: every bad value is a ConfigError naming the full dotted key; valid configs build.

``sim.config.build`` is what both the CLI and the Python API go through (after Hydra composition),
so most tests call it with plain dicts; a few go through Hydra's compose to check both paths agree.
"""

from __future__ import annotations

import dataclasses
import math
import re
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.api import compose, to_config
from sim.config import Config, ConfigError, GraphConfig, build, to_dict


def nest(dotted: str, value) -> dict:
    """"a.b.c", v -> {"a": {"b": {"c": v}}}."""
    tree: dict = {}
    node = tree
    *parents, last = dotted.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return tree


def merge(*trees: dict) -> dict:
    out: dict = {}
    for tree in trees:
        for key, value in tree.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value)
            else:
                out[key] = value
    return out


def leaves(cls=Config, prefix: str = "") -> dict[str, object]:
    """Every leaf field of the schema as {dotted key: type hint}."""
    out = {}
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(hints[f.name]):
            out.update(leaves(hints[f.name], key + "."))
        else:
            out[key] = hints[f.name]
    return out


LEAVES = leaves()


def get(cfg, dotted: str):
    for part in dotted.split("."):
        cfg = getattr(cfg, part)
    return cfg


def is_leaf_key(key: str) -> bool:
    """A full dotted key of the schema, optionally with an index (``calendar.holidays[3]``)."""
    return re.sub(r"\[\d+\]$", "", key) in LEAVES


# ------------------------------------------------------------------------------ valid configs
def test_empty_tree_builds_the_defaults():
    assert build(Config, {}) == Config()
    assert build(Config, None) == Config()


def test_defaults_round_trip_through_a_plain_dict():
    cfg = Config()
    tree = to_dict(cfg)
    assert all(not isinstance(v, tuple) for v in tree["population"].values())  # YAML-friendly lists
    assert build(Config, tree) == cfg


def test_small_config_is_valid_and_round_trips(small):
    cfg = small(seed=3, days=60, size=700, capacity=200)
    assert build(Config, to_dict(cfg)) == cfg
    assert cfg.groups.capacity == 200 and cfg.population.size == 700


def test_build_converts_lists_and_keeps_values():
    cfg = build(Config, {"seed": 9, "days": 45, "population": {"tier_shares": [0.2, 0.3, 0.5]},
                         "graph": {"kind": "circles", "cross_degree": 0.5},
                         "calendar": {"start_date": "2026-03-02", "holidays": ["2026-04-05"]}})
    assert cfg.seed == 9 and cfg.days == 45
    assert cfg.population.tier_shares == (0.2, 0.3, 0.5)
    assert cfg.graph.kind == "circles" and cfg.graph.cross_degree == 0.5
    assert cfg.calendar.holidays == ("2026-04-05",)
    assert cfg.population.size == Config().population.size  # untouched keys keep their defaults


@pytest.mark.parametrize("kind", ["scale_free", "small_world", "circles"])
def test_every_generated_graph_kind_is_valid(kind):
    assert build(Config, {"graph": {"kind": kind}}).graph.kind == kind


def test_file_graph_with_a_path_is_valid_and_skips_the_population_size_check():
    cfg = build(Config, {"graph": {"kind": "file", "path": "contacts.graphml"},
                         "population": {"size": 10}, "groups": {"count": 3}})
    assert cfg.graph.path == "contacts.graphml"


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().days = 3  # type: ignore[misc]


# ------------------------------------------------------------------------------ bad values
BAD = [
    # (tree, full dotted key the error must name, a word the message must contain)
    ({"groups": {"capacity": -1}}, "groups.capacity", ">= 2"),
    ({"groups": {"capacity": 0}}, "groups.capacity", ">= 2"),
    ({"seed": -1}, "seed", ">= 0"),
    ({"days": 0}, "days", ">= 1"),
    ({"population": {"tier_shares": [0.5, 0.5, 0.5]}}, "population.tier_shares", "sum to 1"),
    ({"population": {"tier_shares": [0.2, 0.2, 0.2]}}, "population.tier_shares", "sum to 1"),
    ({"population": {"tier_shares": [1.2, -0.1, -0.1]}}, "population.tier_shares", "<= 1"),
    ({"population": {"tier_shares": [0.6, 0.5, -0.1]}}, "population.tier_shares", ">= 0"),
    ({"population": {"tier_shares": [0.5, 0.5]}}, "population.tier_shares", "expected 3"),
    ({"population": {"tier_shares": [0.25, 0.25, 0.25, 0.25]}}, "population.tier_shares", "expected 3"),
    ({"population": {"expectation_by_tier": [0.3, 0.2]}}, "population.expectation_by_tier", "expected 3"),
    ({"population": {"expectation_by_tier": [0.3, 0.2, 1.5]}}, "population.expectation_by_tier", "<= 1"),
    ({"population": {"newbie_share": 0.95}}, "population.newbie_share", "newbies"),
    ({"population": {"size": 5}}, "population.size", ">= 10"),
    ({"population": {"propensity_median_posts_per_day": 0}}, "population.propensity_median_posts_per_day", "> 0"),
    ({"calendar": {"slot_online_share": [0.5, 0.5]}}, "calendar.slot_online_share", "expected 7"),
    ({"calendar": {"slot_online_share": [0.3, 0.4, 0.3, 0.4, 0.5, 0.5, 1.5]}}, "calendar.slot_online_share", "<= 1"),
    ({"calendar": {"start_date": "2026-02-30"}}, "calendar.start_date", "ISO date"),
    ({"calendar": {"start_date": "next monday"}}, "calendar.start_date", "ISO date"),
    ({"calendar": {"start_date": 20260105}}, "calendar.start_date", "expected a string"),
    ({"calendar": {"holidays": ["2026-01-01", "2026-13-01"]}}, "calendar.holidays[1]", "ISO date"),
    ({"calendar": {"weekend_activity_factor": 0}}, "calendar.weekend_activity_factor", "> 0"),
    ({"graph": {"kind": "nope"}}, "graph.kind", "scale_free"),
    ({"graph": {"kind": "file"}}, "graph.path", "graph.path="),
    ({"graph": {"mean_degree": 1}}, "graph.mean_degree", ">= 2"),
    ({"graph": {"mean_degree": "ten"}}, "graph.mean_degree", "number"),
    ({"graph": {"circle_tie_strength": [0.5, 0.5, 0.5]}}, "graph.circle_tie_strength", "expected 4"),
    ({"graph": {"circle_sizes": [30, 40, 25]}}, "graph.circle_within_degree", "expected 3"),
    ({"graph": {"circle_tie_strength": [0.5, 0.6, 0.0, 1.0]}}, "graph.circle_tie_strength", "> 0"),
    ({"graph": {"weak_tie_strength": 1.5}}, "graph.weak_tie_strength", "<= 1"),
    ({"graph": {"rewire_prob": -0.1}}, "graph.rewire_prob", ">= 0"),
    ({"groups": {"seed_users": 600}}, "groups.seed_users", "capacity"),
    ({"groups": {"seed_users": 1, "admins": 1, "kols": 1}}, "groups.admins", "seed_users"),
    ({"groups": {"count": 100}, "population": {"size": 800}}, "groups.count", "population.size"),
    ({"organizers": {"post_quality": 1.1}}, "organizers.post_quality", "<= 1"),
    ({"kols": {"dominance": -0.5}}, "kols.dominance", ">= 0"),
    ({"rules": {"exit": {"satisfaction_floor": 0}}}, "rules.exit.satisfaction_floor", "> 0"),
    ({"rules": {"content": {"quality_by_tier": [0.9, 0.6, 0.3, 0.1]}}}, "rules.content.quality_by_tier", "expected 3"),
    ({"rules": {"value": {"noise_weight": float("nan")}}}, "rules.value.noise_weight", "number"),
    ({"rules": {"novelty": {"half_life_days": -1}}}, "rules.novelty.half_life_days", "> 0"),
    ({"days": "abc"}, "days", "number"),
    ({"seed": True}, "seed", "number"),
    ({"seed": None}, "seed", "number"),
    ({"populaton": {"size": 5}}, "populaton", "unknown key"),
    ({"population": {"sise": 5}}, "population.sise", "unknown key"),
    ({"rules": {"exit": {"expo": 1}}}, "rules.exit.expo", "unknown key"),
    ({"colour": "red"}, "colour", "unknown key"),
]


@pytest.mark.parametrize("tree, key, words", BAD, ids=[key + "-" + str(i) for i, (_, key, _) in enumerate(BAD)])
def test_bad_value_names_the_full_dotted_key(tree, key, words):
    with pytest.raises(ConfigError) as err:
        build(Config, tree)
    assert err.value.key == key
    assert str(err.value).startswith(f"{key}: ")
    assert words in err.value.message
    assert "\n" not in str(err.value)
    assert isinstance(err.value, ValueError)  # callers may catch ValueError


def test_unknown_key_lists_the_valid_keys_of_its_level():
    with pytest.raises(ConfigError) as err:
        build(Config, {"groups": {"capasity": 10}})
    assert "capacity" in err.value.message and "seed_users" in err.value.message


def test_dataclass_construction_checks_ranges_without_build():
    with pytest.raises(ConfigError) as err:
        GraphConfig(kind="small_world", rewire_prob=2.0)
    assert err.value.key == "rewire_prob"  # relative to the section; build adds the prefix


def test_under_prefixes_keys():
    assert ConfigError("capacity", "bad").under("groups").key == "groups.capacity"
    assert ConfigError("capacity", "bad").under("").key == "capacity"


# ------------------------------------------------------------------------------ through Hydra
@pytest.mark.parametrize("override, key", [
    ("groups.capacity=-1", "groups.capacity"),
    ("population.tier_shares=[0.5,0.5,0.5]", "population.tier_shares"),
    ("calendar.start_date=2026-02-30", "calendar.start_date"),
])
def test_composed_config_errors_name_the_key(override, key):
    with pytest.raises(ConfigError) as err:
        to_config(compose(overrides=[override]))
    assert err.value.key == key


def test_composed_config_applies_overrides_and_groups():
    cfg = to_config(compose(overrides=["graph=circles", "days=60", "population.size=900", "seed=4"]))
    assert isinstance(cfg, Config)
    assert (cfg.graph.kind, cfg.days, cfg.population.size, cfg.seed) == ("circles", 60, 900, 4)
    assert len(cfg.calendar.holidays) > 0  # conf/calendar/china.yaml is composed in


@pytest.mark.parametrize("override", ["populaton.size=5", "days=abc", "graph=nope"])
def test_composition_refuses_unknown_keys_and_wrong_types(override):
    name = override.split("=")[0]
    with pytest.raises(Exception) as err:
        to_config(compose(overrides=[override]))
    text = str(err.value) + str(err.value.__cause__ or "")
    assert name in text


# ------------------------------------------------------------------------------ fuzzing
NUMBERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
ANY_NUMERIC = st.one_of(NUMBERS, st.lists(NUMBERS, max_size=9))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_numbers_anywhere_give_a_config_or_a_config_error(data):
    keys = data.draw(st.lists(st.sampled_from(sorted(LEAVES)), min_size=1, max_size=6, unique=True))
    values = {key: data.draw(ANY_NUMERIC, label=key) for key in keys}
    tree = merge(*(nest(k, v) for k, v in values.items()))
    try:
        cfg = build(Config, tree)
    except ConfigError as err:
        assert err.key and str(err).startswith(err.key + ": ")
        return
    assert isinstance(cfg, Config)
    for key, value in values.items():  # what was accepted is what was given
        stored = get(cfg, key)
        given = tuple(value) if isinstance(value, list) else value
        as_floats = (tuple(float(v) for v in given) if isinstance(given, tuple) else float(given))  # int -> float field
        assert stored == given or stored == as_floats or (isinstance(value, float) and math.isnan(value))


def _well_shaped(hint) -> st.SearchStrategy:
    """A number of the field's type, or a tuple of them of a plausible length."""
    ints = st.integers(min_value=-(10**12), max_value=10**12)
    floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=-2, max_value=2))
    if hint is int:
        return ints
    if hint is float:
        return st.one_of(floats, st.integers(min_value=-100, max_value=100))
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and args and args[0] in (int, float):
        element = ints if args[0] is int else floats
        return st.lists(element, min_size=1, max_size=8)
    raise ValueError(hint)


NUMERIC_LEAVES = sorted(k for k, h in LEAVES.items()
                        if h in (int, float)
                        or (typing.get_origin(h) is tuple and typing.get_args(h)[0] in (int, float)))


def test_numeric_leaves_cover_every_section():
    sections = {k.split(".")[0] for k in NUMERIC_LEAVES}
    assert {"population", "groups", "graph", "calendar", "organizers", "kols", "rules"} <= sections
    assert "groups.capacity" in NUMERIC_LEAVES and "rules.exit.exponent" in NUMERIC_LEAVES


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fuzz_one_numeric_field_errors_name_a_full_dotted_key(data):
    key = data.draw(st.sampled_from(NUMERIC_LEAVES))
    value = data.draw(_well_shaped(LEAVES[key]), label=key)
    try:
        cfg = build(Config, nest(key, value))
    except ConfigError as err:
        assert is_leaf_key(err.key), f"{err.key!r} is not a full dotted key of the schema"
        return
    stored = get(cfg, key)
    assert stored == (tuple(value) if isinstance(value, list) else value)


# ------------------------------------------------------------------------------ types and shapes
@pytest.mark.parametrize("tree, key", [({"days": 1.5}, "days"), ({"population": {"size": 800.5}}, "population.size"),
                                       ({"days": float("inf")}, "days")])
def test_int_fields_refuse_non_integers(tree, key):
    with pytest.raises(ConfigError) as err:
        build(Config, tree)
    assert err.value.key == key


def test_huge_integer_is_a_config_error():
    with pytest.raises(ConfigError) as err:
        build(Config, {"days": 10**400})
    assert err.value.key == "days"


@pytest.mark.parametrize("tree, key", [({"population": 5}, "population"), ({"scenario": 3}, "scenario")])
def test_number_in_place_of_a_section_is_a_config_error(tree, key):
    with pytest.raises(ConfigError) as err:
        build(Config, tree)
    assert err.value.key == key


@pytest.mark.parametrize("tree, key", [
    ({"population": {"tier_shares": 0.5}}, "population.tier_shares"),
    ({"calendar": {"holidays": 5}}, "calendar.holidays"),
    ({"population": {"size": [10, 20]}}, "population.size"),
])
def test_wrong_shape_names_the_field(tree, key):
    with pytest.raises(ConfigError) as err:
        build(Config, tree)
    assert err.value.key == key


def test_composed_default_equals_the_schema_default():
    """`commsim` with no overrides and `CommunityModel()` run the same world."""
    from sim.api import compose, to_config

    assert to_config(compose()) == Config()
