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
PHASE_DTYPE = pd.CategoricalDtype(PHASES)
FAILURES = ("evaporation", "tyranny", "leaderless", "boredom", "loss_of_focus", "burnout", "crisis_exit")
ACTIVITY_SOURCES = ("sharing_session", "check_in", "welfare", "offline_event")  # regular activities (boredom cure)


# ------------------------------------------------------------------------ daily columns as arrays
PHASE_COLUMNS = ("members", "active_members")
CONDITION_COLUMNS = ("members", "members_high", "members_mid", "members_low", "unhappy_exits_high",
                     "unhappy_exits_mid", "unhappy_exits_low", "perceived_quality", "loudest_share", "member_posts",
                     "silence", "organizers", "kols", "joins", "novelty", "relevance", "noise_share",
                     "organizer_overload", "exits_burnout", "exits_competitor")


def _columns(series: pd.DataFrame, names) -> dict[str, np.ndarray]:
    return {c: series[c].to_numpy() for c in names}


def _exact(x: np.ndarray) -> bool:
    """Integers whose running sums stay exact in float64, so any order of summing gives the same bits."""
    return x.dtype.kind in "biu" and not (len(x) and np.abs(x).max() * len(x) >= 2 ** 53)


def _rolling_sum(x: np.ndarray, w: int, min_periods: int = 1) -> np.ndarray:
    """pandas' ``rolling(w, min_periods).sum()``: a difference of cumulative sums when exact, else
    pandas' own compensated sum."""
    x = np.asarray(x)
    if not _exact(x):
        return pd.Series(x).rolling(w, min_periods=min_periods).sum().to_numpy()
    c = np.cumsum(x, dtype=np.float64)
    out = c.copy()
    out[w:] -= c[:max(len(x) - w, 0)]
    out[:min_periods - 1] = np.nan
    return out


def _rolling_mean(x: np.ndarray, w: int) -> np.ndarray:
    """pandas' ``rolling(w, min_periods=1).mean()``, as ``_rolling_sum``."""
    x = np.asarray(x)
    if not _exact(x):
        return pd.Series(x).rolling(w, min_periods=1).mean().to_numpy()
    return _rolling_sum(x, w) / np.minimum(np.arange(1.0, len(x) + 1), w)


def _bfill(x: np.ndarray) -> np.ndarray:
    """NaN replaced by the next non-NaN value (pandas' ``bfill``)."""
    nan = np.isnan(x)
    if not nan.any():
        return x
    nxt = np.minimum.accumulate(np.where(nan, len(x), np.arange(len(x)))[::-1])[::-1]
    return np.append(x, np.nan)[nxt]


def _before(x: np.ndarray, w: int) -> np.ndarray:
    """The value w rows earlier; the first ones take the first value (pandas' ``shift(w).bfill()``)."""
    out = np.full(len(x), np.nan)
    out[w:] = x[:max(len(x) - w, 0)]
    return _bfill(out)


def _nan_where_not(x: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return np.where(keep, x, np.nan)


# ------------------------------------------------------------------------ phases
def raw_phases(series: pd.DataFrame, capacity: float, cfg: LifecycleConfig) -> np.ndarray:
    """Phase index per day before hysteresis, from the series up to that day."""
    return _raw_phases(_columns(series, PHASE_COLUMNS), capacity, cfg)


def _raw_phases(s: dict[str, np.ndarray], capacity: float, cfg: LifecycleConfig) -> np.ndarray:
    w = cfg.growth_window_days
    members = s["members"].astype(float)
    share = s["active_members"].astype(float) / np.maximum(members, 1.0)
    # active members smoothed over the growth window, so a one-week burst is neither a peak nor a fall
    active = _rolling_mean(s["active_members"], w).astype(float)
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
    return _phases(_columns(series, PHASE_COLUMNS), capacity, cfg)


def _phases(s: dict[str, np.ndarray], capacity: float, cfg: LifecycleConfig) -> np.ndarray:
    raw = _raw_phases(s, capacity, cfg)
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
def conditions(series: pd.DataFrame, activities: pd.Series, cfg: DetectConfig) -> dict[str, pd.DataFrame]:
    """Per failure mode: a frame with a boolean column ``on`` and the evidence columns, one row per day."""
    found = _conditions(_columns(series, CONDITION_COLUMNS), np.asarray(activities), cfg)
    return {failure: pd.DataFrame(columns) for failure, columns in found.items()}


@np.errstate(divide="ignore", invalid="ignore")  # as pandas: x / 0 is inf or NaN, quietly
def _conditions(s: dict[str, np.ndarray], activities: np.ndarray, cfg: DetectConfig) -> dict[str, dict]:
    """Per failure mode: the columns of ``conditions`` as arrays."""
    w = cfg.window_days
    members = np.maximum(s["members"], 1)
    out = {}
    # evaporation: exits for low value, noise or silence (boredom is not the loop of P8)
    ex_high = _rolling_sum(s["unhappy_exits_high"], w)
    ex_rest = _rolling_sum(s["unhappy_exits_mid"] + s["unhappy_exits_low"], w)
    n_high = np.maximum(_rolling_mean(s["members_high"], w), 1)
    n_rest = np.maximum(_rolling_mean(s["members_mid"] + s["members_low"], w), 1)
    rate_high, rate_rest = ex_high / n_high, ex_rest / n_rest
    ratio = rate_high / _nan_where_not(rate_rest, rate_rest > 0)
    ratio = np.where(np.isnan(ratio), np.where(rate_high > 0, np.inf, 0.0), ratio)
    quality = s["perceived_quality"]
    quality_drop = _before(quality, w) - quality
    out["evaporation"] = {
        "on": (ratio >= cfg.evaporation_exit_ratio) & (ex_high >= cfg.evaporation_min_exits)
              & (quality_drop >= cfg.evaporation_quality_drop),
        "high_exit_rate": rate_high, "other_exit_rate": rate_rest, "high_exits": ex_high,
        "quality_drop": quality_drop}
    # tyranny
    voice = _rolling_mean(s["loudest_share"], w)
    per_member = s["member_posts"] / members  # a growing group hides falling talk in totals
    posts_now = _rolling_mean(per_member, w)
    posts_before = _before(posts_now, w)
    out["tyranny"] = {
        "on": (voice >= cfg.tyranny_voice_share) & (s["silence"] >= cfg.tyranny_silence) & (posts_now < posts_before),
        "loudest_share": voice, "silence": s["silence"], "posts_per_member_per_day": posts_now,
        "posts_per_member_per_day_before": posts_before}
    # leaderless
    without = _rolling_sum(s["organizers"] + s["kols"] == 0, cfg.leaderless_days, cfg.leaderless_days)
    out["leaderless"] = {"on": without >= cfg.leaderless_days, "organizers": s["organizers"],
                         "kols": s["kols"], "days_without": np.where(np.isnan(without), 0.0, without)}
    # boredom
    drop = 1.0 - posts_now / _nan_where_not(posts_before, posts_before > 0)
    joins_share = _rolling_sum(s["joins"], w) / members
    acts = _rolling_sum(activities, w)
    out["boredom"] = {
        "on": (s["novelty"] < cfg.boredom_novelty) & (np.where(np.isnan(drop), 0.0, drop) >= cfg.boredom_activity_drop)
              & (joins_share < cfg.boredom_joins_share) & (acts == 0),
        "novelty": s["novelty"], "activity_drop": drop, "joins_share": joins_share, "activities": acts}
    # loss of focus
    out["loss_of_focus"] = {
        "on": (s["relevance"] < cfg.focus_relevance) | (s["noise_share"] > cfg.focus_noise_share),
        "relevance": s["relevance"], "noise_share": s["noise_share"]}
    # burnout
    overloaded = _rolling_sum(s["organizer_overload"] > 0, w)
    out["burnout"] = {
        "on": (s["exits_burnout"] > 0) & (overloaded >= cfg.burnout_overload_days),
        "core_team_quits": s["exits_burnout"], "overloaded_days": overloaded,
        "overload": s["organizer_overload"]}
    # crisis exit
    m = s["members"]
    previous = np.r_[np.nan, m[:-1]] if len(m) else np.empty(0)
    lost = s["exits_competitor"] / np.maximum(np.where(np.isnan(previous), m, previous), 1)
    out["crisis_exit"] = {"on": lost >= cfg.crisis_exit_share, "competitor_exits": s["exits_competitor"],
                          "share_of_members": lost}
    return out


def episodes(on: np.ndarray, min_days: int) -> list[tuple[int, int, int]]:
    """Runs of True at least ``min_days`` long: (start row, confirmed row, end row), rows inclusive."""
    on = np.asarray(on, dtype=bool)
    edges = np.diff(np.r_[0, on.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(int(a), int(a + min_days - 1), int(b)) for a, b in zip(starts, ends) if b - a + 1 >= min_days]


def _evidence(columns: dict[str, np.ndarray], row: int) -> dict:
    return {k: (round(float(v[row]), 4) if np.isfinite(v[row]) else None) for k, v in columns.items() if k != "on"}


def detect_group(series: pd.DataFrame, activities: pd.Series, cfg: DetectConfig) -> list[dict]:
    """Failure episodes of one group: [{failure, start_day, day, end_day, evidence}], by confirmation day."""
    return _detect(_columns(series, CONDITION_COLUMNS), series["day"].to_numpy(), np.asarray(activities), cfg)


def _detect(s: dict[str, np.ndarray], days: np.ndarray, activities: np.ndarray, cfg: DetectConfig) -> list[dict]:
    found = []
    for failure, columns in _conditions(s, activities, cfg).items():
        need = 1 if failure in ("crisis_exit", "leaderless", "burnout") else cfg.min_days
        for a, confirmed, b in episodes(columns["on"], need):
            found.append({"failure": failure, "start_day": int(days[a]), "day": int(days[confirmed]),
                          "end_day": int(days[b]), "evidence": _evidence(columns, confirmed)})
    return sorted(found, key=lambda e: (e["day"], FAILURES.index(e["failure"])))


# ------------------------------------------------------------------------ a whole run
def analyse(timeseries: pd.DataFrame, events: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, list, dict]:
    """Phases into the series; failure episodes as event rows; per group: phase spans and verdicts."""
    ts = timeseries.copy()
    columns = _columns(ts, {*PHASE_COLUMNS, *CONDITION_COLUMNS, "group", "day"})
    group, day = columns["group"], columns["day"]
    code = np.zeros(len(ts), dtype=np.int8)
    regular = np.array([isinstance(source, str) and source in ACTIVITY_SOURCES and isinstance(action, str)
                        and not action.startswith("skipped")  # taken, not skipped; a missing value is neither
                        for source, action in zip(events["source"].tolist(), events["action"].tolist())], dtype=bool)
    event_group, event_day = events["group"].to_numpy()[regular], events["day"].to_numpy()[regular]
    rows, per_group = [], {}
    for g in np.unique(group):
        rows_g = np.flatnonzero(group == g)
        rows_g = rows_g[np.argsort(day[rows_g], kind="stable")]
        s = columns if len(rows_g) == len(ts) and (np.diff(rows_g) == 1).all() else {
            c: v[rows_g] for c, v in columns.items()}
        phase = _phases(s, config.groups.capacity, config.lifecycle)
        code[rows_g] = phase
        mine = np.sort(event_day[event_group == g])
        acts = np.searchsorted(mine, s["day"], "right") - np.searchsorted(mine, s["day"], "left")
        found = _detect(s, s["day"], acts, config.detect)
        for e in found:
            rows.append((e["day"], "", int(g), "detect", e["failure"], 0, 0.0, 0.0,
                         json.dumps({"start_day": e["start_day"], "end_day": e["end_day"], **e["evidence"]})))
        per_group[str(g)] = {
            "phases": phase_spans(s["day"], phase),
            "failures": {f: {"detected": any(e["failure"] == f for e in found),
                             "first_day": min((e["day"] for e in found if e["failure"] == f), default=None),
                             "episodes": sum(e["failure"] == f for e in found)} for f in FAILURES},
        }
    ts["phase"] = pd.Categorical.from_codes(code, dtype=PHASE_DTYPE)
    return ts, rows, per_group
