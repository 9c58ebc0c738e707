"""The run directory is written whole or not at all, and reads back as it was written."""

from __future__ import annotations

import dataclasses
import json
import os
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

import sim.outputs
import sim.plots
from analysis import load_run
from sim.api import run
from sim.config import Config, OutputConfig, build
from sim.outputs import RUN_FILES, Result, write_run_dir

TABLES = ("timeseries", "members", "events")


@pytest.fixture
def result(small) -> Result:
    return run(small(days=40, size=600))


def partials(parent) -> list:
    """Partial files or directories left in ``parent`` or in the run directories under it."""
    return [p.name for p in parent.glob("*") if ".partial" in p.name] + [
        p.name for p in parent.glob("*/*") if ".partial" in p.name]


def assert_tables_equal(a, b) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name) if hasattr(a, name) else a[name],
                                      getattr(b, name) if hasattr(b, name) else b[name], check_exact=True)


# ------------------------------------------------------------------------------ complete runs
def test_save_writes_every_run_file_and_nothing_else(result, tmp_path):
    path = result.save(tmp_path / "run")
    assert path == tmp_path / "run" and result.path == path
    assert sorted(p.name for p in path.iterdir()) == sorted(RUN_FILES)
    assert partials(tmp_path) == []
    summary = json.loads((path / "summary.json").read_text())
    assert summary == json.loads(json.dumps(result.summary))
    assert yaml.safe_load((path / "config.yaml").read_text())["days"] == 40


def test_result_load_round_trips_a_saved_run(result, tmp_path):
    result.save(tmp_path / "run")
    back = Result.load(tmp_path / "run")
    assert back.config == result.config
    assert back.summary == json.loads(json.dumps(result.summary))
    assert back.path == tmp_path / "run"
    assert_tables_equal(back, result)
    assert len(back.timeseries) == result.config.days * result.config.groups.count
    assert back.headline == back.summary["headline"]


def test_analysis_load_run_reads_the_same_tables(result, tmp_path):
    result.save(tmp_path / "run", plot=False)
    loaded = load_run(tmp_path / "run")
    assert set(loaded) == {"summary", "timeseries", "members", "events"}
    assert_tables_equal(loaded, result)
    assert loaded["summary"]["seed"] == result.config.seed


def test_saved_config_reruns_to_identical_tables(result, tmp_path):
    result.save(tmp_path / "run", plot=False)
    config = build(Config, yaml.safe_load((tmp_path / "run" / "config.yaml").read_text()))
    assert config == result.config
    assert_tables_equal(run(config), result)


def test_rewriting_a_run_directory_replaces_its_files(result, tmp_path):
    first = run(dataclasses.replace(result.config, seed=5))
    first.save(tmp_path / "run", plot=False)
    result.save(tmp_path / "run", plot=False)
    assert_tables_equal(Result.load(tmp_path / "run"), result)
    assert partials(tmp_path) == []


def test_a_rerun_without_plot_removes_the_old_figure(result, tmp_path):
    result.save(tmp_path / "run", plot=True)
    assert (tmp_path / "run" / "lifecycle.png").is_file()
    quiet = dataclasses.replace(result, config=dataclasses.replace(result.config, output=OutputConfig(plot=False)))
    quiet.save(tmp_path / "run")
    assert not (tmp_path / "run" / "lifecycle.png").exists(), "a stale figure from an earlier run was left"
    assert (tmp_path / "run" / "summary.json").is_file()


# ------------------------------------------------------------------------------ interrupted runs
class Interrupted(Exception):
    pass


def break_plot(monkeypatch):
    def boom(*args, **kwargs):
        raise Interrupted("plot failed")

    monkeypatch.setattr(sim.plots, "lifecycle_figure", boom)


def break_events_table(monkeypatch):
    original = sim.outputs.to_parquet

    def to_parquet(df, path, *args, **kwargs):
        if str(path).endswith("events.parquet"):
            raise Interrupted("disk full")
        return original(df, path, *args, **kwargs)

    monkeypatch.setattr(sim.outputs, "to_parquet", to_parquet)


def break_third_move(monkeypatch, exc=Interrupted):
    original = os.replace
    calls = []

    def replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 3:
            raise exc("killed while moving files into place")
        return original(src, dst, *args, **kwargs)

    monkeypatch.setattr(sim.outputs.os, "replace", replace)


def break_summary(monkeypatch):
    def dumps(*args, **kwargs):
        raise Interrupted("summary cannot be serialised")

    monkeypatch.setattr(sim.outputs, "json", SimpleNamespace(dumps=dumps, loads=json.loads))


BREAKERS = {
    "plot": break_plot,
    "events_table": break_events_table,
    "summary": break_summary,
    "third_move": break_third_move,
    "ctrl_c_while_moving": lambda mp: break_third_move(mp, KeyboardInterrupt),
}


@pytest.mark.parametrize("where", sorted(BREAKERS))
def test_interrupted_write_leaves_no_summary_and_no_partial_dir(result, tmp_path, monkeypatch, where):
    BREAKERS[where](monkeypatch)
    target = tmp_path / "run"
    with pytest.raises((Interrupted, KeyboardInterrupt)):
        write_run_dir(result, target, plot=True)
    monkeypatch.undo()
    assert not (target / "summary.json").exists()
    assert partials(tmp_path) == []
    with pytest.raises(FileNotFoundError, match="summary.json"):
        load_run(target)
    with pytest.raises(FileNotFoundError, match="summary.json"):
        Result.load(target)


def test_interrupted_rewrite_after_files_moved_does_not_look_complete(result, tmp_path, monkeypatch):
    """Overwriting an old run: once files start changing, the old summary.json must be gone."""
    target = tmp_path / "run"
    run(dataclasses.replace(result.config, seed=9)).save(target, plot=False)
    old_config = (target / "config.yaml").read_bytes()
    break_third_move(monkeypatch)
    with pytest.raises(Interrupted):
        write_run_dir(result, target, plot=False)
    monkeypatch.undo()
    assert (target / "config.yaml").read_bytes() != old_config  # the rewrite had begun
    assert not (target / "summary.json").exists(), "new files under the old summary"
    assert partials(tmp_path) == []
    with pytest.raises(FileNotFoundError):
        load_run(target)


@pytest.mark.parametrize("where", ["plot", "events_table", "summary"])
def test_interrupted_rewrite_before_moving_keeps_the_old_run_whole(result, tmp_path, monkeypatch, where):
    target = tmp_path / "run"
    old = run(dataclasses.replace(result.config, seed=9))
    old.save(target, plot=False)
    BREAKERS[where](monkeypatch)
    with pytest.raises(Interrupted):
        write_run_dir(result, target, plot=True)
    monkeypatch.undo()
    assert partials(tmp_path) == []
    assert_tables_equal(Result.load(target), old)
    assert not (target / "lifecycle.png").exists()


def test_load_run_refuses_a_directory_without_summary(result, tmp_path):
    result.save(tmp_path / "run", plot=False)
    (tmp_path / "run" / "summary.json").unlink()
    with pytest.raises(FileNotFoundError) as err:
        load_run(tmp_path / "run")
    assert str(tmp_path / "run") in str(err.value)
    with pytest.raises(FileNotFoundError):
        Result.load(tmp_path / "run")


def test_load_run_refuses_an_empty_or_missing_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "empty", tmp_path / "missing"):
        with pytest.raises(FileNotFoundError, match="summary.json"):
            load_run(path)


def test_parquet_files_are_the_bytes_pandas_writes(small, tmp_path):
    """The cached-schema writer equals ``DataFrame.to_parquet`` byte for byte, first layout and cached."""
    for k, result in enumerate([run(small(days=40, size=600)), run(small(days=30, size=700, seed=3))]):
        for name in TABLES:
            df = getattr(result, name)
            mine, theirs = tmp_path / f"{k}-{name}-mine.parquet", tmp_path / f"{k}-{name}-pandas.parquet"
            sim.outputs.to_parquet(df, mine)
            df.to_parquet(theirs, index=False)
            assert mine.read_bytes() == theirs.read_bytes(), name
