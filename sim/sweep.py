"""Sweeps: many strategies x many seeds with Hydra's multirun, resumable, with an index of outcomes.

``commsim --multirun policy=[red_packet] policy.red_packet.slot=noon,after_21,night replicate=range(20)
hydra.sweep.dir=sweeps/packets`` runs every combination, in parallel on all cores (the joblib launcher;
``hydra/launcher=ray`` on a cluster). Each job's directory is named by a hash of its overrides, so
rerunning the same sweep into the same ``hydra.sweep.dir`` finds the runs already complete and skips
them (resume after an interruption); a job directory that holds a different config is refused rather
than mixed. A failed job writes ``error.json`` and the sweep goes on. At the end the sweep directory
gets ``sweep.parquet``: one row per job with its parameters, seed, replicate, status, headline outcomes,
failure verdicts, money and organizer time; ``analysis/`` reads it. A tqdm bar shows runs done and
failed, with an ETA.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import traceback
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

INDEX = "sweep.parquet"
ERROR = "error.json"
SUMMARY = "summary.json"
PROGRESS = ".progress"  # one line per job that ends ("done", "skipped", "failed"), for the progress bar


def job_id(override_dirname: str) -> str:
    """A job's directory name: a short hash of its overrides (the same combination, the same name)."""
    return "job-" + hashlib.sha1(override_dirname.encode()).hexdigest()[:12]


if not OmegaConf.has_resolver("commsim_job"):
    OmegaConf.register_new_resolver("commsim_job", job_id)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    os.replace(tmp, path)


def note_progress(out: Path, status: str) -> str:
    """Append the job's status to its sweep's progress log (one short append: atomic); returns it."""
    with open(out.parent / PROGRESS, "a") as log:
        log.write(status + "\n")
    return status


def run_job(cfg: DictConfig, out: str | Path, overrides: list[str]) -> str:
    """One job of a multirun: skip if done with the same config, else run; record a failure, never raise.

    Returns the job's status: "done", "skipped" (complete from an earlier attempt) or "failed".
    """
    return note_progress(Path(out), _run_job(cfg, Path(out), overrides))


def _run_job(cfg: DictConfig, out: Path, overrides: list[str]) -> str:
    from .api import run, to_config
    from .config import to_dict

    try:
        config = to_config(cfg)
        wanted = to_dict(config)
        if (out / SUMMARY).is_file():
            stored = yaml.safe_load((out / "config.yaml").read_text())
            if stored == wanted:
                return "skipped"
            raise RuntimeError(f"{out} holds the result of a different config; use a new hydra.sweep.dir "
                               f"(a sweep never mixes results of different configs)")
        result = run(config)
        (out / ERROR).unlink(missing_ok=True)
        result.save(out, plot=config.output.sweep_plot)
        return "done"
    except Exception as err:  # recorded, so the other jobs go on
        return _record_failure(out, err, overrides)


def record_failure(out: str | Path, err: BaseException, overrides: list[str]) -> str:
    """A job that failed before it could run (its config does not compose): recorded as ``run_job`` would."""
    return note_progress(Path(out), _record_failure(out, err, overrides))


def _record_failure(out: str | Path, err: BaseException, overrides: list[str]) -> str:
    """Write the job's ``error.json`` (error, message, overrides, traceback); returns "failed"."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    trace = "".join(traceback.format_exception(err))
    message = "; ".join(line.strip() for line in str(err).splitlines() if line.strip())  # one line in the index
    _write_json(out / ERROR, {"error": type(err).__name__, "message": message, "overrides": overrides,
                              "traceback": trace})
    return "failed"


# ------------------------------------------------------------------------ the index
def _params(overrides: list[str]) -> dict[str, Any]:
    """``key=value`` overrides as a dict (hydra.* left out), values parsed as YAML (numbers, lists)."""
    params = {}
    for item in overrides:
        key, _, value = item.partition("=")
        key = key.lstrip("+~")
        if key.startswith("hydra."):
            continue
        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError:
            parsed = value
        params[key] = parsed if isinstance(parsed, (int, float, str, bool)) or parsed is None else json.dumps(parsed)
    return params


def _outcomes(summary: dict) -> dict[str, Any]:
    head = summary["headline"]
    row = {k: head[k] for k in ("groups", "peak_members", "peak_day", "final_members", "peak_active_share",
                                "lifetime_days", "ever_joined", "left") if k in head}
    kpis = summary.get("kpis") or {}
    for key in ("active_members_final", "active_members_mean"):
        if key in kpis:
            row[key] = kpis[key]
    retention = kpis.get("retention") or {}
    for h, value in retention.items():
        if isinstance(value, (int, float)) or value is None:
            row[f"retention_{h}"] = value
    failures = set(head.get("failures", []))
    from .detect import FAILURES

    for f in FAILURES:
        row[f"failure_{f}"] = f in failures
    policies = summary.get("policies", {})
    row["spend_yuan"] = round(sum(p.get("spend_yuan", 0.0) for p in policies.values()), 2)
    row["income_yuan"] = round(sum(p.get("income_yuan", 0.0) for p in policies.values()), 2)
    row["organizer_hours"] = round(sum(p.get("organizer_hours", 0.0) for p in policies.values()), 2)
    return row


PARAMS_KEY = "_params"  # the names of a row's parameter columns (dropped before writing)


def job_row(job_dir: Path) -> dict[str, Any] | None:
    """One index row from a job directory (None if it has no Hydra record yet)."""
    overrides_file = job_dir / ".hydra" / "overrides.yaml"
    if not overrides_file.is_file():
        return None
    overrides = yaml.safe_load(overrides_file.read_text()) or []
    params = _params(overrides)
    row: dict[str, Any] = {"job": job_dir.name, "overrides": " ".join(overrides), **params, PARAMS_KEY: list(params)}
    if (job_dir / SUMMARY).is_file():
        summary = json.loads((job_dir / SUMMARY).read_text())
        row.update(status="done", error="", seed=summary["seed"], replicate=summary.get("replicate"),
                   days=summary["days"], scenario=summary["scenario"]["name"], **_outcomes(summary))
    elif (job_dir / ERROR).is_file():
        err = json.loads((job_dir / ERROR).read_text())
        row.update(status="failed", error=f"{err['error']}: {err['message']}")
    else:
        row.update(status="incomplete", error="")
    return row


def build_index(sweep_dir: str | Path) -> pd.DataFrame:
    """Scan a sweep directory and write ``sweep.parquet`` (atomically); returns the index."""
    sweep_dir = Path(sweep_dir)
    rows = [r for d in sorted(sweep_dir.iterdir()) if d.is_dir() and (r := job_row(d)) is not None]
    params = sorted({p for r in rows for p in r.pop(PARAMS_KEY)})
    df = pd.DataFrame(rows)
    for col in params:  # a parameter swept over mixed types (e.g. 1 and "a") is stored as strings
        if df[col].dtype == object and df[col].dropna().map(type).nunique() > 1:
            df[col] = df[col].map(lambda v: v if v is None else str(v))
    for col in [c for c in df.columns if c.startswith("failure_")]:  # missing for failed runs
        df[col] = df[col].astype("boolean")
    tmp = sweep_dir / f".{INDEX}.partial"
    df.to_parquet(tmp, index=False)
    os.replace(tmp, sweep_dir / INDEX)
    return df


def signature(overrides: list[str]) -> dict:
    """What makes two multiruns the same sweep: the fixed overrides and the names of the swept keys."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    fixed, swept = [], []
    for item, o in zip(overrides, OverridesParser.create().parse_overrides(overrides)):
        (swept if o.is_sweep_override() else fixed).append(o.key_or_group if o.is_sweep_override() else item)
    return {"fixed": sorted(fixed), "swept": sorted(swept)}


def check_same_sweep(sweep_dir: Path, overrides: list[str]) -> None:
    """Refuse to run into a sweep directory that holds a different sweep (else record this one)."""
    record = sweep_dir / "sweep.yaml"
    mine = signature(overrides)
    if record.is_file():
        theirs = yaml.safe_load(record.read_text())
        if theirs != mine:
            raise SystemExit(f"commsim: error: {sweep_dir} holds a different sweep (fixed {theirs['fixed']}, swept "
                             f"{theirs['swept']}); a sweep never mixes configs: use a new hydra.sweep.dir")
    else:
        record.write_text(yaml.safe_dump(mine, sort_keys=False))


def count_jobs(overrides: list[str]) -> int:
    """How many jobs a multirun's overrides expand to (the product of the sweeps' lengths)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    total = 1
    for o in OverridesParser.create().parse_overrides(overrides):
        if o.is_sweep_override():
            total *= max(1, len(list(o.sweep_iterator())))
    return total


class SweepCallback(Callback):
    """Hydra callback: a progress bar during a multirun, and the index at its end."""

    def __init__(self, poll_seconds: float = 1.0, progress: bool = True):
        self.poll_seconds = poll_seconds
        self.progress = progress
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __getstate__(self) -> dict:  # the launcher pickles the callbacks with each job: no thread state
        return {"poll_seconds": self.poll_seconds, "progress": self.progress}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        check_same_sweep(sweep_dir, list(config.hydra.overrides.task))
        total = count_jobs(list(config.hydra.overrides.task))
        self._stop.clear()
        (sweep_dir / PROGRESS).unlink(missing_ok=True)  # before any job starts
        if self.progress:
            before = sum(1 for _ in sweep_dir.glob(f"*/{SUMMARY}"))  # complete from an earlier attempt
            self._thread = threading.Thread(target=self._watch, args=(sweep_dir, total, before), daemon=True)
            self._thread.start()

    def _watch(self, sweep_dir: Path, total: int, before: int) -> None:
        """Follow the jobs' progress log; the ``before`` runs complete from an earlier attempt (skipped now)
        count at once."""
        from tqdm.auto import tqdm

        counts = {"done": before, "failed": 0, "skipped": 0}
        log = sweep_dir / PROGRESS
        read = 0
        with tqdm(total=total, initial=before, desc="runs", unit="run", dynamic_ncols=True) as bar:
            while True:
                stop = self._stop.wait(self.poll_seconds)
                if log.is_file():
                    with open(log) as f:
                        f.seek(read)
                        text = f.read()
                    lines = text[: text.rfind("\n") + 1]  # whole lines only
                    read += len(lines)
                    new = lines.split()
                    for status in new:
                        counts[status] = counts.get(status, 0) + 1
                    bar.set_postfix(done=counts["done"], failed=counts["failed"], refresh=False)
                    bar.update(sum(status != "skipped" for status in new))
                if stop:
                    break

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        sweep_dir = Path(config.hydra.sweep.dir)
        df = build_index(sweep_dir)
        counts = df["status"].value_counts().to_dict() if len(df) else {}
        parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        print(f"sweep: {len(df)} runs ({parts}); index: {sweep_dir / INDEX}", flush=True)
