"""Every policy through the real ``commsim`` command: it runs, and its actions are in events.parquet.

The runs start together (threads, each a subprocess) in a module fixture; each test asserts on one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

COMMSIM = str(Path(sys.executable).with_name("commsim"))
SMALL = ["days=60", "population.size=800", "output.plot=false"]
CASES = {  # policy -> (extra overrides, actions that must appear)
    "red_packet": ([], {"warm_up:random_split", "reciprocate"}),
    "check_in": (["policy.check_in.rule_set=deposit"],
                 {"announce_cycle", "enrol", "daily_task", "checkin", "awards", "refund_deposit"}),
    "eviction": (["days=100"], {"evict_inactive", "recruit_replacements"}),
    "entry_threshold": ([], {"fee_collected", "fee_declined"}),
    "fish_pond": (["groups.count=2"], {"import_leads", "probe", "move"}),
    "sharing_session": (["policy.sharing_session.slot=after_21"], {"announce", "warm_up", "summary"}),
    "welfare": ([], {"quiet_hours", "game", "perks_honour", "private_chat", "summary"}),
    "admin_rotation": ([], {"rotate_admins"}),
    "offline_event": (["policy.offline_event.every_days=30"], {"meetup"}),
    "marketing": (["policy.marketing.start_day=0"], {"offer"}),
    "replication": (["policy.replication.when=size", "policy.replication.min_members=100"], {"replicate"}),
    "crisis": (["policy.crisis.schedule_days=[30]"], {"competitor_offer"}),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("policy_cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}

    def one(name):
        extra, _ = CASES[name]
        out = base / name
        proc = subprocess.run([COMMSIM, f"policy=[{name}]", *SMALL, *extra, f"hydra.run.dir={out}"], cwd=base,
                              env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
        return out, proc

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(CASES, pool.map(one, CASES)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_policy_runs_from_the_command_line(runs, name):
    out, proc = runs[name]
    assert proc.returncode == 0, proc.stderr[-2000:]
    events = pd.read_parquet(out / "events.parquet")
    actions = set(events.loc[events["source"] == name, "action"])
    assert CASES[name][1] <= actions, sorted(actions)
