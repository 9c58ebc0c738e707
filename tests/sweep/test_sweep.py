"""Sweeps with Hydra's multirun: parallel jobs, an index, resume after a kill, failures recorded, no mixing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep import count_jobs, job_id, signature

COMMSIM = str(Path(sys.executable).with_name("commsim"))
BASE = ["--multirun", "policy=[red_packet]", "days=40", "population.size=700"]


def commsim(args: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([COMMSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=600, **kw)


def outcomes(index: pd.DataFrame) -> pd.DataFrame:
    keep = ["job", "policy.red_packet.slot", "replicate", "status", "peak_members", "final_members",
            "peak_active_share", "spend_yuan"]
    return index[keep].sort_values("job").reset_index(drop=True)


def test_job_names_and_counts():
    assert job_id("a=1,b=2") == job_id("a=1,b=2") != job_id("a=1,b=3")
    assert count_jobs(["a=1,2,3", "replicate=range(4)", "days=40"]) == 12
    assert signature(["days=40", "x=1,2", "replicate=range(3)"]) == signature(["x=5,6,7", "replicate=range(9)",
                                                                                "days=40"])


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A complete small sweep: 2 slots x 3 replicates."""
    base = tmp_path_factory.mktemp("sweep")
    proc = commsim([*BASE, "policy.red_packet.slot=noon,night", "replicate=range(3)", f"hydra.sweep.dir={base / 's'}"],
                   base)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return base / "s", proc


def test_a_sweep_runs_every_combination_into_an_index(clean):
    sweep, proc = clean
    index = pd.read_parquet(sweep / "sweep.parquet")
    assert len(index) == 6 and (index["status"] == "done").all()
    assert sorted(index["policy.red_packet.slot"]) == ["night"] * 3 + ["noon"] * 3
    assert sorted(index["replicate"]) == [0, 0, 1, 1, 2, 2]
    assert index["job"].is_unique and all((sweep / j / "summary.json").is_file() for j in index["job"])
    for col in ("peak_members", "lifetime_days", "spend_yuan", "organizer_hours", "failure_evaporation"):
        assert col in index
    assert "sweep: 6 runs (6 done)" in proc.stdout
    assert "runs:" in proc.stderr and "Traceback" not in proc.stderr  # the progress bar, no noise
    assert "6/6" in proc.stderr and "done=6, failed=0" in proc.stderr  # every job counted once


def test_replicates_differ_and_strategies_share_seeds(clean):
    index = pd.read_parquet(clean[0] / "sweep.parquet")
    noon = index[index["policy.red_packet.slot"] == "noon"].sort_values("replicate")
    assert noon["peak_active_share"].nunique() > 1  # independent streams
    assert (index["seed"] == 0).all()


def test_rerun_skips_completed_runs(clean):
    sweep, _ = clean
    before = {p: p.stat().st_mtime_ns for p in sweep.glob("*/summary.json")}
    proc = commsim([*BASE, "policy.red_packet.slot=noon,night", "replicate=range(3)", f"hydra.sweep.dir={sweep}"],
                   sweep.parent)
    assert proc.returncode == 0
    assert {p: p.stat().st_mtime_ns for p in sweep.glob("*/summary.json")} == before
    assert "6/6" in proc.stderr and "7/6" not in proc.stderr  # skipped runs count once, from the start


def test_resume_after_a_kill_gives_the_same_index(clean, tmp_path):
    sweep = tmp_path / "s"
    args = [*BASE, "policy.red_packet.slot=noon,night", "replicate=range(3)", f"hydra.sweep.dir={sweep}",
            "hydra.launcher.n_jobs=1"]
    proc = subprocess.Popen([COMMSIM, *args], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and len(list(sweep.glob("*/summary.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(sweep.glob("*/summary.json")))
    assert 2 <= done_before < 6 and not (sweep / "sweep.parquet").exists()
    again = commsim(args, tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    index = pd.read_parquet(sweep / "sweep.parquet")
    assert outcomes(index).equals(outcomes(pd.read_parquet(clean[0] / "sweep.parquet")))


def test_a_failing_job_is_recorded_and_the_sweep_goes_on(tmp_path):
    proc = commsim([*BASE, "policy.red_packet.amount_yuan=20,500", f"hydra.sweep.dir={tmp_path / 's'}"], tmp_path)
    assert proc.returncode == 0
    index = pd.read_parquet(tmp_path / "s" / "sweep.parquet").set_index("policy.red_packet.amount_yuan")
    assert index.loc[20, "status"] == "done" and index.loc[500, "status"] == "failed"
    assert "2/2" in proc.stderr and "done=1, failed=1" in proc.stderr
    assert "policy.red_packet.amount_yuan: must be <= 200" in index.loc[500, "error"]
    assert (tmp_path / "s" / index.loc[500, "job"] / "error.json").is_file()


def test_a_different_sweep_is_refused_in_the_same_directory(clean):
    sweep, _ = clean
    proc = commsim(["--multirun", "policy=[red_packet]", "days=41", "population.size=700",
                    "policy.red_packet.slot=noon,night", "replicate=range(3)", f"hydra.sweep.dir={sweep}"],
                   sweep.parent)
    assert proc.returncode != 0
    assert "holds a different sweep" in proc.stderr and "Traceback" not in proc.stderr
    assert len(pd.read_parquet(sweep / "sweep.parquet")) == 6
