"""Satisfaction: moves each day toward how today's value compares with the member's expectation.

    target = clip(0.5 + value_gain x (value - expectation), 0, 1)
    satisfaction += adapt_per_day x (target - satisfaction)
Expectations rise with potential tier (``population.expectation_by_tier``): high-potential members
expect more, so they sour first when quality falls, which is what makes evaporation possible (P8).
Newcomers welcomed by an organizer (on their first full day), and askers on each day a question of
theirs is answered, get a bonus
(Arguello, Kraut et al. CHI 2006: a reply raises a newcomer's return from about 44 % to 56 %).
Parameters: ``rules.satisfaction``.
"""

from __future__ import annotations

import numpy as np


def update(model) -> None:
    day, people, cfg = model.day_state, model.people, model.config.rules.satisfaction
    crowd = day.crowd
    s = people.satisfaction[crowd]
    target = (0.5 + cfg.value_gain * (day.value - model.expectation[crowd])).clip(0.0, 1.0)
    s = s + cfg.adapt_per_day * (target - s)
    newcomer = (people.joined_day[crowd] == day.index - 1).nonzero()[0]
    if len(newcomer):
        s[newcomer] += (cfg.welcome_bonus * day.welcome_share[day.group[newcomer]]).astype(np.float32)
    answered = day.answered.nonzero()[0]
    if len(answered):  # the bonus is added in float64, as to every member (the others add 0.0)
        s[answered] = s[answered] + np.float64(cfg.answer_bonus)
    people.satisfaction[crowd] = s.clip(0.0, 1.0)
