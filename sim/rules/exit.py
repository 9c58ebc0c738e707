"""Exit: members leave voluntarily, with a recorded reason.

Two hazards per day, scaled by the tier's mobility (high-potential members have alternatives, P8):
    boredom       = max_bored x (1 - novelty)^exponent
    dissatisfied  = max_dissatisfied x (max(0, floor - satisfaction) / floor)^exponent
                    x (1 + tenure / tenure_scale)^(-tenure_exponent)
The dissatisfied hazard falls with tenure: newcomers churn most (Kairam, Wang & Leskovec, WSDM
2012). A dissatisfied exit is attributed to the largest of its causes: low value (shortfall of
content and ties against expectation), noise, or being silenced. Policies may scale both hazards
for today (``Day.exit_factor``). Parameters: ``rules.exit``.
"""

from __future__ import annotations

import functools

import numpy as np

from ..config import EXIT_REASONS

LOW_VALUE, BOREDOM, NOISE, SILENCED = (EXIT_REASONS.index(r) for r in ("low_value", "boredom", "noise", "silenced"))


@functools.lru_cache(maxsize=8)
def _table(scale_days: float, exponent: float, length: int) -> np.ndarray:
    return (1.0 + np.arange(length) / scale_days) ** (-exponent)


def seniority_table(scale_days: float, exponent: float, days: int) -> np.ndarray:
    """(1 + tenure / scale)^-exponent for tenure 0 .. days-1 (cached, grown in chunks of a year)."""
    return _table(scale_days, exponent, 365 * (days // 365 + 1))


def hazards(model) -> tuple[np.ndarray, np.ndarray]:
    """Per crowd member: (boredom hazard, dissatisfied hazard) for today."""
    day, people, cfg = model.day_state, model.people, model.config.rules.exit
    crowd = day.crowd
    mobility = model.by_tier(model.config.population.exit_mobility_by_tier)[crowd]
    bored = cfg.max_bored_exit_per_day * (1.0 - people.novelty[crowd]) ** cfg.exponent * mobility
    deficit = np.maximum(0.0, cfg.satisfaction_floor - people.satisfaction[crowd]) / cfg.satisfaction_floor
    tenure = day.index - people.joined_day[crowd]
    seniority = seniority_table(cfg.tenure_scale_days, cfg.tenure_exponent, day.index + 1)[tenure]
    dissatisfied = cfg.max_dissatisfied_exit_per_day * deficit ** cfg.exponent * seniority * mobility
    if day.exit_factor is not None:  # policies' effects (e.g. a paid deposit keeps members in)
        bored, dissatisfied = bored * day.exit_factor, dissatisfied * day.exit_factor
    return np.minimum(bored, 1.0), np.minimum(dissatisfied, 1.0)


def reasons(day, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
    """The dominant cause of dissatisfaction for crowd ``rows``: low value, noise or silenced."""
    shortfall, noise, silence = day.shortfall[rows], day.noise_cost[rows], day.silence_cost[rows]
    noise_wins = noise > shortfall
    top = np.where(noise_wins, noise, shortfall)
    reason = np.where(noise_wins, NOISE, LOW_VALUE).astype(np.int8)
    reason[silence > top] = SILENCED
    return reason


def leave(model) -> None:
    """Draw exits; record them by reason and tier."""
    day, people = model.day_state, model.people
    bored, dissatisfied = hazards(model)
    u = model.rng.random(len(day.crowd))
    leaving = (u < bored + dissatisfied).nonzero()[0]
    if len(leaving) == 0:
        return
    why = np.where(u[leaving] < bored[leaving], BOREDOM, reasons(day, leaving)).astype(np.int8)
    who = day.crowd[leaving]
    groups = people.group[who]
    day.count_exits(why, people.tier[who], groups)
    unhappy = why != BOREDOM
    np.add.at(day.unhappy_exits_by_tier, (people.tier[who[unhappy]], groups[unhappy]), 1)
    people.remove(who, day.index, why)
