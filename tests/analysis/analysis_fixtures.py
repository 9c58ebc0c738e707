"""Hand-made sweep directories for the analysis tests: no simulation, numbers chosen to check by hand.

Not a conftest.py: the root tests/conftest.py is imported by name (``from conftest import small_config``)
and a second conftest module would shadow it. Test modules import from here and define their fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

FAILURES = ("evaporation", "tyranny", "boredom")
QUESTION = "Which red packet slot keeps the group talking?"
#: active_members_final by (slot, amount_yuan), one value per replicate 0, 1, 2.
ACTIVE = {("noon", 10): [10, 12, 14], ("noon", 40): [20, 22, 27],
          ("night", 10): [9, 13, 10], ("night", 40): [11, 12, 13]}


def frame(rows: list[dict]) -> pd.DataFrame:
    """A tiny index-like frame: rows of {strategy params..., replicate, value columns...}, status done."""
    out = []
    for i, r in enumerate(rows):
        params = {k: v for k, v in r.items() if k.startswith("p.")}
        overrides = " ".join(f"{k}={v}" for k, v in params.items()) + f" replicate={r.get('replicate', 0)}"
        out.append({"job": f"job-{i:03d}", "overrides": overrides, "status": r.get("status", "done"), "error": "",
                    "seed": 0, **r})
    df = pd.DataFrame(out)
    from analysis.sweep import strategy_columns, strategy_label

    cols = strategy_columns(df)
    df["strategy"] = [strategy_label(row, cols) for _, row in df.iterrows()]
    df["run_dir"] = ""
    df.attrs["strategy_columns"] = cols
    return df


def make_sweep(path: Path, with_failed: bool = True, days: int = 10) -> Path:
    """A sweep directory like ``commsim --multirun`` writes: sweep.parquet and one job dir per row.

    Two swept keys (policy.red_packet.slot: noon/night; policy.red_packet.amount_yuan: 10/40), 3
    replicates, seed 0, fixed days; two groups in every timeseries (so members are summed); one failed
    job if ``with_failed``.
    """
    path.mkdir(parents=True, exist_ok=True)
    rows = []
    for (slot, amount), values in ACTIVE.items():
        for rep, value in enumerate(values):
            job = f"job-{slot}{amount}r{rep}"
            overrides = (f"policy=[red_packet] policy.red_packet.slot={slot} policy.red_packet.amount_yuan={amount} "
                         f"replicate={rep} days={days}")
            row = {"job": job, "overrides": overrides, "policy": '["red_packet"]', "policy.red_packet.slot": slot,
                   "policy.red_packet.amount_yuan": amount, "replicate": rep, "days": days, "status": "done",
                   "error": "", "seed": 0, "scenario": "default", "peak_members": 100 + value,
                   "final_members": 90 + value, "peak_active_share": value / 100, "lifetime_days": days,
                   "active_members_final": value, "active_members_mean": value / 2, "retention_d30": 0.5,
                   "retention_d90": None, "spend_yuan": amount * 10.0, "income_yuan": 0.0,
                   "organizer_hours": 1.5}
            for f in FAILURES:
                row[f"failure_{f}"] = (f == "evaporation" and slot == "noon" and rep == 0)
            rows.append(row)
            d = path / job
            d.mkdir()
            ts = pd.DataFrame([{"day": day, "group": g, "members": 10 * (day + 1) + g + value,
                                "active_members": value + g, "active_share": 0.1}
                               for day in range(days) for g in (0, 1)])
            ts.to_parquet(d / "timeseries.parquet", index=False)
            (d / "summary.json").write_text(json.dumps({"scenario": {"name": "default", "question": QUESTION},
                                                        "seed": 0, "replicate": rep, "days": days}))
    if with_failed:
        job = "job-failed"
        rows.append({"job": job, "overrides": "policy=[red_packet] policy.red_packet.slot=night "
                                              f"policy.red_packet.amount_yuan=40 replicate=3 days={days}",
                     "policy": '["red_packet"]', "policy.red_packet.slot": "night",
                     "policy.red_packet.amount_yuan": 40, "replicate": 3, "days": days, "status": "failed",
                     "error": "RuntimeError: boom"})
        (path / job).mkdir()
        (path / job / "error.json").write_text(json.dumps({"error": "RuntimeError", "message": "boom"}))
    index = pd.DataFrame(rows)
    for col in index.columns:  # as sim/sweep.py build_index stores mixed columns: as strings ("True", "nan")
        if index[col].dtype == object and index[col].map(type).nunique() > 1:
            index[col] = index[col].map(lambda v: v if v is None else str(v))
    index.to_parquet(path / "sweep.parquet", index=False)
    return path

