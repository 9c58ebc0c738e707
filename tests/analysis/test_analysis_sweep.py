"""load_sweep on hand-made sweep directories: the tidy table, strategy columns and labels, clear errors."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_fixtures import make_sweep

from analysis.sweep import (
    SweepError,
    done,
    fixed_settings,
    fmt_value,
    load_sweep,
    outcome_columns,
    override_keys,
    short_names,
    strategies,
    strategy_columns,
)

SLOT, AMOUNT = "policy.red_packet.slot", "policy.red_packet.amount_yuan"


@pytest.fixture
def tiny_sweep(tmp_path):
    """A hand-made sweep directory (analysis_fixtures.make_sweep): 4 strategies x 3 replicates, 1 failed job."""
    return make_sweep(tmp_path / "sweep")


def test_load_sweep_keeps_every_job_with_its_status(tiny_sweep):
    df = load_sweep(tiny_sweep)
    assert len(df) == 13 and list(df["status"]).count("failed") == 1 and len(done(df)) == 12
    failed = df[df["status"] == "failed"].iloc[0]
    assert failed["error"] == "RuntimeError: boom" and failed["strategy"] == "slot=night, amount_yuan=40"
    assert df.attrs["sweep_dir"] == str(tiny_sweep)
    assert df.loc[df["job"] == "job-noon10r0", "run_dir"].item() == str(tiny_sweep / "job-noon10r0")


def test_strategy_columns_are_the_swept_keys(tiny_sweep):
    df = load_sweep(tiny_sweep)
    assert strategy_columns(df) == [SLOT, AMOUNT]  # not replicate, not the fixed days / policy
    assert fixed_settings(df) == {"policy": '["red_packet"]', "days": 10}
    assert strategies(df) == ["slot=night, amount_yuan=10", "slot=night, amount_yuan=40",
                              "slot=noon, amount_yuan=10", "slot=noon, amount_yuan=40"]
    assert df.groupby("strategy").size().to_dict()["slot=night, amount_yuan=40"] == 4  # 3 done + 1 failed


def test_outcomes_are_numeric_and_failures_boolean(tiny_sweep):
    df = load_sweep(tiny_sweep)
    assert df["retention_d90"].isna().all() and pd.api.types.is_float_dtype(df["retention_d90"])
    assert pd.api.types.is_numeric_dtype(df["active_members_final"])
    assert df["failure_evaporation"].sum() == 2  # noon, replicate 0, both amounts
    cols = outcome_columns(df)
    assert "active_members_final" in cols and "spend_yuan" in cols
    assert not {"replicate", "seed", SLOT, AMOUNT, "days", "job", "strategy"} & set(cols)


def test_a_sweep_of_replicates_only_has_one_strategy(tmp_path):
    rows = [{"job": f"job-{i}", "overrides": f"replicate={i} days=5", "replicate": i, "days": 5, "status": "done",
             "error": "", "seed": 0, "final_members": i} for i in range(3)]
    (tmp_path / "s").mkdir()
    pd.DataFrame(rows).to_parquet(tmp_path / "s" / "sweep.parquet")
    df = load_sweep(tmp_path / "s")
    assert strategy_columns(df) == [] and set(df["strategy"]) == {"all runs"}


def test_values_are_shown_as_typed():
    assert fmt_value('["red_packet", "check_in"]') == "[red_packet,check_in]" and fmt_value("[]") == "[]"
    assert fmt_value(10.0) == "10" and fmt_value(0.5) == "0.5"
    assert fmt_value(None) == "-" and fmt_value("noon") == "noon"


def test_override_keys_and_short_names():
    assert override_keys("policy=[a,b] +x.y=1 hydra.job.chdir=true ~z=") == ["policy", "x.y", "z"]
    assert short_names(["policy.a.slot", "policy.b.slot", "days"]) == {"policy.a.slot": "policy.a.slot",
                                                                      "policy.b.slot": "policy.b.slot",
                                                                      "days": "days"}


@pytest.mark.parametrize("case, message", [("missing", "no such directory"), ("file", "not a directory"),
                                           ("empty", "no sweep.parquet"), ("garbage", "unreadable")])
def test_bad_directories_give_one_line_errors(tmp_path, case, message):
    target = tmp_path / case
    if case == "file":
        target.write_text("x")
    elif case in ("empty", "garbage"):
        target.mkdir()
        if case == "garbage":
            (target / "sweep.parquet").write_text("not parquet")
    with pytest.raises(SweepError, match=message) as err:
        load_sweep(target)
    assert "\n" not in str(err.value)
