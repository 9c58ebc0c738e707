"""The run directory: tables, summary, config and figure, written whole or not at all.

Each file is written under a hidden temporary name inside the run directory and renamed to its own
name once all are written; ``summary.json`` last, so a directory without it is an interrupted run.
(No temporary directory: removing one costs milliseconds on a file system that discards freed blocks.)
"""

from __future__ import annotations

import json
import os
import platform
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from .config import EXIT_REASONS, TIERS, Config, to_dict
from .population import ROLE_NAMES, STATUS_NAMES, VIA_NAMES

SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: the same text, 10x faster

RUN_FILES = ("config.yaml", "timeseries.parquet", "members.parquet", "events.parquet", "lifecycle.png",
             "summary.json")
CATEGORIES = {name: pd.CategoricalDtype(names) for name, names in  # the members table's categorical columns
              (("tier", TIERS), ("role", ROLE_NAMES), ("via", VIA_NAMES), ("status", STATUS_NAMES),
               ("exit_reason", EXIT_REASONS))}
EVENT_COLUMNS = ("day", "slot", "group", "source", "action", "target_count", "spend_yuan", "organizer_minutes",
                 "detail")


def members_frame(model) -> pd.DataFrame:
    """One row per person who was ever a member: who they are, when they came and went, why, what they said."""
    p = model.people
    ever = np.flatnonzero(p.joined_day >= 0)
    labels = model.graph.labels[ever] if model.graph.labels is not None else ever.astype(str)
    return pd.DataFrame({
        "person": ever.astype(np.int64),
        "label": pd.array(labels, dtype="string"),
        "group": p.group[ever].astype(np.int32),
        "tier": pd.Categorical.from_codes(p.tier[ever], dtype=CATEGORIES["tier"]),
        "newbie": p.newbie[ever],
        "spammer": p.spammer[ever],
        "role": pd.Categorical.from_codes(p.role[ever], dtype=CATEGORIES["role"]),
        "via": pd.Categorical.from_codes(p.via[ever], dtype=CATEGORIES["via"]),
        "joined_day": p.joined_day[ever],
        "left_day": p.left_day[ever],
        "status": pd.Categorical.from_codes(p.status[ever], dtype=CATEGORIES["status"]),
        "exit_reason": pd.Categorical.from_codes(p.exit_reason[ever], dtype=CATEGORIES["exit_reason"]),
        "posts": p.posts_total[ever],
        "interest_match": p.relevance[ever].astype(np.float64),
        "satisfaction": p.satisfaction[ever].astype(np.float64),
        "ties_inside": p.ties_inside[ever].astype(np.float64),
        "received_yuan": p.received_yuan[ever],
        "paid_yuan": p.paid_yuan[ever],
        "purchases": p.purchases[ever],
    })


EVENT_DTYPES = ("int32", "string", "int32", "string", "string", "int64", "float64", "float64", "string")


def events_frame(events: list[tuple]) -> pd.DataFrame:
    """The event log as a table, one row per event (columns ``EVENT_COLUMNS``, typed ``EVENT_DTYPES``)."""
    columns = list(zip(*events)) if events else [()] * len(EVENT_COLUMNS)
    return pd.DataFrame({name: pd.array(list(values), dtype="string") if dtype == "string"
                         else np.array(values, dtype=dtype)
                         for name, dtype, values in zip(EVENT_COLUMNS, EVENT_DTYPES, columns)})


def versions() -> dict:
    import mesa
    import networkx
    import scipy

    from . import __version__

    return {"community_sim": __version__, "python": platform.python_version(), "mesa": mesa.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "networkx": networkx.__version__,
            "pandas": pd.__version__}


@dataclass
class Result:
    """What one run produced: the config, the three tables and the summary."""

    config: Config
    timeseries: pd.DataFrame
    members: pd.DataFrame
    events: pd.DataFrame
    summary: dict
    path: Path | None = field(default=None)

    @property
    def headline(self) -> dict:
        return self.summary["headline"]

    def plot(self, ax=None):
        """The lifecycle figure (members and active members over time)."""
        from .plots import lifecycle_figure

        return lifecycle_figure(self, ax=ax)

    def save(self, path: str | Path, plot: bool | None = None) -> Path:
        """Write the run directory (see module docstring); returns its path."""
        self.path = write_run_dir(self, Path(path), self.config.output.plot if plot is None else plot)
        return self.path

    @classmethod
    def load(cls, path: str | Path) -> "Result":
        """Read a complete run directory back."""
        from .config import build

        path = Path(path)
        if not (path / "summary.json").is_file():
            raise FileNotFoundError(f"{path}: no summary.json; not a complete run directory")
        config = build(Config, yaml.safe_load((path / "config.yaml").read_text()))
        return cls(config, pd.read_parquet(path / "timeseries.parquet"), pd.read_parquet(path / "members.parquet"),
                   pd.read_parquet(path / "events.parquet"), json.loads((path / "summary.json").read_text()), path)


_ARROW_SCHEMAS: dict[tuple, pa.Schema] = {}  # per column layout: the schema and pandas metadata pyarrow writes


def _arrow_column(column: pd.Series) -> pa.Array:
    """A column as pyarrow converts it from pandas (NaN as null)."""
    if isinstance(column.dtype, np.dtype):
        return pa.array(column.to_numpy(), from_pandas=True)
    return pa.array(column, from_pandas=True)


def to_parquet(df: pd.DataFrame, path: Path) -> None:
    """``df.to_parquet(path, index=False)``, the same bytes, cheaper: the arrow schema with its pandas
    metadata depends only on the column names and dtypes, so it is derived once per layout."""
    names, dtypes = df.columns.tolist(), df.dtypes.tolist()
    if df.attrs or any(d == np.dtype(object) for d in dtypes):  # values decide an object column's type
        df.to_parquet(path, index=False)
        return
    key = (df.columns.dtype, *zip(names, dtypes))
    schema = _ARROW_SCHEMAS.get(key)
    if schema is None:
        table = pa.Table.from_pandas(df, preserve_index=False)
        _ARROW_SCHEMAS[key] = table.schema
    else:
        table = pa.Table.from_arrays([_arrow_column(df[c]) for c in names], schema=schema)
    sink = pa.BufferOutputStream()  # one write of the whole file: cheaper than the writer's many small ones
    pq.write_table(table, sink, compression="snappy")
    Path(path).write_bytes(sink.getvalue())


def write_run_dir(result: Result, path: Path, plot: bool = True) -> Path:
    """Write each file as a hidden partial file in ``path``, then rename them all (summary last)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    partial = {name: path / f".partial-{token}-{name}" for name in RUN_FILES}  # keeps the suffix
    try:
        partial["config.yaml"].write_text(yaml.dump(to_dict(result.config), Dumper=SafeDumper, sort_keys=False,
                                                    allow_unicode=True))
        for name in ("timeseries", "members", "events"):
            to_parquet(getattr(result, name), partial[f"{name}.parquet"])
        if plot:
            import matplotlib

            matplotlib.use("Agg")
            from .plots import lifecycle_figure

            fig = lifecycle_figure(result)
            fig.savefig(partial["lifecycle.png"], dpi=120, metadata={"Software": None})
            import matplotlib.pyplot as plt

            plt.close(fig)
        partial["summary.json"].write_text(json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n")
        stale = path / "summary.json"
        if stale.exists():
            stale.unlink()  # the directory stops looking complete while it is rewritten
        for name in RUN_FILES:
            if partial[name].exists():
                os.replace(partial[name], path / name)
            elif (path / name).exists():
                (path / name).unlink()  # e.g. an earlier run's lifecycle.png when this run has no plot
    finally:
        for leftover in partial.values():  # of an interrupted write
            leftover.unlink(missing_ok=True)
    return path
