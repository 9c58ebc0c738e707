"""commsim-sensitivity (sim/sensitivity.py): knobs onto the config, a tiny Morris run, a verdict, CLI errors.

Runs are tiny (2 trajectories, 2 uncertainties, 30 days, 600 people, one replicate, in-process).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim import sensitivity as sa
from sim.config import Config, build
from sim.search import compose_tree
from sim.sensitivity import SensitivityError, apply_point, knob, parse_uncertainty, rescale_shares

SMALL = ["population.size=600"]
TWO = ["population.tier_shares.high=0.05:0.2", "rules.novelty.half_life_days=60:240"]


@pytest.fixture(scope="module")
def tree():
    return compose_tree("default", ["days=30", *SMALL])


# ------------------------------------------------------------------------ knobs onto the config
@pytest.mark.parametrize("high", [0.05, 0.1, 0.2, 0.25])
def test_tier_share_knob_rescales_the_others_and_still_sums_to_one(tree, high):
    k = knob(tree, "population.tier_shares.high")
    assert (k.kind, k.index, k.nominal(tree)) == ("share", 0, 0.1)
    new = apply_point(tree, [k], [high])
    shares = new["population"]["tier_shares"]
    assert shares[0] == pytest.approx(high)
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)
    assert shares[1] / shares[2] == pytest.approx(0.3 / 0.6)  # mid : low kept
    assert build(Config, new).population.tier_shares == pytest.approx(tuple(shares))
    assert tree["population"]["tier_shares"] == [0.1, 0.3, 0.6]  # the base tree is not touched


def test_rescale_shares_by_hand():
    assert rescale_shares([0.1, 0.3, 0.6], 0, 0.2) == pytest.approx([0.2, 0.8 * 1 / 3, 0.8 * 2 / 3])
    assert rescale_shares([0.1, 0.3, 0.6], 2, 0.3) == pytest.approx([0.7 * 0.25, 0.7 * 0.75, 0.3])
    assert rescale_shares([1.0, 0.0, 0.0], 0, 0.4) == pytest.approx([0.4, 0.3, 0.3])  # others were 0: split
    with pytest.raises(ValueError):
        rescale_shares([0.1, 0.3, 0.6], 0, 1.2)


def test_scale_element_and_scalar_knobs(tree):
    scale = knob(tree, "population.expectation_by_tier.scale")
    assert scale.kind == "scale" and scale.nominal(tree) == 1.0
    new = apply_point(tree, [scale], [1.3])
    assert new["population"]["expectation_by_tier"] == pytest.approx([0.39, 0.26, 0.13])
    element = knob(tree, "population.expectation_by_tier.mid")
    assert apply_point(tree, [element], [0.25])["population"]["expectation_by_tier"] == pytest.approx([0.3, 0.25, 0.1])
    assert knob(tree, "calendar.slot_online_share.night").index == 6
    assert knob(tree, "graph.circle_sizes.1").index == 1
    gain = knob(tree, "rules.satisfaction.value_gain")
    assert apply_point(tree, [gain], [2.5])["rules"]["satisfaction"]["value_gain"] == 2.5
    size = knob(tree, "population.size")  # an integer key is rounded
    assert size.integer and apply_point(tree, [size], [700.6])["population"]["size"] == 701
    circles = apply_point(tree, [knob(tree, "graph.circle_sizes.scale")], [1.5])["graph"]["circle_sizes"]
    assert circles == [45, 60, 38, 12] and all(isinstance(c, int) for c in circles)
    several = apply_point(tree, [scale, knob(tree, "population.tier_shares.low")], [0.5, 0.5])
    assert several["population"]["tier_shares"] == pytest.approx([0.125, 0.375, 0.5])
    built = build(Config, several)
    assert built.population.expectation_by_tier == pytest.approx((0.15, 0.1, 0.05))


def test_every_default_uncertainty_maps_and_builds_at_its_bounds(tree):
    for text in sa.DEFAULT_UNCERTAINTIES:
        u = parse_uncertainty(text)
        k = knob(tree, u.name)
        for value in (u.low, u.high):
            build(Config, apply_point(tree, [k], [value]))
        assert k.describe(tree).startswith(("sets", "multiplies"))
    assert "rescales the other shares" in knob(tree, "population.tier_shares.high").describe(tree)


@pytest.mark.parametrize("name, fragment", [
    ("population.tier_shares", "is a list; use population.tier_shares.scale or one element"),
    ("population.tier_shares.scale", "shares must sum to 1"),
    ("population.expectation_by_tier.top", "unknown element of population.expectation_by_tier; valid: "
                                           "population.expectation_by_tier.high"),
    ("graph.circle_sizes.9", "unknown element"),
    ("graph.strong_tie_shar", "graph.strong_tie_shar: unknown key; valid keys under graph:"),
    ("graph.kind", "not a number"),
    ("rules.novelty", "is a section"),
])
def test_bad_knobs_are_one_line_errors(tree, name, fragment):
    with pytest.raises(SensitivityError) as err:
        knob(tree, name)
    assert fragment in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("text, fragment", [
    ("graph.strong_tie_share", "expected KEY=LO:HI"),
    ("graph.strong_tie_share=0.4", "expected KEY=LO:HI"),
    ("graph.strong_tie_share=a:0.4", "bounds must be numbers"),
    ("graph.strong_tie_share=0.4:0.1", "bad range"),
])
def test_bad_uncertainty_specs(text, fragment):
    with pytest.raises(SensitivityError, match=fragment):
        parse_uncertainty(text)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"uncertainties": ["population.tier_shares.high=0.5:0.8", TWO[1]]}, "at 0.8: population.newbie_share"),
    ({"uncertainties": ["graph.strong_tie_share=0.1:1.5", TWO[1]]}, "at 1.5: graph.strong_tie_share: must be <="),
    ({"uncertainties": ["population.tier_shares.high=-0.1:0.2", TWO[1]]}, "a share must lie in [0, 1]"),
    ({"uncertainties": [TWO[0], TWO[0]]}, "is given twice"),
    ({"a": ["policy=[red_packet]"]}, "needs both strategies"),
    ({"a": ["policy=[redpacket]"], "b": []}, "--a: policy: unknown policy 'redpacket'"),
    ({"method": "fast"}, "--method fast"),
    ({"levels": 3}, "--levels must be even"),
    ({"objective": "retention_d90"}, "needs runs longer than 90 days"),
    ({"objective": "mood"}, "unknown objective 'mood'"),
])
def test_plan_rejects_bad_input(kwargs, fragment):
    with pytest.raises(SensitivityError) as err:
        sa.plan(**{"uncertainties": TWO, "days": 30, "overrides": SMALL, **kwargs})
    assert fragment in str(err.value) and "\n" not in str(err.value)


# ------------------------------------------------------------------------ runs
def test_tiny_morris_run_writes_table_plot_and_json(tmp_path, capsys):
    code = sa.main(["--uncertainty", TWO[0], "--uncertainty", TWO[1], "--trajectories", "2", "--seeds", "1",
                    "--days", "30", "--override", *SMALL, "--workers", "1", "--quiet", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Morris, 2 trajectories x 3 points = 6 points x 1 replicates = 6 runs" in out
    for col in ("mu_star", "conf", "sigma"):
        assert col in out
    assert "population.tier_shares.high: sets the high element of population.tier_shares and rescales" in out
    data = json.loads((tmp_path / "sensitivity.json").read_text())
    rows = data["indices"]
    assert [r["rank"] for r in rows] == [1, 2]
    assert {r["uncertainty"] for r in rows} == {"population.tier_shares.high", "rules.novelty.half_life_days"}
    assert rows[0]["mu_star"] >= rows[1]["mu_star"]  # sorted by importance
    assert all(r["mu_star"] >= abs(r["mu"]) - 1e-9 for r in rows)
    assert data["method"]["points"] == 6 and data["verdict"] is None
    assert (tmp_path / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    samples = pd.read_csv(tmp_path / "samples.csv")
    assert len(samples) == 6 and samples["population.tier_shares.high"].between(0.05, 0.2).all()
    assert np.allclose(samples["output"], samples["base_replicate0"])


def test_tiny_verdict_and_sobol():
    p = sa.plan(uncertainties=TWO, days=30, overrides=SMALL, method="sobol", samples=2, seeds=1,
                a=["policy=[red_packet]", "policy.red_packet.slot=noon"],
                b=["policy=[red_packet]", "policy.red_packet.slot=night"])
    record = sa.run_analysis(p, workers=1)
    assert record["method"]["points"] == 2 * (2 + 2) and record["method"]["runs"] == 16
    rows = record["indices"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(rows[0]) and rows[0]["ST"] >= rows[1]["ST"]
    v = record["verdict"]
    d = record["_values"]["a"][:, 0] - record["_values"]["b"][:, 0]
    assert v["points"] == 8 and v["points_a_better"] == int((d > 0).sum())
    assert v["diff_range"] == [d.min(), d.max()] and np.allclose(record["_Y"], d)
    assert v["nominal"]["better"] in ("A", "B", "tie") and v["nominal"]["replicates"] == 1
    text = sa.table(record)
    assert "verdict      A better at" in text and "ST conf" in text


def test_cli_error_exits_2_with_one_line(tmp_path, capsys):
    code = sa.main(["--uncertainty", "graph.strong_tie_share=0.4:0.1", "--uncertainty", TWO[1],
                    "--out", str(tmp_path / "never")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0] == ("commsim-sensitivity: error: --uncertainty graph.strong_tie_share=0.4:0.1: bad range: the low "
                      "end 0.4 must be below the high end 0.1")
    assert not (tmp_path / "never").exists()
