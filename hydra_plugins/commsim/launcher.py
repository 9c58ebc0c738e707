"""Hydra plugin: ``hydra/launcher=commsim``, joblib workers running chunks of jobs (sim/launcher.py)."""

from dataclasses import dataclass
from typing import Sequence

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra_plugins.hydra_joblib_launcher.config import JobLibLauncherConf
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher


@dataclass
class CommsimLauncherConf(JobLibLauncherConf):
    _target_: str = "hydra_plugins.commsim.launcher.CommsimLauncher"
    chunks_per_worker: int = 4  # chunks of jobs sent to each worker: more balance the load, fewer save dispatch


ConfigStore.instance().store(group="hydra/launcher", name="commsim", node=CommsimLauncherConf,
                             provider="community-sim")


class CommsimLauncher(JoblibLauncher):
    """The joblib launcher's settings and workers; jobs go in chunks and configs compose from a cache."""

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        from sim.launcher import launch

        return launch(self, job_overrides, initial_job_idx)
