"""Sweep throughput: runs per second of a real ``commsim --multirun`` and the share of time outside the model.

The sweep is the default scenario (one group of up to 500 members on a 3,000-person graph) over
``--days`` days, ``replicate=range(--runs)``, on all cores (the joblib launcher), each run writing its
directory and the sweep its index, as a strategist's sweep does. The model's own time per run
(building the world and stepping it) is measured in-process on a sample of the same runs; the rest
of a run's share of the wall time x cores is overhead outside the model (process start, config
composition, analysis of the series, writing files, the index). The reference is the same sweep,
``--reference-runs`` long, on Hydra's stock launcher and sweeper (``hydra/launcher=joblib
hydra/sweeper=basic``): its runs per second against this one's is the speed-up of sim/launcher.py.

    python benchmarks/sweep.py                 # 1,000 runs of 365 days (target: under 180 s here)
    python benchmarks/sweep.py --runs 100      # a quicker look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS_PER_1000 = 180.0  # 1,000 runs of a 500-member group over 365 days on this 2-core machine


def model_seconds(days: int, sample: int) -> float:
    """Mean seconds to build and step one run's model, in this process (no files)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from sim import CommunityModel
    from sim.api import compose, to_config

    times = []
    for k in range(sample):
        config = to_config(compose(None, [f"days={days}", f"replicate={k}"]))
        t0 = time.perf_counter()
        CommunityModel(config).run()
        times.append(time.perf_counter() - t0)
    return sum(times) / len(times)


def sweep_seconds(commsim: Path, runs: int, days: int, extra: list[str]) -> tuple[float, int]:
    """Wall seconds of one ``commsim --multirun`` of ``runs`` replicates, and how many runs completed."""
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        t0 = time.perf_counter()
        proc = subprocess.run([str(commsim), "--multirun", f"replicate=range({runs})", f"days={days}",
                               f"hydra.sweep.dir={tmp}/s", *extra], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(f"sweep failed: {proc.stderr[-2000:]}")
        index = pd.read_parquet(Path(tmp) / "s" / "sweep.parquet")
    return wall, int((index["status"] == "done").sum())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sample", type=int, default=10, help="runs timed in-process for the model's own time")
    parser.add_argument("--reference-runs", type=int, default=100,
                        help="runs of the same sweep on Hydra's stock joblib launcher and basic sweeper (0: skip)")
    parser.add_argument("--out", default=str(Path(__file__).with_name("results") / "sweep.json"))
    args = parser.parse_args(argv)
    commsim = Path(sys.executable).with_name("commsim")
    cores = len(os.sched_getaffinity(0))
    inside = model_seconds(args.days, args.sample)
    wall, done = sweep_seconds(commsim, args.runs, args.days, [])
    reference = (sweep_seconds(commsim, args.reference_runs, args.days, ["hydra/launcher=joblib",
                                                                        "hydra/sweeper=basic"])[0]
                 if args.reference_runs else None)
    per_run_core_s = wall * cores / args.runs
    result = {
        "benchmark": "sweep",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": cores, "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_1min": os.getloadavg()[0]},
        "settings": {"runs": args.runs, "days": args.days, "scenario": "default", "sample": args.sample},
        "runs_done": done,
        "wall_s": round(wall, 2),
        "runs_per_s": round(args.runs / wall, 3),
        "seconds_per_1000_runs": round(1000 * wall / args.runs, 1),
        "target_seconds_per_1000_runs": TARGET_SECONDS_PER_1000,
        "target_met": 1000 * wall / args.runs < TARGET_SECONDS_PER_1000,
        "model_s_per_run": round(inside, 4),
        "core_s_per_run": round(per_run_core_s, 4),
        "share_outside_model": round(max(0.0, 1.0 - inside / per_run_core_s), 3),
    }
    if reference is not None:
        result["reference"] = {"launcher": "hydra/launcher=joblib hydra/sweeper=basic", "runs": args.reference_runs,
                               "runs_per_s": round(args.reference_runs / reference, 3)}
        result["speedup_vs_reference"] = round(result["runs_per_s"] / result["reference"]["runs_per_s"], 2)
    print(f"{args.runs} runs of {args.days} days on {cores} cores: {wall:.1f} s, {result['runs_per_s']:.2f} runs/s "
          f"({result['seconds_per_1000_runs']:.0f} s per 1,000 runs; target < {TARGET_SECONDS_PER_1000:.0f} s: "
          f"{'met' if result['target_met'] else 'NOT met'})")
    print(f"model {inside:.3f} s per run of {per_run_core_s:.3f} core-seconds: "
          f"{100 * result['share_outside_model']:.0f} % of the time is outside the model")
    if reference is not None:
        print(f"Hydra's stock joblib launcher and basic sweeper: {result['reference']['runs_per_s']:.2f} runs/s; "
              f"this launcher is {result['speedup_vs_reference']:.2f}x as fast")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
