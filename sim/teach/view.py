"""What the page shows of a run so far: the daily series, the phase of each day, failures as confirmed.

Everything is read off the recorder's series and the event log with ``sim.detect.analyse``, which
decides each day's phase and confirms each failure from what has happened up to that day, so the
page names them as they happen and a later day never rewrites an earlier one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import TIERS
from ..detect import PHASES, analyse, phases
from ..outputs import EVENT_COLUMNS, events_frame

TOTAL_COLUMNS = ("members", "active_members", "joins", "exits", *(f"exits_{t}" for t in TIERS),
                 *(f"unhappy_exits_{t}" for t in TIERS), *(f"members_{t}" for t in TIERS))


@dataclass
class View:
    """A run up to its last recorded day.

    ``total``: one row per day (index: day) summed over groups, with ``satisfaction_<tier>`` the
    member-weighted mean; ``phase``: index into PHASES per row of ``total``; ``series``: the recorder's
    rows (day, group); ``failures``: [{day, group, failure, evidence}] by confirmation day; ``events``:
    the event log (EVENT_COLUMNS).
    """

    days_total: int
    capacity: int
    total: pd.DataFrame = field(default_factory=pd.DataFrame)
    phase: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: list[dict] = field(default_factory=list)
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(EVENT_COLUMNS)))

    @property
    def day(self) -> int:
        """The last recorded day (-1 before the first step)."""
        return int(self.total.index[-1]) if len(self.total) else -1

    @property
    def phase_name(self) -> str:
        return PHASES[int(self.phase[-1])] if len(self.phase) else PHASES[0]

    def now(self, column: str) -> float:
        return float(self.total[column].iloc[-1]) if len(self.total) else 0.0


def totals(series: pd.DataFrame) -> pd.DataFrame:
    """Per day: TOTAL_COLUMNS summed over groups; satisfaction by tier weighted by members of the tier."""
    total = series.groupby("day", sort=True)[list(TOTAL_COLUMNS)].sum()
    for t in TIERS:
        n = series[f"members_{t}"].to_numpy(np.float64)
        weighted = pd.Series(np.nan_to_num(series[f"satisfaction_{t}"].to_numpy(np.float64)) * n, index=series.index)
        s = weighted.groupby(series["day"]).sum()
        total[f"satisfaction_{t}"] = (s / total[f"members_{t}"].where(total[f"members_{t}"] > 0)).to_numpy()
    return total


def view_of(model) -> View:
    """The View of a CommunityModel as it stands (any number of days stepped, none included)."""
    config = model.config
    view = View(days_total=config.days, capacity=config.groups.capacity)
    if not model.recorder.rows:
        return view
    series = model.recorder.frame()
    events = events_frame(model.events)
    series, detected, _ = analyse(series, events, config)
    view.series, view.events, view.total = series, events, totals(series)
    groups = series["group"].nunique()
    if groups == 1:
        view.phase = np.array([PHASES.index(str(p)) for p in series.sort_values("day")["phase"]], dtype=np.int8)
    else:  # the community as a whole, as sim.plots draws it
        view.phase = phases(view.total.reset_index(), config.groups.capacity * groups, config.lifecycle)
    view.failures = [{"day": int(row[0]), "group": int(row[2]), "failure": row[4], "evidence": json.loads(row[8])}
                     for row in detected]
    view.failures.sort(key=lambda f: (f["day"], f["group"]))
    return view


__all__ = ["TOTAL_COLUMNS", "View", "totals", "view_of"]
