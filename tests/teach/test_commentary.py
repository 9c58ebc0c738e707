"""The running commentary: what each line says, when it is written, and which lines are shown."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outputs import EVENT_COLUMNS
from sim.teach.commentary import (WAVE_HIGH_EXITS, Line, commentary, failure_text, latest)
from sim.teach.live import TeachModel
from sim.teach.view import View


def view(days: int = 60, exits_high=None, phase=None, events=(), failures=(), members=100, capacity=500) -> View:
    """A one-group View built by hand."""
    exits = np.zeros(days) if exits_high is None else np.asarray(exits_high, dtype=float)
    total = pd.DataFrame({"members": np.full(days, members), "active_members": np.full(days, members // 4),
                          "exits_high": exits}, index=pd.Index(np.arange(days), name="day"))
    series = total.reset_index().assign(group=0)
    ev = pd.DataFrame(list(events), columns=list(EVENT_COLUMNS))
    return View(days_total=days, capacity=capacity, total=total,
                phase=np.zeros(days, dtype=np.int8) if phase is None else np.asarray(phase, dtype=np.int8),
                series=series, failures=list(failures), events=ev)


def test_evaporation_names_the_high_potential_members_who_left_in_the_week():
    exits = np.zeros(220)
    exits[[209, 210, 211, 212, 213, 214]] = 1  # six within the week ending on day 214
    v = view(220, exits_high=exits, failures=[{"day": 214, "group": 0, "failure": "evaporation",
                                               "evidence": {"high_exits": 8.0, "high_exit_rate": 0.2,
                                                            "other_exit_rate": 0.01}}])
    lines = [str(line) for line in commentary(v) if line.kind == "failure"]
    assert lines == ["day 214: 6 high-potential members left in a week, 20 times the others' rate: evaporation (蒸发)"]


def test_evaporation_without_a_weekly_wave_counts_the_detectors_window():
    text = failure_text("evaporation", {"high_exits": 3.0, "high_exit_rate": None, "other_exit_rate": 0.0}, 1)
    assert text == "3 high-potential members left in 28 days: evaporation (蒸发)"


def test_each_failure_reads_its_own_evidence():
    assert failure_text("crisis_exit", {"competitor_exits": 79, "share_of_members": 0.16}, 0) == \
        "79 members (16%) left for a competitor's offer: crisis exit"
    assert failure_text("leaderless", {"days_without": 14}, 0).startswith("no organizer or KOL for 14 days")
    # loss of focus says which of its two triggers fired
    assert failure_text("loss_of_focus", {"relevance": 0.43, "noise_share": 0.0}, 0).startswith(
        "members' interest in the topic down to 0.43")
    assert failure_text("loss_of_focus", {"relevance": 0.7, "noise_share": 0.3}, 0).startswith("noise is 30%")


def test_a_line_on_each_phase_change_and_none_while_it_holds():
    phase = [0] * 10 + [1] * 20 + [2] * 30
    lines = [line for line in commentary(view(60, phase=phase)) if line.kind == "phase"]
    assert [(line.day, line.text.split(":")[0]) for line in lines] == [(10, "fast growth (高速成长期)"),
                                                                         (30, "active (活跃期)")]


def test_a_wave_of_high_potential_exits_is_told_once_a_week_and_not_beside_evaporation():
    exits = np.zeros(40)
    exits[5:25] = 1  # one a day for 20 days: the weekly count passes the threshold on day 5 + threshold - 1
    lines = [line for line in commentary(view(40, exits_high=exits)) if line.kind == "wave"]
    first = 5 + WAVE_HIGH_EXITS - 1
    assert [line.day for line in lines] == [first, first + 7, first + 14]
    told = [{"day": first, "group": 0, "failure": "evaporation", "evidence": {"high_exits": 5.0}}]
    lines = [line for line in commentary(view(40, exits_high=exits, failures=told)) if line.kind == "wave"]
    assert first not in [line.day for line in lines]


def test_evictions_of_one_day_are_one_line_by_reason_and_routine_acts_say_nothing():
    events = [(14, "", 0, "eviction", "evict_inactive", 8, 0.0, 8.0, ""),
              (14, "", 0, "eviction", "evict_spammer", 1, 0.0, 1.0, ""),
              (14, "", 0, "eviction", "recruit_replacements", 9, 0.0, 4.5, ""),
              (15, "noon", 0, "red_packet", "reciprocate", 10, 0.0, 0.0, "members sent back 1.13 yuan"),
              (16, "", 0, "red_packet", "skipped_send", 0, 0.0, 0.0, "no organizer time left today")]
    lines = [str(line) for line in commentary(view(20, events=events))]
    assert lines == ["day 14: 9 members evicted (8 inactive, 1 spammer)"]


def test_the_group_filling_up_is_told_on_the_first_full_day():
    v = view(30, members=500, capacity=500)
    assert [str(line) for line in commentary(v) if line.kind == "full"] == ["day 0: the group is full: 500 members"]


def test_latest_keeps_only_the_newest_line_of_a_routine_act():
    lines = [Line(d, "policy", f"red packet {d}", topic="red_packet") for d in range(0, 70, 7)]
    lines.insert(3, Line(15, "failure", "boredom"))
    shown = latest(sorted(lines, key=lambda line: line.day), 5)
    assert [line.text for line in shown] == ["red packet 63", "boredom"]


def test_lines_once_written_never_change_as_the_run_goes_on():
    model = TeachModel(preset="p8_evaporation", people=200, eviction_inactive_days=30, red_packet_yuan=20)
    for _ in range(45):
        model.step()
    early = commentary(model.view(), model.config.detect)
    for _ in range(45):
        model.step()
    later = commentary(model.view(), model.config.detect)
    assert early, "a run of 45 days with packets and evictions has something to say"
    assert [line for line in later if line.day <= 44] == early
