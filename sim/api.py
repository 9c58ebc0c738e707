"""The Python API the CLI stands on: compose a config like the CLI does, run it, get a Result.

    >>> import sim
    >>> result = sim.simulate(overrides=["days=120", "population.size=800"])
    >>> result.headline["peak_members"]
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from omegaconf import DictConfig, OmegaConf

from .config import Config, build
from .model import CommunityModel
from .detect import analyse
from .observe import policy_totals, run_kpis, summarize
from .outputs import Result, events_frame, members_frame, versions

PROJECT_DIR = Path(__file__).resolve().parents[1]
CONF_DIR = PROJECT_DIR / "conf"


def _unfreeze(node: DictConfig) -> None:
    """Frozen dataclasses make read-only nodes; Hydra must merge overrides into them."""
    OmegaConf.set_readonly(node, None)
    for key in node:
        child = node._get_node(key)
        if isinstance(child, DictConfig):
            _unfreeze(child)
        else:
            child._set_flag("readonly", None)


def _find_plugins() -> None:
    """Let Hydra find hydra_plugins/commsim (the launcher and sweeper) under any kind of install.

    Hydra walks the directories of the ``hydra_plugins`` namespace; an editable install of the
    newer kind maps packages through an import hook instead, which that walk does not see.
    """
    import hydra_plugins

    here = str(PROJECT_DIR / "hydra_plugins")
    if (PROJECT_DIR / "hydra_plugins" / "commsim").is_dir() and here not in list(hydra_plugins.__path__):
        hydra_plugins.__path__.append(here)


def register() -> None:
    """Store the typed schema in Hydra's ConfigStore (``defaults: [schema, ...]`` in conf/config.yaml), once."""
    from hydra.core.config_store import ConfigStore

    _find_plugins()

    store = ConfigStore.instance()
    if "schema.yaml" in store.list("/"):
        return
    node = OmegaConf.structured(Config)
    _unfreeze(node)
    store.store(name="schema", node=node)


def compose(scenario: str | None = None, overrides: Sequence[str] = ()) -> DictConfig:
    """Compose the config exactly as ``commsim`` would (Hydra compose API), without running."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    register()
    overrides = list(overrides) + ([f"scenario={scenario}"] if scenario else [])
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3", job_name="commsim"):
        return hydra_compose(config_name="config", overrides=overrides)


def to_config(cfg: DictConfig) -> Config:
    """Validated, frozen Config from a composed tree (the ``hydra`` node, if any, is ignored)."""
    tree = {}
    for key in cfg:
        if key != "hydra":  # Hydra's own node is never resolved (its interpolations need a running job)
            value = cfg[key]
            tree[key] = OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
    return build(Config, tree)


def run(config: Config, progress: bool = False) -> Result:
    """Build the model, run ``config.days`` days, and gather its tables and summary."""
    model = CommunityModel(config)
    model.run(progress=progress)
    members = members_frame(model)
    timeseries, detected, verdicts = analyse(model.recorder.frame(), events_frame(model.events), config)
    events = events_frame(sorted(model.events + detected, key=lambda event: event[0]))  # by day, stable
    run_kpi, group_kpis = run_kpis(timeseries, members)
    summary = {
        "scenario": {"name": config.scenario.name, "question": config.scenario.question,
                     "expected": config.scenario.expected, "source": config.scenario.source},
        "seed": config.seed,
        "replicate": config.replicate,  # None, or the index of the stream spawned from seed (SeedSequence)
        "days": config.days,
        "graph": {"kind": config.graph.kind, "people": model.graph.n,
                  "ties": int(model.graph.adjacency.nnz // 2)},
        **summarize(timeseries, members, config.lifecycle.dormant_active_share,
                    {int(g): int(model.groups.parent[g]) for g in np.flatnonzero(model.groups.parent >= 0)}),
        "kpis": run_kpi,  # operator KPIs (DOMAIN.md) of the whole run; each group's under groups/<g>/kpis
        "policies": policy_totals(events, [p.name for p in model.policies]),
        "versions": versions(),
    }
    for p in model.policies:
        totals = summary["policies"][p.name]
        totals["income_yuan"] = round(p.income_yuan, 2)
        totals["net_spend_yuan"] = round(totals["spend_yuan"] - p.income_yuan, 2)
        totals.update(p.totals())
    for g, k in group_kpis.items():
        summary["groups"][g]["kpis"] = k
    for g, verdict in verdicts.items():
        summary["groups"][g].update(verdict)
    summary["headline"]["failures"] = sorted({f for v in verdicts.values() for f, x in v["failures"].items()
                                              if x["detected"]})
    return Result(config, timeseries, members, events, summary)


def simulate(scenario: str | None = None, overrides: Sequence[str] = (), out_dir: str | Path | None = None,
             progress: bool = False) -> Result:
    """Compose (scenario + overrides), run, and optionally write the run directory."""
    result = run(to_config(compose(scenario, overrides)), progress=progress)
    if out_dir is not None:
        result.save(out_dir)
    return result


