"""Novelty: boredom grows with tenure; new people and fresh content refresh it.

    novelty <- novelty x 0.5^(1 / half_life_days) + (1 - novelty) x refresh
    refresh  = refresh_per_newcomer_share x (yesterday's joins / members)
             + refresh_per_fresh_post x (KOL and organizer posts today)
Source: DOMAIN.md (boredom: "no regular activities; activity decays"; the novelty dividend is gone
after about two years, P3). Policies (sharing sessions, games, check-ins) add to the refresh (``Day.novelty_refresh``).
Parameters: ``rules.novelty``.
"""

from __future__ import annotations

import numpy as np


def update(model) -> None:
    day, people, groups, cfg = model.day_state, model.people, model.groups, model.config.rules.novelty
    crowd = day.crowd
    sizes = np.maximum(model.group_sizes, 1)
    refresh = (cfg.refresh_per_newcomer_share * groups.joins_yesterday / sizes
               + cfg.refresh_per_fresh_post * day.core_posts + day.novelty_refresh)
    refresh = refresh.clip(0.0, 1.0)
    n = people.novelty[crowd]
    keep = 0.5 ** (1.0 / cfg.half_life_days)
    people.novelty[crowd] = n * keep + (1.0 - n) * day.spread(refresh.astype(np.float32))
