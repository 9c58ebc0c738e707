"""Sweeps on Ray (``hydra/launcher=ray``, the ``ray`` extra): the same jobs and outcomes as joblib, resume, failures.

Runs against a local Ray instance limited to 2 CPUs, no dashboard; skipped only where Ray cannot start
(the extra is not installed, or ``ray.init`` fails on this machine).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("ray", reason="Ray is not installed (the `ray` extra: pip install -e '.[ray]')")
pytest.importorskip("hydra_plugins.hydra_ray_launcher",
                    reason="hydra-ray-launcher is not installed (the `ray` extra: pip install -e '.[ray]')")

pytestmark = pytest.mark.slow

COMMSIM = str(Path(sys.executable).with_name("commsim"))
SWEEP = ["--multirun", "policy=[red_packet]", "policy.red_packet.slot=noon,night", "replicate=range(2)", "days=30",
         "population.size=600"]
# address=local: a new local instance even if `ray start` runs on this machine; limited, without the dashboard
RAY = ["hydra/launcher=ray", "hydra.launcher.ray.init.address=local", "+hydra.launcher.ray.init.num_cpus=2",
       "+hydra.launcher.ray.init.include_dashboard=false", "+hydra.launcher.ray.remote.num_cpus=1"]


def commsim(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([COMMSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def index(sweep: Path) -> pd.DataFrame:
    return pd.read_parquet(sweep / "sweep.parquet").sort_values("job").reset_index(drop=True)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tmp_path_factory.mktemp("ray")


@pytest.fixture(scope="module")
def joblib_sweep(base):
    """The reference: the same 2 slots x 2 replicates with joblib (the default), started at once in the background."""
    proc = subprocess.Popen([COMMSIM, *SWEEP, f"hydra.sweep.dir={base / 'joblib'}"], cwd=base,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def ray_starts(joblib_sweep):
    """Skip unless a local Ray instance starts (and stops) on this machine."""
    code = ("import ray; ray.init(address='local', num_cpus=2, include_dashboard=False, log_to_driver=False); "
            "ray.shutdown()")
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.skip("Ray cannot start on this machine: ray.init did not return within 120 s")
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        pytest.skip(f"Ray cannot start on this machine: ray.init failed: {last}")


@pytest.fixture(scope="module")
def sweeps(ray_starts, joblib_sweep, base):
    """The same sweep with joblib and with Ray."""
    _, err = joblib_sweep.communicate(timeout=300)
    assert joblib_sweep.returncode == 0, err[-2000:]
    on_ray = commsim([*SWEEP, *RAY, f"hydra.sweep.dir={base / 'ray'}"], base)
    assert on_ray.returncode == 0, on_ray.stderr[-3000:]
    return base / "joblib", base / "ray", on_ray


def test_a_sweep_on_ray_gives_the_same_jobs_and_outcomes_as_joblib(sweeps):
    joblib, on_ray, proc = sweeps
    ray_index = index(on_ray)
    assert len(ray_index) == 4 and (ray_index["status"] == "done").all()
    assert sorted(p.name for p in on_ray.glob("job-*")) == sorted(p.name for p in joblib.glob("job-*"))
    pd.testing.assert_frame_equal(ray_index, index(joblib))  # every column, job by job: launcher-independent
    assert "sweep: 4 runs (4 done)" in proc.stdout  # the callback ran in the driver: the index
    assert "runs:" in proc.stderr  # and the progress bar


def test_a_sweep_on_ray_resumes_after_a_kill(sweeps, tmp_path):
    joblib, _, _ = sweeps
    sweep = tmp_path / "s"
    args = [*SWEEP, *RAY, f"hydra.sweep.dir={sweep}"]
    serial = [a.replace("init.num_cpus=2", "init.num_cpus=1") for a in args]  # one job at a time: a kill mid-sweep
    proc = subprocess.Popen([COMMSIM, *serial], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # the driver and the Ray instance it started: killed together
    deadline = time.time() + 120
    while time.time() < deadline and not list(sweep.glob("*/summary.json")):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = {p: p.stat().st_mtime_ns for p in sweep.glob("*/summary.json")}
    assert 1 <= len(done) < 4 and not (sweep / "sweep.parquet").exists()
    again = commsim(args, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert {p: p.stat().st_mtime_ns for p in done} == done  # complete runs skipped, not rerun
    pd.testing.assert_frame_equal(index(sweep), index(joblib))


def test_a_failing_job_on_ray_is_recorded(ray_starts, tmp_path):
    proc = commsim(["--multirun", "policy=[red_packet]", "policy.red_packet.amount_yuan=500", "days=30",
                    "population.size=600", *RAY, f"hydra.sweep.dir={tmp_path / 's'}"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = index(tmp_path / "s").iloc[0]
    assert row["status"] == "failed" and "policy.red_packet.amount_yuan: must be <= 200" in row["error"]
    assert (tmp_path / "s" / row["job"] / "error.json").is_file()


def test_the_cluster_launcher_joins_without_the_local_only_options(tmp_path):
    proc = subprocess.run([COMMSIM, "policy=[red_packet]", "hydra/launcher=ray_cluster", "--cfg", "hydra", "-p",
                           "hydra.launcher"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "address: auto" in proc.stdout and "object_store_memory: null" in proc.stdout
    assert "n_jobs" not in proc.stdout and "Warning" not in proc.stderr
