"""commsim-search (sim/search.py): parameter specs, a tiny budgeted search, reproducibility, CLI errors.

The searches are tiny (3-4 trials, 2 replicates, 40 days, 600 people, in-process) and each runs once
per module (fixtures); the table, files and exit status go through ``sim.search.main`` in-process, and
one error through the installed console script in a subprocess.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import search
from sim.search import ParamSpec, SearchError, hydra_value, parse_param

TINY = dict(scenario="default", policies=["red_packet"], days=40, overrides=["population.size=600"], seeds=2,
            eval_seeds=2, seed=0)
PARAMS = ["policy.red_packet.amount_yuan=float:5:100", "policy.red_packet.slot=choice:noon,after_21,night"]
#: With 4 trials on this world, 300 yuan leaves some trials over budget and some within (checked below).
BUDGET = 300.0


# ------------------------------------------------------------------------ specs
def test_parse_float_int_log_and_choice():
    assert parse_param("policy.red_packet.amount_yuan=float:5:100") == ParamSpec(
        "policy.red_packet.amount_yuan", "float", 5.0, 100.0, text="policy.red_packet.amount_yuan=float:5:100")
    p = parse_param("policy.red_packet.every_days=int:1:14:log")
    assert (p.kind, p.low, p.high, p.log) == ("int", 1, 14, True)
    c = parse_param("policy.red_packet.slot=choice:noon, after_21 ,night")
    assert c.choices == ("noon", "after_21", "night")
    typed = parse_param("policy.red_packet.on_holidays=choice:true,false").choices
    assert typed == (True, False)
    assert parse_param("policy.red_packet.shares=choice:5,10").choices == (5, 10)
    assert p.extremes() == [1, 14] and c.extremes() == ["noon", "after_21", "night"]
    assert p.contains(7) and not p.contains(15) and c.contains("noon") and not c.contains("night_owl")


@pytest.mark.parametrize("text, fragment", [
    ("policy.red_packet.amount_yuan", "expected KEY=float:LO:HI"),
    ("=float:1:2", "expected KEY=float:LO:HI"),
    ("policy.red_packet.amount_yuan=", "expected KEY=float:LO:HI"),
    ("policy..amount=float:1:2", "is not a config key"),
    ("policy.red_packet.amount_yuan=real:1:2", "unknown type 'real'"),
    ("policy.red_packet.amount_yuan=float:100:5", "bad range"),
    ("policy.red_packet.amount_yuan=float:5:5", "bad range"),
    ("policy.red_packet.amount_yuan=float:a:5", "the low end must be a number"),
    ("policy.red_packet.amount_yuan=float:1:inf", "must be finite"),
    ("policy.red_packet.amount_yuan=float:1", "needs a range"),
    ("policy.red_packet.amount_yuan=float:1:2:3", "needs a range"),
    ("policy.red_packet.every_days=int:1.5:7", "must be an integer"),
    ("policy.red_packet.amount_yuan=float:0:5:log", "log scale needs a low end > 0"),
    ("policy.red_packet.slot=choice:", "choice needs values"),
    ("policy.red_packet.slot=choice:noon,,night", "choice needs values"),
    ("policy.red_packet.slot=choice:noon,noon", "listed twice"),
    ("seed=int:0:5", "set by the search"),
])
def test_bad_specs_are_one_line_errors(text, fragment):
    with pytest.raises(SearchError) as err:
        parse_param(text)
    message = str(err.value)
    assert fragment in message and "\n" not in message
    assert message.startswith(f"--param {text}")


def test_values_are_spelled_as_hydra_overrides():
    assert hydra_value(True) == "true" and hydra_value(3) == "3" and hydra_value(0.5) == "0.5"
    assert hydra_value("after_21") == "after_21"
    assert hydra_value("true") == "'true'" and hydra_value("a b") == "'a b'"


# ------------------------------------------------------------------------ validation by composing
@pytest.mark.parametrize("params, extra, fragment", [
    (["policy.red_packet.amont_yuan=float:5:100"], {}, "policy.red_packet.amont_yuan: unknown key; valid keys "
                                                       "under policy.red_packet: amount_yuan"),
    (["nope.key=float:1:2"], {}, "nope: unknown key"),
    (["population.tier_shares=float:0:1"], {}, "is a list"),
    (["policy.red_packet.amount_yuan=float:-5:100"], {}, "policy.red_packet.amount_yuan: must be > 0.0"),
    (["policy.red_packet.slot=choice:noon,dusk"], {}, "policy.red_packet.slot: must be one of"),
    (["policy.check_in.rule_set=choice:deposit"], {}, "policy.check_in: this policy is not selected"),
    ([PARAMS[0], PARAMS[0]], {}, "is given twice"),
    ([PARAMS[0]], {"overrides": ["policy.red_packet.amount_yuan=3"]}, "also fixed by --override"),
    ([PARAMS[0]], {"objective": "happiness"}, "unknown objective 'happiness'; valid: peak_members"),
    ([PARAMS[0]], {"objective": "retention_d90"}, "needs runs longer than 90 days"),
    ([PARAMS[0]], {"policies": ["red_packets"]}, "--policy red_packets: unknown policy"),
    ([PARAMS[0]], {"overrides": ["population.sise=3"]}, "population.sise"),
    ([PARAMS[0]], {"scenario": "nope"}, "Could not find 'scenario/nope'"),
    ([PARAMS[0]], {"trials": 0}, "--trials must be >= 1"),
    ([PARAMS[0]], {"budget_yuan": -1.0}, "--budget-yuan must be a number >= 0"),
    ([PARAMS[0]], {"baseline": ["policy.red_packet.slot=dusk"]}, "--baseline: policy.red_packet.slot"),
    ([], {}, "nothing to search"),
])
def test_plan_rejects_bad_input_with_one_line(params, extra, fragment):
    with pytest.raises(SearchError) as err:
        search.plan(**{**TINY, "params": params, **extra})
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_baselines_compose_as_documented():
    one = ["policy.red_packet.slot=choice:noon"]
    none = search.plan(**TINY, params=one)
    assert not any(o.startswith("policy") for o in none.baseline_overrides)
    assert "population.size=600" in none.baseline_overrides and "days=40" in none.baseline_overrides
    defaults = search.plan(**{**TINY, "baseline": ["defaults"]}, params=one)
    assert "policy=[red_packet]" in defaults.baseline_overrides
    assert not any(o.startswith("policy.red_packet.") for o in defaults.baseline_overrides)
    night = search.plan(**{**TINY, "baseline": ["policy.red_packet.slot=night"]}, params=one)
    assert night.baseline_overrides[-1] == "policy.red_packet.slot=night"


# ------------------------------------------------------------------------ a tiny search
@pytest.fixture(scope="module")
def tiny():
    p = search.plan(**TINY, params=PARAMS, trials=4, budget_yuan=BUDGET)
    return p, search.run_search(p, workers=1)


def test_tiny_search_finds_a_feasible_best_within_bounds(tiny):
    p, record = tiny
    best = record["best"]
    assert best is not None
    for spec in p.params:
        assert spec.contains(best["params"][spec.key])
    assert best["search_mean_spend_yuan"] <= BUDGET
    trials = [t for t in record["trials"] if t["state"] == "COMPLETE"]
    assert len(trials) == 4
    for t in trials:  # feasibility is exactly "mean spend over the replicates <= budget"
        assert t["feasible"] == (t["mean_spend_yuan"] <= BUDGET)
        assert t["value"] == pytest.approx(sum(t["values"]) / len(t["values"]))
    assert any(not t["feasible"] for t in trials) and any(t["feasible"] for t in trials), \
        "the budget should split the trials; adjust BUDGET if the model changed"
    feasible = [t for t in trials if t["feasible"]]
    assert best["search_mean"] == max(t["value"] for t in feasible)  # never an over-budget trial


def test_tiny_search_reevaluates_best_and_baseline_on_fresh_replicates(tiny):
    _, record = tiny
    e = record["evaluation"]
    assert e["replicates"] == [2, 3]  # after the search's replicates 0 and 1
    assert len(e["best"]["values"]) == 2 and len(e["baseline_result"]["values"]) == 2
    assert e["baseline_result"]["mean_spend_yuan"] == 0.0  # no policy
    d = e["difference"]
    diffs = [a - b for a, b in zip(e["best"]["values"], e["baseline_result"]["values"])]
    assert d["diff"] == pytest.approx(sum(diffs) / 2)
    assert d["won"] == sum(x > 0 for x in diffs) and d["n_pairs"] == 2
    assert d["diff_low"] <= d["diff"] <= d["diff_high"]


def test_tiny_search_table_and_files(tiny, tmp_path):
    p, record = tiny
    search.save(record, tmp_path)
    text = search.table(record, p)
    assert "best         trial #" in text and "amount_yuan" in text and "difference" in text
    data = json.loads((tmp_path / "search.json").read_text())
    assert data["best"]["params"] == record["best"]["params"]
    assert data["search"]["feasible"] == sum(t["feasible"] for t in record["trials"])
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert len(trials) == 4
    assert {"number", "value", "params_policy.red_packet.amount_yuan", "params_policy.red_packet.slot",
            "mean_spend_yuan", "feasible"} <= set(trials.columns)


def test_same_seed_same_trials_and_best(tiny):
    _, record = tiny
    again = search.run_search(search.plan(**TINY, params=PARAMS, trials=4, budget_yuan=BUDGET), workers=1)
    assert [t["params"] for t in again["trials"]] == [t["params"] for t in record["trials"]]
    assert [t["value"] for t in again["trials"]] == [t["value"] for t in record["trials"]]
    assert again["best"]["params"] == record["best"]["params"]
    assert again["evaluation"]["difference"] == record["evaluation"]["difference"]


# ------------------------------------------------------------------------ the command line
def test_impossible_budget_says_no_feasible_trial(tmp_path, capsys):
    code = search.main(["--policy", "red_packet", "--param", PARAMS[0], "--budget-yuan", "1", "--trials", "3",
                        "--seeds", "2", "--days", "40", "--override", "population.size=600", "--workers", "1",
                        "--quiet", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "no feasible trial: all 3 completed trials spent more than the budget of 1 yuan" in out
    data = json.loads((tmp_path / "search.json").read_text())
    assert data["best"] is None and data["search"]["feasible"] == 0
    assert (tmp_path / "trials.csv").is_file()


@pytest.mark.parametrize("argv, fragment", [
    (["--param", "policy.red_packet.amount_yuan=float:100:5"], "bad range"),
    (["--param", "policy.red_packet.amont_yuan=float:5:100"], "unknown key"),
    (["--param", "policy.red_packet.amount_yuan=float:5:100", "--workers", "0"], "--workers must be >= 1"),
    (["--param", "policy.red_packet.amount_yuan=float:5:100", "--objective", "x"], "unknown objective"),
])
def test_cli_errors_exit_2_with_one_line(argv, fragment, tmp_path, capsys):
    code = search.main(["--policy", "red_packet", *argv, "--out", str(tmp_path / "never")])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("commsim-search: error: ") and fragment in lines[0]
    assert not (tmp_path / "never").exists()


def test_console_script_reports_a_bad_spec(tmp_path):
    exe = Path(sys.executable).with_name("commsim-search")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.search"]
    proc = subprocess.run(command + ["--policy", "red_packet", "--param", "policy.red_packet.amount_yuan=float:x:5"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("commsim-search: error: --param policy.red_packet.amount_yuan=float:x:5: the low "
                                   "end must be a number, got 'x'")
    assert "Traceback" not in proc.stderr and not list(tmp_path.iterdir())


def test_objective_values_match_the_sweep_definitions():
    row = {"active_members_final": 50, "spend_yuan": 200.0, "retention_d90": None, "failure_boredom": True}
    assert search.objective_value(row, "active_members_final") == 50
    assert search.objective_value(row, "active_members_final per 1000 yuan") == pytest.approx(250.0)
    assert math.isnan(search.objective_value(row, "retention_d90"))
    assert search.objective_value(row, "failure_boredom") == 1.0
    assert search.higher_is_better("active_members_final") and not search.higher_is_better("spend_yuan")
