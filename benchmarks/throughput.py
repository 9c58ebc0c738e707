"""Throughput of CommunityModel: member-days per second at about 10k and 100k members.

    python benchmarks/throughput.py                                      # or: make bench
    python benchmarks/throughput.py --sizes 10000 --reference-members 0  # a quick look
    python benchmarks/throughput.py --profile /tmp/day.prof              # + cProfile of the largest size

A member-day is one member present in a group for one day; throughput is the number of member-days
simulated per second of ``model.step()``. For each size the world is ``members / capacity`` groups
(of at most 500) on a social graph ``--graph-multiple`` times larger than the members, with every
default rule on. Groups are founded nearly full (an owner + ``--seed-users`` seed users), then warmed
up until they reach capacity, so the timed days are the plateau of a busy network of groups.

Timing: model construction (graph generation, founding) and the warm-up are timed and reported
apart, never counted. Then ``--repeats`` windows of ``--days`` days are timed with
``time.perf_counter`` around ``step()`` only, each on a fresh copy of the warmed-up model, so every
window does the same work; member-days are counted exactly as the number of members present after
each step. We report the best and the median window, the cost per member-day, its growth from the
smallest to the largest size, and the ratio to the Mesa-idiomatic reference in ``reference_mesa.py``
at the smallest size. Targets are judged on the median.

Results go to the console and to ``benchmarks/results/throughput.json`` (machine, versions, numbers).
Nothing here asserts on wall-clock time: it measures and reports.
"""

from __future__ import annotations

import argparse
import cProfile
import copy
import dataclasses
import gc
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

import sim
from sim.config import Config, GroupsConfig, OutputConfig, PopulationConfig

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # so that reference_mesa imports however this script is started
import reference_mesa  # noqa: E402

# Targets from the benchmark issue.
TARGET_MEMBER_DAYS_PER_S = 5e6  # at 100k members, on this 2-core machine
TARGET_COST_GROWTH = 1.5  # cost per member-day, largest size / smallest size


def frontier_entries(frontier) -> int:
    """(outsider, group) pairs in the join frontier: its sorted main run plus the side run, if any."""
    return sum(len(getattr(frontier, name, ())) for name in ("keys", "side_keys"))


def make_config(members: int, args) -> Config:
    """Enough groups of capacity 500 for ``members`` members, on a graph of ``graph_multiple`` x members people."""
    groups = GroupsConfig()
    count = max(1, round(members / groups.capacity))
    return Config(
        seed=args.seed,
        days=args.warmup + args.days,
        population=PopulationConfig(size=int(members * args.graph_multiple)),
        groups=dataclasses.replace(groups, count=count, seed_users=args.seed_users),
        output=OutputConfig(plot=False, progress=False),
    )


def timed_days(model, days: int) -> tuple[float, int]:
    """Step ``days`` days; return (seconds inside step(), member-days simulated)."""
    seconds, member_days = 0.0, 0
    for _ in range(days):
        t0 = time.perf_counter()
        model.step()
        seconds += time.perf_counter() - t0
        member_days += int(model.people.members.size)  # members present at the end of the day
    return seconds, member_days


def measure(members: int, args, profile_to: str | None = None) -> dict:
    """Build, warm up and time one size; optionally cProfile the timed windows."""
    cfg = make_config(members, args)
    t0 = time.perf_counter()
    model = sim.CommunityModel(cfg)
    construct_s = time.perf_counter() - t0
    founded = int(model.people.members.size)

    warmup_s, _ = timed_days(model, args.warmup)
    # Every window replays the same days from a copy of the warmed-up model (same state, same random
    # stream): the windows do identical work and differ only by timing noise.
    profiler = cProfile.Profile() if profile_to else None
    windows = []
    for _ in range(args.repeats):
        run = copy.deepcopy(model)
        gc.collect()
        if profiler:
            profiler.enable()
        seconds, member_days = timed_days(run, args.days)
        if profiler:
            profiler.disable()
        windows.append({"seconds": seconds, "member_days": member_days, "member_days_per_s": member_days / seconds})
        del run
    if profiler:
        profiler.dump_stats(profile_to)

    rates = [w["member_days_per_s"] for w in windows]
    best, median = max(rates), statistics.median(rates)
    return {
        "target_members": members,
        "groups": cfg.groups.count,
        "graph_people": model.graph.n,
        "graph_ties": int(model.graph.adjacency.nnz // 2),
        "members_founded": founded,
        "members_mean_timed": windows[0]["member_days"] / args.days,
        "frontier_entries": frontier_entries(model.people.frontier),
        "construct_s": construct_s,
        "warmup_days": args.warmup,
        "warmup_s": warmup_s,
        "timed_days_per_window": args.days,
        "windows": windows,
        "best_member_days_per_s": best,
        "median_member_days_per_s": median,
        "best_ns_per_member_day": 1e9 / best,
        "median_ns_per_member_day": 1e9 / median,
    }


def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem_gib = None
    try:
        commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--", "../sim"],
                                    capture_output=True, text=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    import mesa
    import networkx
    import scipy

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": round(mem_gib, 1) if mem_gib else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {"community-sim": sim.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                     "networkx": networkx.__version__, "mesa": mesa.__version__},
        "git_commit": commit,
        "sim_dirty": dirty,
    }


def print_table(rows: list[dict], reference: dict | None, summary: dict) -> None:
    head = (f"{'members':>8} {'groups':>6} {'graph':>8} {'ties':>9} {'construct':>9} {'warmup':>7} "
            f"{'best Mmd/s':>10} {'median Mmd/s':>12} {'ns/md (med)':>11}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['members_mean_timed']:>8.0f} {r['groups']:>6} {r['graph_people']:>8} {r['graph_ties']:>9} "
              f"{r['construct_s']:>8.1f}s {r['warmup_s']:>6.1f}s {r['best_member_days_per_s'] / 1e6:>10.2f} "
              f"{r['median_member_days_per_s'] / 1e6:>12.2f} {r['median_ns_per_member_day']:>11.0f}")
    if reference:
        r = reference
        print(f"{'Mesa-idiomatic reference':<34} {r['members_mean_timed']:>8.0f} members: "
              f"{r['median_member_days_per_s'] / 1e3:.1f} k member-days/s, {r['median_ns_per_member_day']:.0f} ns/md "
              f"(construct {r['construct_s']:.1f}s)")
    print()
    for line in summary["lines"]:
        print(line)


def summarize(rows: list[dict], reference: dict | None) -> dict:
    small, large = rows[0], rows[-1]
    out: dict = {"judged_on": "median", "lines": []}
    if len(rows) > 1:
        growth = large["median_ns_per_member_day"] / small["median_ns_per_member_day"]
        out["cost_growth"] = growth
        out["cost_growth_met"] = growth < TARGET_COST_GROWTH
        out["lines"].append(
            f"cost per member-day, {large['target_members']:,} vs {small['target_members']:,} members: "
            f"{growth:.2f}x (target < {TARGET_COST_GROWTH}x: {'met' if growth < TARGET_COST_GROWTH else 'MISSED'})")
    at_100k = next((r for r in rows if r["target_members"] == 100_000), None)
    if at_100k:
        rate = at_100k["median_member_days_per_s"]
        out["throughput_100k_met"] = rate >= TARGET_MEMBER_DAYS_PER_S
        out["lines"].append(
            f"throughput at 100,000 members: {rate / 1e6:.2f} M member-days/s "
            f"(target >= {TARGET_MEMBER_DAYS_PER_S / 1e6:.0f} M: "
            f"{'met' if rate >= TARGET_MEMBER_DAYS_PER_S else 'MISSED'}, {rate / TARGET_MEMBER_DAYS_PER_S:.0%} of it)")
    if reference:
        ratio = reference["median_ns_per_member_day"] / small["median_ns_per_member_day"]
        out["ratio_to_reference"] = ratio
        out["lines"].append(
            f"ratio to the Mesa-idiomatic reference (cost per member-day, reference at "
            f"{reference['target_members']:,} / engine at {small['target_members']:,} members): "
            f"engine is {ratio:.0f}x faster")
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="target members per size")
    p.add_argument("--days", type=int, default=20, help="timed days per window")
    p.add_argument("--repeats", type=int, default=7, help="timed windows per size, each replaying the same days")
    p.add_argument("--warmup", type=int, default=30, help="untimed days before timing, to fill the groups")
    p.add_argument("--seed-users", type=int, default=399, help="seed users per group at founding (max 499)")
    p.add_argument("--graph-multiple", type=float, default=3.0, help="people on the graph per member")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reference-members", type=int, default=10_000,
                   help="members of the Mesa-idiomatic reference (0 skips it)")
    p.add_argument("--reference-days", type=int, default=3)
    p.add_argument("--profile", metavar="FILE", help="cProfile the timed days of the largest size into FILE")
    p.add_argument("--out", default=str(HERE / "results" / "throughput.json"))
    args = p.parse_args(argv)
    sizes = sorted(args.sizes)
    load_before = os.getloadavg()[0]  # other work on the 2 cores makes every number here lower

    rows = []
    for members in sizes:
        print(f"measuring ~{members:,} members ...", flush=True)
        rows.append(measure(members, args, args.profile if members == sizes[-1] else None))
        gc.collect()  # free the last model (Mesa models hold reference cycles) before the next one
    reference = None
    if args.reference_members:
        print(f"measuring the Mesa-idiomatic reference at ~{args.reference_members:,} members ...", flush=True)
        reference = reference_mesa.measure(args.reference_members, days=args.reference_days,
                                           repeats=min(args.repeats, 3), graph_multiple=args.graph_multiple,
                                           seed=args.seed)
    summary = summarize(rows, reference)
    print()
    print_table(rows, reference, summary)

    result = {
        "benchmark": "throughput",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "settings": {k: v for k, v in vars(args).items() if k not in ("out", "profile")},
        "definition": "member-days/s = sum over timed days of members present after step() / seconds inside step()",
        "sizes": rows,
        "reference_mesa": reference,
        "summary": {k: v for k, v in summary.items() if k != "lines"},
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
    }
    if max(result["load_average_1min"].values()) > 1.5:
        print(f"note: 1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after: other processes "
              "shared the CPUs, so these numbers are pessimistic; rerun on a quiet machine")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out}")
    if args.profile:
        print(f"cProfile of the {sizes[-1]:,}-member timed days: {args.profile}; top functions by own time:")
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
