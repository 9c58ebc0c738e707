"""Operator KPIs (DOMAIN.md "What operators measure"): each on hand-built tables with hand-computed
values, the edge cases (empty group, no purchases, a horizon shorter than 90 days), and a real run's
summary.json against its own tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.api import run
from sim.config import TIERS
from sim.observe import (activity, conversion, cost_per_active_member, jsonable, kpis, new_members,
                         new_members_series, participation_inequality, participation_rate, retention,
                         retention_by_cohort, run_kpis, satisfaction_by_tier)

from conftest import small_config

nan = float("nan")


def series(days, group: int = 0, **columns) -> pd.DataFrame:
    """A time series in the recorder's layout: the given columns, zeros for the rest used by the KPIs."""
    days = list(days)
    n = len(days)
    base = {"day": days, "group": [group] * n, "members": [0] * n, "active_members": [0] * n, "speakers": [0] * n,
            "posts": [0.0] * n, "joins_seed": [0] * n, "joins_invited": [0] * n, "joins_recruited": [0] * n,
            "joins_moved": [0] * n, "policy_spend_yuan": [0.0] * n, "policy_minutes": [0.0] * n}
    for t in TIERS:
        base[f"members_{t}"] = [0] * n
        base[f"satisfaction_{t}"] = [nan] * n
    base.update(columns)
    return pd.DataFrame(base)


def people(rows: list[tuple], group: int = 0) -> pd.DataFrame:
    """A members table from (via, joined_day, left_day, posts, purchases) rows."""
    cols = ["via", "joined_day", "left_day", "posts", "purchases"]
    df = pd.DataFrame(rows, columns=cols).astype({"joined_day": "int32", "left_day": "int32", "posts": "int32",
                                                  "purchases": "int32"})
    df.insert(0, "group", np.int32(group))
    return df


# ------------------------------------------------------------------------------ new members
def test_new_members_counts_invited_and_recruited_not_founders_or_moves():
    ts = series(range(10), joins_seed=[3] + [0] * 9, joins_invited=[0, 1, 2, 0, 0, 0, 0, 5, 0, 1],
                joins_recruited=[0, 0, 0, 1, 0, 0, 0, 0, 0, 0], joins_moved=[0, 0, 0, 0, 2, 0, 0, 0, 0, 0])
    k = new_members(ts)
    assert k == {"total": 10, "founders": 3, "per_day": 1.0, "per_week": 7.0, "peak_week": 6,
                 "peak_week_first_day": 7}
    assert new_members_series(ts).tolist() == [0, 1, 2, 1, 0, 0, 0, 5, 0, 1]
    assert new_members_series(ts, 7).to_dict() == {0: 4, 7: 6}


def test_new_members_weeks_start_at_a_later_founding_and_groups_add_up():
    a = series(range(9), joins_invited=[1] * 9)
    b = series(range(3, 9), group=1, joins_invited=[2] * 6)
    assert new_members_series(b, 7).to_dict() == {3: 12}
    both = pd.concat([a, b])
    assert new_members_series(both).loc[5] == 3
    k = new_members(both)
    assert k["total"] == 21 and k["per_day"] == pytest.approx(21 / 9)


# ------------------------------------------------------------------------------ activity and participation
def test_activity_and_participation_rate():
    ts = series(range(4), members=[4, 5, 5, 5], active_members=[2, 4, 4, 0], speakers=[1, 2, 0, 0],
                posts=[6.0, 8.0, 0.0, 0.0])
    assert activity(ts) == {"active_members_final": 0, "active_members_mean": 2.5,
                            "posts_per_active_member_day": pytest.approx(14 / 10)}
    assert participation_rate(ts, "day") == pytest.approx(3 / 19)
    assert participation_rate(ts, "week") == pytest.approx(10 / 19)


def test_activity_pools_groups_per_day():
    a = series(range(2), members=[10, 10], active_members=[2, 4], speakers=[1, 1], posts=[4.0, 4.0])
    b = series(range(1, 2), group=1, members=[10], active_members=[6], speakers=[3], posts=[20.0])
    k = activity(pd.concat([a, b]))
    assert k["active_members_final"] == 10 and k["active_members_mean"] == 6.0  # days: 2, 4 + 6
    assert k["posts_per_active_member_day"] == pytest.approx(28 / 12)
    assert participation_rate(pd.concat([a, b]), "day") == pytest.approx(5 / 30)


# ------------------------------------------------------------------------------ retention
RETENTION_PEOPLE = [
    ("seed", 0, -1, 0, 0),      # founders: reported apart
    ("seed", 0, 3, 0, 0),
    ("invited", 2, 2, 0, 0),    # left on the day it joined: not there at d+1
    ("invited", 2, 10, 0, 0),   # there at d+1 and d+7 (day 9), gone by d+30
    ("invited", 2, -1, 0, 0),   # stays
    ("invited", 5, 12, 0, 0),   # left on day 12 = d+7 exactly: not retained at d+7
    ("recruited", 20, -1, 0, 0),  # too young for d+30 (day 50 > 40)
]


def test_retention_by_cohort_on_a_forty_day_horizon():
    table = retention_by_cohort(people(RETENTION_PEOPLE), last_day=40)
    assert table["size"].to_dict() == {2: 3, 5: 1, 20: 1}
    assert table.loc[2, "d1"] == pytest.approx(2 / 3) and table.loc[2, "d7"] == pytest.approx(2 / 3)
    assert table.loc[2, "d30"] == pytest.approx(1 / 3)
    assert table.loc[5, "d1"] == 1.0 and table.loc[5, "d7"] == 0.0 and table.loc[5, "d30"] == 0.0
    assert table.loc[20, "d7"] == 1.0 and np.isnan(table.loc[20, "d30"])
    assert table["d90"].isna().all()  # horizon shorter than 90 days: no cohort is old enough
    founders = retention_by_cohort(people(RETENTION_PEOPLE), last_day=40, founders=True)
    assert founders["size"].to_dict() == {0: 2} and founders.loc[0, "d7"] == 0.5


def test_retention_pools_only_cohorts_old_enough_and_reports_founders_apart():
    k = retention(people(RETENTION_PEOPLE), last_day=40)
    assert k["d1"] == pytest.approx(4 / 5) and k["d7"] == pytest.approx(3 / 5)
    assert k["d30"] == pytest.approx(1 / 4) and np.isnan(k["d90"])
    assert k["cohort_members"] == {"d1": 5, "d7": 5, "d30": 4, "d90": 0}
    assert k["founders"]["d1"] == 1.0 and k["founders"]["d7"] == 0.5 and np.isnan(k["founders"]["d90"])
    assert jsonable(k)["d90"] is None
    # the last day bounds the cohorts: on day 8 only the day-0 and day-2 joiners are old enough for d+1 .. d+7
    early = retention(people(RETENTION_PEOPLE), last_day=8)
    assert early["cohort_members"] == {"d1": 4, "d7": 0, "d30": 0, "d90": 0}


# ------------------------------------------------------------------------------ conversion
def test_conversion_and_repurchase():
    k = conversion(people([("invited", 0, -1, 0, p) for p in (0, 0, 1, 2, 3, 0)]))
    assert k == {"buyers": 3, "purchases": 6, "conversion_rate": 0.5, "repurchase_rate": pytest.approx(2 / 3)}


def test_conversion_without_purchases_or_members():
    none = conversion(people([("invited", 0, -1, 0, 0)] * 4))
    assert none["buyers"] == 0 and none["conversion_rate"] == 0.0 and np.isnan(none["repurchase_rate"])
    empty = conversion(people([]))
    assert empty["buyers"] == 0 and np.isnan(empty["conversion_rate"]) and np.isnan(empty["repurchase_rate"])


# ------------------------------------------------------------------------------ satisfaction
def test_satisfaction_by_tier_final_and_member_day_mean():
    ts = series(range(3), members_high=[2, 0, 4], satisfaction_high=[0.5, nan, 0.8],
                members_mid=[1, 1, 0], satisfaction_mid=[0.2, 0.4, nan])
    k = satisfaction_by_tier(ts)
    assert k["high"] == {"final": pytest.approx(0.8), "mean": pytest.approx((2 * 0.5 + 4 * 0.8) / 6)}
    assert np.isnan(k["mid"]["final"]) and k["mid"]["mean"] == pytest.approx(0.3)
    assert np.isnan(k["low"]["final"]) and np.isnan(k["low"]["mean"])


def test_satisfaction_weights_groups_by_their_members():
    a = series(range(1), members_high=[4], satisfaction_high=[0.8])
    b = series(range(1), group=1, members_high=[1], satisfaction_high=[0.3])
    assert satisfaction_by_tier(pd.concat([a, b]))["high"]["final"] == pytest.approx((3.2 + 0.3) / 5)


# ------------------------------------------------------------------------------ participation inequality
def test_inequality_of_five_members():
    k = participation_inequality(people([("invited", 0, -1, p, 0) for p in (0, 0, 0, 1, 10)]))
    assert k["members"] == 5 and k["posts"] == 11
    # 1 % and 10 % of five members round up to one member: the one with 10 posts
    assert k["top_1pct_posts_share"] == pytest.approx(10 / 11) and k["top_10pct_posts_share"] == pytest.approx(10 / 11)
    assert k["never_posted_share"] == pytest.approx(0.6)
    c = k["classes"]
    assert c["lurkers"] == {"members_share": pytest.approx(0.6), "posts_share": 0.0}
    assert c["superusers"] == {"members_share": pytest.approx(0.2), "posts_share": pytest.approx(10 / 11)}
    assert c["contributors"] == {"members_share": pytest.approx(0.2), "posts_share": pytest.approx(1 / 11)}
    assert k["rank_classes_posts_share"] == {"superusers": pytest.approx(10 / 11), "contributors": pytest.approx(0.0),
                                             "lurkers": pytest.approx(1 / 11)}


def test_inequality_top_shares_of_two_hundred_members():
    k = participation_inequality(people([("invited", 0, -1, p, 0) for p in range(1, 201)]))
    total = 200 * 201 / 2
    assert k["top_1pct_posts_share"] == pytest.approx((200 + 199) / total)  # 2 members
    assert k["top_10pct_posts_share"] == pytest.approx(sum(range(181, 201)) / total)  # 20 members
    assert k["never_posted_share"] == 0.0 and k["classes"]["superusers"]["members_share"] == 0.01
    shares = [k["classes"][c]["posts_share"] for c in ("lurkers", "contributors", "superusers")]
    assert sum(shares) == pytest.approx(1.0)


def test_inequality_when_nobody_posted_or_nobody_was_there():
    silent = participation_inequality(people([("invited", 0, -1, 0, 0)] * 3))
    assert silent["never_posted_share"] == 1.0 and np.isnan(silent["top_1pct_posts_share"])
    classes = silent["classes"]
    assert classes["lurkers"]["members_share"] == 1.0 and classes["superusers"]["members_share"] == 0.0
    empty = participation_inequality(people([]))
    assert empty["members"] == 0 and np.isnan(empty["never_posted_share"])


# ------------------------------------------------------------------------------ spend and organizer time
def test_cost_per_active_member_at_the_end_and_at_day_90():
    active = [10] * 100
    active[89], active[99] = 20, 0
    ts = series(range(100), active_members=active, policy_spend_yuan=[1.0] * 100, policy_minutes=[6.0] * 100)
    k = cost_per_active_member(ts)
    assert set(k) == {"end", "day_90"}  # 100 days: no day 180
    assert k["day_90"] == {"day": 89, "spend_yuan": 90.0, "organizer_hours": pytest.approx(9.0), "active_members": 20,
                           "yuan_per_active_member": 4.5, "hours_per_active_member": pytest.approx(0.45)}
    end = k["end"]
    assert end["spend_yuan"] == 100.0 and end["organizer_hours"] == pytest.approx(10.0) and end["active_members"] == 0
    assert np.isnan(end["yuan_per_active_member"])  # nobody active at the end: no per-member figure
    assert jsonable(k)["end"]["yuan_per_active_member"] is None


def test_cost_checkpoints_need_the_group_to_exist_that_day():
    late = series(range(95, 100), active_members=[5] * 5, policy_spend_yuan=[2.0] * 5)
    k = cost_per_active_member(late)
    assert set(k) == {"end"} and k["end"]["yuan_per_active_member"] == 2.0


# ------------------------------------------------------------------------------ all together, edge cases
def test_kpis_of_an_empty_group_are_json_with_nulls():
    for ts in (series(range(5)), series([])):
        k = kpis(ts, people([]))
        text = json.dumps(k, allow_nan=False)  # no NaN leaks into JSON
        assert json.loads(text) == k
        assert k["new_members"]["total"] == 0 and k["conversion"]["conversion_rate"] is None
        assert k["participation_inequality"]["never_posted_share"] is None
        assert k["retention"]["d1"] is None and k["posts_per_active_member_day"] is None


def test_jsonable_rounds_and_converts():
    assert jsonable({"a": np.float64(1 / 3), "b": np.int32(2), "c": [nan, np.inf], "d": np.bool_(True)}) == \
        {"a": 0.3333, "b": 2, "c": [None, None], "d": True}


# ------------------------------------------------------------------------------ a real run
@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    cfg = small_config(seed=3, days=120, size=800, policies={"red_packet": {}, "marketing": {}})
    return run(cfg).save(tmp_path_factory.mktemp("kpis") / "run", plot=False)


def test_summary_json_holds_kpis_that_agree_with_the_tables(saved):
    summary = json.loads((saved / "summary.json").read_text())
    ts = pd.read_parquet(saved / "timeseries.parquet")
    members = pd.read_parquet(saved / "members.parquet")
    events = pd.read_parquet(saved / "events.parquet")
    k, g0 = summary["kpis"], summary["groups"]["0"]["kpis"]
    assert set(k) == {"new_members", "active_members_final", "active_members_mean", "posts_per_active_member_day",
                      "participation_rate", "retention", "conversion", "satisfaction_by_tier",
                      "participation_inequality", "cost_per_active_member"}
    # recomputed from the written tables alone, the same numbers
    assert (k, {"0": g0}) == run_kpis(ts, members)
    # against the tables directly
    ineq = k["participation_inequality"]
    assert ineq["never_posted_share"] == round(float((members["posts"] == 0).mean()), 4)
    assert ineq["never_posted_share"] == summary["groups"]["0"]["members_never_posted_share"]
    assert ineq["members"] == len(members) and ineq["posts"] == int(members["posts"].sum())
    new = k["new_members"]
    assert new["total"] + new["founders"] == len(members) == summary["headline"]["ever_joined"]
    assert k["active_members_final"] == summary["groups"]["0"]["final_active_members"]
    buyers = int((members["purchases"] > 0).sum())
    assert buyers > 0 and k["conversion"]["buyers"] == buyers == summary["policies"]["marketing"]["conversions"]
    assert k["conversion"]["purchases"] - buyers == summary["policies"]["marketing"]["repurchases"]
    assert k["conversion"]["conversion_rate"] == round(buyers / len(members), 4)
    end = k["cost_per_active_member"]["end"]
    policy_rows = events[events["source"].isin(["red_packet", "marketing"])]
    assert end["day"] == 119 and end["spend_yuan"] == round(float(policy_rows["spend_yuan"].sum()), 4) > 0
    assert end["organizer_hours"] == round(float(policy_rows["organizer_minutes"].sum()) / 60, 4)
    assert end["active_members"] == int(ts["active_members"].iloc[-1])
    assert "day_90" in k["cost_per_active_member"] and "day_180" not in k["cost_per_active_member"]
    # retention d+7 by hand from members.parquet
    cohort = members[(members["via"] != "seed") & (members["joined_day"] + 7 <= 119)]
    kept = (cohort["left_day"] < 0) | (cohort["left_day"] > cohort["joined_day"] + 7)
    assert k["retention"]["d7"] == round(float(kept.mean()), 4)
    assert k["retention"]["d90"] is not None and k["retention"]["cohort_members"]["d7"] == len(cohort)
    final = ts.iloc[-1]
    assert k["satisfaction_by_tier"]["high"]["final"] == round(float(final["satisfaction_high"]), 4)


def test_kpis_per_group_with_a_clone_and_moved_members():
    cfg = small_config(seed=0, days=80, size=2000,
                       policies={"replication": {"when": "size", "min_members": 100, "max_groups": 1}})
    result = run(cfg)
    json.dumps(result.summary, allow_nan=False)
    groups = result.summary["groups"]
    assert set(groups) == {"0", "1"} and all("kpis" in g for g in groups.values())
    assert result.timeseries["joins_moved"].sum() > 0
    k = result.summary["kpis"]
    # moves are not new members; every person who was ever a member came once, as a founder or new
    assert k["new_members"]["total"] + k["new_members"]["founders"] == len(result.members)
    assert sum(g["kpis"]["new_members"]["total"] for g in groups.values()) == k["new_members"]["total"]
    assert sum(g["kpis"]["participation_inequality"]["members"] for g in groups.values()) == len(result.members)
