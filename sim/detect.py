"""Failure modes and lifecycle phases, read off the recorded series (nothing here changes the model).

Each detector is a condition on a group's daily series over a trailing window (``detect.window_days``);
a run of days on which it holds for at least ``detect.min_days`` is an episode, reported on the day it
is confirmed (so a live view can raise it then) with the numbers that triggered it. Thresholds:
``DetectConfig``; failure modes: DOMAIN.md (how communities fail).

- evaporation (蒸发): high-potential members leave, unhappy (for low value, noise or silence, not
  boredom), at ``evaporation_exit_ratio`` x the rate of the others while the perceived quality falls by
  ``evaporation_quality_drop`` (the loop of P8, not mere churn);
- tyranny (暴政): the loudest voice holds ``tyranny_voice_share`` of messages, the group's silence is above
  ``tyranny_silence`` and the others post less per member than a window ago;
- leaderless (无首): no active organizer and no KOL for ``leaderless_days`` days;
- boredom (无聊): mean novelty below ``boredom_novelty``, member posts down by ``boredom_activity_drop``, few
  newcomers and no regular activity (sharing sessions, check-ins, games, offline events) in the window;
- loss of focus (失焦): members' mean interest match with the topic below ``focus_relevance``, or the
  perceived noise (ads, off-topic, unanswered) above ``focus_noise_share``;
- burnout: an organizer or KOL quits after ``burnout_overload_days`` overloaded days in the window;
- crisis exit: on one day, exits for a competitor's offer above ``crisis_exit_share`` of members.

Phases (``LifecycleConfig``): germination, fast growth, active, decline, dormant (萌芽期, 高速成长期, 活跃期,
死亡期, 沉寂期), decided each day from what has happened so far, with a hysteresis of ``min_phase_days``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .config import Config, DetectConfig, LifecycleConfig

PHASES = ("germination", "fast_growth", "active", "decline", "dormant")
FAILURES = ("evaporation", "tyranny", "leaderless", "boredom", "loss_of_focus", "burnout", "crisis_exit")
ACTIVITY_SOURCES = ("sharing_session", "check_in", "welfare", "offline_event")  # regular activities (boredom cure)


# ------------------------------------------------------------------------ phases
def raw_phases(series: pd.DataFrame, capacity: float, cfg: LifecycleConfig) -> np.ndarray:
    """Phase index per day before hysteresis, from the series up to that day."""
    w = cfg.growth_window_days
    members = series["members"].to_numpy(dtype=float)
    share = series["active_members"].to_numpy(dtype=float) / np.maximum(members, 1.0)
    # active members smoothed over the growth window, so a one-week burst is neither a peak nor a fall
    active = series["active_members"].rolling(w, min_periods=1).mean().to_numpy(dtype=float)
    before = np.concatenate([np.full(w, members[0]), members])[: len(members)]
    growth = (members - before) / w / max(capacity, 1.0)
    peak = np.maximum.accumulate(active)
    grown = np.maximum.accumulate(growth >= cfg.fast_growth_share_per_day)
    phase = np.where(grown, PHASES.index("active"), PHASES.index("germination"))
    phase[growth >= cfg.fast_growth_share_per_day] = PHASES.index("fast_growth")
    was_active = np.maximum.accumulate(share >= cfg.dormant_active_share) & grown
    declining = was_active & (active < cfg.decline_share_of_peak * peak)
    phase[declining] = PHASES.index("decline")
    phase[was_active & (share < cfg.dormant_active_share)] = PHASES.index("dormant")
    return phase.astype(np.int8)


def phases(series: pd.DataFrame, capacity: float, cfg: LifecycleConfig) -> np.ndarray:
    """Phase index per day: a new raw phase is named once it has held ``min_phase_days`` days."""
    raw = raw_phases(series, capacity, cfg)
    out = raw.copy()
    current, candidate, run = raw[0] if len(raw) else 0, -1, 0
    for i, p in enumerate(raw):  # a loop over days, not members
        if p == current:
            candidate, run = -1, 0
        elif p == candidate:
            run += 1
        else:
            candidate, run = p, 1
        if candidate >= 0 and run >= cfg.min_phase_days:
            current, candidate, run = candidate, -1, 0
        out[i] = current
    return out


def phase_spans(days: np.ndarray, phase: np.ndarray) -> list[dict]:
    """Consecutive runs of one phase: [{phase, start, end}] with inclusive days."""
    spans = []
    if len(phase) == 0:
        return spans
    cuts = np.flatnonzero(np.diff(phase)) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(phase)]):
        spans.append({"phase": PHASES[phase[a]], "start": int(days[a]), "end": int(days[b - 1])})
    return spans


# ------------------------------------------------------------------------ failure conditions
def _rolling_sum(x: pd.Series, w: int) -> pd.Series:
    return x.rolling(w, min_periods=1).sum()


def conditions(series: pd.DataFrame, activities: pd.Series, cfg: DetectConfig) -> dict[str, pd.DataFrame]:
    """Per failure mode: a frame with a boolean column ``on`` and the evidence columns, one row per day."""
    s = series.reset_index(drop=True)
    w = cfg.window_days
    out = {}
    # evaporation: exits for low value, noise or silence (boredom is not the loop of P8)
    ex_high = _rolling_sum(s["unhappy_exits_high"], w)
    ex_rest = _rolling_sum(s["unhappy_exits_mid"] + s["unhappy_exits_low"], w)
    n_high = s["members_high"].rolling(w, min_periods=1).mean().clip(lower=1)
    n_rest = (s["members_mid"] + s["members_low"]).rolling(w, min_periods=1).mean().clip(lower=1)
    rate_high, rate_rest = ex_high / n_high, ex_rest / n_rest
    ratio = rate_high / rate_rest.where(rate_rest > 0, np.nan)
    ratio = ratio.fillna(pd.Series(np.where(rate_high > 0, np.inf, 0.0), index=ratio.index))
    quality_drop = s["perceived_quality"].shift(w).bfill() - s["perceived_quality"]
    out["evaporation"] = pd.DataFrame({
        "on": (ratio >= cfg.evaporation_exit_ratio) & (ex_high >= cfg.evaporation_min_exits)
              & (quality_drop >= cfg.evaporation_quality_drop),
        "high_exit_rate": rate_high, "other_exit_rate": rate_rest, "high_exits": ex_high,
        "quality_drop": quality_drop})
    # tyranny
    voice = s["loudest_share"].rolling(w, min_periods=1).mean()
    per_member = s["member_posts"] / s["members"].clip(lower=1)  # a growing group hides falling talk in totals
    posts_now = per_member.rolling(w, min_periods=1).mean()
    posts_before = posts_now.shift(w).bfill()
    out["tyranny"] = pd.DataFrame({
        "on": (voice >= cfg.tyranny_voice_share) & (s["silence"] >= cfg.tyranny_silence) & (posts_now < posts_before),
        "loudest_share": voice, "silence": s["silence"], "posts_per_member_per_day": posts_now,
        "posts_per_member_per_day_before": posts_before})
    # leaderless
    leaders = s["organizers"] + s["kols"]
    without = (leaders == 0).astype(int).rolling(cfg.leaderless_days, min_periods=cfg.leaderless_days).sum()
    out["leaderless"] = pd.DataFrame({"on": without >= cfg.leaderless_days, "organizers": s["organizers"],
                                      "kols": s["kols"], "days_without": without.fillna(0)})
    # boredom
    drop = 1.0 - posts_now / posts_before.where(posts_before > 0, np.nan)
    joins_share = _rolling_sum(s["joins"], w) / s["members"].clip(lower=1)
    acts = _rolling_sum(activities.reset_index(drop=True), w)
    out["boredom"] = pd.DataFrame({
        "on": (s["novelty"] < cfg.boredom_novelty) & (drop.fillna(0) >= cfg.boredom_activity_drop)
              & (joins_share < cfg.boredom_joins_share) & (acts == 0),
        "novelty": s["novelty"], "activity_drop": drop, "joins_share": joins_share, "activities": acts})
    # loss of focus
    out["loss_of_focus"] = pd.DataFrame({
        "on": (s["relevance"] < cfg.focus_relevance) | (s["noise_share"] > cfg.focus_noise_share),
        "relevance": s["relevance"], "noise_share": s["noise_share"]})
    # burnout
    overloaded = _rolling_sum((s["organizer_overload"] > 0).astype(int), w)
    out["burnout"] = pd.DataFrame({
        "on": (s["exits_burnout"] > 0) & (overloaded >= cfg.burnout_overload_days),
        "core_team_quits": s["exits_burnout"], "overloaded_days": overloaded,
        "overload": s["organizer_overload"]})
    # crisis exit
    lost = s["exits_competitor"] / s["members"].shift(1).fillna(s["members"]).clip(lower=1)
    out["crisis_exit"] = pd.DataFrame({"on": lost >= cfg.crisis_exit_share, "competitor_exits": s["exits_competitor"],
                                       "share_of_members": lost})
    return out


def episodes(on: np.ndarray, min_days: int) -> list[tuple[int, int, int]]:
    """Runs of True at least ``min_days`` long: (start row, confirmed row, end row), rows inclusive."""
    on = np.asarray(on, dtype=bool)
    edges = np.diff(np.r_[0, on.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(int(a), int(a + min_days - 1), int(b)) for a, b in zip(starts, ends) if b - a + 1 >= min_days]


def _evidence(row: pd.Series) -> dict:
    return {k: (round(float(v), 4) if np.isfinite(v) else None) for k, v in row.items() if k != "on"}


def detect_group(series: pd.DataFrame, activities: pd.Series, cfg: DetectConfig) -> list[dict]:
    """Failure episodes of one group: [{failure, start_day, day, end_day, evidence}], by confirmation day."""
    days = series["day"].to_numpy()
    found = []
    for failure, frame in conditions(series, activities, cfg).items():
        need = 1 if failure in ("crisis_exit", "leaderless", "burnout") else cfg.min_days
        for a, confirmed, b in episodes(frame["on"].to_numpy(), need):
            found.append({"failure": failure, "start_day": int(days[a]), "day": int(days[confirmed]),
                          "end_day": int(days[b]), "evidence": _evidence(frame.iloc[confirmed])})
    return sorted(found, key=lambda e: (e["day"], FAILURES.index(e["failure"])))


# ------------------------------------------------------------------------ a whole run
def analyse(timeseries: pd.DataFrame, events: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, list, dict]:
    """Phases into the series; failure episodes as event rows; per group: phase spans and verdicts."""
    ts = timeseries.copy()
    ts["phase"] = pd.Categorical(np.full(len(ts), PHASES[0]), categories=PHASES)
    rows, per_group = [], {}
    for g, series in ts.groupby("group", sort=True):
        series = series.sort_values("day")
        phase = phases(series, config.groups.capacity, config.lifecycle)
        ts.loc[series.index, "phase"] = pd.Categorical.from_codes(phase, PHASES)
        mine = events[(events["group"] == g) & events["source"].isin(ACTIVITY_SOURCES)
                      & ~events["action"].str.startswith("skipped")]
        acts = series["day"].map(mine.groupby("day").size()).fillna(0)
        found = detect_group(series, acts, config.detect)
        for e in found:
            rows.append((e["day"], "", int(g), "detect", e["failure"], 0, 0.0, 0.0,
                         json.dumps({"start_day": e["start_day"], "end_day": e["end_day"], **e["evidence"]})))
        per_group[str(g)] = {
            "phases": phase_spans(series["day"].to_numpy(), phase),
            "failures": {f: {"detected": any(e["failure"] == f for e in found),
                             "first_day": min((e["day"] for e in found if e["failure"] == f), default=None),
                             "episodes": sum(e["failure"] == f for e in found)} for f in FAILURES},
        }
    return ts, rows, per_group
