"""The default multirun launcher (sim/launcher.py): Hydra's configs from a cache, chunks, the same jobs as joblib."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.utils import setup_globals
from hydra.types import RunMode
from omegaconf import OmegaConf, open_dict, read_write

import sim.sweep  # noqa: F401  (the job-directory resolver)
from sim.api import CONF_DIR, register, to_config
from sim.launcher import Composer, chunks, set_hydra_config

COMMSIM = str(Path(sys.executable).with_name("commsim"))

JOBS = [  # value overrides, config groups, hydra.* and + edits, mixed and repeated
    ["days=40", "replicate=0"],
    ["days=40", "replicate=1"],
    ["replicate=1", "days=40"],
    ["seed=9", "population.size=300"],
    ["policy=[red_packet]", "policy.red_packet.slot=noon", "seed=3"],
    ["policy=[red_packet]", "policy.red_packet.slot=night", "seed=4"],
    ["scenario=lurkers", "days=50"],
    ["policy=[eviction,check_in]", "policy.eviction.inactive_days=10", "graph=circles"],
    ["hydra.job.name=other", "days=45"],
]


@pytest.fixture(scope="module")
def loader_and_master():
    setup_globals()  # Hydra's resolvers (now:)
    register()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3", job_name="commsim"):
        loader = GlobalHydra.instance().config_loader()
        master = loader.load_configuration("config", ["hydra.sweep.dir=/tmp/never-written"], RunMode.MULTIRUN)
        yield loader, master


def tree(cfg) -> dict:
    out = OmegaConf.to_container(cfg, resolve=False)
    out["hydra"]["runtime"].pop("output_dir", None)
    return out


@pytest.mark.parametrize("overrides", JOBS, ids=lambda o: " ".join(o))
def test_a_cached_composition_is_the_config_hydra_composes(loader_and_master, overrides):
    loader, master = loader_and_master
    composer = Composer(loader, master)
    for warm in JOBS:  # the cache holds other jobs' bases first: nothing leaks between jobs
        composer(warm)
    mine, hydras = composer(overrides), loader.load_sweep_config(master, list(overrides))
    assert tree(mine) == tree(hydras)
    assert to_config(mine) == to_config(hydras)  # and resolved, validated


def test_value_overrides_share_one_composition(loader_and_master):
    loader, master = loader_and_master
    composer = Composer(loader, master)
    for k in range(5):
        composer(["days=40", f"replicate={k}", "policy=[red_packet]", f"policy.red_packet.amount_yuan={10 + k}"])
    composer(["days=40", "replicate=0", "policy=[check_in]"])
    assert len(composer.bases) == 2  # one per set of structural overrides


def test_a_bad_value_raises_like_hydra_and_a_bad_group_is_remembered(loader_and_master):
    loader, master = loader_and_master
    composer = Composer(loader, master)
    with pytest.raises(Exception, match="days"):
        composer(["days=abc"])
    with pytest.raises(Exception, match="nonexistent"):
        composer(["policy=[nonexistent]", "seed=1"])
    with pytest.raises(Exception, match="nonexistent"):
        composer(["policy=[nonexistent]", "seed=2"])
    assert sum(isinstance(b, Exception) for b in composer.bases.values()) == 1
    named = composer.unnamed_failure(["seed=2", "days=abc"])
    assert list(named.hydra.overrides.task) == ["seed=2", "days=abc"]
    assert named.hydra.job.override_dirname == "days=abc,seed=2"


def test_a_lent_config_is_restored_after_each_job_even_a_failed_one(loader_and_master):
    loader, master = loader_and_master
    composer = Composer(loader, master)
    clean = tree(composer(["policy=[red_packet]"]))
    with pytest.raises(ZeroDivisionError):
        with composer.job(["policy=[red_packet]", "policy.red_packet.slot=night", "seed=4"]) as cfg:
            assert cfg.seed == 4 and cfg.policy.red_packet.slot == "night"
            1 / 0
    with pytest.raises(Exception, match="days"):  # the first override is applied, then the second refused
        with composer.job(["policy=[red_packet]", "seed=5", "days=abc"]):
            pass
    assert tree(composer(["policy=[red_packet]"])) == clean


def test_hydra_config_of_a_lent_config_follows_each_job(loader_and_master):
    from hydra.core.hydra_config import HydraConfig

    loader, master = loader_and_master
    composer = Composer(loader, master)
    for k in range(3):
        with composer.job([f"replicate={k}", "days=40"]) as cfg:
            with read_write(cfg.hydra), open_dict(cfg.hydra):  # set_config leaves it read-only
                cfg.hydra.job.id, cfg.hydra.job.num = f"commsim_{k}", k
                cfg.hydra.runtime.output_dir = f"/tmp/never-written/{k}"
            set_hydra_config(cfg)
            mine = OmegaConf.to_container(HydraConfig.get(), resolve=False)
            HydraConfig.instance().set_config(copy.deepcopy(cfg))  # Hydra's own, from scratch
            assert mine == OmegaConf.to_container(HydraConfig.get(), resolve=False)
            assert HydraConfig.get().job.override_dirname == f"days=40,replicate={k}"


@pytest.mark.parametrize("jobs,workers,per_worker", [(1, 2, 4), (7, 2, 4), (1000, 2, 4), (10, 3, 1), (5, 8, 4)])
def test_chunks_cover_every_job_once_in_order(jobs, workers, per_worker):
    parts = chunks(jobs, workers, per_worker)
    assert [i for part in parts for i in part] == list(range(jobs))
    assert len(parts) == min(jobs, workers * per_worker)
    sizes = [len(p) for p in parts]
    assert max(sizes) - min(sizes) <= 1  # balanced


def run_sweep(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([COMMSIM, "--multirun", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_default_launcher_makes_the_same_jobs_as_hydras_joblib_launcher(tmp_path):
    sweep = ["policy=[red_packet]", "policy.red_packet.slot=noon,night", "replicate=range(2)", "days=30",
             "population.size=300", "hydra.launcher.n_jobs=2"]
    ours = run_sweep([*sweep, f"hydra.sweep.dir={tmp_path / 'ours'}"], tmp_path)
    stock = run_sweep([*sweep, "hydra/launcher=joblib", f"hydra.sweep.dir={tmp_path / 'stock'}"], tmp_path)
    assert ours.returncode == 0 and stock.returncode == 0, (ours.stderr[-2000:], stock.stderr[-2000:])
    jobs = sorted(p.name for p in (tmp_path / "ours").glob("job-*"))
    assert len(jobs) == 4 and jobs == sorted(p.name for p in (tmp_path / "stock").glob("job-*"))
    for job in jobs:  # the same config, overrides record and outputs, file for file
        for name in ("config.yaml", ".hydra/overrides.yaml", "summary.json"):
            mine, theirs = (tmp_path / d / job / name for d in ("ours", "stock"))
            if name == "summary.json":
                assert mine.read_text().replace(str(tmp_path / "ours"), "") == theirs.read_text().replace(
                    str(tmp_path / "stock"), "")
            else:
                assert mine.read_text() == theirs.read_text()
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "ours" / job / "timeseries.parquet"),
                                      pd.read_parquet(tmp_path / "stock" / job / "timeseries.parquet"))
    index = {d: pd.read_parquet(tmp_path / d / "sweep.parquet") for d in ("ours", "stock")}
    pd.testing.assert_frame_equal(index["ours"], index["stock"])


def test_a_job_whose_config_cannot_compose_is_recorded_and_the_sweep_goes_on(tmp_path):
    proc = run_sweep(["days=30,abc", "population.size=300", f"hydra.sweep.dir={tmp_path / 's'}"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    index = pd.read_parquet(tmp_path / "s" / "sweep.parquet").set_index("days")
    assert index.loc["30", "status"] == "done" and index.loc["abc", "status"] == "failed"
    assert "days" in index.loc["abc", "error"] and "\n" not in index.loc["abc", "error"]
    assert (tmp_path / "s" / index.loc["abc", "job"] / "error.json").is_file()


def test_a_misspelt_key_stops_the_sweep_before_it_starts_with_one_line(tmp_path):
    proc = run_sweep(["days=30", "polcy.red_packet.slot=noon,night", f"hydra.sweep.dir={tmp_path / 's'}"], tmp_path)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if "error" in ln]
    assert len(lines) == 1 and "polcy.red_packet.slot" in lines[0] and "Traceback" not in proc.stderr
    assert not list((tmp_path / "s").glob("job-*"))  # nothing ran


def test_an_unselected_policy_is_named_before_the_sweep_starts(tmp_path):
    proc = run_sweep(["policy.red_packet.slot=noon,night", f"hydra.sweep.dir={tmp_path / 's'}"], tmp_path)
    assert proc.returncode == 2 and "add policy=[red_packet]" in proc.stderr
