"""Read a sweep directory (``commsim --multirun ... hydra.sweep.dir=DIR``) into one tidy table.

A sweep directory holds one run directory per job (``job-<hash>/``) and the index ``sweep.parquet``:
one row per job with its overrides (one column per overridden key), ``status`` (done / failed /
incomplete), seed, replicate, the headline outcomes, ``failure_<mode>`` booleans, spend, income and
organizer hours. :func:`load_sweep` reads that index, keeps every row (failed ones too, with their
status), makes the outcome columns numeric and adds:

``strategy``  a readable label of the job's strategy, e.g. ``"amount_yuan=10, slot=noon"``: the values
              of the :func:`strategy_columns` (the overridden keys that vary between jobs, other than
              seed and replicate); ``"all runs"`` when nothing but seeds or replicates varies.
``run_dir``   the job's run directory (a string path).

Reads files only: never imports the model package ``sim``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

INDEX = "sweep.parquet"
#: Keys that tell runs of one strategy apart (noise, not strategy).
REPLICATION_KEYS = ("seed", "replicate")
#: Columns of the index that are bookkeeping, not parameters or outcomes.
META = ("job", "overrides", "status", "error", "strategy", "run_dir", "scenario")
NO_STRATEGY = "all runs"


class SweepError(ValueError):
    """Bad input for the analysis (missing directory, no index, unknown column); a one-line message."""


def override_keys(overrides: str) -> list[str]:
    """The keys of one job's ``overrides`` string (``"a=1 b.c=x"`` -> ``["a", "b.c"]``), hydra.* left out."""
    keys = []
    for item in str(overrides or "").split():
        key, eq, _ = item.partition("=")
        key = key.lstrip("+~")
        if eq and key and not key.startswith("hydra.") and key not in keys:
            keys.append(key)
    return keys


def parameter_columns(df: pd.DataFrame) -> list[str]:
    """Every overridden key that is a column of the index (in the order they were given), hydra.* left out."""
    keys: list[str] = []
    if "overrides" in df:
        for overrides in df["overrides"].dropna().unique():
            keys += [k for k in override_keys(overrides) if k not in keys]
    return [k for k in keys if k in df.columns]


def strategy_columns(df: pd.DataFrame) -> list[str]:
    """The swept parameter columns: overridden keys that take more than one value, other than seed/replicate.

    Keys overridden to one value for the whole sweep (``days=120``) are settings, not strategies; see
    :func:`fixed_settings`.
    """
    cols = []
    for col in parameter_columns(df):
        if col in REPLICATION_KEYS or col.startswith("hydra."):
            continue
        if df[col].astype("object").map(_key).nunique(dropna=False) > 1:
            cols.append(col)
    return cols


def fixed_settings(df: pd.DataFrame) -> dict[str, object]:
    """Overridden keys with one value for the whole sweep (``{"days": 120, ...}``), seed/replicate left out."""
    swept = set(strategy_columns(df))
    out = {}
    for col in parameter_columns(df):
        if col in swept or col in REPLICATION_KEYS:
            continue
        values = df[col].dropna().unique()
        if len(values) == 1:
            out[col] = _plain(values[0])
    return out


def short_names(columns: list[str]) -> dict[str, str]:
    """Column -> its last dotted part (``policy.red_packet.slot`` -> ``slot``) where that is unambiguous."""
    last = [c.rsplit(".", 1)[-1] for c in columns]
    return {c: (s if last.count(s) == 1 else c) for c, s in zip(columns, last)}


def strategy_label(row: pd.Series | dict, columns: list[str]) -> str:
    """``"amount_yuan=10, slot=noon"`` from a row and the strategy columns (short names where unambiguous)."""
    if not columns:
        return NO_STRATEGY
    names = short_names(columns)
    return ", ".join(f"{names[c]}={fmt_value(row[c])}" for c in columns)


def load_sweep(path: str | Path) -> pd.DataFrame:
    """The sweep's index as a tidy DataFrame: one row per job, failed and incomplete rows kept.

    Raises :class:`SweepError` with a one-line message if ``path`` is not a directory or has no
    ``sweep.parquet``.
    """
    path = Path(path)
    if not path.exists():
        raise SweepError(f"{path}: no such directory")
    if not path.is_dir():
        raise SweepError(f"{path}: not a directory (give the sweep directory, the hydra.sweep.dir of a multirun)")
    if not (path / INDEX).is_file():
        raise SweepError(f"{path}: no {INDEX}; not a sweep directory (or the sweep has not finished: "
                         f"rerun the same commsim --multirun command to resume and index it)")
    try:
        df = pd.read_parquet(path / INDEX)
    except (OSError, ValueError) as err:  # a truncated or foreign file (pyarrow's errors are ValueErrors)
        raise SweepError(f"{path / INDEX}: unreadable ({type(err).__name__}: {err})") from None
    if "job" not in df or "status" not in df:
        raise SweepError(f"{path / INDEX}: not a sweep index (no job/status columns)")
    df = df.copy()
    params = set(parameter_columns(df))
    for col in df.columns:  # outcomes stored as objects (e.g. retention_d90 all None when days < 90) -> numbers
        if col in META or col in params or pd.api.types.is_bool_dtype(df[col]) or col.startswith("failure_"):
            continue
        if not pd.api.types.is_numeric_dtype(df[col]):
            converted = pd.to_numeric(df[col], errors="coerce")
            if converted.notna().sum() == df[col].notna().sum():  # every value a number (or missing)
                df[col] = converted.astype(float)
    for col in [c for c in df.columns if c.startswith("failure_")]:
        if df[col].dtype != bool:  # with failed jobs the index stores "True"/"False"/"nan": back to booleans,
            df[col] = pd.array([_bool(v) for v in df[col]], dtype="boolean")  # missing (not False) for them
    cols = strategy_columns(df)
    df["strategy"] = [strategy_label(row, cols) for _, row in df.iterrows()] if len(df) else pd.Series(dtype=str)
    df["run_dir"] = [str(path / j) for j in df["job"]]
    df.attrs["sweep_dir"] = str(path)
    df.attrs["strategy_columns"] = cols
    return df


def done(df: pd.DataFrame) -> pd.DataFrame:
    """The complete runs only (``status == "done"``)."""
    return df[df["status"] == "done"]


def strategies(df: pd.DataFrame) -> list[str]:
    """The strategy labels in a natural order: by the values of the strategy columns (numbers as numbers)."""
    if "strategy" not in df:
        return []
    cols = [c for c in df.attrs.get("strategy_columns", strategy_columns(df)) if c in df]
    first = df.drop_duplicates("strategy")
    if cols:
        keys = {row["strategy"]: tuple(_sort_key(row[c]) for c in cols) for _, row in first.iterrows()}
        return sorted(keys, key=lambda s: (keys[s], s))
    return sorted(first["strategy"])


def outcome_columns(df: pd.DataFrame) -> list[str]:
    """Numeric outcome columns of the index (not parameters, not bookkeeping): valid objectives."""
    params = set(parameter_columns(df)) | set(REPLICATION_KEYS) | {"days", "groups"}
    return [c for c in df.columns
            if c not in META and c not in params
            and (pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]))]


def failure_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c.startswith("failure_")]


def first_summary(df: pd.DataFrame) -> dict | None:
    """The summary.json of the first complete run (scenario, question), or None."""
    for run_dir in done(df)["run_dir"] if "run_dir" in df else []:
        f = Path(run_dir) / "summary.json"
        if f.is_file():
            try:
                return json.loads(f.read_text())
            except (OSError, ValueError):
                continue
    return None


# ------------------------------------------------------------------------ helpers
def _plain(v):
    return v.item() if isinstance(v, np.generic) else v


def _bool(v):
    """True/False from a verdict stored as a bool, a number or a string; None (missing) otherwise."""
    v = _plain(v)
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and not (isinstance(v, float) and np.isnan(v)):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    return None


def _key(v):
    """A hashable, NaN-safe key of a parameter value."""
    v = _plain(v)
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


def fmt_value(v) -> str:
    """A parameter value as typed on the command line: 10.0 -> 10, '["a", "b"]' -> [a,b], missing -> "-"."""
    v = _plain(v)
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, str) and v.startswith("["):  # a list override, stored as JSON: as typed, [a,b]
        try:
            items = json.loads(v)
        except ValueError:
            return v
        if isinstance(items, list):
            return "[" + ",".join(fmt_value(i) for i in items) + "]"
    return str(v)


def _sort_key(v):
    v = _key(v)
    if v is None:
        return (0, 0.0, "")
    if isinstance(v, (bool, np.bool_)):
        return (1, float(v), "")
    if isinstance(v, (int, float)):
        return (1, float(v), "")
    return (2, 0.0, str(v))
