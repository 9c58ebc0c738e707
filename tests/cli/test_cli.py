"""The real ``commsim`` command in a subprocess: a good run, reproducibility, and one-line errors.

The subprocesses are started together by a module fixture (each costs ~2 s of imports) and each test
asserts on one of them; further bad inputs go through ``sim.cli.main`` in-process (same code path).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.api import run
from sim.config import Config, build

RUN_FILES = ("config.yaml", "timeseries.parquet", "members.parquet", "events.parquet", "summary.json",
             "lifecycle.png")
TABLES = ("timeseries.parquet", "members.parquet", "events.parquet")
GOOD = ["days=30", "population.size=600"]


def commsim_command() -> list[str]:
    exe = Path(sys.executable).with_name("commsim")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.cli"]


def commsim(args: list[str], cwd: Path, command: list[str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run((command or commsim_command()) + args, cwd=cwd, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


# ------------------------------------------------------------------------------ a good run
@pytest.fixture(scope="module")
def good(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli_good")
    out = base / "run"
    proc = commsim(GOOD + [f"hydra.run.dir={out}"], base)
    return proc, out, base


def test_good_run_exits_zero_and_quietly(good):
    proc, out, _ = good
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "commsim: error" not in proc.stderr


def test_good_run_writes_the_run_directory(good):
    proc, out, base = good
    for name in RUN_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert not list(base.glob(".*partial*")) and not list(out.parent.glob(".run.partial-*"))
    assert not (base / "runs").exists()  # hydra.run.dir is honoured; nothing lands in the working directory
    assert (out / "lifecycle.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_written_config_is_the_resolved_config_with_the_overrides(good):
    _, out, _ = good
    tree = yaml.safe_load((out / "config.yaml").read_text())
    assert "hydra" not in tree
    assert tree["days"] == 30 and tree["population"]["size"] == 600
    cfg = build(Config, tree)  # rerunnable as is
    assert cfg.days == 30 and cfg.population.size == 600
    assert len(cfg.calendar.holidays) > 0  # composed groups are resolved into it


def test_headline_matches_the_summary_and_names_the_run_directory(good):
    proc, out, _ = good
    summary = json.loads((out / "summary.json").read_text())
    h = summary["headline"]
    lines = proc.stdout.splitlines()
    text = proc.stdout
    assert any(ln.split() == ["run", "directory", str(out)] for ln in lines), text
    assert f"{h['peak_members']} on day {h['peak_day']}" in text
    assert "seed 0, 30 days" in text and f"{summary['graph']['people']} people" in text
    assert summary["days"] == 30 and summary["graph"]["people"] == 600
    members = pd.read_parquet(out / "members.parquet")
    assert h["ever_joined"] == len(members)
    assert f"{h['ever_joined']} / {h['left']}" in text


def test_rerun_from_written_config_gives_byte_identical_tables(good, tmp_path):
    _, out, _ = good
    cfg = build(Config, yaml.safe_load((out / "config.yaml").read_text()))
    again = run(cfg).save(tmp_path / "again", plot=False)
    for name in TABLES:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    first, second = (json.loads((d / "summary.json").read_text()) for d in (out, again))
    assert first == second


def test_another_seed_gives_other_tables(good, tmp_path):
    _, out, _ = good
    cfg = build(Config, {**yaml.safe_load((out / "config.yaml").read_text()), "seed": 1})
    other = run(cfg).save(tmp_path / "other", plot=False)
    assert (other / "members.parquet").read_bytes() != (out / "members.parquet").read_bytes()


# ------------------------------------------------------------------------------ bad inputs
def write_bad_files(base: Path) -> None:
    (base / "broken.gml").write_text('graph [\n  node [ id 0 label "a" ]\n  node [ id 1\n')
    (base / "four_fields.txt").write_text("a b 0.5\nb c 0.5 extra\n")
    (base / "heavy.csv").write_text("a,b,3\n")
    (base / "tiny.txt").write_text("a b\nb c\nc d\n")
    (base / "badtier.graphml").write_text(
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="t" for="node" attr.name="tier" attr.type="string"/>'
        '<graph edgedefault="undirected"><node id="a"><data key="t">top</data></node><node id="b"/>'
        '<edge source="a" target="b"/></graph></graphml>')


def bad_cases(base: Path) -> dict[str, tuple[list[str], str]]:
    """The bad inputs run through the real command: name -> (arguments, text the error line must contain)."""
    return {
        "unknown_key": (["populaton.size=5"], "populaton.size"),
        "wrong_type": (["days=abc"], "days"),
        "out_of_range": (["groups.capacity=-1"], "groups.capacity"),
        "shares": (["population.tier_shares=[0.5,0.5,0.5]"], "population.tier_shares"),
        "file_without_path": (["graph=file"], "graph.path"),
        "missing_file": (["graph=file", f"graph.path={base / 'nowhere.graphml'}"], str(base / "nowhere.graphml")),
        "broken_gml": (["graph=file", f"graph.path={base / 'broken.gml'}"], str(base / "broken.gml")),
        "unknown_scenario": (["scenario=nope"], "nope"),
    }


def more_bad_cases(base: Path) -> dict[str, tuple[list[str], str]]:
    """Further bad inputs, checked in-process through ``sim.cli.main`` (same code path, no process start)."""
    return {
        "wrong_length": (["population.tier_shares=[0.5,0.5]"], "population.tier_shares"),
        "bad_date": (["calendar.start_date=2026-02-30"], "calendar.start_date"),
        "four_fields": (["graph=file", f"graph.path={base / 'four_fields.txt'}"], str(base / "four_fields.txt")),
        "heavy_weight": (["graph=file", f"graph.path={base / 'heavy.csv'}"], str(base / "heavy.csv")),
        "bad_tier": (["graph=file", f"graph.path={base / 'badtier.graphml'}"], str(base / "badtier.graphml")),
        "too_few_people": (["graph=file", f"graph.path={base / 'tiny.txt'}", "groups.count=10"], "groups.count"),
        "unknown_graph": (["graph=nope"], "nope"),
        "bad_value_type_in_list": (["population.tier_shares=[a,b,c]"], "population.tier_shares"),
        "bad_hydra_key": (["hydra.foo=1"], "hydra.foo"),
        "unknown_policy": (["policy=[red_pakcet]"], "unknown policy 'red_pakcet'; available:"),
        "policy_not_selected": (["policy.red_packet.slot=noon"], "add policy=[red_packet]"),
        "policy_param_typo": (["policy=[red_packet]", "policy.red_packet.colour=red"], "policy.red_packet.colour"),
        "policy_bad_choice": (["policy=[red_packet]", "policy.red_packet.slot=3am"], "policy.red_packet.slot"),
        "policy_bad_type": (["policy=[red_packet]", "policy.red_packet.amount_yuan=abc"],
                            "policy.red_packet.amount_yuan"),
        "policy_needs_more_groups": (["policy=[fish_pond]"], "policy.fish_pond: needs at least 2 groups"),
    }


# the module entry point is exercised too: one case runs as ``python -m sim.cli``
MODULE_ENTRY = "out_of_range"


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli_bad")
    write_bad_files(base)
    cases = bad_cases(base)
    jobs = {name: args + ["days=5", f"hydra.run.dir={base / 'runs' / name}"] for name, (args, _) in cases.items()}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(commsim, args, base, [sys.executable, "-m", "sim.cli"] if name == MODULE_ENTRY
                                     else None) for name, args in jobs.items()}
        return base, cases, {name: f.result() for name, f in futures.items()}


def assert_one_line_error(returncode, stdout, stderr, expected, run_dir: Path) -> None:
    assert returncode not in (0, None)
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert expected in lines[0], lines[0]
    assert lines[0].startswith("commsim: error: ")
    assert stdout.strip() == ""
    assert not (run_dir / "summary.json").exists()
    assert not run_dir.exists(), "errors are reported before the run directory is created"


@pytest.mark.parametrize("name", sorted(bad_cases(Path("/nonexistent"))))
def test_bad_input_fails_with_one_line_naming_the_key_or_file(bad, name):
    base, cases, results = bad
    proc = results[name]
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, cases[name][1], base / "runs" / name)


@pytest.mark.parametrize("name", sorted(more_bad_cases(Path("/nonexistent"))))
def test_more_bad_inputs_fail_with_one_line_in_process(tmp_path, monkeypatch, capsys, name):
    import sim.cli

    write_bad_files(tmp_path)
    args, expected = more_bad_cases(tmp_path)[name]
    run_dir = tmp_path / "runs" / name
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["commsim", *args, "days=5", f"hydra.run.dir={run_dir}"])
    with pytest.raises(SystemExit) as exit_:
        sim.cli.main()
    out, err = capsys.readouterr()
    assert_one_line_error(exit_.value.code, out, err, expected, run_dir)


def test_unknown_key_error_suggests_where_to_look(bad):
    _, _, results = bad
    assert "commsim --help" in results["unknown_key"].stderr


def test_unknown_scenario_error_lists_the_options_without_hydra_internals(bad):
    _, _, results = bad
    line = results["unknown_scenario"].stderr.strip()
    assert "default" in line  # the available scenarios
    assert "provider=" not in line and "search path" not in line


def test_wrong_type_error_says_why(bad):
    _, _, results = bad
    assert "Integer" in results["wrong_type"].stderr or "int" in results["wrong_type"].stderr


def test_bad_input_never_leaves_partial_directories(bad):
    base, _, _ = bad
    assert not [p for p in base.rglob("*partial*")]
