"""Read a run directory into plain tables (no model import)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def load_run(path: str | Path) -> dict:
    """Return ``{"summary", "timeseries", "members", "events"}`` of a complete run directory.

    A directory without ``summary.json`` is an interrupted run and is refused.
    """
    path = Path(path)
    if not (path / "summary.json").is_file():
        raise FileNotFoundError(f"{path}: no summary.json; not a complete run directory")
    return {
        "summary": json.loads((path / "summary.json").read_text()),
        "timeseries": pd.read_parquet(path / "timeseries.parquet"),
        "members": pd.read_parquet(path / "members.parquet"),
        "events": pd.read_parquet(path / "events.parquet"),
    }
