"""The default launcher of ``commsim --multirun``: Hydra's jobs in chunks on a joblib (loky) pool.

Hydra's stock joblib launcher sends every job to a worker on its own, composes its config from scratch
and has Hydra's ``run_job`` copy and write it three times (together about 0.3 core-seconds a job, as
much as a 500-member year of the model). This launcher sends each worker a chunk of jobs, and each
worker composes a config once per distinct set of *structural* overrides (config groups such as
``scenario=`` or ``policy=[...]``, ``+``/``~`` edits, ``hydra.*``); a job's value overrides
(``seed=3``, ``policy.red_packet.slot=noon``) are then applied to a copy exactly as Hydra applies them
after composing (``ConfigLoaderImpl._apply_overrides_to_config``), so the config is the one Hydra
would compose (tested). A job then runs as in Hydra's ``run_job`` (its output directory from
``hydra.sweep.dir``/``hydra.sweep.subdir``, the Hydra config set, the callbacks called), writing only
``.hydra/overrides.yaml`` of Hydra's record (the job's ``config.yaml`` is the full config) and logging
to the sweep's console rather than a file per job. ``hydra/launcher=joblib`` is Hydra's own.

Settings (``hydra.launcher.*``) are the joblib launcher's (``n_jobs``, ``backend``, ...) plus
``chunks_per_worker``: more chunks balance the load better, fewer save dispatch.
"""

from __future__ import annotations

import copy
import logging
import os
import sys
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, JobRuntime, JobStatus, configure_log, env_override, setup_globals
from hydra.errors import ConfigCompositionException
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import OmegaConfBaseException
import yaml

log = logging.getLogger(__name__)


class Composer:
    """Job configs as Hydra's ``load_sweep_config`` makes them, composing once per structural override set.

    A job borrows its structure's composed config (``job``): the value overrides are applied in place and
    undone when the job ends, by copying back from a pristine copy only the top-level entries they touched
    (a full copy of the config costs about 30 ms, as much as a month of a 500-member group).
    """

    def __init__(self, config_loader: Any, master: DictConfig):
        self.loader = config_loader
        self.master = master
        self.parser = OverridesParser.create()
        self.bases: dict[tuple[str, ...], DictConfig] = {}
        self.pristine: dict[tuple[str, ...], DictConfig] = {}

    def is_value(self, o: Override) -> bool:
        """A plain ``key=value`` on the job's config (not a group, not hydra.*, not an add or delete)."""
        return (o.type == OverrideType.CHANGE and o.package is None and not o.is_hydra_override()
                and not o.is_sweep_override() and not self.loader.repository.group_exists(o.key_or_group))

    def split(self, overrides: Sequence[str]) -> tuple[list[Override], list[Override], tuple[str, ...]]:
        """The parsed overrides, the value overrides among them, and the structural ones (the cache key)."""
        parsed = self.parser.parse_overrides(list(overrides))
        is_value = [self.is_value(o) for o in parsed]
        values = [o for o, v in zip(parsed, is_value) if v]
        return parsed, values, tuple(o.input_line for o, v in zip(parsed, is_value) if not v)

    def base(self, structural: tuple[str, ...]) -> DictConfig:
        """The config composed from the structural overrides alone (once; a failure is kept and raised again)."""
        base = self.bases.get(structural)
        if base is None:
            try:
                base = self.loader.load_sweep_config(self.master, list(structural))
                self.pristine[structural] = copy.deepcopy(base)
            except Exception as err:  # kept, so the other jobs of this structure fail at once the same way
                base = err
            self.bases[structural] = base
        if isinstance(base, Exception):
            raise base
        return base

    @contextmanager
    def job(self, overrides: Sequence[str]) -> Iterator[DictConfig]:
        """The job's config, lent for the ``with`` block; raises what Hydra would raise composing it."""
        from hydra._internal.config_loader_impl import ConfigLoaderImpl

        parsed, values, structural = self.split(overrides)
        cfg = self.base(structural)
        try:
            try:
                ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
            except OmegaConfBaseException as err:  # as Hydra's load_configuration reports it
                raise ConfigCompositionException(str(err)) from err
            yield self.named(cfg, parsed)
        finally:
            pristine = self.pristine[structural]
            for key in {o.key_or_group.split(".")[0] for o in values}:
                if key in pristine:  # (a key that is not there was refused, and nothing was set)
                    cfg[key] = pristine._get_node(key)  # assigned as a copy

    def __call__(self, overrides: Sequence[str]) -> DictConfig:
        """A copy of the job's config."""
        with self.job(overrides) as cfg:
            out = copy.deepcopy(cfg)
            OmegaConf.copy_cache(from_config=cfg, to_config=out)
            return out

    def named(self, cfg: DictConfig, parsed: list[Override]) -> DictConfig:
        """Set the job's task overrides and ``override_dirname`` (its directory's name) as Hydra sets them."""
        from hydra._internal.config_loader_impl import get_overrides_dirname

        app = [o for o in parsed if not o.is_hydra_override()]
        naming = cfg.hydra.job.config.override_dirname
        with read_write(cfg.hydra), open_dict(cfg.hydra):
            cfg.hydra.overrides.task = [o.input_line for o in app]
            cfg.hydra.job.override_dirname = get_overrides_dirname(
                overrides=app, kv_sep=naming.kv_sep, item_sep=naming.item_sep, exclude_keys=naming.exclude_keys)
        return cfg

    def unnamed_failure(self, overrides: Sequence[str]) -> DictConfig:
        """The sweep's own config named as this job: where to record a job whose config cannot be composed."""
        cfg = copy.deepcopy(self.master)
        OmegaConf.copy_cache(from_config=self.master, to_config=cfg)
        return self.named(cfg, self.parser.parse_overrides(list(overrides)))


def check_sweep(config_loader: Any, master: DictConfig, batch: Sequence[Sequence[str]]) -> None:
    """Before launching: every structural override set composes and every overridden key exists.

    A misspelt key or group stops the sweep with one line on stderr (exit status 2); values are checked
    by each job, so one bad value fails only its own job (recorded in its ``error.json``).
    """
    composer = Composer(config_loader, master)
    checked: set[tuple[str, tuple[str, ...]]] = set()
    try:
        for overrides in batch:
            _, values, structural = composer.split(overrides)
            base = composer.base(structural)
            for o in values:
                if (o.key_or_group, structural) in checked:
                    continue
                checked.add((o.key_or_group, structural))
                parts = o.key_or_group.split(".")
                for depth in range(1, len(parts) + 1):  # the first missing part, as OmegaConf names it
                    if OmegaConf.select(base, ".".join(parts[:depth]), default=_ABSENT) is _ABSENT:
                        raise ConfigCompositionException(f"Could not override '{o.key_or_group}': "
                                                         f"Key '{parts[depth - 1]}' is not in struct")
    except Exception as err:
        from .cli import _one_line, _policy_hint

        line = _one_line(err)
        print(f"commsim: error: {_policy_hint(line) or line} (see `commsim --help` and conf/ for valid keys)",
              file=sys.stderr)
        raise SystemExit(2) from None


_ABSENT = object()
_composers: dict[str, Composer] = {}  # per worker process, by sweep: kept across its chunks


def run_chunk(token: str, jobs: list[tuple[int, list[str]]], hydra_context: HydraContext, config: DictConfig,
              task_function: TaskFunction, singleton_state: dict[Any, Any]) -> list[JobReturn]:
    """Run a chunk of jobs in one worker, as Hydra's joblib launcher runs each (``execute_job``)."""
    setup_globals()
    Singleton.set_state(singleton_state)
    composer = _composers.get(token)
    if composer is None:
        _composers.clear()
        composer = _composers[token] = Composer(hydra_context.config_loader, config)
    returns = []
    for idx, overrides in jobs:
        with ExitStack() as lent:
            try:
                sweep_config, error = lent.enter_context(composer.job(overrides)), None
            except Exception as err:  # a bad value in one job (days=abc): recorded, and the sweep goes on
                sweep_config, error = composer.unnamed_failure(overrides), err
            with read_write(sweep_config.hydra), open_dict(sweep_config.hydra):
                sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{idx}"
                sweep_config.hydra.job.num = idx
            returns.append(run_one(hydra_context, task_function, sweep_config, error))
    return returns


PER_JOB = ("job.id", "job.num", "job.override_dirname", "overrides.task", "runtime.output_dir")  # of hydra.*
_hydra_set_from: dict[str, Any] = {}


def set_hydra_config(cfg: DictConfig) -> None:
    """``HydraConfig`` for the job in ``cfg``: a copy of its hydra node once per lent config (Hydra's
    ``set_config``), then for each further job only the entries that differ between jobs (``PER_JOB``)."""
    hydra_config = HydraConfig.instance()
    if _hydra_set_from.get("instance") is not hydra_config or _hydra_set_from.get("cfg") is not cfg:
        hydra_config.set_config(cfg)
        _hydra_set_from.update(instance=hydra_config, cfg=cfg)
        return
    node = hydra_config.cfg.hydra
    with read_write(node), open_dict(node):
        for path in PER_JOB:
            OmegaConf.update(node, path, OmegaConf.select(cfg.hydra, path), merge=False)


def run_one(hydra_context: HydraContext, task_function: TaskFunction, cfg: DictConfig,
            error: Exception | None = None) -> JobReturn:
    """One job, as Hydra's ``run_job`` runs it, less the copies and the record the sweep does not read.

    With ``error`` (its config could not be composed) the job is recorded as failed instead of run.
    """
    out = Path(str(OmegaConf.select(cfg, "hydra.sweep.dir"))) / str(OmegaConf.select(cfg, "hydra.sweep.subdir"))
    with read_write(cfg.hydra.runtime), open_dict(cfg.hydra.runtime):
        cfg.hydra.runtime.output_dir = os.path.abspath(out)
    set_hydra_config(cfg)
    overrides = list(cfg.hydra.overrides.task)
    (out / ".hydra").mkdir(parents=True, exist_ok=True)
    (out / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))  # what sweep.parquet reads
    ret = JobReturn(overrides=overrides, working_dir=os.getcwd(), task_name=JobRuntime.instance().get("name"))
    if error is not None:
        from .sweep import record_failure

        ret.return_value, ret.status = record_failure(out, error, overrides), JobStatus.COMPLETED
        return ret
    with env_override(cfg.hydra.job.env_set):
        hydra_context.callbacks.on_job_start(config=cfg, task_function=task_function)
        try:
            ret.return_value = task_function(cfg)
            ret.status = JobStatus.COMPLETED
        except Exception as err:
            ret.return_value = err
            ret.status = JobStatus.FAILED
        hydra_context.callbacks.on_job_end(config=cfg, job_return=ret)
    return ret


def chunks(n_jobs: int, workers: int, per_worker: int) -> list[range]:
    """Split job indices 0..n_jobs-1 into about ``workers x per_worker`` contiguous chunks."""
    count = max(1, min(n_jobs, workers * max(1, per_worker)))
    bounds = [round(k * n_jobs / count) for k in range(count + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def launch(launcher: Any, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> list[JobReturn]:
    """Launch a batch of jobs in chunks over a loky process pool; returns one JobReturn per job, in order."""
    from joblib import Parallel, cpu_count, delayed

    setup_globals()
    configure_log(launcher.config.hydra.hydra_logging, launcher.config.hydra.verbose)
    Path(str(launcher.config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
    settings = dict(launcher.joblib)
    per_worker = int(settings.pop("chunks_per_worker", 4))
    settings["backend"] = "loky"  # the threading backend is incompatible with Hydra
    for key in ("pre_dispatch", "batch_size", "max_nbytes"):  # as the joblib launcher parses them
        try:
            settings[key] = int(settings[key]) if settings.get(key) else settings.get(key)
        except ValueError:
            pass
    n = settings.get("n_jobs") or 1
    workers = cpu_count() if n < 0 else n
    parts = chunks(len(job_overrides), workers, per_worker)
    log.info("launching %d jobs in %d chunks on %d workers", len(job_overrides), len(parts), workers)
    token = uuid.uuid4().hex
    state = Singleton.get_state()
    results = Parallel(**settings)(
        delayed(run_chunk)(token, [(initial_job_idx + i, list(job_overrides[i])) for i in part],
                           launcher.hydra_context, launcher.config, launcher.task_function, state)
        for part in parts)
    return [ret for chunk in results for ret in chunk]
